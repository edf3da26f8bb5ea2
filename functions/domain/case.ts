import { z } from 'zod';
import { isoAfter } from './dates.ts';
import { type BrandPolicy, queueOf } from './policy.ts';

/** Who did something on a case: a role on the brand and the subject of their token. */
export interface Actor {
  readonly role: string;
  readonly subject: string;
}

const isoDate = z.iso.date();

/** What a removed part is; drives, memory cards and phones' boards hold the customer's data (P5). */
export const PartCategory = z.enum(['battery', 'screen', 'board', 'drive', 'memory-card', 'other']);
export const DATA_BEARING: readonly z.infer<typeof PartCategory>[] = ['board', 'drive', 'memory-card'];

/** The customer's answer, before any repair, on what happens to removed parts and to their data (P5). */
export const CustodyChoice = z.object({
  /** Parts without data: sent back to the customer, or released to the brand. */
  parts: z.enum(['return', 'release']).default('return'),
  /** Parts that hold data: sent back, or destroyed with a certificate. */
  data: z.enum(['return', 'destroy']).default('return'),
});

export const CaseOpening = z
  .object({
    customer: z.object({
      name: z.string().trim().min(1).max(200),
      email: z.email(),
      phone: z.string().trim().min(5).max(32).optional(),
      preferredChannel: z.enum(['email', 'sms']).default('email'),
      address: z.string().trim().min(5).max(300).default('Address on file'),
    }),
    device: z.object({
      serial: z.string().trim().min(1).max(64),
      /** Known from an earlier case of the same serial: then it may be left out (P3). */
      model: z.string().trim().min(1).max(120).optional(),
      purchaseDate: isoDate.optional(),
      firmware: z.string().trim().max(64).optional(),
    }),
    problem: z.object({
      description: z.string().trim().min(10).max(5000),
      category: z.enum(['does-not-power-on', 'hardware-fault', 'software-fault', 'damage', 'other']),
      symptoms: z.array(z.string().trim().min(1).max(200)).max(20).default([]),
      /** It never worked: a device dead on arrival is replaced at once (P12). */
      deadOnArrival: z.boolean().default(false),
    }),
    /** A repair, or the return of goods that were unfit, mis-sold or are unopened (P13). */
    service: z.enum(['repair', 'return']).default('repair'),
    returnReason: z.enum(['mis-sold', 'unfit', 'unopened']).optional(),
    preferredService: z.enum(['mail-in', 'on-site']).default('mail-in'),
    plan: z.enum(['none', 'extended-warranty', 'accidental-damage']).default('none'),
    /** Send a box with the label. */
    boxNeeded: z.boolean().default(false),
    /** When a carrier will collect the device; the arrival deadline counts from then. */
    pickupAt: z.iso.datetime().optional(),
    /** What to do with removed parts and data; returned unless the customer says otherwise (P5). */
    custodyChoice: CustodyChoice.optional(),
  })
  .refine((opening) => opening.service !== 'return' || opening.returnReason !== undefined, {
    path: ['returnReason'],
    message: 'Say why the goods are returned: mis-sold, unfit or unopened.',
  });
export type CaseOpening = z.infer<typeof CaseOpening>;

const eventBase = {
  /** The sender's id for this event: the same id twice is applied once. */
  eventId: z.string().trim().min(1).max(128),
  occurredAt: z.iso.datetime(),
  note: z.string().max(2000).optional(),
};

export const FaultCause = z.enum([
  'unknown',
  'firmware-update',
  'manufacturing-defect',
  'wear',
  'accidental-damage',
  'liquid-damage',
]);

const Money = z.object({
  description: z.string().trim().min(1).max(200),
  amountMinor: z.number().int().min(0).max(10_000_000),
});

/** What a depot reports about a device in its hands. */
export const DepotEvent = z.discriminatedUnion('type', [
  z.object({ ...eventBase, type: z.literal('received') }),
  z
    .object({
      ...eventBase,
      type: z.literal('diagnosed'),
      faultCode: z.string().trim().min(1).max(40),
      cause: FaultCause,
      /** The depot's view; good-faith rules may cover what it does not (P2). */
      covered: z.boolean(),
      /** Required when not covered: what the repair would cost. Nothing is charged unless approved. */
      estimate: z.array(Money).min(1).max(20).optional(),
    })
    .refine((event) => event.covered || event.cause === 'firmware-update' || event.estimate !== undefined, {
      path: ['estimate'],
      message: 'A repair that is not covered needs an estimate for the customer to approve.',
    }),
  z.object({
    ...eventBase,
    type: z.literal('repair-attempted'),
    result: z.enum(['fixed', 'not-fixed']),
    faultCode: z.string().trim().min(1).max(40),
    partsUsed: z.array(z.string().trim().min(1).max(120)).max(50).default([]),
  }),
  z.object({ ...eventBase, type: z.literal('shipped') }),
  ...custodyEvents(),
]);
export type DepotEvent = z.infer<typeof DepotEvent>;

