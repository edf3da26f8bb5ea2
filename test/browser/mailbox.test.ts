import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud.ts';
import { browserAvailable, launchBrowser } from '../support/browser.ts';
import { startTestCloud } from '../support/cloud.ts';
import { Journey, opening } from '../support/journey.ts';

/** The Mailbox page (issue 15): what the local cloud sent a customer, as they would read it. */
const POLL = { timeout: 15_000, interval: 100 };
let cloud: LocalCloud;
let browser: Browser;

describe.runIf(browserAvailable())('the Mailbox page in Chromium', () => {
  beforeAll(async () => {
    cloud = await startTestCloud();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await cloud?.stop();
  });

  it('shows the email a case sent, with its subject and a link to the case', async () => {
    const caseId = await new Journey(cloud).open(opening());
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${cloud.urls.http}/#/mailbox`);
    await page.getByRole('link', { name: 'Mailbox' }).click();
    await expect
      .poll(async () => {
        await page.reload();
        return page.locator('main').textContent();
      }, POLL)
      .toContain(caseId);
    expect(await page.locator('main h2').first().textContent()).toContain(caseId);
    const frame = page.frameLocator('main iframe').first();
    await expect.poll(() => frame.locator('body').textContent(), POLL).toContain('Hello Ada Lovelace');
  });
});
