import { GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Waiting } from '../../functions/domain/case.ts';
import type { LocalCloud } from '../../local/cloud.ts';
import { dynamoClient, LOCAL_CREDENTIALS } from '../../local/dynamo.ts';
import { LocalFunctions } from '../../local/functions.ts';
import { REGION } from '../../local/template.ts';
import { startTestCloud } from '../support/cloud.ts';
import { type CaseView, Journey, opening } from '../support/journey.ts';

/**
 * A step that ends in a wait (issue 13): the label and the wait for its parcel, the ship-back and the
 * wait for its delivery, closing and the wait for the survey, the survey's answer and the wait for its
 * follow-up, each one state whose step registers the wait in its own save. Run again (the
 * engine hands the same token out after a crash; a Retry brings a token of its own) it changes nothing
 * more: no second label, no second notice. A deadline passed waits again in the plain wait, so the
 * step never runs twice for it. Through the synthesized workflow on the local cloud; this file has its
 * own cloud and moves its clock.
 */
let cloud: LocalCloud;
let journey: Journey;
let functions: LocalFunctions;
const DAY = 86_400_000;
const ARRIVAL = 'Wait for device at depot';
const DELIVERY = 'Wait for delivery to customer';
const SURVEY = 'Wait for survey answer';
const FOLLOW_UP = 'Wait for the follow-up';

beforeAll(async () => {
  cloud = await startTestCloud();
  journey = new Journey(cloud);
  functions = new LocalFunctions(cloud.model);
});
afterAll(() => cloud?.stop());

/** The case as stored: its version and the wait it holds, which the API does not show. */
async function stored(caseId: string): Promise<{ version: number; waiting: Waiting }> {
  const documents = DynamoDBDocumentClient.from(dynamoClient(cloud.urls.dynamodb));
  const { Item } = await documents.send(
    new GetCommand({
      TableName: cloud.model.tables[0]?.name as string,
      Key: { pk: `T#acme#CASE#${caseId}`, sk: 'CASE' },
    }),
  );
  return Item as { version: number; waiting: Waiting };
}

/** Runs the case-step function as the combined state does, handed the wait with `token`. */
function runStep(
  caseId: string,
  step: 'shipToDepot' | 'shipToCustomer' | 'close',
  wait: Waiting,
  token: string,
) {
  const fn = cloud.model.functions.find((candidate) => candidate.entry === 'functions/case-step/handler.ts');
  const { step: name, expect: events, enteredAt, execution } = wait;
  return functions.invoke(fn?.arn as string, {
    brand: 'acme',
    caseId,
    step,
    wait: { step: name, expect: events, token, enteredAt, execution },
  });
}

