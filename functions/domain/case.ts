import { z } from 'zod';
import { EventNotApplicableError } from './errors.ts';
import type { BrandPolicy } from './policy.ts';

/** Who did something on a case: a role on the brand and the subject of their token. */
export interface Actor {
  readonly role: string;
  readonly subject: string;
}

export const CaseOpening = z.object({
  customer: z.object({
    name: z.string().trim().min(1).max(200),
    email: z.email(),
    phone: z.string().trim().min(5).max(32).optional(),
    preferredChannel: z.enum(['email', 'sms']).default('email'),
  }),
  device: z.object({
    serial: z.string().trim().min(1).max(64),
    model: z.string().trim().min(1).max(120),
    purchaseDate: z.iso.date(),
    firmware: z.string().trim().max(64).optional(),
  }),
  problem: z.object({
    description: z.string().trim().min(10).max(5000),
    category: z.enum(['does-not-power-on', 'hardware-fault', 'software-fault', 'damage', 'other']),
  }),
  /** When a carrier will collect the device; the arrival deadline counts from then. */
  pickupAt: z.iso.datetime().optional(),
});
export type CaseOpening = z.infer<typeof CaseOpening>;

export const DepotEvent = z.object({
  /** The sender's id for this event: the same id twice is applied once. */
  eventId: z.string().trim().min(1).max(128),
  type: z.enum(['received']),
  occurredAt: z.iso.datetime(),
  note: z.string().max(2000).optional(),
});
export type DepotEvent = z.infer<typeof DepotEvent>;

