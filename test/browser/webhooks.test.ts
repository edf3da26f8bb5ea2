import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud.ts';
import { ApiClient } from '../support/api.ts';
import { axeViolations, browserAvailable, launchBrowser, SCREENSHOTS } from '../support/browser.ts';
import { startTestCloud } from '../support/cloud.ts';

/** Issue 16: the brand admin's webhook page — list, add (the secret shown once), send a test, delete. */
const hasBrowser = browserAvailable();
const POLL = { timeout: 15_000, interval: 100 };

let cloud: LocalCloud;
let browser: Browser;
let receiver: Server;
let receiverUrl: string;
const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];

/** The Standard Webhooks signature check a receiver's library does, with the secret the page showed. */
function signedWith(secret: string, message: (typeof received)[number]): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key)
    .update(`${message.headers['webhook-id']}.${message.headers['webhook-timestamp']}.${message.body}`)
    .digest();
  return String(message.headers['webhook-signature'])
    .split(' ')
    .some((signature) => {
      const given = Buffer.from(signature.split(',')[1] ?? '', 'base64');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}

async function webhooksAsAdmin(locale = 'en-GB'): Promise<Page> {
  const page = await (
    await browser.newContext({ locale, viewport: { width: 1100, height: 1000 } })
  ).newPage();
  await page.goto(`${cloud.urls.http}/#/webhooks`);
  await page.getByRole('button', { name: 'Sign in as admin' }).click();
  // Signed in: the header offers to sign out (in the page's language).
  await page.locator('#session button').waitFor();
  return page;
}

describe.runIf(hasBrowser)('the brand webhooks page in Chromium', () => {
  beforeAll(async () => {
    cloud = await startTestCloud();
    browser = await launchBrowser();
    receiver = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString() });
      response.writeHead(204).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/fairfix`;
  });
  afterAll(async () => {
    await browser?.close();
    await cloud?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('shows every error at once, adds a webhook with its secret shown once, tests it and deletes it', async () => {
    const page = await webhooksAsAdmin();
    await expect.poll(() => page.getByText('No webhooks yet.').count(), POLL).toBe(1);
    expect(await axeViolations(page)).toEqual([]);

    // No address and no event ticked: both are told, at once, and nothing is added.
    await page.getByLabel('A notice is sent to a customer (case.notice)').uncheck();
    await page.getByRole('button', { name: 'Add the webhook' }).click();
    await expect.poll(() => page.locator('#f--url-error').textContent(), POLL).not.toBe('');
    await expect.poll(() => page.getByRole('alert').textContent(), POLL).toContain('eventTypes');
    expect(await axeViolations(page)).toEqual([]);
    const admin = ApiClient.as(cloud, 'acme', 'admin');
    expect((await admin.get('/brand/webhooks')).body).toEqual({ items: [] });

    await page.getByLabel('Address (URL)').fill(receiverUrl);
    await page.getByLabel('A notice is sent to a customer (case.notice)').check();
    await page.getByLabel('Description').fill('Our ERP');
    await page.getByRole('button', { name: 'Add the webhook' }).click();
    const secret = page.locator('#webhook-secret-value');
    await expect.poll(() => secret.textContent(), POLL).toMatch(/^whsec_/);
    const shown = String(await secret.textContent());
    await expect.poll(() => page.locator('tbody tr').count(), POLL).toBe(1);
    expect(await page.locator('tbody tr').textContent()).toContain('Our ERP');
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'brand-webhooks.png'), fullPage: true });

    await page.getByRole('button', { name: `Send a test to ${receiverUrl}` }).click();
    await expect.poll(() => page.getByRole('status').textContent(), POLL).toContain('The test reached');
    // The receiver got the test, signed with the very secret the page showed.
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]?.body ?? '{}')).toMatchObject({ type: 'webhook.test' });
    expect(signedWith(shown, received[0] as (typeof received)[number])).toBe(true);

    // Shown once: the page read again has no secret.
    await page.reload();
    await expect.poll(() => page.locator('tbody tr').count(), POLL).toBe(1);
    expect(await secret.count()).toBe(0);

    await page.getByRole('button', { name: `Delete the webhook to ${receiverUrl}` }).click();
    await expect.poll(() => page.getByText('No webhooks yet.').count(), POLL).toBe(1);
    expect(await page.getByRole('status').textContent()).toContain('is deleted');
    expect((await admin.get('/brand/webhooks')).body).toEqual({ items: [] });
  });

  it('speaks German to a German browser', async () => {
    const page = await webhooksAsAdmin('de-DE');
    await expect.poll(() => page.locator('h1').textContent(), POLL).toBe('Webhooks');
    expect(await page.getByRole('button', { name: 'Webhook hinzufügen' }).count()).toBe(1);
    expect(await page.getByLabel('Adresse (URL)').count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
  });
});
