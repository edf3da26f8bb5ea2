import { describe, expect, it } from 'vitest';
import { caseIdFor } from '../../functions/app/ids.ts';
import type { Case } from '../../functions/domain/case.ts';
import { EventIdReusedError } from '../../functions/domain/errors.ts';
import { beginWait, MAX_KEPT, recordEvent, returnUndelivered } from '../../functions/domain/event-inbox.ts';
import { closeCase, recordNoSurveyAnswer } from '../../functions/domain/follow-up.ts';
import { openCase } from '../../functions/domain/intake.ts';
import { type CaseEvent, CaseOpening } from '../../functions/domain/schemas.ts';
import { examplePolicy } from '../support/brands.ts';

const now = new Date('2026-11-22T10:00:00Z');
const customer = { role: 'customer', subject: 'ada' };
const depot = { role: 'depot', subject: 'depot-1' };
const opening = CaseOpening.parse({
  customer: { name: 'Ada', email: 'ada@example.com' },
  device: { serial: 'SN1', model: 'Cam 3', purchaseDate: '2026-01-05' },
  problem: { description: 'Does not power on', category: 'does-not-power-on' },
});
const device = { serial: 'SN1', model: 'Cam 3', purchaseDate: '2026-01-05' };
const received = (eventId = 'e1'): CaseEvent => ({
  eventId,
  type: 'received',
  occurredAt: now.toISOString(),
});
const fresh = (): Case => ({
  ...openCase(
    opening,
    { brand: 'acme', caseId: 'RMA-000000000001' },
    device,
    [],
    examplePolicy('acme'),
    now,
    customer,
  ),
  status: 'awaiting-arrival',
});

describe('CaseOpening', () => {
  it('asks why goods are returned when the request is a return', () => {
    const result = CaseOpening.safeParse({ ...opening, service: 'return' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('/'))).toEqual(['returnReason']);
  });
});

describe('openCase', () => {
  it('links the earlier cases of the same device (P3)', () => {
    const kase = openCase(
      opening,
      { brand: 'acme', caseId: 'RMA-2' },
      device,
      ['RMA-1'],
      examplePolicy('acme'),
      now,
      customer,
    );
    expect(kase.linkedCases).toEqual(['RMA-1']);
    expect(kase.timeline[0]?.summary).toContain('RMA-1');
  });

  it('carries the brand’s escalation path from the first moment (P7)', () => {
    expect(fresh().escalationPath.map((level) => level.role)).toEqual([
      'Service agent',
      'Service supervisor',
      'Service manager',
      'Executive office',
    ]);
    expect(fresh().escalationPath[0]?.contact).toBe('support@acme.example');
  });
});

describe('caseIdFor', () => {
  it('derives the same id from the same caller’s key, and a different one per brand and per caller', () => {
    expect(caseIdFor('acme', 'customer:ada', 'key-123456')).toBe(
      caseIdFor('acme', 'customer:ada', 'key-123456'),
    );
    expect(caseIdFor('acme', 'customer:ada', 'key-123456')).not.toBe(
      caseIdFor('globex', 'customer:ada', 'key-123456'),
    );
    expect(caseIdFor('acme', 'customer:ada', 'key-123456')).not.toBe(
      caseIdFor('acme', 'customer:bob', 'key-123456'),
    );
    expect(caseIdFor('acme', 'customer:ada')).toMatch(/^RMA-[0-9A-Z]{12}$/);
  });
});

