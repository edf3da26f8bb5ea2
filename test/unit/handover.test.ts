import { describe, expect, it } from 'vitest';
import type { Case } from '../../functions/domain/case.ts';
import { escalateOverdue, ownerOf, ownerWork } from '../../functions/domain/escalation.ts';
import {
  applyDecision,
  decisionErrors,
  personDecided,
  secondsToDecide,
  stepFailed,
} from '../../functions/domain/handover.ts';
import { openCase } from '../../functions/domain/intake.ts';
import type { BrandPolicy } from '../../functions/domain/policy.ts';
import { CaseOpening } from '../../functions/domain/schemas.ts';
import { examplePolicy } from '../support/brands.ts';

/** P7 where the workflow cannot go on by itself: who has the case, what they may decide, where it goes. */
const now = new Date('2026-11-22T10:00:00Z');
const acme = examplePolicy('acme');
const HOUR = 3_600_000;

function caseOf(model = 'Cam 3'): Case {
  const opening = CaseOpening.parse({
    customer: {
      name: 'Ada',
      email: 'ada@example.com',
      address: { street: ['12 Analytical Row'], postcode: 'NW1 6XE', city: 'London', country: 'GB' },
    },
    device: { serial: 'SN1', model, purchaseDate: '2026-11-20' },
    problem: { description: 'Does not power on', category: 'does-not-power-on' },
  });
  const device = { serial: 'SN1', model, purchaseDate: '2026-11-20' };
  return openCase(opening, { brand: 'acme', caseId: 'RMA-1' }, device, [], acme, now, {
    role: 'customer',
    subject: 'ada',
  });
}

const failed = (kase: Case, policy: BrandPolicy = acme) =>
  stepFailed(
    kase,
    {
      id: 'handover:Issue prepaid label:t0',
      state: 'Issue prepaid label',
      error: 'Boom',
      message: 'It broke.',
    },
    policy,
    now,
  );

describe('a case handed to a person', () => {
  it('goes to the case desk, whose queue holds it with the problem and a due time; the customer hears who has it', () => {
    const handed = failed(caseOf());
    expect(ownerWork(handed)).toEqual({
      owner: 'case-desk',
      kind: 'decision',
      due: new Date(now.getTime() + 8 * HOUR).toISOString(),
      summary: '“Issue prepaid label” failed after its retries: It broke (Boom).',
    });
    expect(ownerOf(handed)).toBe('Case desk (case-desk@acme.example)');
    expect(handed.nextStep.name).toBe('Case desk decides how your case goes on');
    expect(secondsToDecide(handed, now)).toBe(8 * 3_600);
    // Handed over again by the same entry (a retried step): nothing changes.
    expect(failed(handed)).toBe(handed);
  });

  it('goes one rung up the ladder for a brand without a case desk', () => {
    const { caseDesk: _none, ...withoutDesk } = acme;
    const handed = failed(caseOf(), withoutDesk);
    expect(handed.escalationLevel).toBe(1);
    expect(ownerWork(handed)).toMatchObject({ owner: 'service-supervisor', kind: 'decision' });
  });

  it('moves up the ladder, out of the desk’s queue, when its deadline passes', () => {
    const handed = failed(caseOf());
    const overdue = { step: 'Wait for a person’s decision', what: 'no one decided', enteredAt: 't1' };
    const { case: late } = escalateOverdue(handed, overdue, acme, new Date(now.getTime() + 9 * HOUR));
    expect(ownerWork(late)).toMatchObject({
      owner: 'service-supervisor',
      kind: 'escalation',
      summary: expect.stringContaining('Issue prepaid label'),
    });
    expect(ownerOf(late)).toBe('Service supervisor (supervisor@acme.example)');
  });
});

describe('a person’s decision', () => {
  it('names every field the case and the brand refuse, at once', () => {
    const lens = caseOf('Lens 50');
    expect(decisionErrors(lens, { action: 'replace' }, acme)).toEqual([
      { pointer: '#/model', detail: expect.stringContaining('No Lens 50 or better model can be supplied') },
    ]);
    expect(decisionErrors(lens, { action: 'replace', model: 'Walkman' }, acme)).toEqual([
      { pointer: '#/model', detail: expect.stringContaining('Not a model of this brand') },
    ]);
    expect(decisionErrors(caseOf('Unknown 1'), { action: 'refund', price: 'list' }, acme)).toEqual([
      { pointer: '#/price', detail: expect.stringContaining('no price for Unknown 1') },
    ]);
    expect(decisionErrors(lens, { action: 'close', reasonCode: 'OUT-OF-WARRANTY' }, acme)).toEqual([
      { pointer: '#/reasonCode', detail: expect.stringContaining('CUSTOMER-WITHDREW') },
    ]);
    expect(decisionErrors({ ...lens, status: 'closed' }, { action: 'refund', price: 'list' }, acme)).toEqual([
      { pointer: '#/action', detail: expect.stringContaining('resume') },
    ]);
  });

  it('refunds the purchase price, and is applied once', () => {
    const handed = failed(caseOf());
    const event = personDecided(
      { decisionId: 'd-1', action: 'refund', price: 'purchase', amountMinor: 39_900 },
      'agent:kim',
      now,
    );
    const { case: decided, next } = applyDecision(handed, event, acme, now);
    expect(next).toBe('close');
    expect(decided).toMatchObject({
      outcome: 'refunded',
      refund: { amountMinor: 39_900, currency: 'EUR' },
      handover: { status: 'decided', decision: { action: 'refund', by: 'agent:kim', next: 'close' } },
    });
    expect(ownerWork(decided)).toBeUndefined();
    expect(applyDecision(decided, event, acme, now)).toEqual({ case: decided, next: 'close' });
  });
});
