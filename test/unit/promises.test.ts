import { describe, expect, it } from 'vitest';
import type { Case } from '../../functions/domain/case.ts';
import { addMonths } from '../../functions/domain/dates.ts';
import { decideEntitlement } from '../../functions/domain/entitlement.ts';
import { escalateCase, escalateOverdue } from '../../functions/domain/escalation.ts';
import { applyDiagnosis, applyEstimateAnswer } from '../../functions/domain/good-faith.ts';
import { openCase, planCase } from '../../functions/domain/intake.ts';
import { applyRepairAttempt, type DeviceCase, failedRepairs } from '../../functions/domain/repairs.ts';
import { chooseReplacement, orderReplacement } from '../../functions/domain/replacement.ts';
import { CaseOpening } from '../../functions/domain/schemas.ts';
import { examplePolicy } from '../support/brands.ts';

const now = new Date('2026-11-22T10:00:00Z');
const acme = examplePolicy('acme');
const actor = { role: 'customer', subject: 'ada' };

function caseOf(overrides: Record<string, unknown> = {}, purchaseDate = '2026-01-05', model = 'Cam 3'): Case {
  const opening = CaseOpening.parse({
    customer: { name: 'Ada', email: 'ada@example.com' },
    device: { serial: 'SN1', model, purchaseDate },
    problem: { description: 'Does not power on', category: 'does-not-power-on' },
    ...overrides,
  });
  return openCase(
    opening,
    { brand: 'acme', caseId: 'RMA-1' },
    { serial: 'SN1', model, purchaseDate },
    [],
    acme,
    now,
    actor,
  );
}

const attempts = (...results: string[]): DeviceCase => ({
  caseId: 'RMA-0',
  openedAt: '2026-06-01T00:00:00Z',
  status: 'closed',
  problem: { description: 'x', category: 'hardware-fault' },
  repairAttempts: results.map((result, i) => ({
    result,
    faultCode: 'PWR-01',
    at: `2026-06-0${i + 1}T00:00:00Z`,
  })),
});

describe('entitlement', () => {
  it('covers a device within the standard warranty, and says until when', () => {
    expect(
      decideEntitlement({ purchaseDate: '2026-01-05', plan: 'none', category: 'hardware-fault' }, acme, now),
    ).toMatchObject({
      coverage: 'standard-warranty',
      covered: true,
      coveredUntil: '2028-01-05',
    });
  });

  it('covers an older device only with an extended plan', () => {
    const facts = { purchaseDate: '2024-06-01', category: 'hardware-fault' };
    expect(decideEntitlement({ ...facts, plan: 'none' }, acme, now).covered).toBe(false);
    expect(decideEntitlement({ ...facts, plan: 'extended-warranty' }, acme, now).coverage).toBe(
      'extended-warranty',
    );
  });

  it('covers accidental damage only with accidental-damage cover', () => {
    const facts = { purchaseDate: '2026-01-05', category: 'damage' };
    expect(decideEntitlement({ ...facts, plan: 'none' }, acme, now).covered).toBe(false);
    expect(decideEntitlement({ ...facts, plan: 'accidental-damage' }, acme, now).coverage).toBe(
      'accidental-damage',
    );
  });

  it('adds months the way calendars do', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
  });
});