describe('events', () => {
  it('applies an event to the step waiting for it and names the token to resume', () => {
    const waiting = beginWait(
      fresh(),
      { step: 'Wait for device at depot', expect: ['received'], token: 't1' },
      now,
    ).case;
    const result = recordEvent(waiting, received(), now, depot);
    expect(result.outcome).toBe('applied');
    expect(result.deliver).toEqual({ token: 't1', event: received() });
  });

  it('keeps an event that arrives before the wait and delivers it when the wait begins', () => {
    const kept = recordEvent(fresh(), received(), now, depot);
    expect(kept.outcome).toBe('kept');
    const waited = beginWait(
      kept.case,
      { step: 'Wait for device at depot', expect: ['received'], token: 't1' },
      now,
    );
    expect(waited.deliver).toEqual(received());
    expect(waited.case.pendingEvents).toHaveLength(0);
  });

  it('keeps a diagnosis that arrives before the arrival is recorded', () => {
    const diagnosed: CaseEvent = {
      eventId: 'd1',
      type: 'diagnosed',
      occurredAt: now.toISOString(),
      faultCode: 'PWR-01',
      cause: 'unknown',
      covered: true,
    };
    expect(recordEvent(fresh(), diagnosed, now, depot).outcome).toBe('kept');
  });

  it('hands an event again to the step still waiting for it when its sender retries (found by the crash soak)', () => {
    // The event was taken for the wait, then the process stopped before it reached the workflow.
    const waiting = beginWait(
      fresh(),
      { step: 'Wait for device at depot', expect: ['received'], token: 't1' },
      now,
    ).case;
    const taken = recordEvent(waiting, received('r1'), now, depot);
    const retried = recordEvent(taken.case, received('r1'), now, depot);
    expect(retried.outcome).toBe('duplicate');
    expect(retried.case).toBe(taken.case);
    expect(retried.deliver).toEqual({ token: 't1', event: received('r1'), again: true });
    // Once another wait has begun, a retry hands nothing to anyone.
    const next = beginWait(
      taken.case,
      { step: 'Wait for depot diagnosis', expect: ['diagnosed'], token: 't2' },
      now,
    );
    expect(recordEvent(next.case, received('r1'), now, depot).deliver).toBeUndefined();
  });

  it('applies the same event id only once', () => {
    const first = recordEvent(fresh(), received('dup'), now, depot);
    const second = recordEvent(first.case, received('dup'), now, depot);
    expect(second.outcome).toBe('duplicate');
    expect(second.case).toBe(first.case);
  });

  it('records an event that makes no sense for the case any more, and says so', () => {
    const atDepot: Case = { ...fresh(), status: 'at-depot' };
    const result = recordEvent(atDepot, received(), now, depot);
    expect(result.outcome).toBe('not-applicable');
    expect(result.case.timeline.at(-1)?.type).toBe('event-refused');
  });

  it('lets a retried wait with the same token deliver the same event again, changing nothing', () => {
    const kept = recordEvent(fresh(), received(), now, depot).case;
    const first = beginWait(kept, { step: 'S', expect: ['received'], token: 't1' }, now);
    const again = beginWait(first.case, { step: 'S', expect: ['received'], token: 't1' }, now);
    expect(again.case).toBe(first.case);
    expect(again.deliver).toEqual(received());
  });

  it('ignores a wait registered late for a step the workflow already left (its deadline passed meanwhile)', () => {
    // The visit's wait timed out while its registration was still on the way; the workflow went on and
    // waits for a booking now. The late registration must not take the case's wait from the booking.
    const booking = beginWait(
      fresh(),
      {
        step: 'Wait for visit booking',
        expect: ['visit-booked'],
        token: 'new',
        enteredAt: '2026-11-22T10:00:05.000Z',
      },
      now,
    ).case;
    const late = beginWait(
      booking,
      {
        step: 'Wait for visit',
        expect: ['visit-signed-off'],
        token: 'old',
        enteredAt: '2026-11-22T10:00:01.000Z',
      },
      now,
    );
    expect(late.case).toBe(booking);
    expect(late.deliver).toBeUndefined();
    expect(late.case.waiting).toMatchObject({ step: 'Wait for visit booking', token: 'new' });
  });

  it('hands an event refused by an ended wait to the wait that replaced it, or keeps it', () => {
    const wait = { step: 'S', expect: ['received'] };
    const first = beginWait(fresh(), { ...wait, token: 'old' }, now).case;
    const applied = recordEvent(first, received(), now, depot).case;
    // The old wait timed out and escalated; the step waits again with a new token before the refusal.
    const again = beginWait(applied, { ...wait, token: 'new' }, now).case;
    const handed = returnUndelivered(again, received(), 'old');
    expect(handed.deliver).toEqual({ token: 'new', event: received() });
    expect(handed.case.waiting?.delivered).toEqual(received());
    // Refused while the old wait is still the case's: kept for the next wait, which takes it.
    const kept = returnUndelivered(applied, received(), 'old').case;
    expect(kept.waiting?.delivered).toBeUndefined();
    expect(beginWait(kept, { ...wait, token: 'new' }, now).deliver).toEqual(received());
  });
});

