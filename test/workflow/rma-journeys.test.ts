import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud.ts';
import { startTestCloud } from '../support/cloud.ts';
import { isoDaysAgo, Journey, opening } from '../support/journey.ts';

/** The repair journeys of docs/product.md P1-P4, P12, P13, through the synthesized workflow on the local cloud. */
let cloud: LocalCloud;
let journey: Journey;
const daysAgo = (days: number) => isoDaysAgo(cloud.clock.now(), days);

beforeAll(async () => {
  cloud = await startTestCloud();
  journey = new Journey(cloud);
});
afterAll(() => cloud?.stop());

describe('a covered repair', () => {
  it('issues a prepaid label at once, follows the parcel, repairs, ships back and closes (P1)', async () => {
    const caseId = await journey.open(opening({ boxNeeded: true }));
    const waiting = await journey.waitsFor(caseId, 'Wait for device at depot');
    expect(waiting.entitlement).toMatchObject({ coverage: 'standard-warranty', covered: true });
    const [label] = waiting.shipments;
    expect(label).toMatchObject({
      direction: 'to-depot',
      status: 'label-issued',
      box: true,
      trackingNumber: expect.stringMatching(/^FFX\d{12}$/),
    });

    const pdf = await fetch(`${cloud.urls.http}/cases/${caseId}/documents/${label?.labelDocumentId}`, {
      headers: {
        authorization: `Bearer ${cloud.tokens.issue({ tenant: 'acme', role: 'customer', sub: 'customer@acme.example' })}`,
      },
    });
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');

    // The local carrier reports the parcel moving, through the same webhook route a real carrier uses.
    const moved = await fetch(`${cloud.urls.http}/_local/carrier-events`, {
      method: 'POST',
      body: JSON.stringify({ tenant: 'acme', trackingNumber: label?.trackingNumber, status: 'in-transit' }),
    });
    expect(await moved.json()).toMatchObject({ caseId, outcome: 'recorded' });
    await journey.toDepot(caseId);
    await journey.depotEvent(caseId, {
      type: 'diagnosed',
      faultCode: 'PWR-01',
      cause: 'manufacturing-defect',
      covered: true,
    });
    await journey.waitsFor(caseId, 'Wait for repair attempt');
    await journey.depotEvent(caseId, {
      type: 'repair-attempted',
      result: 'fixed',
      faultCode: 'PWR-01',
      partsUsed: ['PSU board'],
    });
    const done = await journey.deliverToCustomer(caseId);

    expect(done).toMatchObject({ outcome: 'repaired', charges: [] });
    expect(done.shipments.map((s) => [s.direction, s.status])).toEqual([
      ['to-depot', 'delivered'],
      ['to-customer', 'delivered'],
    ]);
    // The customer heard of every step, on their channel.
    expect(done.notifications.length).toBeGreaterThanOrEqual(7);
    expect(new Set(done.notifications.map((n) => n.channel))).toEqual(new Set(['email']));
  });
});

describe('good faith and estimates (P2)', () => {
  it('repairs after an approved estimate, charging exactly what was approved', async () => {
    const caseId = await journey.open(opening({ purchaseDate: daysAgo(1200) }));
    await journey.toDepot(caseId);
    await journey.depotEvent(caseId, {
      type: 'diagnosed',
      faultCode: 'BAT-02',
      cause: 'wear',
      covered: false,
      estimate: [
        { description: 'Battery', amountMinor: 8900 },
        { description: 'Labour', amountMinor: 4000 },
      ],
    });
    const asked = await journey.waitsFor(caseId, 'Wait for estimate answer');
    expect(asked.estimate).toMatchObject({ totalMinor: 12900, status: 'awaiting-answer' });
    expect(asked.charges).toEqual([]);
    expect((await journey.answer(caseId, true)).status).toBe(202);
    await journey.waitsFor(caseId, 'Wait for repair attempt');
    await journey.depotEvent(caseId, { type: 'repair-attempted', result: 'fixed', faultCode: 'BAT-02' });
    const done = await journey.deliverToCustomer(caseId);
    expect(done.charges.reduce((sum, charge) => sum + charge.amountMinor, 0)).toBe(12900);
  });

  it('returns the device unrepaired and charges nothing when the estimate is declined', async () => {
    const caseId = await journey.open(opening({ purchaseDate: daysAgo(1200) }));
    await journey.toDepot(caseId);
    await journey.depotEvent(caseId, {
      type: 'diagnosed',
      faultCode: 'SCR-09',
      cause: 'wear',
      covered: false,
      estimate: [{ description: 'Screen', amountMinor: 21000 }],
    });
    await journey.waitsFor(caseId, 'Wait for estimate answer');
    await journey.answer(caseId, false);
    const done = await journey.deliverToCustomer(caseId);
    expect(done).toMatchObject({
      outcome: 'returned-unrepaired',
      charges: [],
      estimate: { status: 'declined' },
      repairAttempts: [],
    });
  });

  it('diagnoses and repairs for free a failure after the brand’s firmware update, even out of warranty', async () => {
    const caseId = await journey.open(opening({ purchaseDate: daysAgo(1200) }));
    const waiting = await journey.toDepot(caseId);
    expect(waiting.entitlement?.covered).toBe(false);
    await journey.depotEvent(caseId, {
      type: 'diagnosed',
      faultCode: 'FW-31',
      cause: 'firmware-update',
      covered: false,
    });
    const repairing = await journey.waitsFor(caseId, 'Wait for repair attempt');
    expect(repairing.diagnosis).toMatchObject({ covered: true, diagnosisFree: true });
    expect(repairing.estimate).toBeUndefined();
    await journey.depotEvent(caseId, { type: 'repair-attempted', result: 'fixed', faultCode: 'FW-31' });
    expect((await journey.deliverToCustomer(caseId)).charges).toEqual([]);
  });
});