describe('planCase', () => {
  it('replaces a device dead on arrival at once (P12)', () => {
    const { route } = planCase(
      caseOf(
        { problem: { description: 'Never powered on', category: 'does-not-power-on', deadOnArrival: true } },
        '2026-11-18',
      ),
      acme,
      [],
      now,
    );
    expect(route).toBe('instant-replacement');
  });

  it('replaces at intake a device that already failed N repairs (P4)', () => {
    expect(planCase(caseOf(), acme, [attempts('not-fixed', 'not-fixed', 'not-fixed')], now).route).toBe(
      'instant-replacement',
    );
    expect(planCase(caseOf(), acme, [attempts('not-fixed', 'not-fixed', 'fixed')], now).route).toBe('repair');
  });

  it('accepts a mis-sold return within the window, special order or not, and refuses it after (P13)', () => {
    const within = caseOf({ service: 'return', returnReason: 'mis-sold' }, '2026-11-10');
    expect(planCase(within, acme, [], now).route).toBe('return');
    const after = caseOf({ service: 'return', returnReason: 'mis-sold' }, '2026-08-01');
    expect(planCase(after, acme, [], now).route).toBe('denied');
  });

  it('tells the customer the next step, its deadline, who owns the case and how to escalate (P7)', () => {
    const { case: planned } = planCase(caseOf(), acme, [], now);
    expect(planned.notifications.at(-1)?.text).toMatch(
      /Next: .+, by 2026-11-22T10:01:00\.000Z\. Owned by Service agent \(support@acme\.example\); to escalate: \/cases\/RMA-1\/escalations\.$/,
    );
  });

  it('says so in every message, whatever step sent it (P7)', () => {
    const { case: planned } = planCase(caseOf(), acme, [], now);
    const escalated = escalateOverdue(planned, { step: 'S', what: 'x', enteredAt: 'T' }, acme, now).case;
    for (const { text } of escalated.notifications) {
      expect(text).toMatch(/Next: .+, by \S+\. Owned by .+; to escalate: \/cases\/RMA-1\/escalations\.$/);
    }
    expect(escalated.notifications.at(-1)?.text).toContain('Owned by Service supervisor');
  });
});

describe('good faith (P2)', () => {
  const diagnosed = (
    cause: 'unknown' | 'firmware-update' | 'wear',
    covered: boolean,
    estimate?: { description: string; amountMinor: number }[],
  ) =>
    ({
      eventId: 'd',
      type: 'diagnosed',
      occurredAt: now.toISOString(),
      faultCode: 'PWR-01',
      cause,
      covered,
      ...(estimate ? { estimate } : {}),
    }) as const;
  const outOfWarranty = () => planCase(caseOf({}, '2023-01-01'), acme, [], now).case;

  it('repairs for free a failure that follows the brand’s own firmware update, even out of warranty', () => {
    const { case: kase, next } = applyDiagnosis(
      outOfWarranty(),
      diagnosed('firmware-update', false),
      acme,
      now,
    );
    expect(next).toBe('repair');
    expect(kase.diagnosis).toMatchObject({ covered: true, diagnosisFree: true });
    expect(kase.charges).toEqual([]);
  });

  it('asks for an estimate for what is not covered, and charges nothing until it is approved', () => {
    const { case: kase, next } = applyDiagnosis(
      outOfWarranty(),
      diagnosed('wear', false, [{ description: 'Battery', amountMinor: 8900 }]),
      acme,
      now,
    );
    expect(next).toBe('estimate');
    expect(kase.estimate).toMatchObject({ totalMinor: 8900, status: 'awaiting-answer' });
    expect(kase.charges).toEqual([]);
    expect(applyEstimateAnswer(kase, true, acme, now).case.charges).toEqual([
      { description: 'Battery', amountMinor: 8900, currency: 'EUR' },
    ]);
    const declined = applyEstimateAnswer(kase, false, acme, now);
    expect(declined).toMatchObject({
      next: 'ship-back',
      case: { outcome: 'returned-unrepaired', charges: [] },
    });
  });
});

