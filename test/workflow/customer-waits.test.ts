import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud.ts';
import { dynamoClient } from '../../local/dynamo.ts';
import { ApiClient, nextId } from '../support/api.ts';
import { startTestCloud } from '../support/cloud.ts';
import { type CaseView, isoDaysAgo, Journey, opening } from '../support/journey.ts';

/**
 * Waits on the customer (issue 12, journeys 15 and 7): a customer who does not act by a deadline is
 * reminded, with the step, the new deadline and what happens then; after the brand's grace period the
 * case closes with a published reason (never escalating the brand's own staff for the customer's
 * silence), or, for a missing address, a person takes it over. The device is never kept at the depot.
 * Through the synthesized workflow on the local cloud; this file has its own cloud and moves its clock.
 */
let cloud: LocalCloud;
let journey: Journey;
let agent: ApiClient;
const DAY = 86_400_000;
const GRACE = 7 * DAY;
const DECIDE = 'Wait for a person’s decision';
const ADDRESS = 'Wait for the customer’s address';

beforeAll(async () => {
  cloud = await startTestCloud();
  journey = new Journey(cloud);
  agent = ApiClient.as(cloud, 'acme', 'agent', 'agent-kim');
});
afterAll(() => cloud?.stop());

const documents = () => DynamoDBDocumentClient.from(dynamoClient(cloud.urls.dynamodb));

/** Past a deadline by a minute: the step that handles it runs. */
const pass = (ms: number) => cloud.clock.advance(ms + 60_000);

const reminded = (caseId: string, step: string, by = journey) =>
  by.until(
    caseId,
    `reminded and waiting again in "${step}"`,
    (k) => k.reminder !== undefined && k.waitingFor?.step === step && k.waitingFor.since >= k.reminder.at,
  );

/** The reminder names the step, its new deadline and what happens then; nobody on the brand's side is escalated. */
function expectReminder(kase: CaseView, step: string, then: string) {
  const text = kase.notifications.at(-1)?.text ?? '';
  expect(text).toContain('Reminder:');
  expect(text).toContain(then);
  expect(kase.nextStep).toEqual({ name: step, deadline: kase.reminder?.due });
  expect(text).toContain(`Next: ${step}, by ${kase.reminder?.due}`);
  expect(kase.escalationLevel).toBe(0);
  expect(Date.parse(kase.reminder?.due ?? '') - Date.parse(kase.reminder?.at ?? '')).toBe(GRACE);
}

/** Closed with the published reason, the customer told it, and asked the survey as after any close. */
async function closedFor(caseId: string, code: string) {
  const kase = await journey.closed(caseId);
  expect(kase.decisions).toContainEqual(
    expect.objectContaining({ decision: 'closure', code, status: 'live' }),
  );
  const reasons = await journey.customer.get<{ items: { code: string; text: string }[] }>('/reasons');
  const published = reasons.body.items.find((reason) => reason.code === code);
  expect(published, `${code} is published`).toBeDefined();
  expect(kase.notifications.map((notice) => notice.text).join('\n')).toContain(published?.text);
  expect(kase.escalationLevel).toBe(0);
  expect(kase.nextStep.name).toBe('Tell us whether your needs were met');
  return kase;
}

