import * as z from 'zod';
import { StoredAddress } from './address.ts';
import {
  CarrierStatus,
  CaseEvent,
  CustodyChoice,
  FaultCause,
  Money,
  PartCategory,
  PersonAction,
} from './schemas.ts';

/**
 * The case as it is stored and shown: one record across every party on it (P11), from opening to the
 * survey after closing. Rules that change it live in the module named for their promise; this file
 * holds only its shape.
 */

/** Who did something on a case: a role on the brand and the subject of their token. */
export interface Actor {
  readonly role: string;
  readonly subject: string;
}

/** How an actor is named on the timeline and in records: `role:subject`. */
export const actorId = (actor: Actor) => `${actor.role}:${actor.subject}`;

export const DecisionKind = z.enum(['coverage', 'return', 'visit', 'closure']);

/** A denial and its one reason from the brand's catalogue; a superseded one stays, marked so (P8). */
export const Decision = z.object({
  decision: DecisionKind,
  code: z.string(),
  text: z.string(),
  youCan: z.string(),
  at: z.string(),
  by: z.string(),
  status: z.enum(['live', 'superseded', 'overturned']),
  /** Why this reason replaced the one before it, for a superseding decision. */
  justification: z.string().optional(),
  supersedes: z.string().optional(),
  /** A person overturned the denial (it is granted after all): who, when and why. */
  overturned: z.object({ by: z.string(), at: z.string(), justification: z.string() }).optional(),
});

export type Decision = z.infer<typeof Decision>;

/** What a report says, as known-issue detection counts it: a symptom category at opening, or a fault code the depot found. */
export const SignalKind = z.enum(['symptom', 'fault']);

/** The case's link to a known issue, and whether it waives the case's charges now. */
const CaseKnownIssue = z.object({
  issueId: z.string(),
  words: z.string(),
  kind: SignalKind,
  what: z.string(),
  status: z.enum(['waived', 'charged']),
  /** Why charges apply again: the dismissal's reason. */
  reason: z.string().optional(),
});

export const VisitWindow = z.object({ windowId: z.string(), start: z.string(), end: z.string() });

export const Technician = z.object({ id: z.string(), name: z.string(), phone: z.string() });

export const Visit = z.object({
  visitId: z.string(),
  window: VisitWindow,
  technician: Technician,
  status: z.enum(['booked', 'checked-in', 'reported', 'completed', 'disputed', 'no-show']),
  bookedAt: z.string(),
  /** A visit to redo earlier work (after a botched or disputed one): never uses the allowance. */
  redoOf: z.string().optional(),
  outcome: z
    .object({
      result: z.enum(['fixed', 'not-fixed', 'botched']),
      faultCode: z.string(),
      needsDepot: z.boolean(),
    })
    .optional(),
  partsUsed: z.array(z.string()),
  signOff: z.object({ accepted: z.boolean(), signedBy: z.string(), at: z.string() }).optional(),
  /** When the customer was reminded of the visit (the day before it). */
  remindedAt: z.string().optional(),
});

export type Visit = z.infer<typeof Visit>;

export const CustodyItem = z.object({
  itemId: z.string(),
  description: z.string(),
  category: PartCategory,
  serial: z.string().optional(),
  dataBearing: z.boolean(),
  /** The customer's unless it is an exchange part they were told about before the repair. */
  owner: z.enum(['customer', 'brand']),
  holder: z.string(),
  since: z.string(),
  status: z.enum(['held', 'in-transit', 'returned', 'destroyed', 'released']),
  chain: z.array(
    z.object({ at: z.string(), from: z.string(), to: z.string(), by: z.string(), what: z.string() }),
  ),
  certificateDocumentId: z.string().optional(),
});

export type CustodyItem = z.infer<typeof CustodyItem>;

export const TimelineEntry = z.object({
  at: z.string(),
  type: z.string(),
  summary: z.string(),
  by: z.string(),
});

export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const NextStep = z.object({ name: z.string(), deadline: z.string() });

export const EscalationLevel = z.object({ level: z.number(), role: z.string(), contact: z.string() });

export const CaseStatus = z.enum([
  'opened',
  'awaiting-arrival',
  'at-depot',
  'awaiting-estimate-answer',
  'in-repair',
  'awaiting-visit-booking',
  'visit-booked',
  'replacement-ordered',
  'shipping-to-customer',
  'settling-custody',
  'closed',
  /** A closed case a customer complained about: a person has it again (P7). */
  'reopened',
]);

export type CaseStatus = z.infer<typeof CaseStatus>;