describe('replacement after N failed repairs (P4)', () => {
  const attempt = (eventId: string, result: 'fixed' | 'not-fixed') => ({
    eventId,
    type: 'repair-attempted' as const,
    occurredAt: now.toISOString(),
    result,
    faultCode: 'PWR-01',
    partsUsed: [],
  });

  it('counts failures of the same fault across every case of the device', () => {
    const earlier = attempts('not-fixed', 'not-fixed', 'fixed');
    expect(failedRepairs([earlier], acme)).toBe(2);
    const { next, failed } = applyRepairAttempt(caseOf(), attempt('a1', 'not-fixed'), [earlier], acme, now);
    expect({ next, failed }).toEqual({ next: 'replace', failed: 3 });
  });

  it('counts a fix as failed when the same fault is reported again within the brand’s window (issue 12, journey 9)', () => {
    const fixed = attempts('not-fixed', 'fixed'); // fixed on 2026-06-02
    const reported = (faultCode: string, at: string): DeviceCase => ({
      caseId: 'RMA-1',
      openedAt: at,
      status: 'at-depot',
      problem: { description: 'x', category: 'hardware-fault' },
      repairAttempts: [],
      diagnosis: { faultCode, at },
    });
    expect(acme.repairHoldsDays).toBe(90);
    expect(failedRepairs([fixed], acme, 'PWR-01')).toBe(1);
    expect(failedRepairs([fixed, reported('PWR-01', '2026-08-30T00:00:00Z')], acme, 'PWR-01')).toBe(2);
    expect(failedRepairs([fixed, reported('PWR-01', '2026-09-01T00:00:00Z')], acme, 'PWR-01')).toBe(1);
    expect(failedRepairs([fixed, reported('SCR-02', '2026-06-10T00:00:00Z')], acme, 'PWR-01')).toBe(1);
    expect(failedRepairs([fixed, reported('PWR-01', '2026-06-10T00:00:00Z')], { repairHoldsDays: 5 })).toBe(
      1,
    );
  });

  it('retries below N and counts a retried report once', () => {
    const first = applyRepairAttempt(caseOf(), attempt('a1', 'not-fixed'), [], acme, now);
    const again = applyRepairAttempt(first.case, attempt('a1', 'not-fixed'), [], acme, now);
    expect(first.next).toBe('retry');
    expect(again.failed).toBe(1);
    expect(again.case).toBe(first.case);
  });

  it('replaces like-for-like when in stock, else with the closest better model', () => {
    expect(chooseReplacement('Cam 3', acme)?.model).toBe('Cam 3');
    expect(chooseReplacement('Book 14', acme)?.model).toBe('Book 14 Pro');
    expect(chooseReplacement('Unknown', acme)).toBeUndefined();
  });

  it('carries the remaining warranty over to the replacement, at least the brand’s minimum', () => {
    const planned = planCase(caseOf(), acme, [], now).case;
    const ordered = orderReplacement(
      planned,
      { model: 'Cam 3', family: 'cam', tier: 3, inStock: true, priceMinor: 1 },
      'R-1',
      acme,
      now,
    );
    expect(ordered.replacement).toMatchObject({ serial: 'R-1', warrantyUntil: '2028-01-05' });
    const old = planCase(caseOf({}, '2024-12-01'), acme, [], now).case;
    const minimum = orderReplacement(
      old,
      { model: 'Cam 3', family: 'cam', tier: 3, inStock: true, priceMinor: 1 },
      'R-2',
      acme,
      now,
    );
    expect(minimum.replacement?.warrantyUntil).toBe('2027-05-22');
  });
});

