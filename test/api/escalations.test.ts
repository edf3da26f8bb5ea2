import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud.ts';
import { ApiClient, nextId } from '../support/api.ts';
import { startTestCloud } from '../support/cloud.ts';
import { Journey, opening } from '../support/journey.ts';

/**
 * A customer's escalation climbs one rung per owner's deadline, not per click (P7; issue 11, "a
 * customer cannot open a second escalation while one at the same level is pending"; issue 12,
 * journey 15). This file has its own cloud: the last tests move its clock.
 */
let cloud: LocalCloud;
let journey: Journey;
let agent: ApiClient;
const DAY = 86_400_000;

beforeAll(async () => {
  cloud = await startTestCloud();
  journey = new Journey(cloud);
  agent = ApiClient.as(cloud, 'acme', 'agent', 'agent-kim');
});
afterAll(() => cloud?.stop());

type Answer = { caseId: string; level: number; owner: { role: string; contact: string }; respondBy: string };

const escalate = (client: ApiClient, caseId: string, reason: string, escalationId = nextId('esc')) =>
  client.post<Answer>(`/cases/${caseId}/escalations`, { escalationId, reason });

async function ownerQueue(owner: string) {
  const response = await agent.get<{ items: { caseId: string; work: string; due: string }[] }>(
    `/queues/owners/${owner}`,
  );
  expect(response.status).toBe(200);
  return response.body.items.map((item) => item.caseId);
}

async function waitingCase(step = 'Wait for device at depot') {
  const caseId = await journey.open(opening());
  await journey.waitsFor(caseId, step);
  return caseId;
}

describe('a customer asking again while the owner has time', () => {
  it('answers 200 with the pending escalation, keeps the customer’s words, and climbs nothing', async () => {
    const caseId = await waitingCase();
    const first = await escalate(journey.customer, caseId, 'Nobody answered my emails for a week');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ level: 1, owner: { role: 'Service supervisor' } });
    const before = await journey.get(caseId);

    const again = await escalate(journey.customer, caseId, 'Still nothing, and I need it for work');
    const third = await escalate(journey.customer, caseId, 'Please, a third time: anyone at all?');
    for (const pending of [again, third]) {
      expect(pending.status).toBe(200);
      expect(pending.body).toEqual(first.body);
    }

    const after = await journey.get(caseId);
    expect(after.escalationLevel).toBe(1);
    expect(after.escalation).toEqual(before.escalation);
    expect(after.nextStep).toEqual(before.nextStep);
    // Nothing else is spent: no notice to the customer, no new owner's work.
    expect(after.notifications).toHaveLength(before.notifications.length);
    const asked = after.timeline.filter((entry) => entry.type === 'escalation-pending');
    expect(asked.map((entry) => entry.summary)).toEqual([
      expect.stringContaining('Still nothing, and I need it for work'),
      expect.stringContaining('Please, a third time: anyone at all?'),
    ]);
    expect(asked[0]?.summary).toContain(first.body.respondBy);
    expect(asked.every((entry) => entry.by.startsWith('customer:'))).toBe(true);
    expect(await ownerQueue('service-supervisor')).toContain(caseId);
    expect(await ownerQueue('service-manager')).not.toContain(caseId);
  });

  it('takes the same request once: a retried ask adds nothing', async () => {
    const caseId = await waitingCase();
    const first = await escalate(journey.customer, caseId, 'Nobody answered my emails for a week');
    expect(first.status).toBe(201);
    const id = nextId('esc');
    const asked = await escalate(journey.customer, caseId, 'Asking again, still no answer', id);
    const retried = await escalate(journey.customer, caseId, 'Asking again, still no answer', id);
    expect([asked.status, retried.status]).toEqual([200, 200]);
    expect(retried.body).toEqual(asked.body);
    const kase = await journey.get(caseId);
    expect(kase.timeline.filter((entry) => entry.type === 'escalation-pending')).toHaveLength(1);
  });

  it('lets an agent take the case up a rung at once', async () => {
    const caseId = await waitingCase();
    const first = await escalate(journey.customer, caseId, 'Nobody answered my emails for a week');
    expect(first.status).toBe(201);
    const up = await escalate(agent, caseId, 'The supervisor is away: the manager takes it');
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ level: 2, owner: { role: 'Service manager' } });
    expect(await ownerQueue('service-manager')).toContain(caseId);
  });
});

describe('once the owner’s deadline has passed (the clock moves)', () => {
  it('climbs one rung for the customer, and then waits on the new owner’s deadline', async () => {
    const caseId = await waitingCase();
    const first = await escalate(journey.customer, caseId, 'Nobody answered my emails for a week');
    expect(first.body.level).toBe(1);
    await cloud.clock.advance(Date.parse(first.body.respondBy) - cloud.clock.now() + 60_000);

    const climbed = await escalate(journey.customer, caseId, 'The supervisor never answered either');
    expect(climbed.status).toBe(201);
    expect(climbed.body).toMatchObject({ level: 2, owner: { role: 'Service manager' } });
    expect(Date.parse(climbed.body.respondBy)).toBeGreaterThan(cloud.clock.now());
    const pending = await escalate(journey.customer, caseId, 'And now? Still nothing from anyone');
    expect(pending.status).toBe(200);
    expect(pending.body).toEqual(climbed.body);
    expect((await journey.get(caseId)).escalationLevel).toBe(2);
  });

  it('still escalates by the workflow’s own deadline while a customer’s ask is pending', async () => {
    const caseId = await journey.open(opening());
    await journey.toDepot(caseId);
    // Two and a half days into the depot's three to diagnose, the customer escalates, then asks again.
    await cloud.clock.advance(2.5 * DAY);
    const first = await escalate(journey.customer, caseId, 'The depot has had it for days, no news');
    expect(first.body).toMatchObject({ level: 1, owner: { role: 'Service supervisor' } });
    expect((await escalate(journey.customer, caseId, 'Any news? None at all so far')).status).toBe(200);

    // The diagnosis deadline passes before the supervisor's: the workflow takes the case up as before.
    await cloud.clock.advance(0.5 * DAY + 2 * 60_000);
    expect(Date.parse(first.body.respondBy)).toBeGreaterThan(cloud.clock.now());
    const overdue = await journey.until(
      caseId,
      'escalated by the overdue diagnosis',
      (kase) => kase.escalationLevel === 2 && kase.waitingFor?.step === 'Wait for depot diagnosis',
    );
    expect(overdue.escalation).toMatchObject({ level: 2, role: 'Service manager' });
    expect(overdue.timeline.filter((entry) => entry.type === 'escalated').at(-1)?.by).toBe('system:workflow');
    expect(overdue.notifications.at(-1)?.text).toContain('Service manager');

    // The customer's next ask waits on the manager's deadline.
    const asked = await escalate(journey.customer, caseId, 'Who has my case now, and until when?');
    expect(asked.status).toBe(200);
    expect(asked.body).toMatchObject({ level: 2, respondBy: overdue.escalation?.respondBy });
  });
});
