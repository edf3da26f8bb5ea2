import { type Actor, actorId, type Case, type Visit } from './case.ts';
import { isoAfter, isoDay } from './dates.ts';
import { deny } from './decisions.ts';
import { ConflictError, InvalidFieldError, NotFoundError, PolicyIncompleteError } from './errors.ts';
import { escalate, notify } from './escalation.ts';
import { hasSeen, inboxKey } from './event-inbox.ts';
import type { BrandPolicy } from './policy.ts';
import { type DeviceCase, failedRepairs } from './repairs.ts';
import type { VisitEvent } from './schemas.ts';
import { entry } from './timeline.ts';

/**
 * Technician visits (P6). A visit is booked in a window the customer chose, with a named technician
 * the customer knows before the visit. Only a completed visit the customer accepted uses the brand's
 * allowance; a no-show, a botched visit or a redo never does. Failed visits count as failed repairs.
 */

const DAY_MS = 86_400_000;

/** A completed visit the customer accepted, not a redo: the only kind the allowance counts. */
export function usesAllowance(visit: Pick<Visit, 'status' | 'outcome' | 'redoOf' | 'signOff'>): boolean {
  return (
    visit.status === 'completed' &&
    visit.signOff?.accepted === true &&
    visit.outcome !== undefined &&
    visit.outcome.result !== 'botched' &&
    visit.redoOf === undefined
  );
}

/** The device's other cases, with their visits, as far as the allowance needs them. */
export type DeviceVisits = readonly {
  readonly caseId: string;
  readonly visits?: readonly Pick<Visit, 'status' | 'outcome' | 'redoOf' | 'signOff'>[];
}[];

/**
 * Visits that used the allowance: this case's, or, when the brand counts per device over a period, the
 * device's accepted visits in all its cases signed off within the last `visitAllowancePeriodMonths`.
 */
export function visitsUsed(kase: Case, deviceCases: DeviceVisits, policy: BrandPolicy, now: Date): number {
  const months = policy.visitAllowancePeriodMonths;
  if (months === undefined) return kase.visits.filter(usesAllowance).length;
  const since = new Date(now);
  since.setUTCMonth(since.getUTCMonth() - months);
  const others = deviceCases.filter((other) => other.caseId !== kase.caseId);
  return [kase, ...others]
    .flatMap((one) => one.visits ?? [])
    .filter(
      (visit) => usesAllowance(visit) && visit.signOff !== undefined && new Date(visit.signOff.at) > since,
    ).length;
}

/** Offers windows for the next visit, or sends the device to the depot when no visit can be offered. */
export function offerVisit(
  kase: Case,
  policy: BrandPolicy,
  now: Date,
  deviceCases: DeviceVisits = [],
): { case: Case; next: 'book' | 'mail-in' } {
  if (kase.visitOffer) return { case: kase, next: 'book' };
  const redoOf = pendingRedo(kase);
  const used = visitsUsed(kase, deviceCases, policy, now);
  if (redoOf === undefined && used >= policy.visitAllowance) {
    const denied = deny(kase, 'visit', 'VISIT-ALLOWANCE-USED', policy, now, 'system:workflow');
    return {
      case: notify(
        { ...denied, route: 'repair' },
        `Your ${used} included visits are used: we send you a prepaid label for the depot instead.`,
        now,
      ),
      next: 'mail-in',
    };
  }
  const windows = windowsFrom(now);
  const deadline = isoAfter(now, policy.sla.bookingSeconds);
  return {
    case: notify(
      {
        ...kase,
        status: 'awaiting-visit-booking',
        visitOffer: { windows, offeredAt: now.toISOString(), ...(redoOf ? { redoOf } : {}) },
        nextStep: { name: 'Choose a window for the technician’s visit', deadline },
      },
      `${redoOf ? 'We come back to redo the work, at no cost to your allowance. ' : ''}Choose a window for the technician’s visit by ${deadline}: ${windows.map((w) => w.windowId).join(', ')}.`,
      now,
    ),
    next: 'book',
  };
}

