import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud.ts';
import { nextId, opening } from '../support/api.ts';
import { axeViolations, browserAvailable, launchBrowser, SCREENSHOTS } from '../support/browser.ts';
import { startTestCloud } from '../support/cloud.ts';
import { Journey } from '../support/journey.ts';

/**
 * Every role at home in the web app (issue 16): each role's main journey in Chromium against the local
 * cloud, with axe-core run on every page visited, at a phone's and a desktop's width.
 */
const hasBrowser = browserAvailable();
const POLL = { timeout: 20_000, interval: 150 };

let cloud: LocalCloud;
let browser: Browser;

/** A page signed in as one person of acme: the development token the local cloud signs, for `sub`. */
async function signedInAs(role: string, sub: string, options: { locale?: string } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, ...options });
  const page = await context.newPage();
  await page.goto(cloud.urls.http);
  const token = cloud.tokens.issue({ tenant: 'acme', role, sub });
  await page.evaluate(
    (value) => sessionStorage.setItem('fairfix:session', value),
    JSON.stringify({ tenant: 'acme', role, token, sub }),
  );
  await page.reload();
  return page;
}

/** Goes to a page of the app and checks it with axe-core at both widths. */
async function visit(page: Page, hash: string, ready: () => Promise<unknown>) {
  await page.goto(`${cloud.urls.http}/${hash}`);
  await ready();
  expect(await axeViolations(page), hash).toEqual([]);
}