describe('replacement after N failed repairs (P4)', () => {
  it('replaces the device at the third failed repair of the same fault, across two cases, with warranty carried over', async () => {
    const serial = `SN-N-${Date.now()}`;
    const first = await journey.open(opening({ serial }));
    await journey.toDepot(first);
    await journey.depotEvent(first, {
      type: 'diagnosed',
      faultCode: 'PWR-01',
      cause: 'manufacturing-defect',
      covered: true,
    });
    // Its fix will not hold: the fault comes back within the brand's 90 days, which counts it as failed
    // too, so the second case's failed attempt is the third (issue 12, journey 9).
    for (const result of ['not-fixed', 'fixed']) {
      await journey.waitsFor(first, 'Wait for repair attempt');
      await journey.depotEvent(first, { type: 'repair-attempted', result, faultCode: 'PWR-01' });
    }
    expect((await journey.deliverToCustomer(first)).outcome).toBe('repaired');

    // The fault comes back: nothing the system knows is asked again (P3).
    const second = await journey.open({ ...opening(), device: { serial } });
    const linked = await journey.toDepot(second);
    expect(linked).toMatchObject({
      linkedCases: [first],
      device: { model: 'Cam 3', purchaseDate: '2026-03-01' },
    });
    await journey.depotEvent(second, {
      type: 'diagnosed',
      faultCode: 'PWR-01',
      cause: 'manufacturing-defect',
      covered: true,
    });
    await journey.waitsFor(second, 'Wait for repair attempt');
    await journey.depotEvent(second, { type: 'repair-attempted', result: 'not-fixed', faultCode: 'PWR-01' });

    const replaced = await journey.deliverToCustomer(second);
    expect(replaced.outcome).toBe('replaced');
    expect(replaced.replacement).toMatchObject({
      model: 'Cam 3',
      warrantyUntil: '2028-03-01',
      reason: '3 failed repairs',
    });
    const history = await journey.customer.get(`/devices/${replaced.replacement?.serial}/history`);
    expect(history.body).toMatchObject({
      replacementOf: { serial, caseId: second, warrantyUntil: '2028-03-01' },
    });
    const old = await journey.customer.get(`/devices/${serial}/history`);
    expect(old.body).toMatchObject({
      failedRepairs: { 'PWR-01': 3 },
      cases: [{ caseId: first }, { caseId: second }],
    });
  });

  it('replaces a dead-on-arrival device without waiting on anyone, with a better model when the same is out of stock (P12)', async () => {
    const started = Date.now();
    const caseId = await journey.open(
      opening({
        model: 'Book 14',
        purchaseDate: daysAgo(3),
        problem: {
          description: 'Never powered on, new in box',
          category: 'does-not-power-on',
          deadOnArrival: true,
        },
      }),
    );
    const ordered = await journey.waitsFor(caseId, 'Wait for delivery to customer');
    const elapsedMs = Date.now() - started;
    expect(ordered).toMatchObject({ route: 'instant-replacement', replacement: { model: 'Book 14 Pro' } });
    expect(elapsedMs).toBeLessThan(120_000);
    expect(ordered.shipments).toMatchObject([{ direction: 'to-customer', purpose: 'replacement' }]);
    expect((await journey.deliverToCustomer(caseId)).outcome).toBe('replaced');
  });
});

describe('returns of unfit or mis-sold goods (P13)', () => {
  it('takes back an unopened item within the window, special order or not, and refunds it', async () => {
    const caseId = await journey.open(
      opening({
        model: 'Dock',
        purchaseDate: daysAgo(10),
        service: 'return',
        returnReason: 'unopened',
        problem: { description: 'Wrong dock for my model, never opened', category: 'other' },
      }),
    );
    const waiting = await journey.waitsFor(caseId, 'Wait for device at depot');
    expect(waiting.route).toBe('return');
    await journey.carrierEvent(journey.tracking(waiting, 'to-depot'), 'delivered');
    const done = await journey.closed(caseId);
    expect(done).toMatchObject({ outcome: 'refunded', refund: { amountMinor: 8900, currency: 'EUR' } });
  });

  it('refuses a return after the window with its reason, and closes', async () => {
    const caseId = await journey.open(
      opening({ model: 'Dock', purchaseDate: daysAgo(90), service: 'return', returnReason: 'mis-sold' }),
    );
    const done = await journey.closed(caseId);
    expect(done.outcome).toBe('denied');
    expect(done.notifications.at(0)?.text).toContain('return window ended');
  });
});

