import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud.ts';
import { ApiClient } from '../support/api.ts';
import { browserAvailable, launchBrowser, SCREENSHOTS } from '../support/browser.ts';
import { startTestCloud } from '../support/cloud.ts';

/** Issue 14: the brand's admin edits the policy in the browser, sees the changes and every error. */
const hasBrowser = browserAvailable();
const POLL = { timeout: 15_000, interval: 100 };

let cloud: LocalCloud;
let browser: Browser;

async function settingsAsAdmin(): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1100, height: 1200 } })).newPage();
  await page.goto(`${cloud.urls.http}/#/settings`);
  await page.getByRole('button', { name: 'Sign in as admin' }).click();
  await expect.poll(() => page.locator('#session').textContent(), POLL).toContain('admin of acme');
  await expect.poll(() => page.locator('h1').textContent(), POLL).toContain('Acme Devices');
  return page;
}

/** Changes the JSON in the editor the way a person would, by editing its text. */
async function edit(page: Page, change: (policy: Record<string, unknown>) => Record<string, unknown>) {
  const editor = page.getByLabel('Policy (JSON)');
  const policy = JSON.parse(await editor.inputValue());
  await editor.fill(JSON.stringify(change(policy), null, 2));
}

describe.runIf(hasBrowser)('the brand settings page in Chromium', () => {
  beforeAll(async () => {
    cloud = await startTestCloud();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await cloud?.stop();
  });

  it('shows every error at once and saves nothing, then shows the changes before saving a new version', async () => {
    const page = await settingsAsAdmin();
    await edit(page, (policy) => ({
      ...policy,
      sla: { ...(policy.sla as object), diagnosisSeconds: 0 },
      onSiteFamilies: ['fridge'],
    }));
    await page.getByRole('button', { name: 'Save as a new version' }).click();
    const errors = page.locator('.field-errors li');
    await expect
      .poll(() => errors.allTextContents(), POLL)
      .toEqual(
        expect.arrayContaining([
          expect.stringContaining('#/sla/diagnosisSeconds'),
          expect.stringContaining('#/onSiteFamilies/0'),
        ]),
      );
    const admin = ApiClient.as(cloud, 'acme', 'admin');
    expect((await admin.get('/brand/policy')).headers.get('etag')).toBe('"1"');

    await edit(page, (policy) => ({
      ...policy,
      sla: { ...(policy.sla as object), diagnosisSeconds: 172_800 },
      onSiteFamilies: ['tv'],
      returnWindowDays: 45,
    }));
    await page.getByRole('button', { name: 'Review changes' }).click();
    const changed = page.locator('table.diff tbody th');
    await expect.poll(() => changed.allTextContents(), POLL).toEqual(['returnWindowDays', 'sla']);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'brand-settings.png'), fullPage: true });

    await page.getByRole('button', { name: 'Save as a new version' }).click();
    await expect
      .poll(() => page.getByRole('status').allTextContents(), POLL)
      .toContain('Saved as version 2.');
    const saved = await admin.get('/brand/policy');
    expect(saved.body).toMatchObject({ returnWindowDays: 45, sla: { diagnosisSeconds: 172_800 } });
    const history = page.locator('section table tbody tr');
    await expect.poll(() => history.first().textContent(), POLL).toContain('returnWindowDays, sla');
  });

  it('lets the portal suggest the brand’s models and state its current terms before a case is opened', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(cloud.urls.http);
    await page.getByRole('button', { name: 'Sign in as customer' }).click();
    await expect.poll(() => page.locator('#session').textContent(), POLL).toContain('customer of acme');
    await page.getByRole('link', { name: 'Open a case' }).first().click();
    // The return window the admin just changed to 45 days, and the models of acme's catalogue.
    await expect
      .poll(() => page.locator('#brand-terms').textContent(), POLL)
      .toContain('returns within 45 days');
    const offered = await page
      .locator('#brand-models option')
      .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
    expect(offered).toEqual(expect.arrayContaining(['Cam 3', 'Vision 55', 'Dock']));
    expect(await page.getByLabel('Model').getAttribute('list')).toBe('brand-models');
  });
});
