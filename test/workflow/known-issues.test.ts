import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrandPolicy } from '../../functions/domain/policy.ts';
import type { LocalCloud } from '../../local/cloud.ts';
import { ApiClient, nextId } from '../support/api.ts';
import { examplePolicy } from '../support/brands.ts';
import { eventually, startTestCloud } from '../support/cloud.ts';
import { type CaseView, isoDaysAgo, Journey, opening } from '../support/journey.ts';

/**
 * Issue 17 through the synthesized workflow: K reports of one model, firmware and symptom (or fault
 * code) open a known issue, whose cases are diagnosed and repaired free, an estimate already sent
 * withdrawn; a dismissed issue charges again, with its reason on the timeline.
 */
let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(() => cloud?.stop());

/** A brand with detection on (it is off unless a brand's policy turns it on), from acme's example policy. */
async function createBrand(brand: string, knownIssues: NonNullable<BrandPolicy['knownIssues']>) {
  const admin = ApiClient.as(cloud, brand, 'admin', `admin@${brand}.example`);
  const document = { ...examplePolicy('acme'), brand, displayName: `${brand} Ltd`, knownIssues };
  const created = await admin.request('PUT', '/brand/policy', document, { 'if-none-match': '*' });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return admin;
}

/** Out of warranty: without a known issue, a fault is the customer's to pay, on an estimate. */
const outOfWarranty = (overrides: Record<string, unknown> = {}) =>
  opening({ purchaseDate: isoDaysAgo(cloud.clock.now(), 1200), ...overrides });

const FREE = 'A known issue with Cam 3 on firmware 3.1.0: no charge.';
const told = (kase: CaseView, text: string) =>
  kase.notifications.some((notice) => notice.text.includes(text));
const waived = (kase: CaseView) => kase.knownIssue?.status === 'waived';

/** The depot finds worn parts and asks the customer to pay for them. */
const wornOut = (faultCode: string) => ({
  type: 'diagnosed',
  faultCode,
  cause: 'wear',
  covered: false,
  estimate: [{ description: 'Main board', amountMinor: 45_800 }],
});

describe('known issues from symptoms at opening', () => {
  it('the K-th report opens the issue for every case that raised it, and the next matching case gets no estimate', async () => {
    await createBrand('fleetco', { threshold: 3, windowDays: 30 });
    const journey = new Journey(cloud, 'fleetco');
    const first = await journey.open(outOfWarranty());
    const second = await journey.open(outOfWarranty());
    // Another symptom of the same model and firmware is another signal: it does not count.
    const other = await journey.open(
      outOfWarranty({ problem: { description: 'Cracked lens', category: 'damage' } }),
    );
    for (const caseId of [first, second, other]) {
      const planned = await journey.waitsFor(caseId, 'Wait for device at depot');
      expect(planned.knownIssue).toBeUndefined();
    }

    const third = await journey.open(outOfWarranty());
    for (const caseId of [first, second, third]) {
      const reached = await journey.until(caseId, 'the known issue reaches it', waived);
      expect(
        reached.timeline.some((line) => line.type === 'known-issue' && line.summary.startsWith(FREE)),
      ).toBe(true);
      expect(told(reached, FREE)).toBe(true);
    }
    expect((await journey.get(other)).knownIssue).toBeUndefined();

    // A case opened after the issue matches at once, and its depot's estimate is not sent.
    const next = await journey.open(outOfWarranty());
    await journey.until(next, 'the known issue reaches it at opening', waived);
    await journey.toDepot(next);
    await journey.depotEvent(next, wornOut('PWR-09'));
    const repairing = await journey.waitsFor(next, 'Wait for repair attempt');
    expect(repairing.estimate).toBeUndefined();
    expect(repairing.charges).toEqual([]);
    expect(repairing.diagnosis).toMatchObject({ covered: true, diagnosisFree: true });
    expect(repairing.diagnosis?.reason).toContain(FREE);
    expect(repairing.decisions.filter((decision) => decision.status === 'live')).toEqual([]);
  });
});