/** Events on customer-owned parts, from a depot or a technician on site (P5). */
function custodyEvents() {
  return [
    z.object({
      ...eventBase,
      type: z.literal('part-removed'),
      description: z.string().trim().min(1).max(200),
      category: PartCategory,
      serial: z.string().trim().min(1).max(64).optional(),
    }),
    z.object({
      ...eventBase,
      type: z.literal('part-destroyed'),
      /** The ledger's item id (the eventId of its removal). */
      itemId: z.string().trim().min(1).max(128),
      method: z.enum(['shredded', 'degaussed', 'crypto-erased-and-shredded']),
    }),
    z.object({
      ...eventBase,
      type: z.literal('part-returned'),
      itemId: z.string().trim().min(1).max(128),
      /** How it reached the customer: handed over on site, or in a parcel. */
      how: z.enum(['handed-over', 'shipped']),
    }),
  ] as const;
}
export type CustodyEvent = Extract<DepotEvent, { type: 'part-removed' | 'part-destroyed' | 'part-returned' }>;

/** A depot's or a technician's event that changes the custody ledger rather than the workflow. */
export function isCustodyEvent(event: { type: string }): event is CustodyEvent {
  return event.type === 'part-removed' || event.type === 'part-destroyed' || event.type === 'part-returned';
}

/** What a technician reports about a visit (P6); a customer may report only its sign-off or a no-show. */
export const VisitEvent = z.discriminatedUnion('type', [
  z.object({ ...eventBase, type: z.literal('checked-in') }),
  z.object({
    ...eventBase,
    type: z.literal('parts-used'),
    parts: z.array(z.string().trim().min(1).max(120)).min(1).max(50),
  }),
  z.object({
    ...eventBase,
    type: z.literal('outcome'),
    result: z.enum(['fixed', 'not-fixed', 'botched']),
    faultCode: z.string().trim().min(1).max(40),
    /** Not fixable on site: the device goes to the depot (mail-in) instead of another visit. */
    needsDepot: z.boolean().default(false),
  }),
  z.object({
    ...eventBase,
    type: z.literal('signed-off'),
    /** The customer accepts the visit, or disputes it (which escalates, and never uses the allowance). */
    accepted: z.boolean(),
    signedBy: z.string().trim().min(1).max(200),
  }),
  z.object({ ...eventBase, type: z.literal('no-show') }),
  ...custodyEvents(),
]);
export type VisitEvent = z.infer<typeof VisitEvent>;

/** The customer books one of the offered visit windows. */
export const VisitBooking = z.object({
  bookingId: z.string().trim().min(1).max(128),
  windowId: z.string().trim().min(1).max(40),
});

/** The customer answers (or changes) what happens to removed parts and data. */
export const CustodyChoiceRequest = CustodyChoice.extend({ choiceId: z.string().trim().min(1).max(128) });

/** The customer lets the brand keep one item of theirs. */
export const CustodyRelease = z.object({
  releaseId: z.string().trim().min(1).max(128),
  itemId: z.string().trim().min(1).max(128),
});

export const CarrierStatus = z.enum([
  'picked-up',
  'in-transit',
  'out-for-delivery',
  'delivered',
  'exception',
]);

/** A carrier's tracking update (webhook), found by its tracking number. */
export const CarrierEvent = z.object({
  eventId: z.string().trim().min(1).max(128),
  trackingNumber: z.string().trim().min(6).max(64),
  status: CarrierStatus,
  occurredAt: z.iso.datetime(),
  location: z.string().max(200).optional(),
});
export type CarrierEvent = z.infer<typeof CarrierEvent>;

/** A customer (or agent) takes the case one level up the escalation ladder, at any time (P7). */
export const EscalationRequest = z.object({
  /** The caller's id for this request; a retried request escalates once. */
  escalationId: z.string().trim().min(1).max(128),
  reason: z.string().trim().min(10).max(2000),
});

/** After resolution: were the customer's needs met (P10)? */
export const SurveyAnswer = z.object({
  /** The customer's id for this answer; a retried answer is applied once. */
  answerId: z.string().trim().min(1).max(128),
  met: z.boolean(),
  comment: z.string().trim().max(2000).optional(),
});

