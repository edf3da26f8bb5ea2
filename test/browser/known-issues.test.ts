import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrandPolicy } from '../../functions/domain/policy.ts';
import type { LocalCloud } from '../../local/cloud.ts';
import { ApiClient } from '../support/api.ts';
import { browserAvailable, launchBrowser } from '../support/browser.ts';
import { startTestCloud } from '../support/cloud.ts';
import { Journey, opening } from '../support/journey.ts';

/** Issue 17 on the customer's case page: the known issue their case matches, in their words. */
const hasBrowser = browserAvailable();
const POLL = { timeout: 15_000, interval: 100 };

let cloud: LocalCloud;
let browser: Browser;

describe.runIf(hasBrowser)('a known issue on the customer’s case page, in Chromium', () => {
  beforeAll(async () => {
    cloud = await startTestCloud();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await cloud?.stop();
  });

  it('tells the customer their case is charged nothing, and why', async () => {
    // Acme turns detection on: two reports of one symptom on one model and firmware make a known issue.
    const admin = ApiClient.as(cloud, 'acme', 'admin');
    const current = await admin.get<BrandPolicy>('/brand/policy');
    const saved = await admin.request(
      'PUT',
      '/brand/policy',
      { ...current.body, knownIssues: { threshold: 2 } },
      { 'if-match': current.headers.get('etag') ?? '' },
    );
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const journey = new Journey(cloud);
    await journey.open(opening());
    const caseId = await journey.open(opening());
    await journey.until(caseId, 'the known issue reaches it', (kase) => kase.knownIssue?.status === 'waived');

    const page = await (await browser.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
    await page.goto(cloud.urls.http);
    await page.getByRole('button', { name: 'Sign in as customer' }).click();
    await expect.poll(() => page.locator('#session').textContent(), POLL).toContain('customer of acme');
    await page.goto(`${cloud.urls.http}/#/cases/${caseId}`);
    const panel = page.locator('[data-known-issue="waived"]');
    await expect.poll(() => panel.textContent(), POLL).toContain('A known issue: no charge');
    expect(await panel.textContent()).toContain(
      'A known issue with Cam 3 on firmware 3.1.0: no charge. Diagnosis and repair are free.',
    );
  });
});