describe('known issues from fault codes at the depot', () => {
  it('withdraws an estimate sent earlier for the fault, and the workflow goes on to the repair', async () => {
    await createBrand('faultco', { threshold: 2, windowDays: 30 });
    const journey = new Journey(cloud, 'faultco');
    const earlier = await journey.open(
      outOfWarranty({ problem: { description: 'Fan rattles', category: 'hardware-fault' } }),
    );
    await journey.toDepot(earlier);
    await journey.depotEvent(earlier, wornOut('FAN-09'));
    const asked = await journey.waitsFor(earlier, 'Wait for estimate answer');
    expect(asked.estimate).toMatchObject({ status: 'awaiting-answer', totalMinor: 45_800 });

    const later = await journey.open(
      outOfWarranty({ problem: { description: 'Makes a loud noise', category: 'other' } }),
    );
    await journey.toDepot(later);
    // The second report of FAN-09 on Cam 3 3.1.0 opens the issue: this case is never asked to pay.
    await journey.depotEvent(later, wornOut('FAN-09'));
    const repairing = await journey.waitsFor(later, 'Wait for repair attempt');
    expect(repairing.estimate).toBeUndefined();
    expect(repairing.diagnosis).toMatchObject({ covered: true, diagnosisFree: true });

    const withdrawn = await journey.waitsFor(earlier, 'Wait for repair attempt');
    expect(withdrawn.estimate?.status).toBe('withdrawn');
    expect(withdrawn.charges).toEqual([]);
    expect(withdrawn.diagnosis).toMatchObject({ covered: true, diagnosisFree: true });
    expect(told(withdrawn, 'the estimate we sent you is withdrawn')).toBe(true);
    expect(withdrawn.timeline.some((line) => line.type === 'known-issue')).toBe(true);
    // Repaired free, and delivered with nothing charged.
    await journey.depotEvent(earlier, { type: 'repair-attempted', result: 'fixed', faultCode: 'FAN-09' });
    const done = await journey.deliverToCustomer(earlier);
    expect(done.charges).toEqual([]);
  });
});