/** A person replaces the reason of a denial with another from the catalogue, and says why (P8). */
export const SupersessionRequest = z.object({
  supersessionId: z.string().trim().min(1).max(128),
  code: z.string().trim().min(1).max(60),
  justification: z.string().trim().min(10).max(2000),
});

export const DecisionKind = z.enum(['coverage', 'return', 'visit']);

/** A denial and its one reason from the brand's catalogue; a superseded one stays, marked so (P8). */
export const Decision = z.object({
  decision: DecisionKind,
  code: z.string(),
  text: z.string(),
  youCan: z.string(),
  at: z.string(),
  by: z.string(),
  status: z.enum(['live', 'superseded']),
  /** Why this reason replaced the one before it, for a superseding decision. */
  justification: z.string().optional(),
  supersedes: z.string().optional(),
});
export type Decision = z.infer<typeof Decision>;

export const EstimateAnswer = z.object({
  /** The customer's (or app's) id for this answer; a retried answer is applied once. */
  answerId: z.string().trim().min(1).max(128),
  approved: z.boolean(),
});

/** Every event a waiting step can be resumed by, as stored on the case: the depot's, the customer's answer, the carrier's deliveries. */
export const CaseEvent = z.discriminatedUnion('type', [
  ...DepotEvent.options,
  z.object({ ...eventBase, type: z.literal('estimate-answered'), approved: z.boolean() }),
  z.object({ ...eventBase, type: z.literal('visit-booked'), windowId: z.string() }),
  z.object({
    ...eventBase,
    type: z.literal('visit-signed-off'),
    visitId: z.string(),
    accepted: z.boolean(),
  }),
  z.object({ ...eventBase, type: z.literal('visit-no-show'), visitId: z.string() }),
  z.object({ ...eventBase, type: z.literal('custody-changed') }),
  z.object({
    ...eventBase,
    type: z.literal('survey-answered'),
    met: z.boolean(),
    comment: z.string().optional(),
  }),
  z.object({ ...eventBase, type: z.literal('delivered-to-depot'), trackingNumber: z.string() }),
  z.object({ ...eventBase, type: z.literal('delivered-to-customer'), trackingNumber: z.string() }),
]);
export type CaseEvent = z.infer<typeof CaseEvent>;

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

export const Notification = z.object({
  at: z.string(),
  channel: z.enum(['email', 'sms']),
  to: z.string(),
  text: z.string(),
});

const Amount = z.object({ amountMinor: z.number(), currency: z.string() });

/** The case as it is stored and shown: one item, its timeline inside it, so both change in one write. */
export const Case = z.object({
  brand: z.string(),
  caseId: z.string(),
  version: z.number(),
  /** The customer's sign-in subject when they opened the case themselves: only they see it as a customer (P14). */
  customerSubject: z.string().optional(),
  openedAt: z.string(),
  status: CaseStatus,
  route: z.enum(['repair', 'on-site', 'return', 'instant-replacement', 'denied']).optional(),
  outcome: z.enum(['repaired', 'replaced', 'returned-unrepaired', 'refunded', 'denied']).optional(),
  customer: z.object({
    name: z.string(),
    email: z.string(),
    phone: z.string().optional(),
    preferredChannel: z.enum(['email', 'sms']),
    address: z.string(),
  }),
  device: z.object({
    serial: z.string(),
    model: z.string(),
    purchaseDate: z.string(),
    firmware: z.string().optional(),
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
      status: z.enum(['awaiting-answer', 'approved', 'declined']),
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
  charges: z.array(Amount.extend({ description: z.string() })),
  refund: Amount.extend({ at: z.string() }).optional(),
  notifications: z.array(Notification),
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
    })
    .optional(),
  timeline: z.array(TimelineEntry),
  /** The workflow step waiting for an event, and the token that resumes it. Never shown to anyone. */
  waiting: z
    .object({
      step: z.string(),
      expect: z.array(z.string()),
      token: z.string(),
      since: z.string(),
      delivered: CaseEvent.optional(),
    })
    .optional(),
  /** Events that arrived before the workflow waited for them; consumed when the wait begins. */
  pendingEvents: z.array(CaseEvent),
  /** The once-per-case questions already answered (arrival, diagnosis...): a second answer is refused. */
  answered: z.array(z.string()).default([]),
  seenEventIds: z.array(z.string()),
});
export type Case = z.infer<typeof Case>;

