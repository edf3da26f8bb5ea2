import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as detectKnownIssues } from '../../functions/detect-known-issues/handler.ts';
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

describe('detection from the case events on the bus', () => {
  it('counts a case opening once however often its event is delivered', async () => {
    await createBrand('busco', { threshold: 2, windowDays: 30 });
    const journey = new Journey(cloud, 'busco');
    const first = await journey.open(outOfWarranty());
    await journey.waitsFor(first, 'Wait for device at depot');
    // The plan step put the case's report on the bus: what detection counts, never who the customer is.
    const published = await eventually(async () =>
      cloud.bus.events
        .map((event) => event.entry as { Source: string; DetailType: string; Detail: string })
        .find((entry) => entry.DetailType === 'Case opened' && entry.Detail.includes(first)),
    );
    const detail = JSON.parse(published.Detail) as Record<string, string>;
    expect(detail).toEqual({
      brand: 'busco',
      caseId: first,
      model: 'Cam 3',
      firmware: '3.1.0',
      symptom: 'does-not-power-on',
      occurredAt: (await journey.get(first)).openedAt,
    });
    // EventBridge delivers at least once: the same event, twice more, to the detector the rule targets.
    const event = { source: published.Source, 'detail-type': published.DetailType, detail };
    expect(await detectKnownIssues(event)).toEqual({});
    expect(await detectKnownIssues(event)).toEqual({});
    const agent = ApiClient.as(cloud, 'busco', 'agent');
    expect((await agent.get<{ items: unknown[] }>('/known-issues')).body.items).toEqual([]);
    expect((await journey.get(first)).knownIssue).toBeUndefined();

    // A second device's report is the threshold's second: the issue opens, raised by the two cases.
    const second = await journey.open(outOfWarranty());
    for (const caseId of [first, second]) await journey.until(caseId, 'the known issue reaches it', waived);
    const issues = (await agent.get<{ items: { raisedBy: string[] }[] }>('/known-issues')).body.items;
    expect(issues).toHaveLength(1);
    expect([...(issues[0]?.raisedBy ?? [])].sort()).toEqual([first, second].sort());
    // Every report the detector was handed was taken: none is waiting in its dead letters.
    expect(
      cloud.messaging.rules.deadLetters.filter((letter) => letter.rule.startsWith('KnownIssues')),
    ).toEqual([]);
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
    // The second report of FAN-09 on Cam 3 3.1.0 opens the issue, once detection has counted it from
    // the bus: this case's estimate, sent by the step that reported, is withdrawn with the earlier one.
    await journey.depotEvent(later, wornOut('FAN-09'));
    const repairing = await journey.waitsFor(later, 'Wait for repair attempt');
    expect(repairing.estimate?.status).toBe('withdrawn');
    expect(repairing.charges).toEqual([]);
    expect(repairing.diagnosis).toMatchObject({ covered: true, diagnosisFree: true });

    const withdrawn = await journey.waitsFor(earlier, 'Wait for repair attempt');
    expect(withdrawn.estimate?.status).toBe('withdrawn');
    expect(withdrawn.charges).toEqual([]);
    expect(withdrawn.diagnosis).toMatchObject({ covered: true, diagnosisFree: true });
    expect(told(withdrawn, 'the estimate we sent you is withdrawn')).toBe(true);
    expect(withdrawn.timeline.some((line) => line.type === 'known-issue')).toBe(true);
    // A case the depot diagnoses once the issue is open finds it by a read: it is never sent an estimate.
    const after = await journey.open(
      outOfWarranty({ problem: { description: 'Fan stopped', category: 'software-fault' } }),
    );
    await journey.toDepot(after);
    await journey.depotEvent(after, wornOut('FAN-09'));
    const free = await journey.waitsFor(after, 'Wait for repair attempt');
    expect(free.estimate).toBeUndefined();
    expect(free.knownIssue?.status).toBe('waived');
    expect(free.diagnosis).toMatchObject({ covered: true, diagnosisFree: true });
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

describe('a campaign offers the fix itself', () => {
  it('opens one case per matching device of its brand, with a prepaid label or a visit offer, and runs it free', async () => {
    const admin = await createBrand('offerco', { threshold: 5, windowDays: 30 });
    await createBrand('offerother', { threshold: 5, windowDays: 30 });
    const journey = new Journey(cloud, 'offerco');
    const elsewhere = new Journey(cloud, 'offerother');
    const device = (serial: string, model: string, firmware: string) =>
      outOfWarranty({ device: { serial, model, purchaseDate: '2023-03-01', firmware } });
    // A return refused (long out of its window) is a quick way to a device whose cases are all closed.
    const closedCase = async (j: Journey, serial: string, model: string, firmware: string) => {
      const caseId = await j.open({
        ...device(serial, model, firmware),
        service: 'return',
        returnReason: 'unfit',
      });
      await j.until(caseId, 'closed', (kase) => kase.status === 'closed');
      return caseId;
    };
    const cam = nextId('SN-CAM');
    const tv = nextId('SN-TV');
    const stillOpen = nextId('SN-OPEN');
    const camEarlier = await closedCase(journey, cam, 'Cam 3', '3.1.0');
    const tvEarlier = await closedCase(journey, tv, 'Vision 55', '3.1.0');
    const olderFirmware = await closedCase(journey, nextId('SN-OLDFW'), 'Cam 3', '3.0.9');
    const foreign = await closedCase(elsewhere, nextId('SN-ELSE'), 'Cam 3', '3.1.0');
    const open = await journey.open(device(stillOpen, 'Cam 3', '3.1.0'));
    await journey.waitsFor(open, 'Wait for device at depot');

    const historyOf = async (j: Journey, serial: string) => {
      const agent = ApiClient.as(cloud, j === journey ? 'offerco' : 'offerother', 'agent');
      const read = await agent.get<{ cases: { caseId: string }[] }>(
        `/devices/${encodeURIComponent(serial)}/history`,
      );
      expect(read.status, JSON.stringify(read.body)).toBe(200);
      return read.body.cases.map((kase) => kase.caseId);
    };
    const camRequest = { campaignId: nextId('cam-offer'), model: 'Cam 3', firmwares: ['3.1.0'] };
    const created = await admin.post('/campaigns', camRequest);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    type Reached = { serial: string; caseId: string; repairCaseId: string };
    const reached = created.body.devices as Reached[];
    expect(reached.map((d) => d.serial).sort()).toEqual([cam, stillOpen].sort());
    const camDevice = reached.find((d) => d.serial === cam) as Reached;
    expect(camDevice.caseId).toBe(camEarlier);
    // The closed device gets a case of its own; the device on an open case keeps that one.
    expect(camDevice.repairCaseId).not.toBe(camEarlier);
    expect(reached.find((d) => d.serial === stillOpen)?.repairCaseId).toBe(open);
    // Nothing for a device of another firmware, or of another brand.
    expect(await historyOf(journey, cam)).toHaveLength(2);
    const oldSerial = (await journey.get(olderFirmware)).device.serial;
    expect(await historyOf(journey, oldSerial)).toEqual([olderFirmware]);
    const foreignSerial = (await elsewhere.get(foreign)).device.serial;
    expect(await historyOf(elsewhere, foreignSerial)).toEqual([foreign]);

    // Asked again, the campaign offers nothing twice.
    const again = await admin.post('/campaigns', camRequest);
    expect(again.status).toBe(200);
    expect(again.body.devices).toEqual(created.body.devices);
    expect(await historyOf(journey, cam)).toHaveLength(2);

    // The owner typed nothing: the case is theirs, and its workflow sent the prepaid label.
    const offered = await journey.waitsFor(camDevice.repairCaseId, 'Wait for device at depot');
    expect(offered.customer.email).toBe('ada@example.com');
    expect(offered.shipments).toEqual([
      expect.objectContaining({ direction: 'to-depot', status: 'label-issued' }),
    ]);
    const notice = 'is affected by a known issue with Cam 3 on firmware 3.1.0';
    expect(offered.notifications.filter((n) => n.text.includes(notice))).toHaveLength(1);
    expect(offered.notifications.some((n) => n.text.includes('prepaid shipping label'))).toBe(true);
    expect((await journey.customer.get(`/cases/${camDevice.repairCaseId}`)).status).toBe(200);
    const onOpen = await journey.get(open);
    expect(onOpen.notifications.filter((n) => n.text.includes(notice))).toHaveLength(1);
    // A campaign case reports no symptom of its own: no known issue is counted from it.
    expect((await admin.get<{ items: unknown[] }>('/known-issues')).body.items).toEqual([]);

    // Sent in, diagnosed as worn out of warranty: no estimate, repaired free, and the campaign counts it.
    await journey.toDepot(camDevice.repairCaseId);
    await journey.depotEvent(camDevice.repairCaseId, wornOut('PWR-09'));
    const repairing = await journey.waitsFor(camDevice.repairCaseId, 'Wait for repair attempt');
    expect(repairing.estimate).toBeUndefined();
    expect(repairing.diagnosis).toMatchObject({ covered: true, diagnosisFree: true });
    expect(repairing.diagnosis?.reason).toContain(`Service campaign ${camRequest.campaignId}`);
    await journey.depotEvent(camDevice.repairCaseId, {
      type: 'repair-attempted',
      result: 'fixed',
      faultCode: 'PWR-09',
    });
    const delivered = await journey.deliverToCustomer(camDevice.repairCaseId);
    expect(delivered.charges).toEqual([]);
    const progress = await eventually(async () => {
      const read = await admin.get<{ progress: { fixed: number; told: number } }>(
        `/campaigns/${camRequest.campaignId}`,
      );
      return read.body.progress.fixed === 1 && read.body.progress.told === 2 ? read.body.progress : undefined;
    });
    // The device on its open case is told, and not sent in yet.
    expect(progress).toEqual({ targeted: 2, told: 2, unreachable: 0, shipped: 1, fixed: 1 });

    // A family the brand visits at home is offered a technician's visit instead.
    const tvRequest = { campaignId: nextId('tv-offer'), model: 'Vision 55', firmwares: ['3.1.0'] };
    const tvCreated = await admin.post('/campaigns', tvRequest);
    expect(tvCreated.status, JSON.stringify(tvCreated.body)).toBe(201);
    const [tvDevice] = tvCreated.body.devices as Reached[];
    expect(tvDevice).toMatchObject({ serial: tv, caseId: tvEarlier });
    const visit = await journey.waitsFor(tvDevice?.repairCaseId as string, 'Wait for visit booking');
    expect(visit.visitOffer?.windows.length).toBeGreaterThan(0);
    expect(visit.notifications.some((n) => n.text.includes('windows for a technician’s visit'))).toBe(true);

    // The brand's campaigns, newest first, a page at a time; another brand's list holds none of them.
    const agent = ApiClient.as(cloud, 'offerco', 'agent');
    const first = await agent.get<{ items: { campaignId: string }[]; next?: string }>('/campaigns?limit=1');
    expect(first.status).toBe(200);
    expect(first.body.items.map((c) => c.campaignId)).toEqual([tvRequest.campaignId]);
    expect(first.body.items[0]).toMatchObject({
      target: { model: 'Vision 55' },
      createdBy: 'admin:admin@offerco.example',
    });
    expect(first.body.items[0]).not.toHaveProperty('devices');
    const second = await agent.get<{ items: { campaignId: string }[]; next?: string }>(
      `/campaigns?limit=1&before=${encodeURIComponent(first.body.next ?? '')}`,
    );
    expect(second.body.items.map((c) => c.campaignId)).toEqual([camRequest.campaignId]);
    expect(second.body.next).toBeUndefined();
    expect((await admin.get<{ items: unknown[] }>('/campaigns')).body.items).toHaveLength(2);
    expect(
      (await ApiClient.as(cloud, 'offerother', 'admin').get<{ items: unknown[] }>('/campaigns')).body.items,
    ).toEqual([]);
    for (const role of ['customer', 'depot', 'technician', 'reviewer'])
      expect((await ApiClient.as(cloud, 'offerco', role).get('/campaigns')).status, role).toBe(403);
    const badPage = await agent.get('/campaigns?limit=0&before=nope');
    expect(badPage.status).toBe(400);
    expect((badPage.body.errors as { pointer: string }[]).map((e) => e.pointer).sort()).toEqual([
      '#/query/before',
      '#/query/limit',
    ]);
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
    // A device still on an open case is fixed free there: its owner reads so, by email.
    const invitation = (await journey.get(once)).notifications.find((n) => n.text.includes(notice));
    expect(invitation?.text).toContain('We fix it at no charge on this case.');
    expect((await journey.get(once)).campaign).toEqual({
      campaignId: request.campaignId,
      words: `service campaign ${request.campaignId} for a known issue with Cam 3 on firmware 3.1.0`,
      opened: false,
    });
    const email = await eventually(async () => {
      const mailbox = (await (await fetch(`${cloud.urls.http}/_local/mailbox`)).json()) as {
        caseId: string | null;
        text: string;
      }[];
      return mailbox.find((mail) => mail.caseId === once && mail.text.includes(notice));
    });
    expect(email.text).toContain('We fix it at no charge on this case.');

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
        {
          serial: twice,
          model: 'Cam 3',
          firmware: '3.1.0',
          caseId: latest,
          repairCaseId: latest,
          state: 'told',
        },
        {
          serial: onceSerial,
          model: 'Cam 3',
          firmware: '3.1.0',
          caseId: once,
          repairCaseId: once,
          state: 'shipped',
        },
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
    // Nothing given: each field it needs is named, not the request as a whole.
    const empty = await admin.post('/campaigns', { colour: 'red' });
    expect(empty.status).toBe(400);
    expect(empty.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((empty.body.errors as { pointer: string }[]).map((error) => error.pointer).sort()).toEqual([
      '#/campaignId',
      '#/colour',
      '#/firmwares',
      '#/model',
    ]);
  });
});

describe('a campaign linked to an open case', () => {
  it('withdraws the estimate awaiting its answer there, and the workflow goes on to the repair', async () => {
    // Detection stays below its threshold: only the campaign makes this case free.
    const admin = await createBrand('linkedco', { threshold: 10, windowDays: 30 });
    const journey = new Journey(cloud, 'linkedco');
    const serial = nextId('SN-ASKED');
    const caseId = await journey.open(
      outOfWarranty({
        device: {
          serial,
          model: 'Cam 3',
          purchaseDate: isoDaysAgo(cloud.clock.now(), 1200),
          firmware: '3.1.0',
        },
      }),
    );
    await journey.toDepot(caseId);
    await journey.depotEvent(caseId, wornOut('BAT-07'));
    const asked = await journey.waitsFor(caseId, 'Wait for estimate answer');
    expect(asked.estimate).toMatchObject({ status: 'awaiting-answer', totalMinor: 45_800 });

    const request = { campaignId: nextId('linked'), model: 'Cam 3', firmwares: ['3.1.0'] };
    const created = await admin.post('/campaigns', request);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.devices).toMatchObject([{ serial, caseId, repairCaseId: caseId }]);

    const withdrawn = await journey.waitsFor(caseId, 'Wait for repair attempt');
    expect(withdrawn.estimate?.status).toBe('withdrawn');
    expect(withdrawn.charges).toEqual([]);
    expect(withdrawn.diagnosis).toMatchObject({ covered: true, diagnosisFree: true });
    expect(withdrawn.diagnosis?.reason).toContain(`campaign ${request.campaignId} for`);
    expect(
      told(withdrawn, 'We fix it at no charge on this case; the estimate we sent you is withdrawn'),
    ).toBe(true);
    // Repaired free, and delivered with nothing charged.
    await journey.depotEvent(caseId, { type: 'repair-attempted', result: 'fixed', faultCode: 'BAT-07' });
    const done = await journey.deliverToCustomer(caseId);
    expect(done.charges).toEqual([]);
  });
});