describe('deciding on a known issue', () => {
  it('widens its firmware range, and a dismissed issue charges again with the reason on the timeline', async () => {
    const admin = await createBrand('dismissco', { threshold: 2, windowDays: 30 });
    const journey = new Journey(cloud, 'dismissco');
    const agent = ApiClient.as(cloud, 'dismissco', 'agent');
    // One report on firmware 3.1.1: below the threshold on its own.
    const newer = await journey.open(
      outOfWarranty({
        device: {
          serial: nextId('SN'),
          model: 'Cam 3',
          purchaseDate: isoDaysAgo(cloud.clock.now(), 1200),
          firmware: '3.1.1',
        },
      }),
    );
    await journey.waitsFor(newer, 'Wait for device at depot');
    expect((await agent.get<{ items: unknown[] }>('/known-issues')).body.items).toEqual([]);

    const raised = [await journey.open(outOfWarranty()), await journey.open(outOfWarranty())];
    for (const caseId of raised) await journey.until(caseId, 'the known issue reaches it', waived);
    const listed = await agent.get<{ items: { issueId: string; raisedBy: string[]; firmwares: string[] }[] }>(
      '/known-issues',
    );
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(1);
    const issue = listed.body.items[0] as { issueId: string; raisedBy: string[]; firmwares: string[] };
    expect(issue).toMatchObject({
      model: 'Cam 3',
      firmwares: ['3.1.0'],
      kind: 'symptom',
      what: 'does-not-power-on',
    });
    expect([...issue.raisedBy].sort()).toEqual([...raised].sort());
    const decide = (client: ApiClient, body: object, issueId = issue.issueId) =>
      client.post(`/known-issues/${issueId}/decisions`, body);

    // Who may decide: the brand's agents and admin; no customer, no depot, no other brand.
    const globexAdmin = ApiClient.as(cloud, 'globex', 'admin');
    const confirm = { decisionId: nextId('ki'), action: 'confirm' };
    expect((await decide(globexAdmin, confirm)).status).toBe(404);
    expect(
      (await ApiClient.as(cloud, 'globex', 'agent').get<{ items: unknown[] }>('/known-issues')).body.items,
    ).toEqual([]);
    expect((await decide(journey.customer, confirm)).status).toBe(403);
    expect((await decide(journey.depot, confirm)).status).toBe(403);
    expect((await journey.customer.get('/known-issues')).status).toBe(403);
    expect((await decide(agent, confirm, 'KI-000000000000')).status).toBe(404);
    const invalid = await decide(agent, { decisionId: nextId('ki'), action: 'dismiss' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors).toEqual([expect.objectContaining({ pointer: '#/reason' })]);
    const confirmed = await decide(agent, confirm);
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(201);
    expect(confirmed.body.status).toBe('confirmed');

    // Widened to 3.1.1: the case that reported it there is charged nothing either.
    const widened = await decide(admin, { decisionId: nextId('ki'), action: 'widen', firmwares: ['3.1.1'] });
    expect(widened.status, JSON.stringify(widened.body)).toBe(201);
    expect(widened.body.firmwares).toEqual(['3.1.0', '3.1.1']);
    const reached = await journey.until(newer, 'the widened issue reaches it', waived);
    expect(told(reached, 'A known issue with Cam 3 on firmware 3.1.0 or 3.1.1: no charge.')).toBe(true);

    const reason = 'The depot traced it to third-party chargers, not to our firmware.';
    const dismissal = { decisionId: nextId('ki'), action: 'dismiss', reason };
    const dismissed = await decide(admin, dismissal);
    expect(dismissed.status, JSON.stringify(dismissed.body)).toBe(201);
    expect(dismissed.body).toMatchObject({ status: 'dismissed', dismissal: { reason } });
    // The same request again is the same decision; another one is refused.
    expect((await decide(admin, dismissal)).status).toBe(201);
    expect((await decide(agent, { decisionId: nextId('ki'), action: 'confirm' })).status).toBe(409);

    const [charged] = raised as [string];
    const chargedAgain = await journey.until(
      charged,
      'charged again',
      (kase) => kase.knownIssue?.status === 'charged',
    );
    expect(
      chargedAgain.timeline.some(
        (line) => line.type === 'known-issue-dismissed' && line.summary.includes(reason),
      ),
    ).toBe(true);
    expect(told(chargedAgain, reason)).toBe(true);
    await journey.toDepot(charged);
    await journey.depotEvent(charged, wornOut('PWR-09'));
    const asked = await journey.waitsFor(charged, 'Wait for estimate answer');
    expect(asked.estimate).toMatchObject({ status: 'awaiting-answer', totalMinor: 45_800 });
    expect(asked.diagnosis).toMatchObject({ covered: false });
  });
});

describe('service campaigns', () => {
  it('reach exactly the matching devices on file of the brand, each once, and count their progress', async () => {
    const admin = await createBrand('recallco', { threshold: 3, windowDays: 30 });
    await createBrand('otherco', { threshold: 3, windowDays: 30 });
    const journey = new Journey(cloud, 'recallco');
    const device = (serial: string, firmware: string) =>
      outOfWarranty({ device: { serial, model: 'Cam 3', purchaseDate: '2026-03-01', firmware } });
    const twice = nextId('SN-TWICE');
    const onceSerial = nextId('SN-ONCE');
    const older = await journey.open(device(twice, '3.1.0'));
    await journey.waitsFor(older, 'Wait for device at depot');
    const latest = await journey.open(device(twice, '3.1.0'));
    const once = await journey.open(device(onceSerial, '3.1.0'));
    const untouched = await journey.open(device(nextId('SN-OLDER-FW'), '3.0.9'));
    const elsewhere = new Journey(cloud, 'otherco');
    const foreign = await elsewhere.open(device(nextId('SN-OTHERCO'), '3.1.0'));
    for (const caseId of [latest, once, untouched])
      await journey.waitsFor(caseId, 'Wait for device at depot');
    await elsewhere.waitsFor(foreign, 'Wait for device at depot');

    const request = { campaignId: nextId('recall'), model: 'Cam 3', firmwares: ['3.1.0'] };
    const created = await admin.post('/campaigns', request);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const reached = (created.body.devices as { caseId: string }[]).map((d) => d.caseId).sort();
    expect(reached).toEqual([latest, once].sort());
    // The same request again is the same campaign: nobody is told twice.
    const again = await admin.post('/campaigns', request);
    expect(again.status).toBe(200);
    expect(again.body.devices).toEqual(created.body.devices);

    const notice = 'is affected by a known issue with Cam 3 on firmware 3.1.0';
    const notices = async (j: Journey, caseId: string) =>
      (await j.get(caseId)).notifications.filter((n) => n.text.includes(notice)).length;
    expect(await notices(journey, latest)).toBe(1);
    expect(await notices(journey, once)).toBe(1);
    expect(await notices(journey, older)).toBe(0);
    expect(await notices(journey, untouched)).toBe(0);
    expect(await notices(elsewhere, foreign)).toBe(0);
    // The notice carries the way to act: the portal's open-case page with the device filled in.
    const invitation = (await journey.get(once)).notifications.find((n) => n.text.includes(notice));
    expect(invitation?.text).toContain(`open a repair with us at /open?serial=${onceSerial} `);
    // The email the owner reads has it as an absolute link to the portal.
    const email = await eventually(async () => {
      const mailbox = (await (await fetch(`${cloud.urls.http}/_local/mailbox`)).json()) as {
        caseId: string | null;
        text: string;
      }[];
      return mailbox.find((mail) => mail.caseId === once && mail.text.includes(notice));
    });
    expect(email.text).toMatch(
      new RegExp(`open a repair with us at https?://\\S+/#/open\\?serial=${onceSerial} `),
    );

    const path = `/campaigns/${request.campaignId}`;
    const agent = ApiClient.as(cloud, 'recallco', 'agent');
    const progress = await eventually(async () => {
      const read = await agent.get<{ progress: { targeted: number; told: number } }>(path);
      expect(read.status).toBe(200);
      return read.body.progress.told === 2 ? read.body.progress : undefined;
    });
    expect(progress).toEqual({ targeted: 2, told: 2, unreachable: 0, shipped: 0, fixed: 0 });

    // The owner told on `once` sends the device in on a new case: it is shipped; `twice` is still told.
    const answered = await journey.open(device(onceSerial, '3.1.0'));
    await journey.toDepot(answered);
    const shipped = await eventually(async () => {
      const read = await agent.get<{ progress: { shipped: number }; devices: unknown[] }>(path);
      return read.body.progress.shipped === 1 ? read.body : undefined;
    });
    expect(shipped.devices).toEqual(
      expect.arrayContaining([
        { serial: twice, model: 'Cam 3', firmware: '3.1.0', caseId: latest, state: 'told' },
        { serial: onceSerial, model: 'Cam 3', firmware: '3.1.0', caseId: once, state: 'shipped' },
      ]),
    );
    // The same as CSV, a row per device, whether asked by the Accept header or by a link's query.
    const rows = [
      'serial,model,firmware,earlier case,state',
      `${twice},Cam 3,3.1.0,${latest},told`,
      `${onceSerial},Cam 3,3.1.0,${once},shipped`,
    ];
    const lines = (csv: string) => {
      const [header, ...devices] = csv.split('\r\n').filter((line) => line !== '');
      return [header, ...devices.sort()];
    };
    const byAccept = await agent.request<string>('GET', path, undefined, { accept: 'text/csv' });
    expect(byAccept.status).toBe(200);
    expect(byAccept.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(lines(byAccept.body)).toEqual([rows[0], ...rows.slice(1).sort()]);
    const byQuery = await admin.request<string>('GET', `${path}?format=csv`);
    expect(byQuery.headers.get('content-disposition')).toContain('.csv');
    expect(lines(byQuery.body)).toEqual(lines(byAccept.body));
    expect((await agent.get(path)).headers.get('content-type')).toMatch(/^application\/json/);
    const badFormat = await agent.get(`${path}?format=xlsx`);
    expect(badFormat.status).toBe(400);
    expect((badFormat.body.errors as { pointer: string }[]).map((e) => e.pointer)).toEqual([
      '#/query/format',
    ]);
    expect((await ApiClient.as(cloud, 'otherco', 'admin').get(`${path}?format=csv`)).status).toBe(404);
    // The export is the same route: a customer, the depot or a reviewer reads it no more than its JSON.
    for (const role of ['customer', 'depot', 'reviewer'])
      expect((await ApiClient.as(cloud, 'recallco', role).get(`${path}?format=csv`)).status, role).toBe(403);
    expect((await ApiClient.as(cloud, 'otherco', 'admin').get(path)).status).toBe(404);
    expect((await journey.customer.get(path)).status).toBe(403);
    expect((await journey.customer.post('/campaigns', { ...request, campaignId: nextId('x') })).status).toBe(
      403,
    );
    const invalid = await admin.post('/campaigns', {
      campaignId: nextId('bad'),
      model: 'Cam 3',
      firmwares: [],
      serialFrom: 'A',
    });
    expect(invalid.status).toBe(400);
    // Every error at once.
    expect((invalid.body.errors as { pointer: string }[]).map((error) => error.pointer)).toEqual([
      '#/firmwares',
      '#/serialTo',
    ]);
  });
});