export function escalationPath(policy: BrandPolicy) {
  return policy.escalationLadder.map((level, index) => ({
    level: index,
    role: level.role,
    contact: level.contact,
  }));
}

/** The device as far as it is known: from the opening, completed from its earlier cases (P3). */
export interface KnownDevice {
  readonly model?: string;
  readonly purchaseDate?: string;
  readonly firmware?: string;
}

/** A new case: its next step and that step's deadline are known from the first moment (P7). */
export function openCase(
  opening: CaseOpening,
  ids: { brand: string; caseId: string },
  device: { serial: string; model: string; purchaseDate: string; firmware?: string },
  linkedCases: string[],
  policy: BrandPolicy,
  now: Date,
  by: Actor,
): Case {
  const nextStep = { name: 'We prepare your prepaid shipping label', deadline: isoAfter(now, 60) };
  return {
    ...ids,
    version: 1,
    ...(by.role === 'customer' ? { customerSubject: by.subject } : {}),
    openedAt: now.toISOString(),
    status: 'opened',
    customer: opening.customer,
    device,
    problem: opening.problem,
    service: opening.service,
    ...(opening.returnReason ? { returnReason: opening.returnReason } : {}),
    preferredService: opening.preferredService,
    plan: opening.plan,
    boxNeeded: opening.boxNeeded,
    ...(opening.pickupAt ? { pickupAt: opening.pickupAt } : {}),
    ...(opening.custodyChoice
      ? { custodyChoice: { ...opening.custodyChoice, at: now.toISOString(), by: `${by.role}:${by.subject}` } }
      : {}),
    linkedCases,
    shipments: [],
    repairAttempts: [],
    charges: [],
    notifications: [],
    nextStep,
    escalationLevel: 0,
    escalationPath: escalationPath(policy),
    timeline: [
      entry(
        now,
        'case-opened',
        `Case opened${linkedCases.length > 0 ? `, linked to earlier cases ${linkedCases.join(', ')}` : ''}.`,
        `${by.role}:${by.subject}`,
      ),
    ],
    decisions: [],
    visits: [],
    custody: [],
    pendingEvents: [],
    answered: [],
    seenEventIds: [],
  };
}

/**
 * A customer sees only the cases they opened, a technician only the cases they visit; the brand's
 * other roles see its cases (P14).
 */
export function visibleTo(
  kase: { readonly customerSubject?: string; readonly visits?: readonly { technician: { id: string } }[] },
  actor: Actor,
): boolean {
  if (actor.role === 'customer') return kase.customerSubject === actor.subject;
  if (actor.role === 'technician')
    return (kase.visits ?? []).some((visit) => visit.technician.id === actor.subject);
  return true;
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
export function beginWait(kase: Case, wait: WaitRequest, now: Date): { case: Case; deliver?: CaseEvent } {
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
      answered: answer(kase, early),
      timeline: [
        ...kase.timeline,
        entry(now, 'event-applied', `${describe(early)} applied to "${wait.step}".`, 'system:workflow'),
      ],
    },
    deliver: early,
  };
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

/** The statuses in which each event is expected now or later; anywhere else it makes no sense. */
const EXPECTED_IN: Record<CaseEvent['type'], readonly CaseStatus[]> = {
  received: ['opened', 'awaiting-arrival'],
  'delivered-to-depot': ['opened', 'awaiting-arrival'],
  diagnosed: ['opened', 'awaiting-arrival', 'at-depot'],
  'estimate-answered': ['awaiting-estimate-answer'],
  'repair-attempted': ['at-depot', 'in-repair'],
  shipped: ['in-repair', 'replacement-ordered', 'shipping-to-customer'],
  'delivered-to-customer': ['replacement-ordered', 'shipping-to-customer'],
  'survey-answered': ['closed'],
  'part-removed': [],
  'part-destroyed': [],
  'part-returned': [],
  'visit-booked': ['awaiting-visit-booking'],
  'visit-signed-off': ['visit-booked'],
  'visit-no-show': ['visit-booked'],
  'custody-changed': ['settling-custody'],
};

/**
 * An event arrives. It is recorded exactly once, whatever its timing: applied to the step waiting for
 * it, kept for a step that has not begun yet, or recorded and refused when it no longer makes sense.
 */