/** The windows offered from `now`: mornings and afternoons of the next three days. */
function windowsFrom(now: Date) {
  return [1, 2, 3].flatMap((days) => {
    const day = isoDay(new Date(now.getTime() + days * DAY_MS));
    return [
      { windowId: `${day}-am`, start: `${day}T08:00:00.000Z`, end: `${day}T12:00:00.000Z` },
      { windowId: `${day}-pm`, start: `${day}T13:00:00.000Z`, end: `${day}T17:00:00.000Z` },
    ];
  });
}

/**
 * The windows offered, from `now` again: a customer reminded to book is not offered days already past.
 * Answers the case unchanged when no windows are offered.
 */
export function renewWindows(kase: Case, now: Date): Case {
  if (!kase.visitOffer) return kase;
  return {
    ...kase,
    visitOffer: { ...kase.visitOffer, windows: windowsFrom(now), offeredAt: now.toISOString() },
  };
}

/** The last visit must be redone (it was botched or disputed) and has not been yet. */
function pendingRedo(kase: Case): string | undefined {
  const last = kase.visits.at(-1);
  if (!last) return undefined;
  const redo =
    last.status === 'disputed' || (last.status === 'completed' && last.outcome?.result === 'botched');
  return redo ? (last.redoOf ?? last.visitId) : undefined;
}

/** The window the customer chose, if it is one of those offered. */
export function checkWindow(kase: Case, windowId: string) {
  const window = kase.visitOffer?.windows.find((candidate) => candidate.windowId === windowId);
  if (!kase.visitOffer)
    throw new ConflictError(`Case ${kase.caseId} has no visit to book now.`, 'Nothing to book');
  if (!window) {
    const offered = kase.visitOffer.windows.map((candidate) => candidate.windowId).join(', ');
    throw new InvalidFieldError('#/windowId', `Not an offered window; choose one of: ${offered}.`);
  }
  return window;
}

/**
 * The visit is booked: a named technician is assigned and introduced to the customer. `waitSeconds`
 * is how long the workflow waits before its timer: until the reminder the day before, or, when the
 * visit is less than a day away, until the window's end plus the brand's grace.
 */
export function bookVisit(
  kase: Case,
  windowId: string,
  policy: BrandPolicy,
  now: Date,
): { case: Case; waitSeconds: number } {
  const booked = kase.visits.at(-1);
  if (!kase.visitOffer && booked?.status === 'booked')
    return { case: kase, waitSeconds: untilTimer(booked, policy, now) };
  const window = checkWindow(kase, windowId);
  const technician = policy.technicians[kase.visits.length % policy.technicians.length];
  if (!technician) throw new PolicyIncompleteError(`${policy.brand} has no technicians to send.`);
  const visit: Visit = {
    visitId: `visit-${kase.visits.length + 1}`,
    window,
    technician,
    status: 'booked',
    bookedAt: now.toISOString(),
    ...(kase.visitOffer?.redoOf ? { redoOf: kase.visitOffer.redoOf } : {}),
    partsUsed: [],
    // Less than a day away: the booking's own message is the reminder.
    ...(reminderAt(window) <= now.getTime() ? { remindedAt: now.toISOString() } : {}),
  };
  const { visitOffer: _offer, ...rest } = kase;
  const when = describeWindow(window);
  return {
    case: notify(
      {
        ...rest,
        status: 'visit-booked',
        visits: [...kase.visits, visit],
        nextStep: { name: `Visit by ${technician.name}, ${when}`, deadline: window.end },
        timeline: [
          ...kase.timeline,
          entry(
            now,
            'visit-booked',
            `${visit.visitId} booked for ${when} with ${technician.name} (${technician.id}).`,
            'customer',
          ),
        ],
      },
      `Your technician is ${technician.name} (${technician.phone}); they come ${when}.`,
      now,
    ),
    waitSeconds: untilTimer(visit, policy, now),
  };
}

const reminderAt = (window: Visit['window']) => new Date(window.start).getTime() - DAY_MS;

/** Seconds until the visit's next timer: its reminder, or the end of its window plus the brand's grace. */
/** After the window and the time the technician has to report: a visit not reported by then was missed. */
const missedAt = (visit: Visit, policy: BrandPolicy) =>
  new Date(visit.window.end).getTime() + policy.sla.visitReportSeconds * 1000;