describe('a wait per execution (issue 11)', () => {
  const later = new Date(now.getTime() + 60_000);
  const survey = (eventId = 's1'): CaseEvent => ({
    eventId,
    type: 'survey-answered',
    occurredAt: later.toISOString(),
    met: false,
  });
  /** Closed and waiting for the survey; then a complaint's execution waits for a person's decision. */
  const both = () => {
    const closed = closeCase(fresh(), examplePolicy('acme'), now);
    const asked = beginWait(
      closed,
      { step: 'Wait for survey answer', expect: ['survey-answered'], token: 'main', execution: 'RMA-1' },
      now,
    ).case;
    const reopened: Case = { ...asked, status: 'reopened' };
    return beginWait(
      reopened,
      {
        step: 'Wait for a person’s decision',
        expect: ['person-decided'],
        token: 'complaint',
        execution: 'RMA-1-complaint-x',
      },
      later,
    ).case;
  };

  it('keeps the survey’s wait when a complaint’s execution begins to wait, and hands the answer to it', () => {
    const kase = both();
    expect(kase.waiting).toMatchObject({ token: 'complaint' });
    expect(kase.otherWaits).toEqual([expect.objectContaining({ token: 'main' })]);
    const answered = recordEvent(kase, survey(), later, customer);
    expect(answered.outcome).toBe('applied');
    expect(answered.deliver).toEqual({ token: 'main', event: survey() });
    // The complaint's wait is untouched: the person's decision still reaches it.
    expect(answered.case.waiting).toEqual(kase.waiting);
    const decided = recordEvent(
      answered.case,
      { eventId: 'p1', type: 'person-decided', occurredAt: later.toISOString(), action: 'close', by: 'kim' },
      later,
      { role: 'agent', subject: 'kim' },
    );
    expect(decided.deliver?.token).toBe('complaint');
  });

  it('replaces only its own execution’s wait, and forgets another’s that took its event', () => {
    const answered = recordEvent(both(), survey(), later, customer).case;
    const followingUp = beginWait(
      answered,
      { step: 'Wait for the follow-up', expect: ['follow-up-closed'], token: 'main-2', execution: 'RMA-1' },
      later,
    ).case;
    expect([followingUp.waiting, ...(followingUp.otherWaits ?? [])].map((wait) => wait?.token)).toEqual([
      'main-2',
      'complaint',
    ]);
  });

  it('hands an answer an ended execution refused to the other execution still waiting for it', () => {
    const kase = both();
    const second = beginWait(
      kase,
      {
        step: 'Wait for survey answer',
        expect: ['survey-answered'],
        token: 'again',
        execution: 'RMA-1-complaint-x',
      },
      later,
    ).case;
    const taken = recordEvent(second, survey(), later, customer);
    // The longest waiting takes it: the case's own execution, which asked first.
    expect(taken.deliver?.token).toBe('main');
    // Its wait had ended (the survey window passed): the complaint's execution takes the answer instead.
    const handed = returnUndelivered(taken.case, survey(), 'main');
    expect(handed.deliver).toEqual({ token: 'again', event: survey() });
    expect(handed.case.otherWaits).toBeUndefined();
  });
});

describe('the survey asked again after a complaint (issue 11)', () => {
  it('is not closed by the first window’s deadline: the later one counts', () => {
    const policy = examplePolicy('acme');
    const window = policy.surveyWindowSeconds * 1000;
    const complained = new Date(now.getTime() + window / 2);
    // Closed, reopened by a complaint, and closed again: the customer is asked again, by a later deadline.
    const first = closeCase(fresh(), policy, now);
    const again = closeCase({ ...first, status: 'reopened' }, policy, complained);
    expect(again.nextStep).toMatchObject({ name: 'Tell us whether your needs were met' });
    const firstDeadline = new Date(now.getTime() + window + 1000);
    expect(recordNoSurveyAnswer(again, firstDeadline)).toBe(again);
    const secondDeadline = new Date(complained.getTime() + window + 1000);
    expect(recordNoSurveyAnswer(again, secondDeadline).survey).toEqual({
      answered: false,
      at: secondDeadline.toISOString(),
    });
  });
});