export const Shipment = z.object({
  shipmentId: z.string(),
  direction: z.enum(['to-depot', 'to-customer']),
  purpose: z.enum(['device', 'replacement']),
  carrier: z.string(),
  trackingNumber: z.string(),
  labelDocumentId: z.string(),
  box: z.boolean(),
  status: z.enum(['label-issued', ...CarrierStatus.options]),
  updatedAt: z.string(),
  /** Customer-owned items riding in this parcel (P5). */
  packingList: z.array(z.object({ itemId: z.string(), description: z.string() })).default([]),
});

export type Shipment = z.infer<typeof Shipment>;

export const NoticeChannel = z.enum(['email', 'sms']);
export type NoticeChannel = z.infer<typeof NoticeChannel>;

/**
 * What a notice says, by a key of the notice catalogue and its values, where the catalogue words it in
 * every language (functions/domain/notice-words.ts); otherwise its English sentence is all there is.
 */
export const Said = z.object({ key: z.string(), values: z.record(z.string(), z.string()) });
export type Said = z.infer<typeof Said>;

export const Notification = z.object({
  /** Names the notice for its delivery (functions/domain/notices.ts); notices from before it have none. */
  id: z.string().optional(),
  at: z.string(),
  channel: NoticeChannel,
  to: z.string(),
  text: z.string(),
  /** The notice's parts, so the notifier can word it for the customer (functions/domain/notice-words.ts). */
  parts: z
    .object({
      message: z.string(),
      next: NextStep.optional(),
      owner: z.string(),
      said: Said.optional(),
    })
    .optional(),
});
export type Notification = z.infer<typeof Notification>;

/** Where a notice's delivery stands: queued when the case saved it, then sent, or failed to reach anyone. */
export const NoticeDelivery = z.object({
  state: z.enum(['queued', 'sent', 'failed']),
  channel: NoticeChannel,
  to: z.string(),
  updatedAt: z.string(),
  attempts: z.number().default(0),
  /** The provider's id of the message that left (SES MessageId, SNS MessageId). */
  messageId: z.string().optional(),
  /** Why the last attempt failed, as the provider said it. */
  error: z.string().optional(),
  /** Set when it went out on another channel than the customer's preferred one. */
  fallbackFrom: NoticeChannel.optional(),
});
export type NoticeDelivery = z.infer<typeof NoticeDelivery>;

const Amount = z.object({ amountMinor: z.number(), currency: z.string() });

/**
 * A case the workflow could not take further by itself, in a person's hands (P7): a step that failed
 * after its retries, a replacement that cannot be supplied, a parcel the carrier lost, a complaint
 * about a closed case. The workflow waits for their decision, and escalates when it is late.
 */
export const Handover = z.object({
  /** Names the handover: the step that hands a case over, run again, hands it over once. */
  id: z.string(),
  kind: z.enum([
    'step-failed',
    'no-replacement',
    'parcel-problem',
    'complaint',
    'offer-declined',
    /** The customer did not do what only they can (give an address) by their deadline and its grace. */
    'customer-silent',
  ]),
  owner: z.object({ name: z.string(), contact: z.string() }),
  /** The owner's work queue. */
  queue: z.string(),
  /** The case's escalation level when it was handed over: an escalation above it takes the work up the ladder. */
  level: z.number(),
  since: z.string(),
  due: z.string(),
  /** What went wrong, in plain words, for the person who decides. */
  problem: z.string(),
  /** Where the workflow goes on if the person says "resume": its state, and the step the customer waited on. */
  resumeAt: z.object({ state: z.string(), nextStep: NextStep }),
  status: z.enum(['open', 'decided']),
  decision: z
    .object({
      id: z.string(),
      action: PersonAction,
      /** Where the workflow goes next, as the decision's step answered it. */
      next: z.string(),
      summary: z.string(),
      by: z.string(),
      at: z.string(),
    })
    .optional(),
});
export type Handover = z.infer<typeof Handover>;

/**
 * How far the case's journals (timeline, notifications, inbox) are stored beside it: each holds this
 * many entries; the last change's own entries ride in `tail` until they are written out on their own.
 */
export const Stored = z.object({
  timeline: z.number(),
  notifications: z.number(),
  /** How many of `seenEventIds` were loaded from the store: the rest are new. */
  seenLoaded: z.number(),
  recentSeen: z.array(z.string()),
  recentFingerprints: z.record(z.string(), z.string()).default({}),
  tail: z.object({
    timeline: z.array(TimelineEntry),
    notifications: z.array(Notification),
    seen: z.array(z.string()),
    fingerprints: z.record(z.string(), z.string()).default({}),
  }),
});
export type Stored = z.infer<typeof Stored>;

/** A workflow step waiting for an event: what it expects, and the token that resumes it. */
const Waiting = z.object({
  step: z.string(),
  expect: z.array(z.string()),
  token: z.string(),
  since: z.string(),
  /** When the workflow entered the waiting state, as Step Functions says. */
  enteredAt: z.string().optional(),
  /** The workflow execution that waits (its name): each execution of a case waits at one step at a time. */
  execution: z.string().optional(),
  delivered: CaseEvent.optional(),
});
export type Waiting = z.infer<typeof Waiting>;