describe('a customer who does not act in time (issue 12, journey 15)', () => {
  it('who never sends the device is reminded, then the case closes with DEVICE-NOT-SENT after the grace period', async () => {
    const caseId = await journey.open(opening());
    await journey.waitsFor(caseId, 'Wait for device at depot');
    await pass(14 * DAY);
    const kase = await reminded(caseId, 'Wait for device at depot');
    expectReminder(kase, 'Send the device to the depot', 'we close your case');
    expect(kase.timeline.filter((entry) => entry.type === 'escalated')).toEqual([]);

    await pass(GRACE);
    const closed = await closedFor(caseId, 'DEVICE-NOT-SENT');
    expect(closed.outcome).toBeUndefined();
    expect(closed.reminder).toBeUndefined();
  });

  it('whose parcel the carrier already has is not the customer’s to answer for: the case escalates', async () => {
    const caseId = await journey.open(opening());
    const waiting = await journey.waitsFor(caseId, 'Wait for device at depot');
    await journey.carrierEvent(journey.tracking(waiting, 'to-depot'), 'in-transit');
    await pass(14 * DAY);
    const escalated = await journey.until(
      caseId,
      'escalated',
      (k) => k.escalationLevel === 1 && k.waitingFor?.step === 'Wait for device at depot',
    );
    expect(escalated.reminder).toBeUndefined();
    expect(escalated.notifications.at(-1)?.text).toContain('the device did not reach the depot in time');
  });

  it('who acts during the grace period goes on with the journey as usual', async () => {
    const caseId = await journey.open(opening());
    const waiting = await journey.waitsFor(caseId, 'Wait for device at depot');
    await pass(14 * DAY);
    await reminded(caseId, 'Wait for device at depot');
    await journey.carrierEvent(journey.tracking(waiting, 'to-depot'), 'delivered');
    const atDepot = await journey.waitsFor(caseId, 'Wait for depot diagnosis');
    expect(atDepot.reminder).toBeUndefined();
    await journey.coveredRepair(caseId);
    await cloud.clock.advance(GRACE);
    const done = await journey.deliverToCustomer(caseId);
    expect(done.outcome).toBe('repaired');
    expect(done.decisions.filter((decision) => decision.decision === 'closure')).toEqual([]);
  });

  it('who never answers the estimate is reminded; then the device goes back unrepaired and the case closes with ESTIMATE-NOT-ANSWERED', async () => {
    const caseId = await journey.open(opening());
    await journey.toDepot(caseId);
    await journey.depotEvent(caseId, {
      type: 'diagnosed',
      faultCode: 'DROP-01',
      cause: 'accidental-damage',
      covered: false,
      estimate: [{ description: 'Screen', amountMinor: 12_000 }],
    });
    await journey.waitsFor(caseId, 'Wait for estimate answer');
    await pass(7 * DAY);
    expectReminder(
      await reminded(caseId, 'Wait for estimate answer'),
      'Approve or decline the estimate',
      'we send your device back unrepaired',
    );

    await pass(GRACE);
    const returning = await journey.waitsFor(caseId, 'Wait for delivery to customer');
    expect(returning).toMatchObject({
      outcome: 'returned-unrepaired',
      estimate: { status: 'lapsed' },
      charges: [],
    });
    expect(returning.shipments).toContainEqual(expect.objectContaining({ direction: 'to-customer' }));
    // A late answer no longer applies: the device is on its way back.
    expect((await journey.answer(caseId, true)).status).toBe(409);
    await journey.carrierEvent(journey.tracking(returning, 'to-customer'), 'delivered');
    await closedFor(caseId, 'ESTIMATE-NOT-ANSWERED');
  });

  it('who never chooses a visit window is reminded, then the case closes with VISIT-NOT-BOOKED', async () => {
    const caseId = await journey.open(opening({ model: 'Vision 55', preferredService: 'on-site' }));
    await journey.waitsFor(caseId, 'Wait for visit booking');
    await pass(2 * DAY);
    const kase = await reminded(caseId, 'Wait for visit booking');
    expectReminder(kase, kase.nextStep.name, 'we close your case');
    await pass(GRACE);
    const closed = await closedFor(caseId, 'VISIT-NOT-BOOKED');
    expect(closed.visitOffer).toBeUndefined();
  });

  it('who never answers the offer of another model is reminded, then the case closes with OFFER-NOT-ANSWERED', async () => {
    const caseId = await journey.open(
      opening({
        model: 'Lens 50',
        purchaseDate: isoDaysAgo(cloud.clock.now(), 3),
        problem: {
          description: 'Never powered on, new in box',
          category: 'does-not-power-on',
          deadOnArrival: true,
        },
      }),
    );
    await journey.waitsFor(caseId, DECIDE);
    const offer = await agent.post(`/cases/${caseId}/handover/decisions`, {
      decisionId: nextId('decision'),
      action: 'replace',
      model: 'Cam 4',
    });
    expect(offer.status, JSON.stringify(offer.body)).toBe(202);
    await journey.waitsFor(caseId, 'Wait for the customer’s answer to the offer');
    await pass(7 * DAY);
    expectReminder(
      await reminded(caseId, 'Wait for the customer’s answer to the offer'),
      'Accept or decline the Cam 4 we offer',
      'we close your case',
    );
    await pass(GRACE);
    const closed = await closedFor(caseId, 'OFFER-NOT-ANSWERED');
    expect(closed.replacementOffer).toMatchObject({ model: 'Cam 4', status: 'lapsed' });
  });
});

