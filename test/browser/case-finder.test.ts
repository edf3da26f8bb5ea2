import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud.ts';
import { nextId, opening } from '../support/api.ts';
import { axeViolations, browserAvailable, launchBrowser } from '../support/browser.ts';
import { startTestCloud } from '../support/cloud.ts';
import { Journey } from '../support/journey.ts';

/**
 * Issue 16: staff find the brand's cases from the depot and owner queue pages by a filter bar over
 * `GET /cases`; bad filters are named next to their fields, all at once, and what was typed stays.
 */
const hasBrowser = browserAvailable();
const POLL = { timeout: 20_000, interval: 150 };

let cloud: LocalCloud;
let browser: Browser;

async function signedInAs(role: string, width: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
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

const rows = (page: Page) =>
  page
    .locator('section[aria-labelledby="find-title"] tbody tr')
    .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-case')));

describe.runIf(hasBrowser)('the filter bar over the brand’s cases (issue 16)', () => {
  beforeAll(async () => {
    cloud = await startTestCloud();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await cloud?.stop();
  });

  it('depot: finds a device’s cases newest first, and names every bad filter at once, keeping what was typed', async () => {
    const journey = new Journey(cloud);
    const serial = nextId('SN-FIND');
    const opened = [await journey.open(opening({ serial })), await journey.open(opening({ serial }))];
    const page = await signedInAs('depot', 1100);
    await page.goto(`${cloud.urls.http}/#/depot`);
    await page.getByRole('search', { name: 'Find cases' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);

    await page.getByLabel('Serial number').fill(serial);
    await page.getByLabel('RMA number').fill('not-an-rma');
    await page.getByLabel('Opened on or after').fill('2026-05-02');
    await page.getByLabel('Opened on or before').fill('2026-05-01');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    const rmaError = page.locator('#f-find--query-rma-error');
    await expect.poll(() => rmaError.textContent(), POLL).not.toBe('');
    expect(await page.locator('#f-find--query-openedTo-error').textContent()).not.toBe('');
    expect(await page.getByLabel('Serial number').inputValue()).toBe(serial);
    expect(await axeViolations(page)).toEqual([]);

    await page.getByLabel('RMA number').fill('');
    await page.getByLabel('Opened on or after').fill('');
    await page.getByLabel('Opened on or before').fill('');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await expect.poll(() => rows(page), POLL).toEqual([...opened].reverse());
    expect(await rmaError.textContent()).toBe('');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('agent: finds a case by its RMA number from the owner queue, at a phone’s width', async () => {
    const journey = new Journey(cloud);
    const caseId = await journey.open(opening());
    const page = await signedInAs('agent', 390);
    await page.goto(`${cloud.urls.http}/#/owner/case-desk`);
    await page.getByRole('search', { name: 'Find cases' }).waitFor();
    await page.getByLabel('RMA number').fill(caseId);
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await expect.poll(() => rows(page), POLL).toEqual([caseId]);
    expect(await axeViolations(page)).toEqual([]);
  });
});
