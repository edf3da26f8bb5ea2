import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud.ts';
import { ApiClient, nextId, opening } from '../support/api.ts';
import { startTestCloud } from '../support/cloud.ts';

/**
 * What one caller sends never reaches another (issue 11, findings 8 and 9): an Idempotency-Key is the
 * caller's own, and a device's facts are shown only to staff and to the customers with a case on it.
 */
let cloud: LocalCloud;
let ada: ApiClient;
let bob: ApiClient;
const adaSerial = nextId('SN-ADA');

beforeAll(async () => {
  cloud = await startTestCloud();
  ada = ApiClient.as(cloud, 'acme', 'customer', 'ada');
  bob = ApiClient.as(cloud, 'acme', 'customer', 'bob');
  const opened = await ada.post('/cases', opening({ serial: adaSerial }));
  expect(opened.status).toBe(201);
});
afterAll(() => cloud?.stop());

const pointers = (body: unknown) =>
  ((body as { errors?: { pointer: string }[] }).errors ?? []).map((error) => error.pointer).sort();

describe('an Idempotency-Key belongs to its caller (finding 8)', () => {
  it('opens another caller’s case under the same key, and never answers with the first one', async () => {
    const key = nextId('shared-key');
    const first = await ada.post('/cases', opening({ serial: nextId('SN-A') }), { 'idempotency-key': key });
    const bobSerial = nextId('SN-B');
    const second = await bob.post('/cases', opening({ serial: bobSerial }), { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.caseId).not.toBe(first.body.caseId);
    expect(JSON.stringify(second.body)).not.toContain(String(first.body.caseId));
    const bobs = await bob.get(`/cases/${second.body.caseId}`);
    expect((bobs.body.device as { serial: string }).serial).toBe(bobSerial);
  });

  it('answers the same request again with the same case, whatever the order of its fields', async () => {
    const key = nextId('retry');
    const body = opening({ serial: nextId('SN-R') });
    const first = await ada.post('/cases', body, { 'idempotency-key': key });
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const again = await ada.post('/cases', reordered, { 'idempotency-key': key });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.caseId).toBe(first.body.caseId);
  });

  it('refuses the same key with a different request (422), and opens nothing for it', async () => {
    const key = nextId('reused');
    const first = await ada.post('/cases', opening({ serial: nextId('SN-1') }), { 'idempotency-key': key });
    const otherSerial = nextId('SN-2');
    const reused = await ada.post('/cases', opening({ serial: otherSerial }), { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(reused.status).toBe(422);
    expect(reused.headers.get('content-type')).toBe('application/problem+json');
    expect(JSON.stringify(reused.body)).toMatch(/Idempotency-Key/);
    const agent = ApiClient.as(cloud, 'acme', 'agent');
    expect((await agent.get(`/devices/${otherSerial}/history`)).status).toBe(404);
    const unchanged = await ada.get(`/cases/${first.body.caseId}`);
    expect((unchanged.body.device as { serial: string }).serial).not.toBe(otherSerial);
  });
});

describe('a device’s facts are shown to staff and to its own customers only (finding 9)', () => {
  it('answers a customer without a case on the device exactly as for a serial that does not exist', async () => {
    const guessed = await fetch(`${cloud.urls.http}/devices/${adaSerial}/history`, {
      headers: {
        authorization: `Bearer ${cloud.tokens.issue({ tenant: 'acme', role: 'customer', sub: 'bob' })}`,
      },
    });
    const never = await fetch(`${cloud.urls.http}/devices/${adaSerial}-X/history`, {
      headers: {
        authorization: `Bearer ${cloud.tokens.issue({ tenant: 'acme', role: 'customer', sub: 'bob' })}`,
      },
    });
    expect(guessed.status).toBe(404);
    expect(never.status).toBe(404);
    expect((await guessed.text()).replace(`${adaSerial}`, 'S')).toBe(
      (await never.text()).replace(`${adaSerial}-X`, 'S'),
    );
    expect(guessed.headers.get('content-type')).toBe(never.headers.get('content-type'));
  });

  it('shows the device to the customer with a case on it, to staff, and not to a technician never sent', async () => {
    expect((await ada.get(`/devices/${adaSerial}/history`)).status).toBe(200);
    for (const role of ['agent', 'depot', 'reviewer'])
      expect(
        (await ApiClient.as(cloud, 'acme', role).get(`/devices/${adaSerial}/history`)).status,
        role,
      ).toBe(200);
    const technician = ApiClient.as(cloud, 'acme', 'technician', 'tech-never-sent');
    expect((await technician.get(`/devices/${adaSerial}/history`)).status).toBe(404);
  });

  it('does not complete another customer’s device facts at opening: the same fields are asked as for a new serial', async () => {
    const guessed = await bob.post('/cases', { ...opening(), device: { serial: adaSerial } });
    const never = await bob.post('/cases', { ...opening(), device: { serial: nextId('SN-NEVER') } });
    expect(guessed.status).toBe(400);
    expect(pointers(guessed.body)).toEqual(pointers(never.body));
    expect(JSON.stringify(guessed.body)).not.toMatch(/Cam 3|2026-/);
    // The device's own customer is not asked again (P3).
    expect((await ada.post('/cases', { ...opening(), device: { serial: adaSerial } })).status).toBe(201);
  });
});
