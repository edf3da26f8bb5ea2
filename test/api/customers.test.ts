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
      address: {
        street: ['1 Compiler Lane'],
        postcode: '22202',
        city: 'Arlington',
        region: 'VA',
        country: 'US',
      },
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
      customer: {
        name: 'Linus',
        email: 'linus@example.com',
        address: { street: ['2 Old Road'], postcode: '00100', city: 'Helsinki', country: 'FI' },
      },
    });
    const moved = await linus.post('/cases', {
      ...opening(),
      customer: {
        address: { street: ['3 New Road'], postcode: '97201', city: 'Portland', region: 'OR', country: 'US' },
      },
    });
    expect(moved.status).toBe(201);
    const { customer: _given, ...rest } = opening();
    const next = await linus.post('/cases', rest);
    const kase = await linus.get(`/cases/${next.body.caseId}`);
    expect(kase.body.customer).toMatchObject({
      name: 'Linus',
      email: 'linus@example.com',
      address: { street: ['3 New Road'], postcode: '97201', city: 'Portland', region: 'OR', country: 'US' },
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

describe('My cases (issue 16)', () => {
  it('lists the customer’s own cases newest first, a page at a time, and not a case someone else opened under the same email', async () => {
    const shared = `${nextId('mine')}@example.com`.toLowerCase();
    const customer = {
      name: 'Mary Somerville',
      email: shared,
      address: { street: ['4 Orbit Road'], postcode: 'TD8 6AA', city: 'Jedburgh', country: 'GB' },
    };
    const mary = ApiClient.as(cloud, 'acme', 'customer', nextId('mary'));
    const opened: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await mary.post('/cases', { ...opening(), customer });
      expect(response.status).toBe(201);
      opened.push(response.body.caseId as string);
    }
    // Someone else, giving the same email: their case is not Mary's to see.
    const other = ApiClient.as(cloud, 'acme', 'customer', nextId('other'));
    const theirs = await other.post('/cases', { ...opening(), customer: { ...customer, name: 'Not Mary' } });
    expect(theirs.status).toBe(201);

    const first = await mary.get('/cases?limit=2');
    expect(first.status).toBe(200);
    const ids = (page: { body: { cases?: { caseId: string }[] } }) =>
      (page.body.cases ?? []).map((kase) => kase.caseId);
    const rest = await mary.get(`/cases?limit=2&before=${encodeURIComponent(String(first.body.next))}`);
    expect(rest.status).toBe(200);
    expect(rest.body.next).toBeUndefined();
    // Newest first; the other customer's case is on no page.
    expect([...ids(first as never), ...ids(rest as never)]).toEqual([...opened].reverse());
    expect((first.body.cases as { status: string }[])[0]?.status).toBeTypeOf('string');

    // A customer with nothing on file has no cases; a technician has no list of cases (their visits are theirs).
    expect((await ApiClient.as(cloud, 'acme', 'customer', nextId('nobody')).get('/cases')).body).toEqual({
      cases: [],
    });
    expect((await ApiClient.as(cloud, 'acme', 'technician').get('/cases')).status).toBe(403);
  });

  it('names every bad paging parameter at once', async () => {
    const response = await ApiClient.as(cloud, 'acme', 'customer', nextId('pager')).get(
      '/cases?limit=0&before=',
    );
    expect(response.status).toBe(400);
    expect(pointers(response.body).length).toBeGreaterThanOrEqual(1);
  });
});