function untilTimer(visit: Visit, policy: BrandPolicy, now: Date): number {
  const until = visit.remindedAt ? missedAt(visit, policy) : reminderAt(visit.window);
  return Math.max(60, Math.ceil((until - now.getTime()) / 1000));
}

/**
 * The visit's timer went off with no sign-off: the day before, the customer is reminded; after the
 * window (and grace), a technician who never checked in did not come; one who did but left the visit
 * unsigned escalates the case and the visit waits again.
 */
export function visitTimer(
  kase: Case,
  policy: BrandPolicy,
  now: Date,
): { case: Case; next: 'wait' | 'no-show'; waitSeconds: number } {
  const last = kase.visits.at(-1);
  if (!last) throw new ConflictError(`Case ${kase.caseId} has no visit to time.`, 'No visit');
  let visit = last;
  if (!visit.remindedAt) {
    const reminded = { ...visit, remindedAt: now.toISOString() };
    const timed = {
      ...kase,
      visits: kase.visits.map((candidate) => (candidate === visit ? reminded : candidate)),
    };
    if (now < new Date(visit.window.start)) {
      return {
        case: notify(
          timed,
          `Reminder: ${visit.technician.name} (${visit.technician.phone}) comes ${describeWindow(visit.window)}.`,
          now,
        ),
        next: 'wait',
        waitSeconds: untilTimer(reminded, policy, now),
      };
    }
    // The timer went off late (the cloud was down, or the booking came just before the window): a
    // reminder would name a visit under way or past. None is sent; a missed visit is seen at once.
    if (now.getTime() < missedAt(visit, policy))
      return { case: timed, next: 'wait', waitSeconds: untilTimer(reminded, policy, now) };
    kase = timed;
    visit = reminded;
  }
  if (visit.status === 'booked') return { case: kase, next: 'no-show', waitSeconds: 0 };
  const unsigned = escalate(
    kase,
    `unsigned:${visit.visitId}:${now.toISOString()}`,
    `${visit.visitId} was not signed off in time.`,
    policy,
    now,
    'system:workflow',
  );
  return { case: unsigned, next: 'wait', waitSeconds: policy.sla.visitReportSeconds };
}

const describeWindow = (window: Visit['window']) =>
  `${window.start.slice(0, 16).replace('T', ' ')}–${window.end.slice(11, 16)} UTC`;

export function visitOf(kase: Case, visitId: string): Visit {
  const visit = kase.visits.find((candidate) => candidate.visitId === visitId);
  if (!visit) throw new NotFoundError(`visit ${visitId} on case ${kase.caseId}`);
  return visit;
}

type Report = Extract<VisitEvent, { type: 'checked-in' | 'parts-used' | 'outcome' }>;

/** The technician reports from the visit: check-in, parts used, the outcome. */
export function reportVisit(kase: Case, visitId: string, event: Report, now: Date, by: Actor): Case {
  if (hasSeen(kase, by.role, event.eventId)) return kase;
  const visit = visitOf(kase, visitId);
  if (visit.status !== 'booked' && visit.status !== 'checked-in') {
    throw new ConflictError(`${visitId} is ${visit.status}; it takes no more reports.`, 'Visit over');
  }
  const seen = { ...kase, seenEventIds: [...kase.seenEventIds, inboxKey(by.role, event.eventId)] };
  const update = (changed: Visit, summary: string): Case => ({
    ...seen,
    visits: kase.visits.map((candidate) => (candidate === visit ? changed : candidate)),
    timeline: [...kase.timeline, entry(now, 'visit-report', `${visitId}: ${summary}`, actorId(by))],
  });
  if (event.type === 'checked-in')
    return update({ ...visit, status: 'checked-in' }, `${visit.technician.name} checked in.`);
  if (event.type === 'parts-used') {
    return update(
      { ...visit, partsUsed: [...visit.partsUsed, ...event.parts] },
      `parts used: ${event.parts.join(', ')}.`,
    );
  }
  const outcome = { result: event.result, faultCode: event.faultCode, needsDepot: event.needsDepot };
  const reported = update(
    { ...visit, status: 'reported', outcome },
    `outcome ${event.result} (${event.faultCode})${event.needsDepot ? ', needs the depot' : ''}.`,
  );
  // A visit that did not fix the device is a failed repair attempt, like one at the depot.
  return {
    ...reported,
    repairAttempts: [
      ...kase.repairAttempts,
      {
        attemptId: visitId,
        at: now.toISOString(),
        result: event.result === 'fixed' ? 'fixed' : 'not-fixed',
        faultCode: event.faultCode,
        partsUsed: visit.partsUsed,
      },
    ],
  };
}

