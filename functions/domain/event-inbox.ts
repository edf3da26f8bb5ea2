import { type Actor, actorId, type Case } from './case.ts';
import { EventIdReusedError } from './errors.ts';
import type { CaseEvent } from './schemas.ts';
import { describe, entry } from './timeline.ts';
import { awaitedWhile, isAwaited } from './waits.ts';

/**
 * The case's inbox: events from depots, technicians, carriers and customers arrive early, late, twice
 * or out of order. Each is recorded once: applied to the step waiting for it, kept for a step still to
 * come, or refused (and still recorded) when it no longer makes sense for the case.
 */

export interface WaitRequest {
  readonly step: string;
  readonly expect: readonly string[];
  readonly token: string;
  /** When the workflow entered the waiting state (ISO 8601): tells a late registration from the current one. */
  readonly enteredAt?: string;
}

/**
 * The workflow begins waiting for an event. An event that arrived early is consumed now; a repeated
 * call with the same token (a retried invocation) delivers the same event again and changes nothing else.
 */
export function beginWait(kase: Case, wait: WaitRequest, now: Date): { case: Case; deliver?: CaseEvent } {
  if (kase.waiting?.token === wait.token) {
    return { case: kase, ...(kase.waiting.delivered ? { deliver: kase.waiting.delivered } : {}) };
  }
  // A registration that arrives after a later wait's is for a step the workflow already left (its
  // deadline passed while the registration was on the way, as Step Functions allows): it changes nothing.
  if (wait.enteredAt && kase.waiting?.enteredAt && wait.enteredAt < kase.waiting.enteredAt)
    return { case: kase };
  const early = kase.pendingEvents.find((event) => wait.expect.includes(event.type));
  const waiting = {
    step: wait.step,
    expect: [...wait.expect],
    token: wait.token,
    since: now.toISOString(),
    ...(wait.enteredAt ? { enteredAt: wait.enteredAt } : {}),
  };
  // A reminder lasts while its step is unanswered: it ends with the answer, or when another wait begins.
  const reminded = kase.reminder?.step === wait.step && !early ? kase : withoutReminder(kase);
  if (!early) return { case: { ...reminded, waiting } };
  return {
    case: {
      ...reminded,
      waiting: { ...waiting, delivered: early },
      pendingEvents: kase.pendingEvents.filter((event) => event !== early),
      answered: answer(kase, early),
      timeline: [
        ...kase.timeline,
        entry(now, 'event-applied', `${describe(early)} applied to "${wait.step}".`, 'system:workflow'),
      ],
    },
    deliver: early,
  };
}

function withoutReminder(kase: Case): Case {
  if (!kase.reminder) return kase;
  const { reminder: _done, ...rest } = kase;
  return rest;
}

/**
 * An event to hand to the step waiting with `token`. `again`: it was handed before (or was about to be);
 * if that wait is over, it took the event then, and nothing else may take it now.
 */
export interface Delivery {
  readonly token: string;
  readonly event: CaseEvent;
  readonly again?: true;
}

export type EventOutcome = 'applied' | 'kept' | 'recorded' | 'duplicate' | 'not-applicable';

/**
 * Questions a case asks once: the first event that answers one (the carrier's delivery or the depot's
 * receipt scan, say) is applied, and any later answer is refused. Repair attempts repeat.
 */
const QUESTION: Partial<Record<CaseEvent['type'], string>> = {
  received: 'arrival',
  'delivered-to-depot': 'arrival',
  diagnosed: 'diagnosis',
  'estimate-answered': 'estimate',
  'delivered-to-customer': 'delivery',
  'survey-answered': 'survey',
};

function answer(kase: Case, event: CaseEvent): string[] {
  const question = QUESTION[event.type];
  return question && !kase.answered.includes(question) ? [...kase.answered, question] : kase.answered;
}

/** Event ids are unique per sender, not per case: the carrier's `trk-2` and a customer's `trk-2` are two events. */
export const inboxKey = (sender: string, eventId: string) => `${sender}:${eventId}`;

/** Whether `sender` already sent the event `eventId` (an accepted one: a refused event does not spend its id). */
export const hasSeen = (kase: Case, sender: string, eventId: string) =>
  kase.seenEventIds.includes(inboxKey(sender, eventId));

/** How many events a case keeps for later steps; a sender reporting far ahead of the case is refused beyond. */
export const MAX_KEPT = 50;

/**
 * Whether `sender` already sent `eventId`: the same event again is a duplicate; the same id with other
 * content is refused, since ids are the sender's promise that two requests are one.
 */
export function repeated(kase: Case, sender: string, eventId: string, fingerprint?: string): boolean {
  if (!hasSeen(kase, sender, eventId)) return false;
  const known = kase.seenFingerprints[inboxKey(sender, eventId)];
  if (fingerprint && known && known !== fingerprint) throw new EventIdReusedError(sender, eventId);
  return true;
}

/** The case with `eventId` taken from `sender` (and what it said, when known). */
export function take(kase: Case, sender: string, eventId: string, fingerprint?: string): Case {
  const key = inboxKey(sender, eventId);
  return {
    ...kase,
    seenEventIds: [...kase.seenEventIds, key],
    ...(fingerprint ? { seenFingerprints: { ...kase.seenFingerprints, [key]: fingerprint } } : {}),
  };
}

