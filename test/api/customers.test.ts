import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud.ts';
import { ApiClient, nextId, opening } from '../support/api.ts';
import { startTestCloud } from '../support/cloud.ts';

/**
 * A returning customer is not asked again what fairfix knows (P3), and staff see a customer's whole
 * history (issue 12, journey 11).
 */
let cloud: LocalCloud;
const email = `${nextId('grace')}@example.com`.toLowerCase();
const pointers = (body: unknown) =>
  ((body as { errors?: { pointer: string }[] }).errors ?? []).map((error) => error.pointer).sort();

beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(() => cloud?.stop());

describe('a returning customer (P3)', () => {
  it('is not asked again for their name, email, phone, channel or address', async () => {
    const grace = ApiClient.as(cloud, 'acme', 'customer', nextId('grace'));
    const customer = {
      name: 'Grace Hopper',
      email,
      phone: '+44 7700 900123',
      preferredChannel: 'sms',
      address: '1 Compiler Lane, Arlington',
    };
    const first = await grace.post('/cases', { ...opening(), customer });
    expect(first.status).toBe(201);
    const { customer: _given, ...rest } = opening();
    const second = await grace.post('/cases', rest);
    expect(second.status).toBe(201);
    const kase = await grace.get(`/cases/${second.body.caseId}`);
    expect(kase.body.customer).toEqual(customer);
  });

  it('takes what is given anew, and remembers it for the next case', async () => {
    const linus = ApiClient.as(cloud, 'acme', 'customer', nextId('linus'));
    await linus.post('/cases', {
      ...opening(),
      customer: { name: 'Linus', email: 'linus@example.com', address: '2 Old Road, Helsinki' },
    });
    const moved = await linus.post('/cases', { ...opening(), customer: { address: '3 New Road, Portland' } });
    expect(moved.status).toBe(201);
    const { customer: _given, ...rest } = opening();
    const next = await linus.post('/cases', rest);
    const kase = await linus.get(`/cases/${next.body.caseId}`);
    expect(kase.body.customer).toMatchObject({
      name: 'Linus',
      email: 'linus@example.com',
      address: '3 New Road, Portland',
    });
  });

  it('asks a new customer for name and email, with every other error at once (P9)', async () => {
    const newcomer = ApiClient.as(cloud, 'acme', 'customer', nextId('new'));
    const { customer: _given, ...rest } = opening();
    const missing = await newcomer.post('/cases', { ...rest, device: { serial: nextId('SN-NEW') } });
    expect(missing.status).toBe(400);
    expect(pointers(missing.body)).toEqual([
      '#/customer/email',
      '#/customer/name',
      '#/device/model',
      '#/device/purchaseDate',
    ]);
  });
});

describe('a customer’s cases, for staff (issue 12, journey 11)', () => {
  it('lists every case of the customer, newest first, in pages', async () => {
    const email = `${nextId('mary')}@example.com`.toLowerCase();
    const agent = ApiClient.as(cloud, 'acme', 'agent');
    const opened: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await agent.post('/cases', { ...opening(), customer: { name: 'Mary', email } });
      opened.push(String(response.body.caseId));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const page = await agent.get<{ cases: { caseId: string }[]; next?: string }>(
      `/customers/${encodeURIComponent(email.toUpperCase())}/cases?limit=2`,
    );
    expect(page.status).toBe(200);
    const rest = await agent.get<{ cases: { caseId: string }[]; next?: string }>(
      `/customers/${encodeURIComponent(email)}/cases?limit=2&before=${encodeURIComponent(page.body.next ?? '')}`,
    );
    expect(page.body.cases).toHaveLength(2);
    const all = [...page.body.cases, ...rest.body.cases].map((kase) => kase.caseId);
    expect(all).toEqual([...opened].reverse());
    expect(rest.body.next).toBeUndefined();
    expect((await ApiClient.as(cloud, 'acme', 'depot').get(`/customers/${email}/cases`)).status).toBe(200);
  });

  it('is not for customers, and shows another brand nothing', async () => {
    expect((await ApiClient.as(cloud, 'acme', 'customer').get(`/customers/${email}/cases`)).status).toBe(403);
    const globex = await ApiClient.as(cloud, 'globex', 'agent').get<{ cases: unknown[] }>(
      `/customers/${email}/cases`,
    );
    expect(globex).toMatchObject({ status: 200, body: { cases: [] } });
  });
});