/** The customer signs the visit off (or the technician records their signature): only after its outcome. */
export function signOffVisit(
  kase: Case,
  visitId: string,
  signOff: { accepted: boolean; signedBy: string },
  now: Date,
): Case {
  const visit = visitOf(kase, visitId);
  if (visit.signOff) return kase;
  if (visit.status !== 'reported') {
    throw new ConflictError(`${visitId} has no reported outcome to sign off yet.`, 'Nothing to sign off');
  }
  return {
    ...kase,
    visits: kase.visits.map((candidate) =>
      candidate === visit ? { ...candidate, signOff: { ...signOff, at: now.toISOString() } } : candidate,
    ),
  };
}

export type AfterVisit = 'close' | 'revisit' | 'replace' | 'mail-in';

/**
 * A visit ended, signed off or with the technician absent: what the case does next. A dispute or a
 * no-show escalates; failed visits count toward replacement; the allowance counts accepted work only.
 */
export function endVisit(
  kase: Case,
  visitId: string,
  ended: 'signed-off' | 'no-show',
  deviceCases: readonly DeviceCase[],
  policy: BrandPolicy,
  now: Date,
): { case: Case; next: AfterVisit } {
  const visit = visitOf(kase, visitId);
  const set = (status: Visit['status']): Case => ({
    ...kase,
    visits: kase.visits.map((candidate) => (candidate === visit ? { ...candidate, status } : candidate)),
  });
  if (visit.status === 'no-show' || visit.status === 'disputed' || visit.status === 'completed') {
    return { case: kase, next: nextAfter(kase, visit, deviceCases, policy) };
  }
  if (ended === 'no-show') {
    const absent = escalate(
      set('no-show'),
      `no-show:${visitId}`,
      `${visit.technician.name} did not come to ${visitId}.`,
      policy,
      now,
      'system:workflow',
    );
    return { case: absent, next: 'revisit' };
  }
  if (visit.signOff?.accepted === false) {
    const disputed = escalate(
      set('disputed'),
      `dispute:${visitId}`,
      `The customer disputes ${visitId}.`,
      policy,
      now,
      'system:workflow',
    );
    return { case: disputed, next: nextAfter(disputed, visitOf(disputed, visitId), deviceCases, policy) };
  }
  const completed = set('completed');
  const result = visit.outcome?.result;
  const done = result === 'fixed' ? { ...completed, outcome: 'repaired' as const } : completed;
  const used = visitsUsed(done, deviceCases, policy, now);
  return {
    case: notify(
      done,
      `${visitId} is complete (${result}). Visits used of your ${policy.visitAllowance}: ${used}.`,
      now,
    ),
    next: nextAfter(done, visitOf(done, visitId), deviceCases, policy),
  };
}

function nextAfter(
  kase: Case,
  visit: Visit,
  deviceCases: readonly DeviceCase[],
  policy: BrandPolicy,
): AfterVisit {
  if (visit.status === 'no-show') return 'revisit';
  const result = visit.outcome?.result;
  if (visit.status === 'completed' && result === 'fixed') return 'close';
  const others = deviceCases.filter((other) => other.caseId !== kase.caseId);
  if (
    result !== 'fixed' &&
    failedRepairs([...others, kase], policy, visit.outcome?.faultCode) >= policy.replaceAfterFailedRepairs
  ) {
    return 'replace';
  }
  if (visit.outcome?.needsDepot && visit.status === 'completed') return 'mail-in';
  return 'revisit';
}
