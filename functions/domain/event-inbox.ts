import { type Actor, actorId, type Case, type Waiting } from './case.ts';
import { EventIdReusedError } from './errors.ts';
import type { CaseEvent } from './schemas.ts';
import { describe, entry } from './timeline.ts';
import { awaitedWhile, isAwaited } from './waits.ts';

/**
 * The case's inbox: events from depots, technicians, carriers and customers arrive early, late, twice
 * or out of order. Each is recorded once: applied to the step waiting for it, kept for a step still to
 * come, or refused (and still recorded) when it no longer makes sense for the case.
 *
 * A case holds one wait per execution of its workflow: usually one, but a complaint about a closed case
 * runs in an execution of its own (waiting for a person's decision) while the first one still waits for
 * the survey's answer. Each event goes to the wait that takes it; a new wait replaces only its own
 * execution's.
 */

/** Every wait the case holds, the one that began last first. */
export const waitsOf = (kase: Case): Waiting[] => [
  ...(kase.waiting ? [kase.waiting] : []),
  ...(kase.otherWaits ?? []),
];

/**
 * The wait that takes an event of `type` now: of those still open that expect it, the one waiting
 * longest (the survey's answer goes to the execution that asked first). `except` is a wait that is over.
 */
export function waitTaking(kase: Case, type: string, except?: string): Waiting | undefined {
  return waitsOf(kase)
    .filter((wait) => wait.token !== except && !wait.delivered && wait.expect.includes(type))
    .sort((a, b) => a.since.localeCompare(b.since))[0];
}

/** The waits still open, the one that began last first. */
export const openWaits = (kase: Case): Waiting[] =>
  waitsOf(kase)
    .filter((wait) => !wait.delivered)
    .sort((a, b) => b.since.localeCompare(a.since));

/** The step the case waits at now, for people's screens: the open wait that began last. */
export const currentWait = (kase: Case): Waiting | undefined => openWaits(kase)[0];

/**
 * The case without its waits for an event of `type`: their deadline passed and the workflow went on
 * without it, so no screen shows them pending and nothing is handed to them.
 */
export function withoutWaitsFor(kase: Case, type: CaseEvent['type']): Case {
  const { waiting, otherWaits, ...rest } = kase;
  const over = (wait: Waiting) => !wait.delivered && wait.expect.includes(type);
  const others = (otherWaits ?? []).filter((wait) => !over(wait));
  return {
    ...rest,
    ...(waiting && !over(waiting) ? { waiting } : {}),
    ...(others.length > 0 ? { otherWaits: others } : {}),
  };
}

/** The case with the wait that has `wait`'s token changed to it. */
export function withWait(kase: Case, wait: Waiting): Case {
  if (kase.waiting?.token === wait.token) return { ...kase, waiting: wait };
  return {
    ...kase,
    otherWaits: (kase.otherWaits ?? []).map((other) => (other.token === wait.token ? wait : other)),
  };
}

/** The case without another execution's wait that is over (the current one stays, as its record). */
function withoutOtherWait(kase: Case, token: string): Case {
  const others = (kase.otherWaits ?? []).filter((wait) => wait.token !== token);
  if (others.length === (kase.otherWaits ?? []).length) return kase;
  const { otherWaits: _all, ...rest } = kase;
  return others.length > 0 ? { ...rest, otherWaits: others } : rest;
}

export interface WaitRequest {
  readonly step: string;
  readonly expect: readonly string[];
  readonly token: string;
  /** When the workflow entered the waiting state (ISO 8601): tells a late registration from the current one. */
  readonly enteredAt?: string;
  /** The execution that waits (its name): its new wait replaces its own last one, never another's. */
  readonly execution?: string;
}

/**
 * The workflow begins waiting for an event. An event that arrived early is consumed now; a repeated
 * call with the same token (a retried invocation) delivers the same event again and changes nothing else.
 */
export function beginWait(kase: Case, wait: WaitRequest, now: Date): { case: Case; deliver?: CaseEvent } {
  const again = waitsOf(kase).find((held) => held.token === wait.token);
  if (again) return { case: kase, ...(again.delivered ? { deliver: again.delivered } : {}) };
  // A wait without an execution's name was registered before waits named theirs: taken as the same one.
  const sameExecution = (held: Waiting) =>
    !held.execution || !wait.execution || held.execution === wait.execution;
  // A registration that arrives after a later wait's is for a step the workflow already left (its
  // deadline passed while the registration was on the way, as Step Functions allows): it changes nothing.
  const later = waitsOf(kase).some(
    (held) => sameExecution(held) && wait.enteredAt && held.enteredAt && wait.enteredAt < held.enteredAt,
  );
  if (later) return { case: kase };
  // Another execution's wait that is still open stays, to take its events; one that took its event is over.
  const others = waitsOf(kase).filter((held) => !sameExecution(held) && !held.delivered);
  const { otherWaits: _before, ...held } = kase;
  const kept: Case = others.length > 0 ? { ...held, otherWaits: others } : held;
  const early = kase.pendingEvents.find((event) => wait.expect.includes(event.type));
  const waiting = {
    step: wait.step,
    expect: [...wait.expect],
    token: wait.token,
    since: now.toISOString(),
    ...(wait.enteredAt ? { enteredAt: wait.enteredAt } : {}),
    ...(wait.execution ? { execution: wait.execution } : {}),
  };
  // A reminder lasts while its step is unanswered: it ends with the answer, or when another wait begins.
  const reminded = kase.reminder?.step === wait.step && !early ? kept : withoutReminder(kept);
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
    const again = waitsOf(kase).find(
      (wait) => wait.delivered?.eventId === event.eventId && wait.delivered.type === event.type,
    );
    return {
      case: kase,
      outcome: 'duplicate',
      ...(again?.delivered ? { deliver: { token: again.token, event: again.delivered, again: true } } : {}),
    };
  }
  const seen = take(kase, by.role, event.eventId, fingerprint);
  const actor = actorId(by);
  const noted = (type: string, summary: string, base: Case = seen) => ({
    ...base,
    timeline: [...kase.timeline, entry(now, type, `${describe(event)} ${summary}`, actor)],
  });
  const waiting = waitTaking(kase, event.type);
  const question = QUESTION[event.type];
  const alreadyAnswered = question !== undefined && kase.answered.includes(question);
  if (!alreadyAnswered && waiting) {
    const reminded = seen.reminder?.step === waiting.step ? withoutReminder(seen) : seen;
    return {
      case: noted('event-applied', `applied to "${waiting.step}".`, {
        ...withWait(reminded, { ...waiting, delivered: event }),
        answered: answer(kase, event),
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
  const kept = kase.pendingEvents.some((pending) => pending.eventId === event.eventId);
  const takenElsewhere = waitsOf(kase).some(
    (wait) => wait.token !== token && wait.delivered?.eventId === event.eventId,
  );
  if (kept || takenElsewhere) return { case: kase };
  // The wait that refused it is over: another execution's is forgotten (that execution went on without
  // it); the last one stays as the case's record of its step, without the event.
  const over = withoutOtherWait(kase, token);
  const ended = over.waiting?.token === token ? { ...over, waiting: undelivered(over.waiting) } : over;
  const next = waitTaking(ended, event.type, token);
  if (next)
    return { case: withWait(ended, { ...next, delivered: event }), deliver: { token: next.token, event } };
  return { case: { ...ended, pendingEvents: [...ended.pendingEvents, event] } };
}

function undelivered(wait: Waiting): Waiting {
  const { delivered: _, ...open } = wait;
  return open;
}
