import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud.ts';
import { ApiClient, nextId, opening } from '../support/api.ts';
import { axeViolations, browserAvailable, launchBrowser } from '../support/browser.ts';
import { startTestCloud } from '../support/cloud.ts';
import { Journey } from '../support/journey.ts';

/**
 * Issue 17's campaign page in Chromium: an admin starts a recall from the known-issues page, every field
 * error shown at once; the campaign's page lists the devices it reached and where each stands, and
 * saves them as CSV; an agent reads it but starts none. axe-core checks every page at both widths.
 */
const hasBrowser = browserAvailable();
const POLL = { timeout: 20_000, interval: 150 };

let cloud: LocalCloud;
let browser: Browser;

/** A page signed in as one person of acme: the development token the local cloud signs. */
async function signedInAs(role: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  await page.goto(cloud.urls.http);
  const token = cloud.tokens.issue({ tenant: 'acme', role, sub: `${role}@acme.example` });
  await page.evaluate(
    (value) => sessionStorage.setItem('fairfix:session', value),
    JSON.stringify({ tenant: 'acme', role, token, sub: `${role}@acme.example` }),
  );
  await page.reload();
  return page;
}

describe.runIf(hasBrowser)('a service campaign in Chromium (issue 17)', () => {
  beforeAll(async () => {
    cloud = await startTestCloud();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await cloud?.stop();
  });

  it('an admin starts one from the known-issues page; its page shows each device and exports them as CSV', async () => {
    // Two devices on file in a serial range of their own, so that no other test's device falls in it.
    const range = nextId('SN-RECALL');
    const serials = [`${range}-1`, `${range}-2`];
    const journey = new Journey(cloud);
    const cases: string[] = [];
    for (const serial of serials) cases.push(await journey.open(opening({ serial })));
    for (const caseId of cases) await journey.waitsFor(caseId, 'Wait for device at depot');

    const page = await signedInAs('admin');
    await page.goto(`${cloud.urls.http}/#/known-issues`);
    const form = page.locator('section[aria-labelledby="campaign-create"]');
    await form.waitFor();
    expect(await axeViolations(page), '#/known-issues').toEqual([]);

    // Without a model or firmwares and with half a serial range: every error at once, each by its field.
    const campaignId = nextId('recall');
    await form.getByLabel('Campaign id').fill(campaignId);
    await form.getByLabel('First serial (optional)').fill(`${range}-0`);
    await form.getByRole('button', { name: 'Start the campaign and tell the owners' }).click();
    await expect.poll(() => form.locator('[aria-invalid="true"]').count(), POLL).toBe(3);
    expect(await form.locator('#f-campaign--model-error').textContent()).toBe('This field is required.');
    expect(await form.locator('#f-campaign--firmwares-error').textContent()).toBe(
      'Give at least one firmware version.',
    );
    expect(await form.locator('#f-campaign--serialTo-error').textContent()).toContain('both ends');
    expect(await axeViolations(page), 'the form with its errors').toEqual([]);

    await form.getByLabel('Model').fill('Cam 3');
    await form.getByLabel('Firmware versions').fill('3.1.0');
    await form.getByLabel('Last serial (optional)').fill(`${range}-9`);
    await form.getByRole('button', { name: 'Start the campaign and tell the owners' }).click();
    await page.waitForURL(`**/#/campaigns/${campaignId}`);
    await page.locator('tr[data-serial]').first().waitFor();
    expect(await axeViolations(page), '#/campaigns').toEqual([]);
    expect(await page.locator('tr[data-serial]').count()).toBe(2);
    for (const [i, serial] of serials.entries()) {
      const row = page.locator(`tr[data-serial="${serial}"]`);
      // Their cases were open: the fix runs on the same case, linked in both columns.
      expect(await row.locator('td').nth(3).locator('a').getAttribute('href')).toBe(`#/cases/${cases[i]}`);
      expect(await row.locator('td').nth(4).locator('a').getAttribute('href')).toBe(`#/cases/${cases[i]}`);
      expect(await row.locator('td').nth(2).textContent()).toBe('3.1.0');
    }
    expect(await page.locator('[data-progress="targeted"]').textContent()).toBe('2');
    expect(await page.locator('blockquote').textContent()).toBe(
      'Your Cam 3 (serial …) is affected by a known issue with Cam 3 on firmware 3.1.0. We fix it at no charge and opened this repair case for it, so there is nothing for you to fill in: we send you a prepaid shipping label for it in our next message.',
    );
    // The notices go out on their own: the page, read again, counts both owners told.
    await expect
      .poll(async () => {
        await page.reload();
        await page.locator('[data-progress="told"]').waitFor();
        return page.locator('[data-progress="told"]').textContent();
      }, POLL)
      .toBe('2');
    expect(await page.locator('tr[data-state="told"]').count()).toBe(2);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download as CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`campaign-${campaignId}.csv`);
    const csv = await readFile((await download.path()) ?? '', 'utf8');
    expect(csv.split('\r\n').filter(Boolean).sort()).toEqual(
      [
        'serial,model,firmware,earlier case,state',
        ...serials.map((serial, i) => `${serial},Cam 3,3.1.0,${cases[i]},told`),
      ].sort(),
    );
  });

  it('the owner finds the repair case the campaign opened for them, with nothing to fill in', async () => {
    const serial = nextId('SN-OWNER');
    const journey = new Journey(cloud);
    // A return refused long after its window: the device's only case is closed.
    const earlier = await journey.open({
      ...opening({ serial, purchaseDate: '2023-01-01' }),
      service: 'return',
      returnReason: 'unfit',
    });
    await journey.until(earlier, 'closed', (kase) => kase.status === 'closed');
    const admin = ApiClient.as(cloud, 'acme', 'admin');
    const created = await admin.post('/campaigns', {
      campaignId: nextId('owner-recall'),
      model: 'Cam 3',
      firmwares: ['3.1.0'],
      serialFrom: serial,
      serialTo: serial,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const [reached] = created.body.devices as { repairCaseId: string }[];
    const repairCaseId = reached?.repairCaseId as string;
    expect(repairCaseId).not.toBe(earlier);

    const page = await signedInAs('customer');
    await page.goto(`${cloud.urls.http}/#/mine`);
    const link = page.locator(`a[href="#/cases/${repairCaseId}"]`);
    await expect.poll(() => link.count(), POLL).toBe(1);
    expect(await axeViolations(page), '#/mine with the campaign case').toEqual([]);
    await link.click();
    await page.waitForURL(`**/#/cases/${repairCaseId}`);
    await expect
      .poll(() => page.locator('ul.notices').textContent(), POLL)
      .toContain('so there is nothing for you to fill in');
    expect(await axeViolations(page), 'the campaign case page').toEqual([]);
  });

  it('an agent reads a campaign but is offered no form to start one', async () => {
    const page = await signedInAs('agent');
    await page.goto(`${cloud.urls.http}/#/known-issues`);
    const find = page.locator('section[aria-labelledby="campaign-find"]');
    await find.waitFor();
    expect(await page.locator('section[aria-labelledby="campaign-create"]').count()).toBe(0);
    await find.getByLabel('Campaign id').fill('no-such-campaign');
    await find.getByRole('button', { name: 'Open' }).click();
    await page.waitForURL('**/#/campaigns/no-such-campaign');
    await expect.poll(() => page.locator('[role="alert"]').count(), POLL).toBe(1);
    expect(await axeViolations(page), 'a campaign not found').toEqual([]);
  });

  it('agents and admins find the campaigns, newest first, from the navigation; a customer sees no such link', async () => {
    const admin = ApiClient.as(cloud, 'acme', 'admin');
    const ids = [nextId('list-a'), nextId('list-b')];
    for (const campaignId of ids) {
      const created = await admin.post('/campaigns', { campaignId, model: 'Lens 50', firmwares: ['9.9.9'] });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
    const page = await signedInAs('agent');
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'Known issues' }).isVisible()).toBe(true);
    await nav.getByRole('link', { name: 'Campaigns' }).click();
    await page.waitForURL('**/#/campaigns');
    await page.locator('tr[data-campaign]').first().waitFor();
    const listed = await page
      .locator('tr[data-campaign]')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-campaign')));
    // The newest first: the second started before the first of them.
    expect(listed.indexOf(ids[1] as string)).toBeLessThan(listed.indexOf(ids[0] as string));
    expect(listed.indexOf(ids[1] as string)).toBeGreaterThanOrEqual(0);
    expect(await axeViolations(page), '#/campaigns').toEqual([]);
    await page.locator(`tr[data-campaign="${ids[0]}"] a`).click();
    await page.waitForURL(`**/#/campaigns/${ids[0]}`);

    const customer = await signedInAs('customer');
    const customerNav = customer.getByRole('navigation', { name: 'Main' });
    expect(await customerNav.getByRole('link', { name: 'Campaigns' }).count()).toBe(0);
    expect(await customerNav.getByRole('link', { name: 'Known issues' }).count()).toBe(0);
  });
});
