import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusedTarget } from '../../functions/domain/webhooks.ts';
import type { LocalCloud } from '../../local/cloud.ts';
import { ApiClient } from '../support/api.ts';
import { eventually, startTestCloud } from '../support/cloud.ts';
import { Journey, opening } from '../support/journey.ts';

/**
 * Brand webhooks (issue 15): an admin registers a URL and is told its secret once; deliveries are
 * really POSTed, signed per Standard Webhooks, and a receiver here verifies each signature with its
 * own code (the convention's, not ours). A receiver that keeps failing is retried, then dead-lettered.
 */
let cloud: LocalCloud;
let admin: ApiClient;
let receiver: Server;
let receiverUrl: string;
const failing = false;

interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
const received: Received[] = [];

/** Standard Webhooks verification, as a receiver's library does it. */
function verify(secret: string, message: Received): boolean {
  const id = String(message.headers['webhook-id']);
  const timestamp = String(message.headers['webhook-timestamp']);
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${message.body}`).digest();
  return String(message.headers['webhook-signature'])
    .split(' ')
    .some((signature) => {
      const [version, value] = signature.split(',');
      const given = Buffer.from(value ?? '', 'base64');
      return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
    });
}

beforeAll(async () => {
  cloud = await startTestCloud();
  admin = ApiClient.as(cloud, 'acme', 'admin');
  receiver = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    received.push({
      path: request.url ?? '',
      headers: request.headers,
      body: Buffer.concat(chunks).toString(),
    });
    response.writeHead(failing || request.url === '/always-failing' ? 500 : 204).end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await cloud?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('brand webhooks', () => {
  it('answers a whsec_ secret once, and lists the webhook without it', async () => {
    const created = await admin.post('/brand/webhooks', {
      url: `${receiverUrl}/listed`,
      eventTypes: ['case.notice'],
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const listed = await admin.get<{ items: Record<string, unknown>[] }>('/brand/webhooks');
    const mine = listed.body.items.find((hook) => hook.webhookId === created.body.webhookId);
    expect(mine).toMatchObject({ url: `${receiverUrl}/listed`, eventTypes: ['case.notice'] });
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');
    // Another brand's admin sees none of it.
    const globex = await ApiClient.as(cloud, 'globex', 'admin').get<{ items: unknown[] }>('/brand/webhooks');
    expect(JSON.stringify(globex.body)).not.toContain(String(created.body.webhookId));
    await admin.request('DELETE', `/brand/webhooks/${created.body.webhookId}`);
  });

  it('refuses a URL that is not http(s), and an unknown event type, all at once', async () => {
    const refused = await admin.post('/brand/webhooks', {
      url: 'ftp://example.com/hook',
      eventTypes: ['case.eaten'],
    });
    expect(refused.status).toBe(400);
    const pointers = (refused.body.errors as { pointer: string }[]).map((error) => error.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['#/url', '#/eventTypes/0']));
  });

  it('refuses private and loopback targets where the deployment says so (on AWS)', () => {
    for (const url of [
      'http://127.0.0.1/x',
      'http://10.1.2.3/',
      'http://[::1]/',
      'http://169.254.169.254/',
      'http://localhost:8080/',
    ])
      expect(refusedTarget(url, 'refuse'), url).toBeDefined();
    expect(refusedTarget('https://hooks.example.com/x', 'refuse')).toBeUndefined();
    expect(refusedTarget('http://127.0.0.1/x', 'allow')).toBeUndefined();
  });

  it('sends a signed test delivery the receiver verifies', async () => {
    const created = await admin.post('/brand/webhooks', {
      url: `${receiverUrl}/test`,
      eventTypes: ['case.notice'],
    });
    const secret = created.body.secret as string;
    const test = await admin.post(`/brand/webhooks/${created.body.webhookId}/tests`, undefined);
    expect(test.status).toBe(200);
    expect(test.body).toMatchObject({ delivered: true, status: 204 });
    const message = received.find((m) => m.path === '/test');
    expect(message).toBeDefined();
    expect(message?.headers['webhook-id']).toBe(test.body.messageId);
    expect(verify(secret, message as Received)).toBe(true);
    // A tampered body, or another secret, does not verify: the check above can fail.
    expect(verify(secret, { ...(message as Received), body: `${message?.body} ` })).toBe(false);
    expect(verify(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, message as Received)).toBe(false);
    expect(JSON.parse(message?.body ?? '{}')).toMatchObject({ type: 'webhook.test' });
    await admin.request('DELETE', `/brand/webhooks/${created.body.webhookId}`);
  });

  it('delivers each notice of a case to the brand’s webhooks, signed, once per notice id', async () => {
    const created = await admin.post('/brand/webhooks', {
      url: `${receiverUrl}/notices`,
      eventTypes: ['case.notice'],
    });
    const secret = created.body.secret as string;
    const caseId = await new Journey(cloud).open(opening());
    const message = await eventually(
      async () => received.find((m) => m.path === '/notices' && m.body.includes(caseId)),
      15_000,
      'a case.notice delivery',
    );
    expect(verify(secret, message)).toBe(true);
    const body = JSON.parse(message.body);
    expect(body).toMatchObject({ type: 'case.notice', data: { caseId } });
    expect(message.headers['webhook-id']).toBe(`msg_${body.data.noticeId}`);
    await admin.request('DELETE', `/brand/webhooks/${created.body.webhookId}`);
  });

  it('retries a failing receiver, then dead-letters the event', async () => {
    const created = await admin.post('/brand/webhooks', {
      url: `${receiverUrl}/always-failing`,
      eventTypes: ['case.notice'],
    });
    const caseId = await new Journey(cloud).open(opening());
    const letter = await eventually(
      async () =>
        cloud.messaging.rules.deadLetters.find(
          (l) => JSON.stringify(l.event).includes(caseId) && l.error.includes(String(created.body.webhookId)),
        ),
      30_000,
      'the webhook delivery dead-lettered',
    );
    expect(letter.error).toContain('HTTP 500');
    const attempts = received.filter((m) => m.path === '/always-failing' && m.body.includes(caseId));
    // 3 tries per invocation, and the invocation itself tried 3 times (Lambda's 2 retries), per notice.
    expect(attempts.length).toBeGreaterThanOrEqual(9);
    // Every retry of one notice carries the same webhook-id: a receiver takes it once.
    const ids = new Set(attempts.map((m) => m.headers['webhook-id']));
    expect(ids.size).toBeLessThan(attempts.length);
    await admin.request('DELETE', `/brand/webhooks/${created.body.webhookId}`);
  });

  it('deletes a webhook: it is no longer listed, and a second delete is a 404', async () => {
    const created = await admin.post('/brand/webhooks', {
      url: `${receiverUrl}/gone`,
      eventTypes: ['case.notice'],
    });
    const deleted = await admin.request('DELETE', `/brand/webhooks/${created.body.webhookId}`);
    expect(deleted).toMatchObject({ status: 200, body: { deleted: true } });
    const listed = await admin.get('/brand/webhooks');
    expect(JSON.stringify(listed.body)).not.toContain(String(created.body.webhookId));
    const again = await admin.request('DELETE', `/brand/webhooks/${created.body.webhookId}`);
    expect(again.status).toBe(404);
  });
});
