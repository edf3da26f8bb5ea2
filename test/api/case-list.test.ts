import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud.ts';
import { ApiClient, type ApiResponse, nextId, opening } from '../support/api.ts';
import { startTestCloud } from '../support/cloud.ts';
import { Journey } from '../support/journey.ts';

/**
 * Issue 16: `GET /cases` for the brand's staff lists the brand's cases, newest first, a page at a
 * time, narrowed by status, owner, serial, RMA number, tracking number and opening dates; a customer's
 * filters narrow only their own cases; another brand's cases never appear.
 */
type Page = { cases?: { caseId: string; status: string; openedAt: string }[]; next?: string };

let cloud: LocalCloud;
let acme: Journey;
let agent: ApiClient;
const serial = nextId('SN-LIST');
/** Acme's cases this file opened, oldest first: three on one device, then one on another. */
const opened: string[] = [];
const tracked = { caseId: '', trackingNumber: '' };
let escalated = '';
const foreign = { caseId: '', serial: nextId('SN-GLOBEX') };

const ids = (response: ApiResponse<Page>) => (response.body.cases ?? []).map((kase) => kase.caseId);
const pointers = (body: unknown) =>
  ((body as { errors?: { pointer: string }[] }).errors ?? []).map((error) => error.pointer).sort();

/** Every page of a list, following `next`; each page is asked for `limit` cases. */
async function allPages(client: ApiClient, query: string, limit = 2) {
  const pages: ApiResponse<Page>[] = [];
  let before: string | undefined;
  do {
    const page = await client.get<Page>(
      `/cases?limit=${limit}${query}${before ? `&before=${encodeURIComponent(before)}` : ''}`,
    );
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect((page.body.cases ?? []).length).toBeLessThanOrEqual(limit);
    pages.push(page);
    before = page.body.next;
  } while (before && pages.length < 50);
  return pages;
}

beforeAll(async () => {
  cloud = await startTestCloud();
  acme = new Journey(cloud, 'acme', nextId('lister'));
  agent = ApiClient.as(cloud, 'acme', 'agent');
  for (let i = 0; i < 3; i++) opened.push(await acme.open(opening({ serial })));
  tracked.caseId = await acme.open(opening());
  opened.push(tracked.caseId);
  const waiting = await acme.waitsFor(tracked.caseId, 'Wait for device at depot');
  tracked.trackingNumber = acme.tracking(waiting, 'to-depot');
  // The first case goes to the supervisor's queue, so that an owner has it.
  escalated = opened[0] as string;
  const escalation = await acme.customer.post(`/cases/${escalated}/escalations`, {
    escalationId: nextId('esc'),
    reason: 'Escalated so an owner has this case',
  });
  expect(escalation.status).toBe(201);
  const globex = new Journey(cloud, 'globex');
  foreign.caseId = await globex.open(opening({ serial: foreign.serial }));
}, 120_000);
afterAll(() => cloud?.stop());