describe('a case opened without an address (issue 12, journey 7)', () => {
  const withoutAddress = (overrides: Record<string, unknown> = {}) => {
    const { customer, ...rest } = opening(overrides);
    const { address: _none, ...known } = customer;
    return { ...rest, customer: known };
  };

  it('is fine for a mail-in; the address is asked before the device is shipped back, and the label carries it', async () => {
    // A customer with nothing on file: the case has no address at all, not a placeholder.
    const asOwner = new Journey(cloud, 'acme', nextId('newcomer'));
    const newcomer = asOwner.customer;
    const caseId = await asOwner.open(withoutAddress());
    expect((await asOwner.get(caseId)).customer.address).toBeUndefined();
    await asOwner.toDepot(caseId);
    await asOwner.coveredRepair(caseId);
    const asked = await asOwner.waitsFor(caseId, ADDRESS);
    expect(asked.shipments.filter((shipment) => shipment.direction === 'to-customer')).toEqual([]);
    expect(asked.nextStep.name).toBe('Tell us where to send your device');
    expect(asked.notifications.at(-1)?.text).toContain(`/cases/${caseId}/address`);

    const address = {
      addressId: nextId('addr'),
      address: { street: ['7 Difference Engine Lane'], postcode: 'EC1A 1BB', city: 'London', country: 'GB' },
    };
    const given = await newcomer.post(`/cases/${caseId}/address`, address);
    expect(given.status, JSON.stringify(given.body)).toBe(202);
    expect(given.body).toMatchObject({ caseId, eventId: address.addressId, outcome: 'applied' });
    expect((await newcomer.post(`/cases/${caseId}/address`, address)).body.outcome).toBe('duplicate');
    const shipping = await asOwner.waitsFor(caseId, 'Wait for delivery to customer');
    expect(shipping.customer.address).toEqual({
      street: ['7 Difference Engine Lane'],
      postcode: 'EC1A 1BB',
      city: 'London',
      country: 'GB',
    });
    // Kept on file: their next case is not asked again (P3).
    const next = await asOwner.open(withoutAddress());
    expect((await asOwner.get(next)).customer.address).toEqual({
      street: ['7 Difference Engine Lane'],
      postcode: 'EC1A 1BB',
      city: 'London',
      country: 'GB',
    });
    expect(shipping.shipments).toContainEqual(expect.objectContaining({ direction: 'to-customer' }));
    const done = await asOwner.deliverToCustomer(caseId);
    expect(done.outcome).toBe('repaired');
    // Closed, the case takes no address any more.
    const late = await newcomer.post(`/cases/${caseId}/address`, {
      addressId: nextId('addr'),
      address: { street: ['8 Late Road'], postcode: 'E2 8AA', city: 'London', country: 'GB' },
    });
    expect(late.status).toBe(409);
  });

  it('is asked before a technician is booked; unanswered it is reminded, then the case desk has it, and a given address resumes the visit', async () => {
    const newcomer = new Journey(cloud, 'acme', nextId('newcomer'));
    const caseId = await newcomer.open(withoutAddress({ model: 'Vision 55', preferredService: 'on-site' }));
    const asked = await newcomer.waitsFor(caseId, ADDRESS);
    expect(asked.visitOffer).toBeUndefined();
    expect(asked.nextStep.name).toBe('Tell us where the technician should come');
    await pass(3 * DAY);
    const kase = await reminded(caseId, ADDRESS, newcomer);
    expectReminder(kase, 'Tell us where the technician should come', 'Case desk');

    await pass(GRACE);
    const handed = await newcomer.waitsFor(caseId, DECIDE);
    expect(handed.status).not.toBe('closed');
    expect(handed.handover).toMatchObject({
      kind: 'customer-silent',
      queue: 'case-desk',
      resumeAt: { state: ADDRESS },
      problem: expect.stringContaining('address'),
    });
    // The case desk reaches the customer and gives the address for them, then resumes.
    const given = await agent.post(`/cases/${caseId}/address`, {
      addressId: nextId('addr'),
      address: { street: ['9 Phone Call Street'], postcode: 'LS9 8AA', city: 'Leeds', country: 'GB' },
    });
    expect(given.status, JSON.stringify(given.body)).toBe(202);
    const resumed = await agent.post(`/cases/${caseId}/handover/decisions`, {
      decisionId: nextId('decision'),
      action: 'resume',
    });
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(202);
    const offered = await newcomer.waitsFor(caseId, 'Wait for visit booking');
    expect(offered.customer.address).toEqual({
      street: ['9 Phone Call Street'],
      postcode: 'LS9 8AA',
      city: 'Leeds',
      country: 'GB',
    });
    expect(offered.visitOffer?.windows.length).toBeGreaterThan(0);
  });

  it('kept as one line of text by an earlier version, buys no label to it: the customer is asked for it in parts, and told why', async () => {
    const asOwner = new Journey(cloud, 'acme', nextId('old-timer'));
    const caseId = await asOwner.open(opening());
    await asOwner.toDepot(caseId);
    // The case as a version before issue 15 stored it: the address one line of free text.
    await documents().send(
      new UpdateCommand({
        TableName: cloud.model.tables[0]?.name as string,
        Key: { pk: `T#acme#CASE#${caseId}`, sk: 'CASE' },
        UpdateExpression: 'SET customer.address = :text',
        ExpressionAttributeValues: { ':text': '12 Analytical Row, London' },
      }),
    );
    expect((await asOwner.get(caseId)).customer.address).toBe('12 Analytical Row, London');
    await asOwner.coveredRepair(caseId);
    const asked = await asOwner.waitsFor(caseId, ADDRESS);
    expect(asked.shipments.filter((shipment) => shipment.direction === 'to-customer')).toEqual([]);
    expect(asked.notifications.at(-1)?.text).toContain('lacks a separate postcode and country');
    const given = await asOwner.customer.post(`/cases/${caseId}/address`, {
      addressId: nextId('addr'),
      address: { street: ['12 Analytical Row'], postcode: 'nw1 6xe', city: 'London', country: 'gb' },
    });
    expect(given.status, JSON.stringify(given.body)).toBe(202);
    const shipping = await asOwner.waitsFor(caseId, 'Wait for delivery to customer');
    expect(shipping.customer.address).toMatchObject({ postcode: 'NW1 6XE', country: 'GB' });
    expect(shipping.shipments).toContainEqual(expect.objectContaining({ direction: 'to-customer' }));
  });

  it('refuses an address as one line of text, naming the parts it needs, every wrong part at once', async () => {
    const caseId = await journey.open(opening());
    const text = await journey.customer.post(`/cases/${caseId}/address`, {
      addressId: nextId('addr'),
      address: '12 Analytical Row, London',
    });
    expect(text.status).toBe(400);
    expect(text.headers.get('content-type')).toContain('application/problem+json');
    expect(text.body.errors).toEqual([
      { pointer: '#/address', detail: expect.stringContaining('Give the address in parts') },
    ]);
    const wrong = await journey.customer.post(`/cases/${caseId}/address`, {
      addressId: nextId('addr'),
      address: { street: [''], postcode: '1234', city: '', country: 'DE' },
    });
    expect(wrong.status).toBe(400);
    expect((wrong.body.errors as { pointer: string }[]).map((error) => error.pointer).sort()).toEqual([
      '#/address/city',
      '#/address/postcode',
      '#/address/street/0',
    ]);
  });

  it('cannot have a carrier pickup: the carrier needs to know where', async () => {
    const response = await new Journey(cloud, 'acme', nextId('newcomer')).customer.post(
      '/cases',
      withoutAddress({ pickupAt: new Date(cloud.clock.now() + DAY).toISOString() }),
    );
    expect(response.status).toBe(400);
    expect(response.body.errors).toContainEqual(expect.objectContaining({ pointer: '#/customer/address' }));
  });
});