describe('escalation by the customer (P7)', () => {
  it('moves one level up, names the owner and their deadline, once per request, never past the top', () => {
    const once = escalateCase(
      caseOf(),
      { escalationId: 'e1', reason: 'No answer for a week' },
      acme,
      now,
      'customer:ada',
    );
    expect(once.escalation).toMatchObject({
      level: 1,
      role: 'Service supervisor',
      contact: 'supervisor@acme.example',
      respondBy: '2026-11-23T10:00:00.000Z',
    });
    expect(once.notifications.at(-1)?.text).toContain('now owned by Service supervisor');
    expect(
      escalateCase(once, { escalationId: 'e1', reason: 'No answer for a week' }, acme, now, 'customer:ada'),
    ).toBe(once);
    // Staff take it up at once; the top stays the top.
    let top = once;
    for (const id of ['e2', 'e3', 'e4', 'e5'])
      top = escalateCase(top, { escalationId: id, reason: 'Still nothing at all' }, acme, now, 'agent:sam');
    expect(top.escalation).toMatchObject({ level: 3, role: 'Executive office' });
  });

  // Issue 12, journey 15 (and issue 11): this test once had a customer reach the executive office with
  // four clicks in a minute. A customer climbs one rung per owner's deadline; meanwhile they get the
  // pending escalation as the answer, and their words reach its owner.
  it('answers a customer’s repeated escalation with the pending one until its owner’s deadline passes', () => {
    const ask = (kase: Case, id: string, at: Date) =>
      escalateCase(kase, { escalationId: id, reason: 'Still nothing at all' }, acme, at, 'customer:ada');
    const once = ask(caseOf(), 'e1', now);
    let again = once;
    for (const id of ['e2', 'e3', 'e4']) again = ask(again, id, now);
    expect(again.escalation).toEqual(once.escalation);
    expect(again.notifications).toEqual(once.notifications);
    expect(again.timeline.filter((entry) => entry.type === 'escalation-pending')).toHaveLength(3);
    const late = new Date(new Date(once.escalation?.respondBy ?? '').getTime() + 1_000);
    const climbed = ask(again, 'e5', late);
    expect(climbed.escalation).toMatchObject({ level: 2, role: 'Service manager' });
    expect(ask(climbed, 'e6', late).escalation).toEqual(climbed.escalation);
  });
});

describe('escalation when a deadline passes (P7)', () => {
  const overdue = {
    step: 'Wait for depot diagnosis',
    what: 'the depot did not diagnose the device',
    enteredAt: 'T1',
  };

  it('names the new owner to the customer and waits with that owner’s own deadline, once per entry', () => {
    const first = escalateOverdue(caseOf(), overdue, acme, now);
    expect(first.case.escalation).toMatchObject({ level: 1, role: 'Service supervisor' });
    expect(first.waitSeconds).toBe(86_400);
    expect(first.case.nextStep.deadline).toBe('2026-11-23T10:00:00.000Z');
    expect(first.case.notifications.at(-1)?.text).toMatch(
      /Deadline passed: the depot did not diagnose the device in time\. Your case is now owned by Service supervisor \(supervisor@acme\.example\), who will respond by 2026-11-23T10:00:00\.000Z/,
    );
    expect(escalateOverdue(first.case, overdue, acme, now).case).toBe(first.case);

    const second = escalateOverdue(first.case, { ...overdue, enteredAt: 'T2' }, acme, now);
    expect(second.case.escalation).toMatchObject({ level: 2, role: 'Service manager' });
    expect(second.waitSeconds).toBe(2 * 86_400);
  });
});

describe('every message names the step that really comes next (issue 12, journey 10)', () => {
  const lastNotice = (kase: Case) => kase.notifications.at(-1)?.text ?? '';

  it('does not promise a shipping label before the path is known', () => {
    for (const overrides of [
      { preferredService: 'on-site' },
      {},
      { service: 'return', returnReason: 'unfit' },
    ]) {
      expect(caseOf(overrides).nextStep.name).not.toMatch(/label/i);
    }
  });

  it('after a repair that fixed the fault, the next step is the trip back, not another repair', () => {
    const planned = planCase(caseOf(), acme, [], now).case;
    const fixed = applyRepairAttempt(
      planned,
      {
        eventId: 'a1',
        type: 'repair-attempted',
        occurredAt: now.toISOString(),
        result: 'fixed',
        faultCode: 'PWR-01',
        partsUsed: [],
      },
      [],
      acme,
      now,
    ).case;
    expect(fixed.nextStep.name).toMatch(/back to you/);
    expect(lastNotice(fixed)).not.toMatch(/Next: Repair at the depot/);
  });

  it('says in the first message that the diagnosis is free and nothing is charged unasked (P2)', () => {
    for (const overrides of [{}, { preferredService: 'on-site' }]) {
      const planned = planCase(caseOf(overrides), acme, [], now).case;
      expect(lastNotice(planned)).toMatch(/diagnosis is free/i);
      expect(lastNotice(planned)).toMatch(/nothing is charged without an estimate you approve/i);
    }
  });
});