describe('the brand’s cases, for staff', () => {
  it('lists every case of the brand newest first, a page at a time, to every staff role, and none of another brand', async () => {
    for (const role of ['agent', 'depot', 'reviewer', 'admin'] as const) {
      const pages = await allPages(ApiClient.as(cloud, 'acme', role), '');
      const listed = pages.flatMap(ids);
      expect(new Set(listed).size, role).toBe(listed.length);
      expect(
        listed.filter((caseId) => opened.includes(caseId)),
        role,
      ).toEqual([...opened].reverse());
      expect(listed, role).not.toContain(foreign.caseId);
      const times = pages.flatMap((page) => (page.body.cases ?? []).map((kase) => kase.openedAt));
      expect(times, role).toEqual([...times].sort().reverse());
    }
    // Another brand's staff see their own, never acme's.
    const globex = (await allPages(ApiClient.as(cloud, 'globex', 'agent'), '')).flatMap(ids);
    expect(globex).toContain(foreign.caseId);
    for (const caseId of opened) expect(globex).not.toContain(caseId);
  });

  it('narrows by serial, RMA number and tracking number', async () => {
    const bySerial = (await allPages(agent, `&serial=${serial}`)).flatMap(ids);
    expect(bySerial).toEqual(opened.slice(0, 3).reverse());
    const byRma = await agent.get<Page>(`/cases?rma=${opened[1]}`);
    expect(ids(byRma)).toEqual([opened[1]]);
    const byTracking = await agent.get<Page>(`/cases?tracking=${tracked.trackingNumber}`);
    expect(ids(byTracking)).toEqual([tracked.caseId]);
    // Filters together must all hold: this RMA number is not on that device.
    expect(ids(await agent.get<Page>(`/cases?rma=${tracked.caseId}&serial=${serial}`))).toEqual([]);
    expect(ids(await agent.get<Page>(`/cases?tracking=${tracked.trackingNumber}&rma=${opened[0]}`))).toEqual(
      [],
    );
    // Another brand's device and case are not found from acme.
    expect(ids(await agent.get<Page>(`/cases?serial=${foreign.serial}`))).toEqual([]);
    expect(ids(await agent.get<Page>(`/cases?rma=${foreign.caseId}`))).toEqual([]);
  });

  it('narrows by owner and by status', async () => {
    const owned = (await allPages(agent, '&owner=service-supervisor')).flatMap(ids);
    expect(owned).toContain(escalated);
    for (const caseId of opened.slice(1)) expect(owned).not.toContain(caseId);
    expect(ids(await agent.get<Page>('/cases?owner=nobody-at-all'))).toEqual([]);

    const tracked_ = await acme.get(tracked.caseId);
    const sameStatus = (await allPages(agent, `&status=${tracked_.status}`, 5)).flatMap((page) =>
      (page.body.cases ?? []).map((kase) => kase.status),
    );
    expect(sameStatus.length).toBeGreaterThan(0);
    expect(new Set(sameStatus)).toEqual(new Set([tracked_.status]));
    expect((await allPages(agent, `&status=${tracked_.status}`)).flatMap(ids)).toContain(tracked.caseId);
    expect((await allPages(agent, '&status=closed')).flatMap(ids)).toEqual([]);
    // Status and serial together: the device's cases in that status only.
    const onDevice = (await allPages(agent, `&serial=${serial}&status=closed`)).flatMap(ids);
    expect(onDevice).toEqual([]);
  });

  it('narrows by the days the cases were opened, both days included', async () => {
    const first = await acme.get(opened[0] as string);
    const day = first.openedAt.slice(0, 10);
    const dayBefore = new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const dayAfter = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const that = (await allPages(agent, `&openedFrom=${day}&openedTo=${day}`)).flatMap(ids);
    // The cases were opened within a minute or two: on one day, or on two if the file ran over midnight.
    const last = await acme.get(opened.at(-1) as string);
    if (last.openedAt.slice(0, 10) === day) expect(that).toEqual(expect.arrayContaining(opened));
    else expect(that).toContain(opened[0]);
    expect((await allPages(agent, `&openedTo=${dayBefore}`)).flatMap(ids)).toEqual([]);
    expect((await allPages(agent, `&openedFrom=${dayAfter}`)).flatMap(ids)).toEqual(
      last.openedAt.slice(0, 10) === day ? [] : expect.arrayContaining([opened.at(-1)]),
    );
    // With the device too: only that device's cases of that day.
    const both = (await allPages(agent, `&openedFrom=${dayBefore}&serial=${serial}`)).flatMap(ids);
    expect(both).toEqual(opened.slice(0, 3).reverse());
  });

  it('names every bad filter at once', async () => {
    const response = await agent.get(
      '/cases?limit=0&status=lost&owner=Not%20An%20Owner&rma=123&tracking=1&openedFrom=2026-13-01&openedTo=yesterday',
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(pointers(response.body)).toEqual(
      [
        '#/query/limit',
        '#/query/openedFrom',
        '#/query/openedTo',
        '#/query/owner',
        '#/query/rma',
        '#/query/status',
        '#/query/tracking',
      ].sort(),
    );
    const backwards = await agent.get('/cases?openedFrom=2026-05-02&openedTo=2026-05-01');
    expect(backwards.status).toBe(400);
    expect(pointers(backwards.body)).toEqual(['#/query/openedTo']);
  });
});

describe('a customer’s filters', () => {
  it('narrow only their own cases: never another customer’s, whatever they name', async () => {
    const own = await acme.customer.get<Page>(`/cases?serial=${serial}`);
    expect(own.status).toBe(200);
    expect(ids(own)).toEqual(opened.slice(0, 3).reverse());
    expect(ids(await acme.customer.get<Page>(`/cases?rma=${tracked.caseId}`))).toEqual([tracked.caseId]);

    const stranger = ApiClient.as(cloud, 'acme', 'customer', nextId('stranger'));
    await stranger.post('/cases', { ...opening(), customer: { name: 'Stranger', email: 'ada@example.com' } });
    for (const query of [
      `serial=${serial}`,
      `rma=${opened[0]}`,
      `tracking=${tracked.trackingNumber}`,
      'owner=service-supervisor',
      '',
    ]) {
      const response = await stranger.get<Page>(`/cases?${query}`);
      expect(response.status, query).toBe(200);
      for (const caseId of opened) expect(ids(response), query).not.toContain(caseId);
    }
  });
});