/** The case as it is stored and shown: its current state in one item, its journals beside it (see Stored). */
export const Case = z.object({
  brand: z.string(),
  caseId: z.string(),
  version: z.number(),
  /** The customer's sign-in subject when they opened the case themselves: only they see it as a customer (P14). */
  customerSubject: z.string().optional(),
  openedAt: z.string(),
  /**
   * The version of the brand's policy the case was opened under: what it promised (coverage, N, deadlines,
   * the range) governs the case to its end; people, contacts and reasons are read current (policy.ts).
   * Absent on a case opened before policies were versioned: the current version governs it.
   */
  policyVersion: z.number().int().optional(),
  /** The opening request's fingerprint, when it came with an Idempotency-Key: a retry must match it. */
  openingFingerprint: z.string().optional(),
  status: CaseStatus,
  route: z.enum(['repair', 'on-site', 'return', 'instant-replacement', 'denied']).optional(),
  outcome: z.enum(['repaired', 'replaced', 'returned-unrepaired', 'refunded', 'denied']).optional(),
  customer: z.object({
    name: z.string(),
    email: z.string(),
    phone: z.string().optional(),
    preferredChannel: z.enum(['email', 'sms']),
    /** Where parcels and technicians go; unknown until the customer gives it (the workflow asks before either). */
    /**
     * In parts (address.ts). Cases and customers kept before issue 15 may hold one line of free text:
     * it is read and shown, but no label is bought to it; the workflow asks for the address again.
     */
    address: z.union([StoredAddress, z.string()]).optional(),
    /** The language notices are worded in (BCP 47, e.g. `de`); unknown ones read English. */
    locale: z.enum(['en', 'de']).optional(),
    /** The IANA time zone notices give times in, e.g. `Europe/Berlin`. */
    timeZone: z.string().optional(),
  }),
  device: z.object({
    serial: z.string(),
    model: z.string(),
    purchaseDate: z.string(),
    firmware: z.string().optional(),
    /** What the customer paid, when they said at opening (minor units, the brand's currency). */
    purchasePriceMinor: z.number().optional(),
  }),
  problem: z.object({
    description: z.string(),
    category: z.string(),
    symptoms: z.array(z.string()),
    deadOnArrival: z.boolean(),
  }),
  service: z.enum(['repair', 'return']),
  returnReason: z.enum(['mis-sold', 'unfit', 'unopened']).optional(),
  preferredService: z.enum(['mail-in', 'on-site']),
  plan: z.enum(['none', 'extended-warranty', 'accidental-damage']),
  boxNeeded: z.boolean(),
  pickupAt: z.string().optional(),
  /** Earlier cases of the same device, linked at opening (P3). */
  linkedCases: z.array(z.string()),
  entitlement: z
    .object({ coverage: z.string(), covered: z.boolean(), coveredUntil: z.string(), reason: z.string() })
    .optional(),
  shipments: z.array(Shipment),
  diagnosis: z
    .object({
      faultCode: z.string(),
      cause: FaultCause,
      covered: z.boolean(),
      diagnosisFree: z.boolean(),
      reason: z.string(),
      at: z.string(),
    })
    .optional(),
  estimate: z
    .object({
      items: z.array(Money),
      totalMinor: z.number(),
      currency: z.string(),
      /**
       * `lapsed`: not answered by its deadline and the grace after a reminder; the device went back.
       * `withdrawn`: a person granted coverage after all, so nothing is asked or charged.
       */
      status: z.enum(['awaiting-answer', 'approved', 'declined', 'lapsed', 'withdrawn']),
      answeredAt: z.string().optional(),
    })
    .optional(),
  repairAttempts: z.array(
    z.object({
      attemptId: z.string(),
      at: z.string(),
      result: z.enum(['fixed', 'not-fixed']),
      faultCode: z.string(),
      partsUsed: z.array(z.string()),
    }),
  ),
  replacement: z
    .object({
      model: z.string(),
      serial: z.string(),
      warrantyUntil: z.string(),
      orderedAt: z.string(),
      reason: z.string(),
    })
    .optional(),
  /** Another model a person offered when no like-for-like or better one could be supplied (P4). */
  replacementOffer: z
    .object({
      model: z.string(),
      status: z.enum(['offered', 'accepted', 'declined', 'lapsed']),
      offeredAt: z.string(),
      answeredAt: z.string().optional(),
    })
    .optional(),
  /**
   * The customer missed a deadline of theirs and was reminded (waits.ts): the step, when, and the end
   * of the grace period, after which the case closes with `then` (or a person takes it over). Cleared
   * when the step is answered or another wait begins.
   */
  reminder: z
    .object({
      /** Names the reminder: the deadline it came from (a step run again reminds once). */
      id: z.string(),
      step: z.string(),
      at: z.string(),
      due: z.string(),
      /** What happens at `due`, as the customer was told. */
      whatThen: z.string(),
      /** The grace period ended: by which deadline, and where the workflow went (a step run again goes there). */
      settled: z.object({ id: z.string(), next: z.enum(['close', 'ship-back', 'person']) }).optional(),
    })
    .optional(),
  /** The last time the case was handed to a person to decide how it continues (P7). */
  handover: Handover.optional(),
  charges: z.array(Amount.extend({ description: z.string() })),
  refund: Amount.extend({ at: z.string() }).optional(),
  /** Messages to the customer that this change sends (the store keeps every earlier one apart). */
  notifications: z.array(Notification).default([]),
  /** Each notice's delivery, by notice id: what a person checks when a customer says they heard nothing. */
  deliveries: z.record(z.string(), NoticeDelivery).default({}),
  nextStep: NextStep,
  escalationLevel: z.number(),
  escalationPath: z.array(EscalationLevel),
  /** The last escalation a person asked for: who owns the case since, and by when they respond. */
  escalation: z
    .object({
      level: z.number(),
      role: z.string(),
      contact: z.string(),
      respondBy: z.string(),
      reason: z.string(),
    })
    .optional(),
  /** Home visits of this case, in order (P6). */
  visits: z.array(Visit).default([]),
  /** Windows offered for the next visit, until one is booked. */
  visitOffer: z
    .object({ windows: z.array(VisitWindow), offeredAt: z.string(), redoOf: z.string().optional() })
    .optional(),
  /** The customer's answer on removed parts and data, and when they gave it (P5). */
  custodyChoice: CustodyChoice.extend({ at: z.string(), by: z.string() }).optional(),
  /** When the customer was told which parts are exchange parts (the brand's when replaced). */
  exchangeNoticeAt: z.string().optional(),
  /** Every part removed from the customer's device and who holds it (P5). */
  custody: z.array(CustodyItem).default([]),
  /** Denials and their reasons; at most one live per kind (P8). */
  decisions: z.array(Decision).default([]),
  /** Whether the customer's needs were met, asked after resolution (P10). */
  survey: z
    .object({
      answered: z.boolean(),
      met: z.boolean().optional(),
      comment: z.string().optional(),
      at: z.string(),
    })
    .optional(),
  /** A person follows up when needs were not met (P10). */
  followUp: z
    .object({
      owner: z.object({ name: z.string(), role: z.string(), contact: z.string() }),
      due: z.string(),
      reason: z.string(),
      status: z.enum(['open', 'done']),
      /** The case's escalation level when it opened: an escalation above it takes it up the ladder. */
      level: z.number().optional(),
      /** What the owner did and agreed with the customer, when they closed it. */
      outcome: z.string().optional(),
      closedAt: z.string().optional(),
      closedBy: z.string().optional(),
    })
    .optional(),
  /**
   * Entries this change appends to the case's append-only timeline. The store keeps the whole timeline
   * as items of their own beside the case (the case repository writes and reads them); readers page it.
   */
  timeline: z.array(TimelineEntry).default([]),
  /** The workflow step that began waiting last, and the token that resumes it. Never shown to anyone. */
  waiting: Waiting.optional(),
  /**
   * The waits of the case's other executions, one each: a complaint about a closed case runs in an
   * execution of its own while the first one still waits for the survey's answer (event-inbox.ts).
   */
  otherWaits: z.array(Waiting).optional(),
  /** Events that arrived before the workflow waited for them; consumed when the wait begins. */
  pendingEvents: z.array(CaseEvent),
  /** The once-per-case questions already answered (arrival, diagnosis...): a second answer is refused. */
  answered: z.array(z.string()).default([]),
  /** Ids already taken (an inbox key per event, request ids): the recent ones, and any the change asked about. */
  seenEventIds: z.array(z.string()).default([]),
  /** What each of those events said (a fingerprint of its body), where known: an id reused for another event is refused. */
  seenFingerprints: z.record(z.string(), z.string()).default({}),
  /** The known issue the case matches (functions/domain/known-issues.ts): no charge for its fault while it stands. */
  knownIssue: CaseKnownIssue.optional(),
  /**
   * The service campaign that fixes the device free (functions/domain/campaigns.ts): the case it opened
   * for the device (`opened`), or the device's open case it reached.
   */
  campaign: z.object({ campaignId: z.string(), words: z.string(), opened: z.boolean() }).optional(),
  /** Where the store keeps the case's journals; set by the repository, carried unchanged by every rule. */
  stored: Stored.optional(),
});

export type Case = z.infer<typeof Case>;