export function recordEvent(
  kase: Case,
  event: CaseEvent,
  now: Date,
  by: Actor,
): { case: Case; outcome: EventOutcome; deliver?: { token: string; event: CaseEvent } } {
  if (kase.seenEventIds.includes(event.eventId)) return { case: kase, outcome: 'duplicate' };
  const seen = { ...kase, seenEventIds: [...kase.seenEventIds, event.eventId] };
  const actor = `${by.role}:${by.subject}`;
  const waiting = kase.waiting;
  const question = QUESTION[event.type];
  const alreadyAnswered = question !== undefined && kase.answered.includes(question);
  if (!alreadyAnswered && waiting && !waiting.delivered && waiting.expect.includes(event.type)) {
    return {
      case: {
        ...seen,
        answered: answer(kase, event),
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
  if (alreadyAnswered || !EXPECTED_IN[event.type].includes(kase.status)) {
    return {
      case: {
        ...seen,
        timeline: [
          ...kase.timeline,
          entry(
            now,
            'event-refused',
            `${describe(event)} does not apply to a case that is ${kase.status}.`,
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

/** A carrier update for one of the case's shipments: recorded on the shipment and the timeline. */
export function trackShipment(
  kase: Case,
  event: CarrierEvent,
  now: Date,
): { case: Case; caseEvent?: CaseEvent } {
  const shipment = kase.shipments.find((candidate) => candidate.trackingNumber === event.trackingNumber);
  if (!shipment) return { case: kase };
  const tracked: Case = {
    ...kase,
    shipments: kase.shipments.map((candidate) =>
      candidate === shipment
        ? { ...candidate, status: event.status, updatedAt: event.occurredAt }
        : candidate,
    ),
    timeline: [
      ...kase.timeline,
      entry(
        now,
        'shipment-tracked',
        `Shipment ${event.trackingNumber} (${shipment.direction}): ${event.status}${event.location ? ` at ${event.location}` : ''}.`,
        `carrier:${shipment.carrier}`,
      ),
    ],
  };
  if (event.status !== 'delivered') return { case: tracked };
  const base = { eventId: event.eventId, occurredAt: event.occurredAt, trackingNumber: event.trackingNumber };
  return {
    case: tracked,
    caseEvent:
      shipment.direction === 'to-depot'
        ? { ...base, type: 'delivered-to-depot' }
        : { ...base, type: 'delivered-to-customer' },
  };
}

/**
 * A message to the customer on their preferred channel, kept in the case's outbox and timeline. Every
 * one ends with the next step and its deadline, who owns the case, and how to escalate it (P7).
 */
export function notify(kase: Case, message: string, now: Date): Case {
  const to =
    kase.customer.preferredChannel === 'sms' && kase.customer.phone
      ? kase.customer.phone
      : kase.customer.email;
  const channel = to === kase.customer.phone ? 'sms' : 'email';
  const text = `${message} ${whatNext(kase)}`;
  return {
    ...kase,
    notifications: [...kase.notifications, { at: now.toISOString(), channel, to, text }],
    timeline: [
      ...kase.timeline,
      entry(now, 'customer-notified', `Sent by ${channel}: ${text}`, 'system:workflow'),
    ],
  };
}

/** The escalation level that owns the case now, as the customer is told it. */
export function ownerOf(kase: Case): string {
  const level = kase.escalationPath[Math.min(kase.escalationLevel, kase.escalationPath.length - 1)];
  return level ? `${level.role} (${level.contact})` : 'the service team';
}

function whatNext(kase: Case): string {
  // "Nothing..." steps end a case: there is no next step to announce.
  const next = kase.nextStep.name.startsWith('Nothing')
    ? ''
    : `Next: ${kase.nextStep.name}, by ${kase.nextStep.deadline}. `;
  return `${next}Owned by ${ownerOf(kase)}; to escalate: /cases/${kase.caseId}/escalations.`;
}

export function describe(event: CaseEvent): string {
  return `Event "${event.type}" (${event.eventId})`;
}

export function entry(now: Date, type: string, summary: string, by: string): TimelineEntry {
  return { at: now.toISOString(), type, summary, by };
}

/** The work a case asks of someone now: an open follow-up, else an escalation of an open case (P7, P10). */
export function ownerWork(
  kase: Case,
): { owner: string; kind: 'follow-up' | 'escalation'; due: string; summary: string } | undefined {
  if (kase.followUp?.status === 'open') {
    const { owner, due, reason } = kase.followUp;
    return { owner: queueOf(owner.name), kind: 'follow-up', due, summary: `Needs not met: ${reason}` };
  }
  if (kase.status !== 'closed' && kase.escalation) {
    const { role, respondBy, reason } = kase.escalation;
    return { owner: queueOf(role), kind: 'escalation', due: respondBy, summary: reason };
  }
  return undefined;
}