export const TimelineEntry = z.object({
  at: z.string(),
  type: z.string(),
  summary: z.string(),
  by: z.string(),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const NextStep = z.object({ name: z.string(), deadline: z.string() });
export const EscalationLevel = z.object({ level: z.number(), role: z.string(), contact: z.string() });

export const CaseStatus = z.enum(['awaiting-arrival', 'at-depot']);

/** The case as it is stored and shown: one item, its timeline inside it, so both change in one write. */
export const Case = z.object({
  brand: z.string(),
  caseId: z.string(),
  version: z.number(),
  openedAt: z.string(),
  status: CaseStatus,
  customer: CaseOpening.shape.customer,
  device: CaseOpening.shape.device,
  problem: CaseOpening.shape.problem,
  pickupAt: z.string().optional(),
  nextStep: NextStep,
  escalationLevel: z.number(),
  escalationPath: z.array(EscalationLevel),
  timeline: z.array(TimelineEntry),
  /** The workflow step waiting for an event, and the token that resumes it. Never shown to anyone. */
  waiting: z
    .object({
      step: z.string(),
      expect: z.array(z.string()),
      token: z.string(),
      since: z.string(),
      delivered: DepotEvent.optional(),
    })
    .optional(),
  /** Events that arrived before the workflow waited for them; consumed when the wait begins. */
  pendingEvents: z.array(DepotEvent),
  seenEventIds: z.array(z.string()),
});
export type Case = z.infer<typeof Case>;

const isoAfter = (now: Date, seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();

export function escalationPath(policy: BrandPolicy) {
  return policy.escalationLadder.map((level, index) => ({
    level: index,
    role: level.role,
    contact: level.contact,
  }));
}

/** A new case, acknowledged: its next step and that step's deadline are known from the first moment (P7). */
export function openCase(
  opening: CaseOpening,
  ids: { brand: string; caseId: string },
  policy: BrandPolicy,
  now: Date,
  by: Actor,
): Case {
  const arrivalStarts =
    opening.pickupAt && new Date(opening.pickupAt) > now ? new Date(opening.pickupAt) : now;
  const nextStep = {
    name: 'Send the device to the depot',
    deadline: isoAfter(arrivalStarts, policy.arrivalSlaSeconds),
  };
  return {
    ...ids,
    version: 1,
    openedAt: now.toISOString(),
    status: 'awaiting-arrival',
    customer: opening.customer,
    device: opening.device,
    problem: opening.problem,
    ...(opening.pickupAt ? { pickupAt: opening.pickupAt } : {}),
    nextStep,
    escalationLevel: 0,
    escalationPath: escalationPath(policy),
    timeline: [
      {
        at: now.toISOString(),
        type: 'case-opened',
        summary: `Case opened. Next step: ${nextStep.name.toLowerCase()} by ${nextStep.deadline}.`,
        by: `${by.role}:${by.subject}`,
      },
    ],
    pendingEvents: [],
    seenEventIds: [],
  };
}

/** What the workflow needs to run this case: its identity and the brand's deadlines. */
export function workflowInput(kase: Case, policy: BrandPolicy) {
  return {
    brand: kase.brand,
    caseId: kase.caseId,
    sla: { arrivalSeconds: policy.arrivalSlaSeconds },
    ...(kase.pickupAt ? { pickupAt: kase.pickupAt } : {}),
  };
}

/**
 * The acknowledgement the customer receives on their preferred channel: the next step, its deadline
 * and the escalation path (P7). Sent once, however often the workflow step runs.
 */
export function acknowledge(kase: Case, now: Date): Case {
  if (kase.timeline.some((item) => item.type === 'customer-notified')) return kase;
  const owner = kase.escalationPath[0];
  const summary =
    `Acknowledgement sent by ${kase.customer.preferredChannel}: ${kase.nextStep.name} by ${kase.nextStep.deadline}.` +
    (owner ? ` Your case is owned by: ${owner.role} (${owner.contact}).` : '');
  return {
    ...kase,
    timeline: [...kase.timeline, entry(now, 'customer-notified', summary, 'system:workflow')],
  };
}

export interface WaitRequest {
  readonly step: string;
  readonly expect: readonly string[];
  readonly token: string;
}

/**
 * The workflow begins waiting for an event. An event that arrived early is consumed now; a repeated
 * call with the same token (a retried invocation) delivers the same event again and changes nothing else.
 */
export function beginWait(kase: Case, wait: WaitRequest, now: Date): { case: Case; deliver?: DepotEvent } {
  if (kase.waiting?.token === wait.token) {
    return { case: kase, ...(kase.waiting.delivered ? { deliver: kase.waiting.delivered } : {}) };
  }
  const early = kase.pendingEvents.find((event) => wait.expect.includes(event.type));
  const waiting = { step: wait.step, expect: [...wait.expect], token: wait.token, since: now.toISOString() };
  if (!early) return { case: { ...kase, waiting } };
  return {
    case: {
      ...kase,
      waiting: { ...waiting, delivered: early },
      pendingEvents: kase.pendingEvents.filter((event) => event !== early),
      timeline: [
        ...kase.timeline,
        entry(now, 'event-applied', `${describe(early)} applied to "${wait.step}".`, 'system:workflow'),
      ],
    },
    deliver: early,
  };
}

export type EventOutcome = 'applied' | 'kept' | 'duplicate' | 'not-applicable';

/**
 * A depot or carrier event arrives. It is recorded exactly once, whatever its timing: applied to the
 * step waiting for it, kept for a step that has not begun yet, or recorded and refused when it makes
 * no sense for the case any more.
 */
export function recordEvent(
  kase: Case,
  event: DepotEvent,
  now: Date,
  by: Actor,
): { case: Case; outcome: EventOutcome; deliver?: { token: string; event: DepotEvent } } {
  if (kase.seenEventIds.includes(event.eventId)) return { case: kase, outcome: 'duplicate' };
  const seen = { ...kase, seenEventIds: [...kase.seenEventIds, event.eventId] };
  const actor = `${by.role}:${by.subject}`;
  const waiting = kase.waiting;
  if (waiting && !waiting.delivered && waiting.expect.includes(event.type)) {
    return {
      case: {
        ...seen,
        waiting: { ...waiting, delivered: event },
        timeline: [
          ...kase.timeline,
          entry(now, 'event-applied', `${describe(event)} applied to "${waiting.step}".`, actor),
        ],
      },
      outcome: 'applied',
      deliver: { token: waiting.token, event },
    };
  }
  if (!expectedLater(kase, event)) {
    return {
      case: {
        ...seen,
        timeline: [
          ...kase.timeline,
          entry(
            now,
            'event-refused',
            `${describe(event)} does not apply to a case in status ${kase.status}.`,
            actor,
          ),
        ],
      },
      outcome: 'not-applicable',
    };
  }
  return {
    case: {
      ...seen,
      pendingEvents: [...kase.pendingEvents, event],
      timeline: [
        ...kase.timeline,
        entry(now, 'event-kept', `${describe(event)} kept until the case is ready for it.`, actor),
      ],
    },
    outcome: 'kept',
  };
}

/** An event delivery was refused by the workflow (its wait had ended): keep the event for the next wait. */
export function returnUndelivered(kase: Case, event: DepotEvent): Case {
  if (kase.waiting?.delivered?.eventId !== event.eventId) return kase;
  const { delivered: _, ...waiting } = kase.waiting;
  return { ...kase, waiting, pendingEvents: [...kase.pendingEvents, event] };
}

export function assertApplied(outcome: EventOutcome, event: DepotEvent, kase: Case): void {
  if (outcome === 'not-applicable') {
    throw new EventNotApplicableError(
      `A "${event.type}" event does not apply to case ${kase.caseId} in status ${kase.status}; it was recorded on the timeline.`,
    );
  }
}

function expectedLater(kase: Case, event: DepotEvent): boolean {
  return event.type === 'received' && kase.status === 'awaiting-arrival';
}

function describe(event: DepotEvent): string {
  return `Event "${event.type}" (${event.eventId})`;
}

function entry(now: Date, type: string, summary: string, by: string): TimelineEntry {
  return { at: now.toISOString(), type, summary, by };
}
