import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud.ts';
import { ApiClient, nextId } from '../support/api.ts';
import { startTestCloud } from '../support/cloud.ts';
import { isoDaysAgo, Journey, opening } from '../support/journey.ts';

/**
 * The trust layer (P7, P8, P10) through the synthesized workflow on the local cloud, with the clock
 * advanced. This file has its own cloud: moving its clock moves no other file's cases.
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

async function ownerQueue(owner: string) {
  const response = await agent.get<{ items: { caseId: string; work: string; due: string }[] }>(
    `/queues/owners/${owner}`,
  );
  expect(response.status).toBe(200);
  return response.body.items;
}

/** A covered repair run to its end: the case is closed and the workflow asks for the survey. */
async function repairedAndClosed() {
  const caseId = await journey.open(opening());
  await journey.toDepot(caseId);
  await journey.coveredRepair(caseId);
  return journey.deliverToCustomer(caseId);
}

describe('a customer escalation (P7)', () => {
  it('reaches the next owner on the ladder and sits in their work queue until the case closes', async () => {
    const caseId = await journey.open(opening());
    await journey.waitsFor(caseId, 'Wait for device at depot');
    const escalated = await journey.customer.post(`/cases/${caseId}/escalations`, {
      escalationId: nextId('esc'),
      reason: 'The label never arrived by email',
    });
    expect(escalated.body).toMatchObject({ level: 1, owner: { role: 'Service supervisor' } });
    expect(await ownerQueue('service-supervisor')).toContainEqual(
      expect.objectContaining({ caseId, work: 'escalation', due: escalated.body.respondBy }),
    );
    expect((await ownerQueue('service-manager')).map((item) => item.caseId)).not.toContain(caseId);

    // Another customer of the same brand cannot escalate, or even see, this case.
    const stranger = ApiClient.as(cloud, 'acme', 'customer', 'someone-else');
    const refused = await stranger.post(`/cases/${caseId}/escalations`, {
      escalationId: nextId('esc'),
      reason: 'Trying somebody else’s case',
    });
    expect(refused.status).toBe(404);
    expect((await stranger.get(`/cases/${caseId}`)).status).toBe(404);
  });
});