describe('events that come early, late, twice or out of order', () => {
  it('applies each once, keeps the early ones, and refuses what no longer applies', async () => {
    const caseId = await journey.open(opening());
    const waiting = await journey.waitsFor(caseId, 'Wait for device at depot');
    const tracking = journey.tracking(waiting, 'to-depot');

    // The depot's diagnosis is reported before the parcel's arrival is: kept for later.
    const early = await journey.depotEvent(caseId, {
      type: 'diagnosed',
      faultCode: 'PWR-01',
      cause: 'unknown',
      covered: true,
    });
    expect(early.body.outcome).toBe('kept');
    const [delivered, again] = [
      await journey.carrierEvent(tracking, 'delivered', `dup-${caseId}`),
      await journey.carrierEvent(tracking, 'delivered', `dup-${caseId}`),
    ];
    expect([delivered.body.outcome, again.body.outcome]).toEqual(['applied', 'duplicate']);
    // The depot's own receipt scan comes after the carrier's: the same fact, acknowledged once.
    const late = await journey.depotEvent(caseId, { type: 'received' });
    expect(late).toMatchObject({ status: 202, body: { outcome: 'recorded' } });

    const repairing = await journey.waitsFor(caseId, 'Wait for repair attempt');
    expect(repairing.diagnosis).toMatchObject({ cause: 'unknown', diagnosisFree: true });
    await journey.depotEvent(caseId, { type: 'repair-attempted', result: 'fixed', faultCode: 'PWR-01' });
    const done = await journey.deliverToCustomer(caseId);
    const types = done.timeline.map((entry) => entry.type);
    expect(types.filter((type) => type === 'diagnosed')).toHaveLength(1);
    expect(types).toContain('event-confirmed');
    expect(
      (await journey.depotEvent(caseId, { type: 'repair-attempted', result: 'fixed', faultCode: 'PWR-01' }))
        .status,
    ).toBe(409);
  });

  it('keeps ids apart per sender, and keeps a repair reported before the device arrived until it applies', async () => {
    const caseId = await journey.open(opening());
    const waiting = await journey.waitsFor(caseId, 'Wait for device at depot');
    const tracking = journey.tracking(waiting, 'to-depot');
    // The depot reports the repair two steps early: kept, not refused, and its retry is a duplicate.
    const repair = {
      eventId: `evt-${caseId}`,
      type: 'repair-attempted',
      result: 'fixed',
      faultCode: 'PWR-01',
    };
    expect((await journey.depotEvent(caseId, repair)).body.outcome).toBe('kept');
    expect((await journey.depotEvent(caseId, repair)).body.outcome).toBe('duplicate');
    // The carrier happens to use the depot's id for its delivery: another sender, another event.
    expect((await journey.carrierEvent(tracking, 'delivered', `evt-${caseId}`)).body.outcome).toBe('applied');
    await journey.waitsFor(caseId, 'Wait for depot diagnosis');
    await journey.depotEvent(caseId, {
      type: 'diagnosed',
      faultCode: 'PWR-01',
      cause: 'unknown',
      covered: true,
    });
    // The kept repair is applied when the case gets there: the device ships back without another report.
    const shipping = await journey.waitsFor(caseId, 'Wait for delivery to customer');
    expect(shipping.outcome).toBe('repaired');
  });

  it('answers a repeated event as a duplicate, and the same id with other content with 422, changing nothing', async () => {
    const caseId = await journey.open(opening());
    await journey.waitsFor(caseId, 'Wait for device at depot');
    const diagnosis = {
      eventId: `diag-${caseId}`,
      type: 'diagnosed',
      faultCode: 'PWR-01',
      cause: 'unknown',
      covered: true,
      // On the cloud's clock: an event may not be dated before its case opened.
      occurredAt: new Date(cloud.clock.now()).toISOString(),
    };
    expect((await journey.depotEvent(caseId, diagnosis)).body.outcome).toBe('kept');
    expect((await journey.depotEvent(caseId, diagnosis)).body.outcome).toBe('duplicate');
    const other = await journey.depotEvent(caseId, { ...diagnosis, faultCode: 'PWR-99' });
    expect(other).toMatchObject({
      status: 422,
      body: { type: 'https://fairfix.dev/problems/event-id-reused' },
    });
    const kase = await journey.get(caseId);
    expect(kase.pendingEvents.map((event) => (event as { faultCode?: string }).faultCode)).toEqual([
      'PWR-01',
    ]);
  });

  it('answers an unknown tracking number with 404 and keeps brands apart', async () => {
    expect((await journey.carrierEvent('FFX000000000000', 'delivered')).status).toBe(404);
    const caseId = await journey.open(opening());
    const waiting = await journey.waitsFor(caseId, 'Wait for device at depot');
    const other = new Journey(cloud, 'globex');
    expect((await other.carrierEvent(journey.tracking(waiting, 'to-depot'), 'delivered')).status).toBe(404);
  });
});
