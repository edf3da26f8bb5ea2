import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud.ts';
import { LOCAL_CREDENTIALS } from '../../local/dynamo.ts';
import { REGION } from '../../local/template.ts';
import { ApiClient, caseOpening } from '../support/api.ts';
import { eventually, startTestCloud } from '../support/cloud.ts';

/** The synthesized case workflow, driven the way users drive it: through the HTTP API. */
let cloud: LocalCloud;
let customer: ApiClient;
let depot: ApiClient;
let sfn: SFNClient;
let serial = 0;

const DAY_MS = 86_400_000;

interface CaseView {
  status: string;
  waitingFor?: { step: string };
  escalationLevel: number;
  timeline: { type: string; summary: string }[];
  pendingEvents: unknown[];
}

async function openCase(overrides: { pickupAt?: string } = {}): Promise<string> {
  const response = await customer.post('/cases', caseOpening({ serial: `SN-WF-${++serial}`, ...overrides }));
  expect(response.status).toBe(201);
  return response.body.caseId as string;
}

const caseOf = async (caseId: string) => (await customer.get<CaseView>(`/cases/${caseId}`)).body;

function executionArn(caseId: string) {
  const machine = cloud.model.stateMachines[0]?.arn as string;
  return `${machine.replace(':stateMachine:', ':execution:')}:${caseId}`;
}

/** The state the case's execution is in now: the last state it entered. */
async function currentState(caseId: string): Promise<string | undefined> {
  const { events } = await sfn.send(
    new GetExecutionHistoryCommand({ executionArn: executionArn(caseId), reverseOrder: true }),
  );
  return events?.find((event) => event.stateEnteredEventDetails)?.stateEnteredEventDetails?.name;
}

const waitsFor = (caseId: string, state: string) =>
  eventually(
    async () => ((await currentState(caseId)) === state ? true : undefined),
    10_000,
    `${caseId} to reach "${state}"`,
  );

/** The step has handed its token to the case: an event now resumes it directly. */
const waitsForEvent = (caseId: string, step: string) =>
  eventually(
    async () => ((await caseOf(caseId)).waitingFor?.step === step ? true : undefined),
    10_000,
    `${caseId} to wait on "${step}"`,
  );

const received = (eventId: string) => ({ eventId, type: 'received', occurredAt: '2026-11-22T10:00:00Z' });

beforeAll(async () => {
  cloud = await startTestCloud();
  customer = ApiClient.as(cloud, 'acme', 'customer');
  depot = ApiClient.as(cloud, 'acme', 'depot');
  sfn = new SFNClient({ endpoint: cloud.urls.stepFunctions, region: REGION, credentials: LOCAL_CREDENTIALS });
});
afterAll(() => cloud?.stop());

describe('the case workflow', () => {
  it('acknowledges a new case, waits for the device, and records its arrival at the depot', async () => {
    const caseId = await openCase();
    await waitsForEvent(caseId, 'Wait for device at depot');
    const ack = await caseOf(caseId);
    expect(ack.timeline.map((entry) => entry.type)).toEqual(['case-opened', 'customer-notified']);
    expect(ack.timeline[1]?.summary).toContain('Service agent (support@acme.example)');

    expect((await depot.post(`/cases/${caseId}/events`, received(`${caseId}-r1`))).body.outcome).toBe(
      'applied',
    );
    const execution = await eventually(async () => {
      const found = await sfn.send(new DescribeExecutionCommand({ executionArn: executionArn(caseId) }));
      return found.status === 'SUCCEEDED' ? found : undefined;
    });
    expect(execution.status).toBe('SUCCEEDED');
    const done = await caseOf(caseId);
    expect(done.status).toBe('at-depot');
    expect(done.timeline.map((entry) => entry.type)).toEqual([
      'case-opened',
      'customer-notified',
      'event-applied',
      'status-changed',
    ]);
  });

  it('keeps an event that arrives before the workflow waits for it, and applies it when the wait begins', async () => {
    const pickupAt = new Date(cloud.clock.now() + 2 * DAY_MS).toISOString();
    const caseId = await openCase({ pickupAt });
    await waitsFor(caseId, 'Wait until carrier pickup');
    expect((await depot.post(`/cases/${caseId}/events`, received(`${caseId}-early`))).body.outcome).toBe(
      'kept',
    );
    expect((await caseOf(caseId)).pendingEvents).toHaveLength(1);

    await cloud.clock.advance(2 * DAY_MS);
    const done = await eventually(async () => {
      const kase = await caseOf(caseId);
      return kase.status === 'at-depot' ? kase : undefined;
    });
    expect(done.pendingEvents).toHaveLength(0);
    expect(done.timeline.filter((entry) => entry.type === 'event-applied')).toHaveLength(1);
  });

  it('escalates one level each time the arrival deadline passes, and keeps waiting', async () => {
    const caseId = await openCase();
    await waitsFor(caseId, 'Wait for device at depot');
    await cloud.clock.advance(14 * DAY_MS);
    await eventually(
      async () => ((await caseOf(caseId)).escalationLevel === 1 ? true : undefined),
      10_000,
      'the first escalation',
    );
    await waitsFor(caseId, 'Wait for device at depot');
    await cloud.clock.advance(14 * DAY_MS);
    const twice = await eventually(async () => {
      const kase = await caseOf(caseId);
      return kase.escalationLevel === 2 ? kase : undefined;
    });
    expect(twice.timeline.filter((entry) => entry.type === 'escalated')).toHaveLength(2);

    await waitsForEvent(caseId, 'Wait for device at depot');
    await depot.post(`/cases/${caseId}/events`, received(`${caseId}-late`));
    await eventually(async () => ((await caseOf(caseId)).status === 'at-depot' ? true : undefined));
  });

  it('applies a duplicated event once, and refuses with 409 an event that no longer applies, recording it', async () => {
    const caseId = await openCase();
    await waitsForEvent(caseId, 'Wait for device at depot');
    const event = received(`${caseId}-dup`);
    const [first, second] = await Promise.all([
      depot.post(`/cases/${caseId}/events`, event),
      depot.post(`/cases/${caseId}/events`, event),
    ]);
    const outcomes = [first.body.outcome, second.body.outcome, first.body.type, second.body.type];
    // Two racing copies: one applies; the other is a duplicate, or loses the optimistic lock and may retry.
    expect(outcomes).toContain('applied');
    await eventually(async () => ((await caseOf(caseId)).status === 'at-depot' ? true : undefined));
    expect((await depot.post(`/cases/${caseId}/events`, event)).body.outcome).toBe('duplicate');

    const late = await depot.post(`/cases/${caseId}/events`, received(`${caseId}-again`));
    expect(late.status).toBe(409);
    expect(late.headers.get('content-type')).toBe('application/problem+json');
    const timeline = (await caseOf(caseId)).timeline.map((entry) => entry.type);
    expect(timeline.filter((type) => type === 'event-applied')).toHaveLength(1);
    expect(timeline.at(-1)).toBe('event-refused');
  });
});