describe('a denial and its reason (P8)', () => {
  it('carries one reason from the catalogue; a supersession keeps both, with who and why', async () => {
    const caseId = await journey.open(opening({ purchaseDate: isoDaysAgo(cloud.clock.now(), 4 * 365) }));
    await journey.toDepot(caseId);
    await journey.depotEvent(caseId, {
      type: 'diagnosed',
      faultCode: 'BAT-02',
      cause: 'wear',
      covered: false,
      estimate: [{ description: 'Battery', amountMinor: 4_900 }],
    });
    const denied = await journey.waitsFor(caseId, 'Wait for estimate answer');
    expect(denied.decisions).toEqual([
      expect.objectContaining({ decision: 'coverage', code: 'OUT-OF-WARRANTY', status: 'live' }),
    ]);
    const catalogue = await journey.customer.get<{ items: { code: string }[] }>('/reasons');
    expect(catalogue.body.items.map((item) => item.code)).toContain('OUT-OF-WARRANTY');

    const path = `/cases/${caseId}/decisions/coverage/supersessions`;
    const justification = 'Purchase receipt shows the device is in warranty; the battery is worn, not faulty';
    const unknown = await agent.post(path, {
      supersessionId: nextId('sup'),
      code: 'NOT-A-CODE',
      justification,
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([
      { pointer: '#/code', detail: expect.stringContaining('WEAR-AND-TEAR') },
    ]);
    const superseded = await agent.post(path, {
      supersessionId: nextId('sup'),
      code: 'WEAR-AND-TEAR',
      justification,
    });
    expect(superseded.status).toBe(201);
    expect(
      (await agent.post(path, { supersessionId: nextId('sup'), code: 'WEAR-AND-TEAR', justification }))
        .status,
    ).toBe(409);
    expect(
      (
        await agent.post(`/cases/${caseId}/decisions/return/supersessions`, {
          supersessionId: nextId('sup'),
          code: 'RETURN-WINDOW-PASSED',
          justification,
        })
      ).status,
    ).toBe(409);
    // A depot cannot change a decision; neither can the customer.
    expect(
      (
        await journey.depot.post(path, {
          supersessionId: nextId('sup'),
          code: 'LIQUID-DAMAGE',
          justification,
        })
      ).status,
    ).toBe(403);

    const seen = await journey.get(caseId);
    expect(seen.decisions).toEqual([
      expect.objectContaining({ code: 'OUT-OF-WARRANTY', status: 'superseded' }),
      expect.objectContaining({
        code: 'WEAR-AND-TEAR',
        status: 'live',
        supersedes: 'OUT-OF-WARRANTY',
        justification,
        by: 'agent:agent-kim',
      }),
    ]);
    expect(seen.decisions.filter((decision) => decision.status === 'live')).toHaveLength(1);
    expect(seen.notifications.at(-1)?.text).toMatch(
      /from OUT-OF-WARRANTY .* to WEAR-AND-TEAR .* because: Purchase/,
    );
  });
});

describe('closing the loop (P10)', () => {
  it('opens a follow-up due the next day, owned by a named person, in their queue, when needs were not met', async () => {
    const closed = await repairedAndClosed();
    expect(closed.nextStep.name).toBe('Tell us whether your needs were met');
    const early = await journey.customer.post(`/cases/${await journey.open(opening())}/survey`, {
      answerId: nextId('survey'),
      met: true,
    });
    expect(early.status).toBe(409);

    const answeredAt = cloud.clock.now();
    expect((await journey.survey(closed.caseId, false, 'Took three weeks and nobody called')).status).toBe(
      202,
    );
    // The workflow now waits for the follow-up, which escalates if it is late (test/workflow/no-dead-ends.test.ts).
    const followed = await journey.waitsFor(closed.caseId, 'Wait for the follow-up');
    expect(followed.survey).toMatchObject({ answered: true, met: false });
    expect(followed.followUp).toMatchObject({
      owner: { name: 'Dana Reyes', contact: 'care-lead@acme.example' },
      status: 'open',
    });
    const due = Date.parse(followed.followUp?.due ?? '');
    expect(due - answeredAt).toBeGreaterThan(DAY - 60_000);
    expect(due - answeredAt).toBeLessThan(DAY + 60_000);
    expect(followed.notifications.at(-1)?.text).toContain('Dana Reyes');
    expect(await ownerQueue('dana-reyes')).toContainEqual(
      expect.objectContaining({ caseId: closed.caseId, work: 'follow-up' }),
    );
    expect((await journey.survey(closed.caseId, true)).status).toBe(409);
  });

  it('records that the customer did not answer within the window, and refuses a late answer', async () => {
    const closed = await repairedAndClosed();
    await cloud.clock.advance(7 * DAY + 60_000);
    const silent = await journey.finished(closed.caseId);
    expect(silent.survey).toMatchObject({ answered: false });
    expect(silent.timeline.at(-1)?.type).toBe('survey-unanswered');
    expect(silent.followUp).toBeUndefined();
    // Nothing is waited for any more: no screen shows the survey as pending, nor offers its form.
    expect(silent.waitingFor).toBeUndefined();
    expect(silent.takes).toEqual([]);
    expect((await journey.survey(closed.caseId, false)).status).toBe(409);
  });
});

describe('a deadline that passes (P7)', () => {
  it('escalates an overdue diagnosis level by level, telling the customer each new owner and deadline', async () => {
    const caseId = await journey.open(opening());
    await journey.toDepot(caseId);
    const ladder = [
      { level: 1, role: 'Service supervisor', queue: 'service-supervisor', after: 3 * DAY },
      { level: 2, role: 'Service manager', queue: 'service-manager', after: DAY },
      { level: 3, role: 'Executive office', queue: 'executive-office', after: 2 * DAY },
    ];
    for (const step of ladder) {
      // One minute short of the deadline nothing happens; one minute past it, the case moves up.
      await cloud.clock.advance(step.after - 60_000);
      expect((await journey.get(caseId)).escalationLevel).toBe(step.level - 1);
      await cloud.clock.advance(2 * 60_000);
      const kase = await journey.until(
        caseId,
        `escalated to ${step.role}`,
        (k) => k.escalationLevel === step.level && k.waitingFor?.step === 'Wait for depot diagnosis',
      );
      expect(kase.escalation).toMatchObject({ level: step.level, role: step.role });
      expect(kase.nextStep.deadline).toBe(kase.escalation?.respondBy);
      expect(kase.notifications.at(-1)?.text).toContain(
        `the depot did not diagnose the device in time. Your case is now owned by ${step.role}`,
      );
      expect((await ownerQueue(step.queue)).map((item) => item.caseId)).toContain(caseId);
    }
    // The depot's report still moves the case on.
    await journey.coveredRepair(caseId);
    await journey.waitsFor(caseId, 'Wait for delivery to customer');
  });
});