/** The states the case's execution entered, in order. */
async function entered(caseId: string): Promise<string[]> {
  const sfn = new SFNClient({
    endpoint: cloud.urls.stepFunctions,
    region: REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  const machine = cloud.model.stateMachines[0]?.arn as string;
  const { events } = await sfn.send(
    new GetExecutionHistoryCommand({
      executionArn: `${machine.replace(':stateMachine:', ':execution:')}:${caseId}`,
      maxResults: 1000,
    }),
  );
  return (events ?? []).flatMap((event) => event.stateEnteredEventDetails?.name ?? []);
}

/** What a label leaves on the case: its shipments that way, its timeline entries, its notices. */
function labels(kase: CaseView, direction: 'to-depot' | 'to-customer') {
  const words = direction === 'to-depot' ? 'Your prepaid label is ready' : 'is on its way';
  return {
    // By id: a parcel's tracking status changes as the carrier moves it.
    shipments: kase.shipments
      .filter((shipment) => shipment.direction === direction)
      .map((shipment) => shipment.shipmentId),
    entries: kase.timeline.filter(
      (entry) => entry.type === 'label-issued' && entry.summary.includes(direction),
    ),
    notices: kase.notifications.filter((notice) => notice.text.includes(words)).length,
  };
}

describe('a step that ends in a wait, run again', () => {
  it('issues no second label and no second notice for the device to the depot, and the case goes on', async () => {
    const caseId = await journey.open(opening());
    const first = await journey.settled(caseId, ARRIVAL);
    const before = await stored(caseId);
    expect(labels(first, 'to-depot')).toMatchObject({ shipments: ['to-depot-device'], notices: 1 });
    expect(labels(first, 'to-depot').entries).toHaveLength(1);

    // The same token handed out again, as after a crash: nothing to write at all.
    await runStep(caseId, 'shipToDepot', before.waiting, before.waiting.token);
    expect((await stored(caseId)).version).toBe(before.version);

    // A retried attempt has a token of its own: the case waits on it now, and that is all that changes.
    await runStep(caseId, 'shipToDepot', before.waiting, 'a-retried-attempt');
    expect((await stored(caseId)).waiting.token).toBe('a-retried-attempt');
    const again = await journey.get(caseId);
    expect(labels(again, 'to-depot')).toEqual(labels(first, 'to-depot'));
    expect(again.waitingFor?.step).toBe(ARRIVAL);

    // The live token back, the parcel's arrival resumes the workflow as usual.
    await runStep(caseId, 'shipToDepot', before.waiting, before.waiting.token);
    await journey.toDepot(caseId);
    expect((await entered(caseId)).filter((state) => state === 'Issue prepaid label')).toHaveLength(1);
  });

  it('issues no second label and no second notice for the device back to the customer', async () => {
    const caseId = await journey.open(opening());
    await journey.toDepot(caseId);
    await journey.coveredRepair(caseId);
    const first = await journey.settled(caseId, DELIVERY);
    const before = await stored(caseId);
    expect(labels(first, 'to-customer').shipments).toHaveLength(1);
    expect(labels(first, 'to-customer').notices).toBe(1);

    await runStep(caseId, 'shipToCustomer', before.waiting, before.waiting.token);
    expect((await stored(caseId)).version).toBe(before.version);
    await runStep(caseId, 'shipToCustomer', before.waiting, 'a-retried-attempt');
    expect(labels(await journey.get(caseId), 'to-customer')).toEqual(labels(first, 'to-customer'));

    await runStep(caseId, 'shipToCustomer', before.waiting, before.waiting.token);
    const closed = await journey.deliverToCustomer(caseId);
    expect(closed.outcome).toBe('repaired');
  });
});

describe('closing, then the survey', () => {
  // What a happy depot case enters after its ship-back, to the end: 18 states in all before (closing,
  // "Closed, or what is left?", the survey's wait, its answer, "Is a follow-up owed?", the end).
  it('enters 16 states in all when the survey is answered, closing and its wait one state', async () => {
    const caseId = await journey.open(opening());
    await journey.toDepot(caseId);
    await journey.coveredRepair(caseId);
    await journey.deliverToCustomer(caseId);
    expect((await stored(caseId)).waiting.step).toBe(SURVEY);
    expect((await journey.survey(caseId, true)).status).toBe(202);
    const done = await journey.finished(caseId);
    expect(done.survey).toMatchObject({ answered: true, met: true });
    const states = await entered(caseId);
    expect(states.slice(states.indexOf('Ship to the customer') + 1)).toEqual([
      'Close the case once delivered',
      'Survey answered, or what is left?',
      'Apply survey answer',
      'Case closed',
    ]);
    expect(states).toHaveLength(16);
  });

  it('enters 15 states in all when the survey’s window passes unanswered', async () => {
    const caseId = await journey.open(opening());
    await journey.toDepot(caseId);
    await journey.coveredRepair(caseId);
    await journey.deliverToCustomer(caseId);
    await cloud.clock.advance(7 * DAY + 60_000);
    const silent = await journey.finished(caseId);
    expect(silent.timeline.at(-1)?.type).toBe('survey-unanswered');
    const states = await entered(caseId);
    expect(states.slice(states.indexOf('Ship to the customer') + 1)).toEqual([
      'Close the case once delivered',
      'Record no survey answer',
      'Case closed',
    ]);
    expect(states).toHaveLength(15);
  });

  it('waits for a follow-up in the state that applied the "no", and closing run again changes nothing', async () => {
    const caseId = await journey.open(opening());
    await journey.toDepot(caseId);
    await journey.coveredRepair(caseId);
    await journey.deliverToCustomer(caseId);
    // Every notice sent (the notifier records each on the case), so the case changes no more by itself.
    const closed = await journey.settled(caseId, SURVEY);
    const before = await stored(caseId);
    // Closing run again with its token (a crash) writes nothing; with a retry's token, only the wait moves.
    await runStep(caseId, 'close', before.waiting, before.waiting.token);
    expect((await stored(caseId)).version).toBe(before.version);
    await runStep(caseId, 'close', before.waiting, 'a-retried-attempt');
    const again = await journey.get(caseId);
    expect((await stored(caseId)).waiting.token).toBe('a-retried-attempt');
    // No second closing notice nor timeline entry: the case was closed once.
    expect(again.notifications).toHaveLength(closed.notifications.length);
    expect(again.timeline).toHaveLength(closed.timeline.length);
    await runStep(caseId, 'close', before.waiting, before.waiting.token);

    expect((await journey.survey(caseId, false, 'It took too long')).status).toBe(202);
    const followed = await journey.waitsFor(caseId, FOLLOW_UP);
    expect(followed.followUp?.status).toBe('open');
    const states = await entered(caseId);
    expect(states.filter((state) => state === 'Apply survey answer')).toHaveLength(1);
    expect(states.at(-1)).toBe('Apply survey answer');
    expect(states).not.toContain(FOLLOW_UP);
  });
});

describe('a deadline passed in a step that ends in a wait', () => {
  it('escalates the arrival and the delivery, and waits again without a second label', async () => {
    const caseId = await journey.open(opening());
    const waiting = await journey.waitsFor(caseId, ARRIVAL);
    // The carrier has the parcel: its deadline is the brand's, and it escalates.
    await journey.carrierEvent(journey.tracking(waiting, 'to-depot'), 'in-transit');
    await cloud.clock.advance(14 * DAY + 60_000);
    const escalated = await journey.until(
      caseId,
      'escalated and waiting again for the device',
      (k) => k.escalationLevel === 1 && k.waitingFor?.step === ARRIVAL,
    );
    expect(labels(escalated, 'to-depot')).toEqual(labels(waiting, 'to-depot'));
    // The plain wait waits again: the label's step ran once.
    const arrivalStates = await entered(caseId);
    expect(arrivalStates.filter((state) => state === 'Issue prepaid label')).toHaveLength(1);
    expect(arrivalStates.slice(arrivalStates.indexOf('Issue prepaid label') + 1)).toEqual([
      'Deadline passed: device at depot',
      'New deadline: device at depot',
      'After the deadline: device at depot?',
      ARRIVAL,
    ]);

    await journey.carrierEvent(journey.tracking(waiting, 'to-depot'), 'delivered');
    await journey.waitsFor(caseId, 'Wait for depot diagnosis');
    await journey.coveredRepair(caseId);
    const shipping = await journey.waitsFor(caseId, DELIVERY);
    await cloud.clock.advance(7 * DAY + 60_000);
    const late = await journey.until(
      caseId,
      'escalated and waiting again for the delivery',
      (k) => k.escalationLevel > shipping.escalationLevel && k.waitingFor?.step === DELIVERY,
    );
    expect(labels(late, 'to-customer')).toEqual(labels(shipping, 'to-customer'));
    const states = await entered(caseId);
    expect(states.filter((state) => state === 'Ship to the customer')).toHaveLength(1);
    expect(states.slice(states.indexOf('Ship to the customer') + 1)).toEqual([
      'Escalate: delivery to customer',
      DELIVERY,
    ]);
    const done = await journey.deliverToCustomer(caseId);
    expect(done.outcome).toBe('repaired');
  });
});

describe('what an execution started before hands the steps', () => {
  // On AWS an execution runs the definition it started with, against the functions deployed now.
  it('is still taken: a label or a ship-back without a wait, closing handed the delivery’s event alone', async () => {
    const { StepInput } = await import('../../functions/app/workflow-steps.ts');
    const kase = { brand: 'acme', caseId: 'RMA-0000000000AB' };
    expect(StepInput.safeParse({ ...kase, step: 'shipToDepot' }).success).toBe(true);
    expect(StepInput.safeParse({ ...kase, step: 'shipToCustomer' }).success).toBe(true);
    const delivered = {
      eventId: 'carrier-1',
      type: 'delivered-to-customer',
      trackingNumber: 'EZ1000000001',
      occurredAt: '2026-12-01T10:00:00.000Z',
    };
    const old = StepInput.safeParse({ ...kase, step: 'close', event: delivered });
    expect(old.error).toBeUndefined();
    // Kept, not stripped as an unknown key: closing reads the event (a parcel gone wrong goes to a person).
    expect(old.data).toMatchObject({ event: { type: 'delivered-to-customer' } });
    expect(StepInput.safeParse({ ...kase, step: 'close', delivery: { event: delivered } }).success).toBe(
      true,
    );
    // Closing, or applying the survey's answer, without a wait: the workflow's Choice routes their answer.
    const answered = {
      eventId: 'survey-1',
      type: 'survey-answered',
      met: false,
      occurredAt: '2026-12-01T10:00:00.000Z',
    };
    const survey = StepInput.safeParse({ ...kase, step: 'applySurveyAnswer', event: answered });
    expect(survey.error).toBeUndefined();
    expect(survey.data).not.toHaveProperty('wait');
  });
});
