import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud.ts';
import { axeViolations, browserAvailable, launchBrowser, SCREENSHOTS as SHOTS } from '../support/browser.ts';
import { startTestCloud } from '../support/cloud.ts';
import { Journey } from '../support/journey.ts';

/**
 * The customer portal and the depot console in a real browser (Debian's chromium, playwright-core),
 * against the local cloud. Screenshots of the main pages go to test-results/screenshots; `npm run
 * screenshots` writes them to docs/screenshots instead, which the README shows.
 */
const hasBrowser = browserAvailable();
/** The workflow and the page both move asynchronously: give each poll time. */
const POLL = { timeout: 15_000, interval: 100 };

let cloud: LocalCloud;
let browser: Browser;

async function signedIn(role: 'customer' | 'depot', width = 1100): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(cloud.urls.http);
  await page.getByRole('button', { name: `Sign in as ${role}` }).click();
  await expect.poll(() => page.locator('#session').textContent(), POLL).toContain(`${role} of acme`);
  return page;
}

describe.runIf(hasBrowser)('the web UI in Chromium', () => {
  beforeAll(async () => {
    cloud = await startTestCloud();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await cloud?.stop();
  });

  it('keeps every typed field through a validation error and a reload, prefills a known device, and opens the case (P9, P3)', async () => {
    const journey = new Journey(cloud);
    const known = await journey.open({
      customer: {
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        address: { street: ['12 Analytical Row'], postcode: 'NW1 6XE', city: 'London', country: 'GB' },
      },
      device: { serial: 'CAM-WEB-1', model: 'Cam 3', purchaseDate: '2026-03-01' },
      problem: { description: 'First case of this camera', category: 'hardware-fault' },
    });
    expect(known).toMatch(/^RMA-/);

    const page = await signedIn('customer');
    await page.getByRole('link', { name: 'Open a case' }).first().click();
    // Required fields are marked before anything is sent.
    expect(await page.getByLabel('Name').getAttribute('aria-required')).toBe('true');
    await page.getByLabel('Name').fill('Ada Lovelace');
    await page.getByLabel('Email').fill('ada@');
    await page.getByLabel('Describe it').fill('The camera stopped powering on after the update');
    await page.getByLabel('Serial number').fill('CAM-UNKNOWN');
    await page.getByRole('button', { name: 'Open my case' }).click();

    // Every error at once, next to its field; nothing typed is lost.
    await expect
      .poll(() => page.locator('#f--customer-email-error').textContent(), POLL)
      .toBe('This is not an email address.');
    for (const [id, text] of [
      ['#f--customer-address-street-0-error', 'This field is required.'],
      ['#f--customer-address-postcode-error', 'This field is required.'],
      ['#f--customer-address-city-error', 'This field is required.'],
      ['#f--customer-address-country-error', 'This field is required.'],
      ['#f--problem-category-error', 'This field is required.'],
      ['#f--device-model-error', 'This field is required'],
      ['#f--device-purchaseDate-error', 'This field is required'],
    ]) {
      expect(await page.locator(id as string).textContent(), id).toContain(text);
    }
    expect(await page.getByLabel('Email').inputValue()).toBe('ada@');
    expect(await page.getByLabel('Describe it').inputValue()).toBe(
      'The camera stopped powering on after the update',
    );
    await page.screenshot({ path: path.join(SHOTS, 'open-case-errors.png'), fullPage: true });

    // The draft survives a reload.
    await page.reload();
    expect(await page.getByLabel('Name').inputValue()).toBe('Ada Lovelace');
    expect(await page.getByLabel('Describe it').inputValue()).toBe(
      'The camera stopped powering on after the update',
    );

    // A known serial fills in what the brand already knows.
    await page.getByLabel('Serial number').fill('CAM-WEB-1');
    await page.getByLabel('Serial number').press('Tab');
    await expect.poll(() => page.getByLabel('Model').inputValue(), POLL).toBe('Cam 3');
    expect(await page.getByLabel('Purchase date').inputValue()).toBe('2026-03-01');
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'We know this device' }).count(), POLL)
      .toBe(1);

    await page.getByLabel('Email').fill('ada@example.com');
    // The address in parts: a postcode not of its country's shape is named beside it, the rest kept.
    await page.getByLabel('Street and house number').fill('12 Analytical Row');
    await page.getByLabel('Postcode').fill('NW1');
    await page.getByLabel('Town or city').fill('London');
    await page.getByLabel('Country').selectOption('GB');
    await page.getByLabel('Kind of problem').selectOption('does-not-power-on');
    await page.getByRole('button', { name: 'Open my case' }).click();
    await expect
      .poll(() => page.locator('#f--customer-address-postcode-error').textContent(), POLL)
      .toBe('Postcodes in United Kingdom look like SW1A 1AA.');
    expect(await page.getByLabel('Postcode').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Street and house number').inputValue()).toBe('12 Analytical Row');
    expect(await page.getByLabel('Country').inputValue()).toBe('GB');
    expect(await axeViolations(page), 'the open-case form with an address error').toEqual([]);
    await page.getByLabel('Postcode').fill('NW1 6XE');
    await page.getByRole('button', { name: 'Open my case' }).click();
    await page.waitForURL(/#\/cases\/RMA-/);
    expect(
      await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('fairfix:draft'))),
    ).toHaveLength(0);
  });

  it('lets the customer download the prepaid label, the depot record a diagnosis and a failed repair, and the customer see both', async () => {
    const customer = await signedIn('customer');
    const journey = new Journey(cloud);
    const caseId = await journey.open({
      customer: {
        name: 'Grace Hopper',
        email: 'grace@example.com',
        address: {
          street: ['1 Harbor Way'],
          postcode: '22201',
          city: 'Arlington',
          region: 'VA',
          country: 'US',
        },
      },
      device: { serial: 'BOOK-WEB-2', model: 'Book 14', purchaseDate: '2026-05-01' },
      problem: { description: 'Keyboard dead after a week', category: 'hardware-fault' },
    });
    await customer.goto(`${cloud.urls.http}/#/cases/${caseId}`);
    const button = customer.getByRole('button', { name: 'Download the prepaid label' });
    await expect.poll(() => button.count(), POLL).toBe(1);
    const [download] = await Promise.all([customer.waitForEvent('download'), button.click()]);
    const file = await download.path();
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
    expect(download.suggestedFilename()).toMatch(/^label-FFX\d{12}\.pdf$/);

    const depot = await signedIn('depot');
    await depot.getByRole('link', { name: 'Depot console' }).first().click();
    await depot.getByRole('link', { name: caseId }).click();
    // The customer's other cases are beside this one (P3).
    await expect
      .poll(() => depot.getByRole('heading', { name: 'Grace Hopper’s other cases' }).count(), POLL)
      .toBe(1);
    await depot.getByRole('button', { name: 'Record receipt of the device' }).click();
    // Applied, or kept for the wait that begins a moment after the label is issued: either way, once.
    await expect
      .poll(
        () =>
          depot
            .getByRole('status')
            .filter({ hasText: /Recorded \((applied|kept)\)/ })
            .count(),
        POLL,
      )
      .toBe(1);
    await journey.waitsFor(caseId, 'Wait for depot diagnosis');

    // The depot's form validates like the API, because it is the API: an empty fault code is named.
    await depot.getByRole('button', { name: 'Record diagnosis' }).click();
    await expect
      .poll(() => depot.locator('#f-diagnosis--faultCode-error').textContent(), POLL)
      .toBe('This field is required.');
    await depot.locator('#f-diagnosis--faultCode').fill('KBD-07');
    await depot.getByLabel('Cause').selectOption('manufacturing-defect');
    await depot.getByRole('button', { name: 'Record diagnosis' }).click();
    await journey.waitsFor(caseId, 'Wait for repair attempt');
    await depot.reload();
    await depot.getByLabel('Result').selectOption('not-fixed');
    await depot.locator('#f-repair--faultCode').fill('KBD-07');
    await depot.getByLabel('Parts used').fill('keyboard, ribbon cable');
    await depot.getByRole('button', { name: 'Record repair attempt' }).click();
    await expect.poll(async () => (await journey.get(caseId)).repairAttempts.length, POLL).toBe(1);
    await depot.screenshot({ path: path.join(SHOTS, 'depot-case.png'), fullPage: true });

    await customer.reload();
    const timeline = customer.locator('ol.timeline');
    await expect.poll(() => timeline.locator('[data-type="diagnosed"]').count(), POLL).toBe(1);
    expect(await timeline.locator('[data-type="repair-attempted"]').textContent()).toContain(
      'Repair attempt failed (1 of 3',
    );
    expect(await customer.locator('main').textContent()).not.toMatch(/null|undefined/);

    // No dead ends: the customer escalates and is told who owns the case now (P7).
    await customer.getByLabel('What went wrong?').fill('Two weeks and still no working keyboard');
    await customer.getByRole('button', { name: 'Escalate my case' }).click();
    await expect
      .poll(
        () => customer.getByRole('status').filter({ hasText: 'now owned by Service supervisor' }).count(),
        POLL,
      )
      .toBe(1);
    await customer.screenshot({ path: path.join(SHOTS, 'case-timeline.png'), fullPage: true });

    await depot.getByRole('link', { name: 'Depot console' }).first().click();
    await expect.poll(() => depot.locator(`tr[data-case="${caseId}"]`).count(), POLL).toBe(1);
    await depot.screenshot({ path: path.join(SHOTS, 'depot-queue.png'), fullPage: true });
  });

  it('shows a denial with its published reason, and asks after closing whether needs were met (P8, P10)', async () => {
    const journey = new Journey(cloud);
    const caseId = await journey.open({
      customer: {
        name: 'Alan Turing',
        email: 'alan@example.com',
        address: { street: ['2 Bletchley Park'], postcode: 'MK3 6EB', city: 'Milton Keynes', country: 'GB' },
      },
      device: { serial: 'CAM-WEB-3', model: 'Cam 3', purchaseDate: '2024-01-10' },
      problem: { description: 'Not what the shop promised me', category: 'other' },
      service: 'return',
      returnReason: 'mis-sold',
    });
    await journey.closed(caseId);
    const customer = await signedIn('customer');
    await customer.goto(`${cloud.urls.http}/#/cases/${caseId}`);
    const decision = customer.locator('[data-status="live"]');
    await expect.poll(() => decision.textContent(), POLL).toContain('RETURN-WINDOW-PASSED');
    expect(await decision.textContent()).toContain('What you can do: Open a repair case');

    await customer.getByLabel('Anything to tell us?').fill('I was told the return window was 60 days');
    await customer.getByRole('button', { name: 'No, they were not' }).click();
    await expect
      .poll(() => customer.locator('main').textContent(), POLL)
      .toMatch(/Follow-up: Dana Reyes \(Customer care lead, care-lead@acme\.example\) contacts you by/);
    expect((await journey.get(caseId)).survey).toMatchObject({ answered: true, met: false });
    await customer.screenshot({ path: path.join(SHOTS, 'case-survey.png'), fullPage: true });
  });

  it('lets the customer book a home visit, see their technician, and choose what happens to their data (P5, P6)', async () => {
    const journey = new Journey(cloud);
    const caseId = await journey.open({
      customer: {
        name: 'Hedy Lamarr',
        email: 'hedy@example.com',
        address: { street: ['5 Frequency Lane'], postcode: '1010', city: 'Vienna', country: 'AT' },
      },
      device: { serial: 'TV-WEB-4', model: 'Vision 55', purchaseDate: '2026-06-01' },
      problem: { description: 'Picture goes dark after ten minutes', category: 'hardware-fault' },
      preferredService: 'on-site',
    });
    await journey.waitsFor(caseId, 'Wait for visit booking');
    const customer = await signedIn('customer');
    await customer.goto(`${cloud.urls.http}/#/cases/${caseId}`);
    await customer.getByText('Choose a window for the visit:').waitFor();
    await customer.locator('section', { hasText: 'Technician visits' }).getByRole('button').first().click();
    await expect
      .poll(() => customer.locator('[data-visit="visit-1"]').textContent(), POLL)
      .toContain('Inès Dubois (+32 470 11 22 33)');
    expect((await journey.get(caseId)).waitingFor?.step).toBe('Wait for visit');

    await customer.getByLabel('Parts holding my data').selectOption('destroy');
    await customer.getByRole('button', { name: 'Save my choice' }).click();
    await expect.poll(async () => (await journey.get(caseId)).custodyChoice?.data, POLL).toBe('destroy');
    await customer.screenshot({ path: path.join(SHOTS, 'case-visit.png'), fullPage: true });
  });

  it('asks for the address when the case needs one, and goes on once it is given (issue 12, journey 7)', async () => {
    // A customer with nothing on file opens a home visit without an address.
    const subject = `newcomer-${Date.now().toString(36)}`;
    const journey = new Journey(cloud, 'acme', subject);
    const caseId = await journey.open({
      customer: { name: 'Rosalind Franklin', email: 'rosalind@example.com' },
      device: { serial: 'TV-WEB-5', model: 'Vision 55', purchaseDate: '2026-06-01' },
      problem: { description: 'No sound from the speakers at all', category: 'hardware-fault' },
      preferredService: 'on-site',
    });
    await journey.waitsFor(caseId, 'Wait for the customer’s address');
    const page = await signedIn('customer');
    const token = cloud.tokens.issue({ tenant: 'acme', role: 'customer', sub: subject });
    await page.evaluate(
      (value) => sessionStorage.setItem('fairfix:session', value),
      JSON.stringify({ tenant: 'acme', role: 'customer', token }),
    );
    await page.goto(`${cloud.urls.http}/#/cases/${caseId}`);
    const panel = page.locator('[data-panel="address"]');
    await panel.getByLabel('Street and house number').fill('3 Helix Road');
    await panel.getByLabel('Postcode').fill('10115');
    await panel.getByLabel('Town or city').fill('Berlin');
    await panel.getByLabel('Country').selectOption('NL');
    await panel.getByLabel('Phone for the carrier').fill('+49 30 1234567');
    await page.getByRole('button', { name: 'Send my address' }).click();
    // Wrong for the country chosen: said beside the postcode, in words; nothing typed is lost.
    await expect
      .poll(() => page.locator('#f-address--address-postcode-error').textContent(), POLL)
      .toBe('Postcodes in Netherlands look like 1011 AB.');
    expect(await panel.getByLabel('Postcode').getAttribute('aria-invalid')).toBe('true');
    expect(await panel.getByLabel('Town or city').inputValue()).toBe('Berlin');
    expect(await axeViolations(page), 'the address panel with an error').toEqual([]);
    await panel.getByLabel('Country').selectOption('DE');
    await page.getByRole('button', { name: 'Send my address' }).click();
    await journey.waitsFor(caseId, 'Wait for visit booking');
    expect((await journey.get(caseId)).customer.address).toEqual({
      street: ['3 Helix Road'],
      postcode: '10115',
      city: 'Berlin',
      country: 'DE',
      phone: '+49 30 1234567',
    });
  });

  it('works with the keyboard alone and labels every control, also on a phone-sized screen', async () => {
    const page = await signedIn('customer', 390);
    await page.goto(`${cloud.urls.http}/#/open`);
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea')]
        .filter((el) => !(el as HTMLInputElement).labels?.length)
        .map((el) => el.id),
    );
    expect(unlabelled).toEqual([]);
    // Tab from the top reaches the first form field without a mouse.
    await page.keyboard.press('Tab');
    for (
      let i = 0;
      i < 12 && (await page.evaluate(() => document.activeElement?.id)) !== 'f--customer-name';
      i++
    ) {
      await page.keyboard.press('Tab');
    }
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f--customer-name');
    await page.keyboard.type('Ada');
    expect(await page.getByLabel('Name').inputValue()).toBe('Ada');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(SHOTS, 'open-case-phone.png'), fullPage: true });
  });
});