describe.runIf(hasBrowser)('every role in Chromium (issue 16)', () => {
  beforeAll(async () => {
    cloud = await startTestCloud();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await cloud?.stop();
  });

  it('customer: lists their cases newest first in pages, and follows one that updates by itself without losing what they typed', async () => {
    const subject = nextId('mary');
    const journey = new Journey(cloud, 'acme', subject);
    const customer = {
      name: 'Mary Somerville',
      email: `${subject}@example.com`.toLowerCase(),
      address: { street: ['4 Orbit Road'], postcode: 'TD8 6AA', city: 'Jedburgh', country: 'GB' },
    };
    const opened: string[] = [];
    for (let i = 0; i < 6; i++) opened.push(await journey.open({ ...opening(), customer }));

    const page = await signedInAs('customer', subject);
    await visit(page, '#/mine', () => page.locator('li[data-case]').first().waitFor());
    const listed = () =>
      page
        .locator('li[data-case]')
        .evaluateAll((items) => items.map((item) => item.getAttribute('data-case')));
    // Newest first, five to a page; statuses in words, not the API's enums.
    expect(await listed()).toEqual([...opened].reverse().slice(0, 5));
    const status = await page.locator('li[data-case] .badge').first().textContent();
    expect(status).not.toMatch(/^[a-z]+(-[a-z]+)+$/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'my-cases.png'), fullPage: true });
    await page.getByRole('link', { name: 'Older cases' }).click();
    await expect.poll(listed, POLL).toEqual([opened[0]]);
    expect(await axeViolations(page)).toEqual([]);

    // The case page: the notices sent, the timeline in words.
    const caseId = opened[5] as string;
    await journey.waitsFor(caseId, 'Wait for device at depot');
    await visit(page, `#/cases/${caseId}`, () => page.locator('ol.timeline li').first().waitFor());
    await expect.poll(() => page.locator('ul.notices li').count(), POLL).toBeGreaterThan(0);
    expect(await page.locator('[data-type="case-opened"]').textContent()).toContain('Case opened');
    const badge = page.locator('.badge[data-status]').first();
    expect(await badge.textContent()).toBe('On its way to us');

    // It updates by itself (conditional GET), keeping what was typed and an error not yet fixed.
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    await page.getByLabel('What went wrong?').fill('short');
    await page.getByRole('button', { name: 'Escalate my case' }).click();
    const error = page.locator('#f-escalate--reason-error');
    await expect.poll(() => error.textContent(), POLL).not.toBe('');
    await page.getByLabel('What went wrong?').fill('Still no word after two weeks');
    expect((await journey.depotEvent(caseId, { type: 'received' })).status).toBe(202);
    await expect.poll(() => badge.textContent(), POLL).toBe('With us, being checked');
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );
    expect(await page.getByLabel('What went wrong?').inputValue()).toBe('Still no word after two weeks');
    expect(await error.textContent()).not.toBe('');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'case-live.png'), fullPage: true });
  });

  it('depot: offers only what the case takes now, and keeps typed input and an error through the page’s own updates', async () => {
    const journey = new Journey(cloud);
    const caseId = await journey.open(opening());
    await journey.waitsFor(caseId, 'Wait for device at depot');
    const page = await signedInAs('depot', 'depot@acme.example');
    await visit(page, '#/depot', () => page.getByLabel('Search').waitFor());
    // The queue is searched by case, customer, serial or model; each row says whose device it is.
    await page.getByLabel('Search').fill(caseId);
    const row = page.locator(`tr[data-case="${caseId}"]`);
    await row.waitFor();
    expect(await page.locator('tbody tr').count()).toBe(1);
    expect(await row.textContent()).toContain('Ada Lovelace');
    await visit(page, `#/depot/cases/${caseId}`, () =>
      page.getByRole('button', { name: 'Record receipt of the device' }).waitFor(),
    );
    // Waiting for the device: receipt is offered; a diagnosis is not, until the device is there.
    expect(await page.getByRole('button', { name: 'Record diagnosis' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Record repair attempt' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Record receipt of the device' }).click();
    await page.getByRole('button', { name: 'Record diagnosis' }).waitFor();
    expect(await page.getByRole('button', { name: 'Record receipt of the device' }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);

    // A bad diagnosis: the error and what was typed stay while the case changes underneath.
    await page.getByLabel('Estimate: what').fill('New keyboard');
    await page.getByRole('button', { name: 'Record diagnosis' }).click();
    const error = page.locator('#f-diagnosis--faultCode-error');
    await expect.poll(() => error.textContent(), POLL).toBe('This field is required.');
    const escalated = await journey.customer.post(`/cases/${caseId}/escalations`, {
      escalationId: nextId('esc'),
      reason: 'The depot has had it for days',
    });
    expect(escalated.status).toBe(201);
    await expect
      .poll(() => page.locator('main').textContent(), POLL)
      .toContain('Owned by: Service supervisor');
    expect(await error.textContent()).toBe('This field is required.');
    expect(await page.getByLabel('Estimate: what').inputValue()).toBe('New keyboard');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'depot-kept-error.png'), fullPage: true });

    // Fixed: recorded, and the next action is offered.
    await page.getByLabel('Estimate: what').fill('');
    await page.locator('#f-diagnosis--faultCode').fill('KBD-07');
    await page.getByRole('button', { name: 'Record diagnosis' }).click();
    await page.getByRole('button', { name: 'Record repair attempt' }).waitFor({ timeout: POLL.timeout });
    expect(await page.getByRole('button', { name: 'Record diagnosis' }).count()).toBe(0);
  });

  it('technician: sees today’s and upcoming visits with address and window, and reports one to the customer’s sign-off', async () => {
    const journey = new Journey(cloud);
    const caseId = await journey.open(opening({ model: 'Vision 55', preferredService: 'on-site' }));
    const offered = await journey.waitsFor(caseId, 'Wait for visit booking');
    const booking = await journey.customer.post(`/cases/${caseId}/visits`, {
      bookingId: nextId('book'),
      windowId: offered.visitOffer?.windows[0]?.windowId,
    });
    expect(booking.status).toBe(202);
    const booked = await journey.waitsFor(caseId, 'Wait for visit');
    const technician = booked.visits[0]?.technician.id as string;

    const page = await signedInAs('technician', technician);
    const item = page.locator(`li[data-visit="${caseId}/visit-1"]`);
    await visit(page, '#/visits', () => item.waitFor());
    expect(await item.textContent()).toContain('12 Analytical Row, NW1 6XE London, United Kingdom');
    expect(await page.getByRole('heading', { name: 'Today' }).count()).toBe(1);
    expect(await page.getByRole('heading', { name: 'Upcoming' }).count()).toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'technician-visits.png'), fullPage: true });
    await item.getByRole('link').click();
    await page.getByRole('button', { name: 'I have arrived' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'I have arrived' }).click();
    await page.getByRole('button', { name: 'Record the outcome' }).waitFor();
    await page.getByLabel('Parts used').fill('T-CON board');
    await page.getByRole('button', { name: 'Record the parts used' }).click();
    await expect
      .poll(async () => (await journey.get(caseId)).visits[0]?.partsUsed, POLL)
      .toEqual(['T-CON board']);
    // Every error at once, next to its field; then the outcome and the customer's sign-off.
    await page.getByRole('button', { name: 'Record the outcome' }).click();
    await expect.poll(() => page.locator('#f-outcome--faultCode-error').textContent(), POLL).not.toBe('');
    await page.locator('#f-outcome--faultCode').fill('TV-PWR');
    await page.getByRole('button', { name: 'Record the outcome' }).click();
    await page.getByRole('button', { name: 'Sign off the visit' }).waitFor({ timeout: POLL.timeout });
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'technician-sign-off.png'), fullPage: true });
    await page.getByRole('button', { name: 'Sign off the visit' }).click();
    await expect.poll(async () => (await journey.get(caseId)).visits[0]?.status, POLL).toBe('completed');
  });

  it('agent: sees an owner’s queue with due times, and opens a case from it', async () => {
    const journey = new Journey(cloud);
    const caseId = await journey.open(opening());
    await journey.waitsFor(caseId, 'Wait for device at depot');
    const escalated = await journey.customer.post(`/cases/${caseId}/escalations`, {
      escalationId: nextId('esc'),
      reason: 'Nobody answers my emails',
    });
    expect(escalated.status).toBe(201);

    const page = await signedInAs('agent', 'agent@acme.example');
    const row = page.locator(`tr[data-case="${caseId}"]`);
    await visit(page, '#/owner', () => row.waitFor());
    expect(await row.getAttribute('data-work')).toBe('escalation');
    expect(await row.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await row.textContent()).toContain('Escalated: respond');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'owner-queue.png'), fullPage: true });
    await page.getByLabel('Whose work').fill('dana-reyes');
    await page.getByRole('button', { name: 'Show the queue' }).click();
    await expect.poll(() => page.locator('h1').textContent(), POLL).toContain('dana-reyes');
    expect(await axeViolations(page)).toEqual([]);
    await page.goBack();
    await row.getByRole('link').click();
    await page.getByRole('heading', { name: `Case ${caseId}` }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });

  it('agent: decides how a case handed to a person goes on, on the case page', async () => {
    const journey = new Journey(cloud);
    const caseId = await journey.open(opening());
    const waiting = await journey.waitsFor(caseId, 'Wait for device at depot');
    const lost = await journey.carrier.post('/carrier/events', {
      eventId: nextId('carrier'),
      trackingNumber: journey.tracking(waiting, 'to-depot'),
      status: 'exception',
      problem: 'lost',
      occurredAt: new Date(cloud.clock.now()).toISOString(),
    });
    expect(lost.body).toMatchObject({ outcome: 'applied' });
    await journey.waitsFor(caseId, 'Wait for a person’s decision');

    const page = await signedInAs('agent', 'agent@acme.example');
    await visit(page, `#/depot/cases/${caseId}`, () =>
      page.getByRole('heading', { name: 'Decide how the case goes on' }).waitFor(),
    );
    // The depot's receipt is not offered while a person decides.
    expect(await page.getByRole('button', { name: 'Record receipt of the device' }).count()).toBe(0);
    await page.getByLabel('Decision').selectOption('resume');
    await page.getByLabel('Note for the record').fill('Please send it with the new label.');
    await page.getByRole('button', { name: 'Record the decision' }).click();
    await journey.waitsFor(caseId, 'Wait for device at depot');
    await page
      .getByRole('button', { name: 'Record receipt of the device' })
      .waitFor({ timeout: POLL.timeout });
    expect(await page.getByRole('heading', { name: 'Decide how the case goes on' }).count()).toBe(0);
  });

  it('agent: closes the follow-up a customer’s “needs not met” opened', async () => {
    const journey = new Journey(cloud);
    const caseId = await journey.open({
      ...opening({ purchaseDate: '2024-01-10' }),
      service: 'return',
      returnReason: 'mis-sold',
    });
    await journey.closed(caseId);
    expect(
      (await journey.survey(caseId, false, 'Nobody told me about the return window')).status,
    ).toBeLessThan(300);
    await journey.waitsFor(caseId, 'Wait for the follow-up');

    const page = await signedInAs('agent', 'agent@acme.example');
    await visit(page, `#/depot/cases/${caseId}`, () =>
      page.getByRole('heading', { name: 'Close the follow-up' }).waitFor(),
    );
    await page
      .getByLabel('What was agreed with the customer')
      .fill('Called them; refund agreed as a goodwill gesture');
    await page.getByRole('button', { name: 'Close the follow-up' }).click();
    await expect.poll(async () => (await journey.get(caseId)).followUp?.status, POLL).toBe('done');
    await expect.poll(() => page.getByRole('heading', { name: 'Close the follow-up' }).count(), POLL).toBe(0);
  });

  it('reviewer: draws a sample stratified by outcome, reads a case without changing it, and exports a period', async () => {
    const journey = new Journey(cloud);
    const caseId = await journey.open(opening());
    const kase = await journey.waitsFor(caseId, 'Wait for device at depot');
    const day = kase.openedAt.slice(0, 10);

    const context = await browser.newContext({
      viewport: { width: 1100, height: 900 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    await page.goto(cloud.urls.http);
    await page.evaluate(
      (value) => sessionStorage.setItem('fairfix:session', value),
      JSON.stringify({
        tenant: 'acme',
        role: 'reviewer',
        token: cloud.tokens.issue({ tenant: 'acme', role: 'reviewer', sub: 'reviewer@acme.example' }),
      }),
    );
    await page.reload();
    await visit(page, '#/review', () => page.locator('tbody tr').first().waitFor());
    expect(await page.locator('main').textContent()).toContain('Cases per outcome in this sample:');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'review.png'), fullPage: true });

    await visit(page, `#/review/cases/${caseId}`, () =>
      page.getByRole('heading', { name: `Case ${caseId}` }).waitFor(),
    );
    expect(await page.getByText('Read-only').count()).toBe(1);
    // Nothing to press that would change the case: no customer's answers, no depot's or agent's actions.
    for (const name of ['Escalate my case', 'Save my choice', 'Record receipt of the device'])
      expect(await page.getByRole('button', { name }).count(), name).toBe(0);

    await page.goto(`${cloud.urls.http}/#/review`);
    await page.getByLabel('From').fill(day);
    await page.getByLabel('To').fill(day);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export (NDJSON)' }).click(),
    ]);
    const lines = readFileSync((await download.path()) as string, 'utf8')
      .split('\n')
      .filter(Boolean);
    expect(lines.map((line) => (JSON.parse(line) as { case: { caseId: string } }).case.caseId)).toContain(
      caseId,
    );
  });

  it('speaks German to a German browser: navigation, statuses and dates', async () => {
    const subject = nextId('de');
    const journey = new Journey(cloud, 'acme', subject);
    const caseId = await journey.open(opening());
    const page = await signedInAs('customer', subject, { locale: 'de-DE' });
    await visit(page, '#/mine', () => page.locator(`li[data-case="${caseId}"]`).waitFor());
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Meine Fälle');
    expect(await page.locator(`li[data-case="${caseId}"]`).textContent()).toContain('Eröffnet am');
    await journey.waitsFor(caseId, 'Wait for device at depot');
    await visit(page, `#/cases/${caseId}`, () => page.getByRole('heading', { name: 'Verlauf' }).waitFor());
    expect(await page.locator('.badge[data-status]').first().textContent()).toBe('Unterwegs zu uns');
    expect(await page.getByRole('button', { name: 'Meinen Fall eskalieren' }).count()).toBe(1);
    // A date as a German reader writes it: day, month name, year.
    expect(await page.locator('ol.timeline time').first().textContent()).toMatch(
      /^\d{1,2}\.\d{2}\.\d{4}|^\d{1,2}\. \w+/,
    );
  });

  it('shows each role the navigation to its own pages only, and says who is signed in in the reader’s language', async () => {
    const links = async (page: Page) =>
      page.locator('nav a:visible').evaluateAll((found) => found.map((a) => a.getAttribute('href')));
    const everyone = ['#/open', '#/mine', '#/find', '#/mailbox'];
    const expected: Record<string, string[]> = {
      customer: [],
      depot: ['#/depot'],
      technician: ['#/visits'],
      agent: ['#/depot', '#/visits', '#/owner', '#/review', '#/known-issues', '#/campaigns'],
      reviewer: ['#/review'],
      admin: ['#/known-issues', '#/campaigns', '#/settings', '#/webhooks'],
    };
    for (const [role, own] of Object.entries(expected)) {
      const page = await signedInAs(role, nextId(role));
      await page.locator('#session button').waitFor();
      expect((await links(page)).sort(), role).toEqual([...everyone, ...own].sort());
      await page.context().close();
    }
    const german = await signedInAs('depot', nextId('depot'), { locale: 'de-DE' });
    await expect
      .poll(() => german.locator('#session').textContent(), POLL)
      .toBe('Angemeldet: depot bei acme Abmelden');
  });

  it('every other page passes axe-core at both widths: home, sign-in, opening a case with its errors, follow, settings, mailbox', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const anonymous = await context.newPage();
    await visit(anonymous, '#/', () =>
      anonymous.getByRole('button', { name: 'Sign in as customer' }).waitFor(),
    );
    await visit(anonymous, '#/visits', () => anonymous.getByLabel('Your staff id (optional)').waitFor());

    const customer = await signedInAs('customer', nextId('axe'));
    await visit(customer, '#/open', () => customer.getByLabel('Name').waitFor());
    await customer.getByRole('button', { name: 'Open my case' }).click();
    await customer.locator('#f--customer-name-error').filter({ hasText: /./ }).waitFor();
    expect(await axeViolations(customer)).toEqual([]);
    await visit(customer, '#/find', () => customer.getByLabel('Case number').waitFor());
    await visit(customer, '#/mine', () => customer.getByText('You have no cases yet.').waitFor());

    const admin = await signedInAs('admin', 'admin@acme.example');
    await visit(admin, '#/settings', () => admin.locator('#policy-json').waitFor());
    await visit(admin, '#/mailbox', () => admin.locator('h1').waitFor());

    // Signing out forgets the token: it was only in this tab's session storage, never in localStorage.
    expect(await admin.evaluate(() => Object.keys(localStorage).some((key) => key.includes('session')))).toBe(
      false,
    );
    await admin.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => admin.locator('#session').textContent(), POLL).toBe('Not signed in');
    expect(await admin.evaluate(() => sessionStorage.getItem('fairfix:session'))).toBeNull();
    await admin.getByRole('button', { name: 'Sign in as customer' }).waitFor();
  });

  it('the accessibility check finds a violation when there is one', async () => {
    const page = await signedInAs('customer', 'customer@acme.example');
    await page.goto(`${cloud.urls.http}/#/mine`);
    await page.locator('h1').waitFor();
    await page.evaluate(() => document.querySelector('main')?.append(document.createElement('input')));
    expect((await axeViolations(page)).join('\n')).toContain('label');
  });
});