/** Questions whose second answer restates the first (the depot scans what the carrier delivered). */
const SAME_FACT: ReadonlySet<string> = new Set(['arrival', 'delivery']);

/**
 * An event arrives from `by` (its role is the sender). It is taken exactly once per sender and id,
 * whatever its timing: applied to the step waiting for it, kept for a step still to come, recorded when
 * it restates a known fact or no step waits for it, or refused (and still on the timeline, its id left
 * unspent) when it can no longer apply to the case.
 */
export function recordEvent(
  kase: Case,
  event: CaseEvent,
  now: Date,
  by: Actor,
  /** What the sender's request said, as a fingerprint: the same id with other content is refused. */
  fingerprint?: string,
): { case: Case; outcome: EventOutcome; deliver?: Delivery } {
  if (repeated(kase, by.role, event.eventId, fingerprint)) {
    // Taken for the step that still waits, but perhaps never handed to it (the process stopped in
    // between): the sender's retry hands it again. Resuming a wait that already has it changes nothing.
    const taken = kase.waiting?.delivered;
    const again = taken?.eventId === event.eventId && taken.type === event.type && kase.waiting;
    return {
      case: kase,
      outcome: 'duplicate',
      ...(again ? { deliver: { token: again.token, event: taken, again: true } } : {}),
    };
  }
  const seen = take(kase, by.role, event.eventId, fingerprint);
  const actor = actorId(by);
  const noted = (type: string, summary: string, base: Case = seen) => ({
    ...base,
    timeline: [...kase.timeline, entry(now, type, `${describe(event)} ${summary}`, actor)],
  });
  const waiting = kase.waiting;
  const question = QUESTION[event.type];
  const alreadyAnswered = question !== undefined && kase.answered.includes(question);
  if (!alreadyAnswered && waiting && !waiting.delivered && waiting.expect.includes(event.type)) {
    return {
      case: noted('event-applied', `applied to "${waiting.step}".`, {
        ...(seen.reminder?.step === waiting.step ? withoutReminder(seen) : seen),
        answered: answer(kase, event),
        waiting: { ...waiting, delivered: event },
      }),
      outcome: 'applied',
      deliver: { token: waiting.token, event },
    };
  }
  if (alreadyAnswered && SAME_FACT.has(question)) {
    return {
      case: noted('event-confirmed', `confirms the ${question} already recorded.`),
      outcome: 'recorded',
    };
  }
  if (alreadyAnswered || !awaitedWhile(event.type).includes(kase.status)) {
    return {
      case: noted('event-refused', `does not apply to a case that is ${kase.status}.`, kase),
      outcome: 'not-applicable',
    };
  }
  if (kase.pendingEvents.length >= MAX_KEPT) {
    return {
      case: noted(
        'event-refused',
        `not kept: the case already keeps ${MAX_KEPT} events for later steps.`,
        kase,
      ),
      outcome: 'not-applicable',
    };
  }
  if (!isAwaited(event.type)) {
    return { case: noted('event-recorded', 'recorded: no step waits for it.'), outcome: 'recorded' };
  }
  return {
    case: noted('event-kept', 'kept until the case is ready for it.', {
      ...seen,
      pendingEvents: [...kase.pendingEvents, event],
    }),
    outcome: 'kept',
  };
}

/**
 * Closing settles what the case kept: an event kept for a step the case will never reach is refused,
 * with the reason on the timeline, instead of waiting forever. What a closed case still waits for (the
 * survey's answer) stays.
 */
export function settleKept(kase: Case, now: Date): Case {
  const [stays, refused] = partition(kase.pendingEvents, (event) =>
    awaitedWhile(event.type).includes('closed'),
  );
  if (refused.length === 0) return kase;
  return {
    ...kase,
    pendingEvents: stays,
    timeline: [
      ...kase.timeline,
      ...refused.map((event) =>
        entry(
          now,
          'event-refused',
          `${describe(event)} was kept, but the case closed first.`,
          'system:workflow',
        ),
      ),
    ],
  };
}

const partition = <T>(items: readonly T[], keep: (item: T) => boolean): [T[], T[]] => [
  items.filter(keep),
  items.filter((item) => !keep(item)),
];

/**
 * The workflow refused an event for `token`: that wait had ended (timed out, say) before the event
 * reached it. The event is not lost: the step waiting now takes it if it expects it, else it is kept
 * for the step that waits next. A wait that began meanwhile may have replaced the one it was given to.
 */
export function returnUndelivered(
  kase: Case,
  event: CaseEvent,
  token: string,
): { case: Case; deliver?: { token: string; event: CaseEvent } } {
  const waiting = kase.waiting;
  const kept = kase.pendingEvents.some((pending) => pending.eventId === event.eventId);
  if (kept || (waiting?.delivered?.eventId === event.eventId && waiting.token !== token))
    return { case: kase };
  if (waiting && waiting.token !== token && !waiting.delivered && waiting.expect.includes(event.type)) {
    return {
      case: { ...kase, waiting: { ...waiting, delivered: event } },
      deliver: { token: waiting.token, event },
    };
  }
  const pendingEvents = [...kase.pendingEvents, event];
  if (waiting?.token !== token) return { case: { ...kase, pendingEvents } };
  const { delivered: _, ...stillWaiting } = waiting;
  return { case: { ...kase, waiting: stillWaiting, pendingEvents } };
}