describe('an inbox per sender', () => {
  const carrier = { role: 'carrier', subject: 'local-carrier' };
  const at = (status: Case['status']): Case => ({ ...fresh(), status });
  const answer = (eventId: string): CaseEvent => ({
    eventId,
    type: 'estimate-answered',
    occurredAt: now.toISOString(),
    approved: true,
  });

  it('takes the same event id from two senders as two events', () => {
    const waiting = { step: 'Wait for device at depot', expect: ['delivered-to-depot'], token: 't1' };
    const answered = recordEvent(at('awaiting-estimate-answer'), answer('trk-2'), now, customer);
    expect(answered.outcome).toBe('kept');
    const delivered: CaseEvent = {
      eventId: 'trk-2',
      type: 'delivered-to-depot',
      occurredAt: now.toISOString(),
      trackingNumber: 'FFX1',
    };
    const arriving = beginWait({ ...answered.case, status: 'awaiting-arrival' }, waiting, now).case;
    expect(recordEvent(arriving, delivered, now, carrier).outcome).toBe('applied');
  });

  it('keeps an event for any step still to come: a repair reported before the device arrived', () => {
    const repaired: CaseEvent = {
      eventId: 'evt-9',
      type: 'repair-attempted',
      occurredAt: now.toISOString(),
      result: 'fixed',
      faultCode: 'PWR-01',
      partsUsed: [],
    };
    const early = recordEvent(at('awaiting-arrival'), repaired, now, depot);
    expect(early.outcome).toBe('kept');
    expect(early.case.pendingEvents).toEqual([repaired]);
  });

  it('does not spend the id of a refused event: the same event is taken when it applies', () => {
    const refused = recordEvent(at('in-repair'), answer('a-1'), now, customer);
    expect(refused.outcome).toBe('not-applicable');
    const later = recordEvent(
      { ...refused.case, status: 'awaiting-estimate-answer' },
      answer('a-1'),
      now,
      customer,
    );
    expect(later.outcome).toBe('kept');
  });

  it('acknowledges the depot’s receipt after the carrier’s delivery as the same fact, once', () => {
    const arrived: Case = { ...at('at-depot'), answered: ['arrival'] };
    const receipt = recordEvent(arrived, received('scan-1'), now, depot);
    expect(receipt.outcome).toBe('recorded');
    expect(receipt.case.timeline.at(-1)?.type).toBe('event-confirmed');
    expect(recordEvent(receipt.case, received('scan-1'), now, depot).outcome).toBe('duplicate');
  });

  it('records a report no step waits for (the depot shipped the device) instead of keeping it', () => {
    const shipped: CaseEvent = { eventId: 's-1', type: 'shipped', occurredAt: now.toISOString() };
    const recorded = recordEvent(at('in-repair'), shipped, now, depot);
    expect(recorded.outcome).toBe('recorded');
    expect(recorded.case.pendingEvents).toEqual([]);
  });

  it('settles what a case kept when it closes: each kept event refused with its reason', () => {
    const kept = recordEvent(at('awaiting-arrival'), answer('late-1'), now, customer);
    const withKept = { ...kept.case, pendingEvents: [answer('late-1')] };
    const closed = closeCase(withKept, examplePolicy('acme'), now);
    expect(closed.pendingEvents).toEqual([]);
    expect(
      closed.timeline.some((entry) => entry.type === 'event-refused' && entry.summary.includes('late-1')),
    ).toBe(true);
  });
});

describe('a bounded inbox', () => {
  it('refuses to keep more than its share of early events, without spending their ids', () => {
    let kase: Case = fresh();
    const early = (i: number): CaseEvent => ({
      eventId: `early-${i}`,
      type: 'repair-attempted',
      occurredAt: now.toISOString(),
      result: 'not-fixed',
      faultCode: 'PWR-01',
      partsUsed: [],
    });
    for (let i = 0; i < MAX_KEPT; i++) kase = recordEvent(kase, early(i), now, depot).case;
    expect(kase.pendingEvents).toHaveLength(MAX_KEPT);
    const refused = recordEvent(kase, early(MAX_KEPT), now, depot);
    expect(refused.outcome).toBe('not-applicable');
    expect(refused.case.pendingEvents).toHaveLength(MAX_KEPT);
    expect(refused.case.seenEventIds).not.toContain(`depot:early-${MAX_KEPT}`);
  });
});

describe('an id reused for another event', () => {
  it('takes the same event twice as a duplicate, and refuses the same id with other content', () => {
    const first = recordEvent(fresh(), received('scan-7'), now, depot, 'fingerprint-a');
    expect(first.outcome).toBe('kept');
    expect(recordEvent(first.case, received('scan-7'), now, depot, 'fingerprint-a').outcome).toBe(
      'duplicate',
    );
    expect(() => recordEvent(first.case, received('scan-7'), now, depot, 'fingerprint-b')).toThrow(
      EventIdReusedError,
    );
  });
});
