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

  let caseId = '';

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
    caseId = await journey.open(opening());
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

  it('lets the admin dismiss it with a reason, which the customer then reads on their case', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
    await page.goto(`${cloud.urls.http}/#/known-issues`);
    await page.getByRole('button', { name: 'Sign in as admin' }).click();
    const card = page.locator('[data-issue]').first();
    await expect.poll(() => card.textContent(), POLL).toContain('Cam 3 on firmware 3.1.0');
    expect(await card.getAttribute('data-status')).toBe('open');
    // A dismissal without a reason is refused, the field named.
    await card.getByRole('button', { name: 'Dismiss' }).click();
    await expect
      .poll(() => card.locator('[role="status"]').textContent(), POLL)
      .toContain('This field is required');
    const reason = 'Traced to third-party chargers, not our firmware.';
    await card.getByLabel('Why dismiss it (customers read this)').fill(reason);
    await card.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => page.locator('[data-status="dismissed"]').count(), POLL).toBe(1);

    const journey = new Journey(cloud);
    await journey.until(caseId, 'charged again', (kase) => kase.knownIssue?.status === 'charged');
    const customer = await (await browser.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
    await customer.goto(cloud.urls.http);
    await customer.getByRole('button', { name: 'Sign in as customer' }).click();
    await expect.poll(() => customer.locator('#session').textContent(), POLL).toContain('customer of acme');
    await customer.goto(`${cloud.urls.http}/#/cases/${caseId}`);
    const panel = customer.locator('[data-known-issue="charged"]');
    await expect.poll(() => panel.textContent(), POLL).toContain(reason);
  });
});
