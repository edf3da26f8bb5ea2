import * as z from 'zod';
import { PostalAddress, StoredAddress } from './address.ts';
import { InvariantError } from './errors.ts';
import { knownTimeZone } from './intl.ts';

/** What a person may decide for a case handed to them (case.ts keeps the decision). */
export const PersonAction = z.enum(['resume', 'replace', 'refund', 'repair-elsewhere', 'close']);

/**
 * What callers send: the bodies of the API's requests, and the events that depots, technicians,
 * carriers and customers report. The HTTP edge validates each one, every field error at once, before
 * any rule sees it; the stored case (case.ts) keeps the events it has not applied yet in these shapes.
 */

const isoDate = z.iso.date();

/** What a removed part is; drives, memory cards and phones' boards hold the customer's data. */
export const PartCategory = z.enum(['battery', 'screen', 'board', 'drive', 'memory-card', 'other']);

/** The customer's answer, before any repair, on what happens to removed parts and to their data. */
export const CustodyChoice = z.object({
  /** Parts without data: sent back to the customer, or released to the brand. */
  parts: z.enum(['return', 'release']).default('return'),
  /** Parts that hold data: sent back, or destroyed with a certificate. */
  data: z.enum(['return', 'destroy']).default('return'),
});

const CaseOpeningFields = z.object({
  /** Who to serve and tell. What a returning customer gave before may be left out (P3). */
  customer: z
    .object({
      name: z.string().trim().min(1).max(200).optional(),
      email: z.email().max(254).optional(),
      phone: z.string().trim().min(5).max(32).optional(),
      preferredChannel: z.enum(['email', 'sms']).optional(),
      /** Where parcels and technicians go, in parts (address.ts); the workflow asks for it before either. */
      address: PostalAddress.optional(),
      /** The language of the customer's notices: `en` or `de`. */
      locale: z.enum(['en', 'de']).optional(),
      /** The time zone notices give times in (IANA, e.g. `Europe/Berlin`). */
      timeZone: z.string().max(64).refine(knownTimeZone, 'an IANA time zone, e.g. Europe/Berlin').optional(),
    })
    .default({}),
  device: z.object({
    serial: z.string().trim().min(1).max(64),
    /** Known from an earlier case of the same serial: then it may be left out. */
    model: z.string().trim().min(1).max(120).optional(),
    purchaseDate: isoDate.optional(),
    firmware: z.string().trim().max(64).optional(),
    /** What the customer paid, in minor units: a return refunds it rather than the brand's price. */
    purchasePriceMinor: z.number().int().min(0).max(10_000_000).optional(),
  }),
  problem: z.object({
    description: z.string().trim().min(10).max(5000),
    category: z.enum(['does-not-power-on', 'hardware-fault', 'software-fault', 'damage', 'other']),
    symptoms: z.array(z.string().trim().min(1).max(200)).max(20).default([]),
    /** It never worked: a device dead on arrival is replaced at once. */
    deadOnArrival: z.boolean().default(false),
  }),
  /** A repair, or the return of goods that were unfit, mis-sold or are unopened. */
  service: z.enum(['repair', 'return']).default('repair'),
  returnReason: z.enum(['mis-sold', 'unfit', 'unopened']).optional(),
  preferredService: z.enum(['mail-in', 'on-site']).default('mail-in'),
  plan: z.enum(['none', 'extended-warranty', 'accidental-damage']).default('none'),
  /** Send a box with the label. */
  boxNeeded: z.boolean().default(false),
  /** When a carrier will collect the device; the arrival deadline counts from then. */
  pickupAt: z.iso.datetime().optional(),
  /** What to do with removed parts and data; returned unless the customer says otherwise. */
  custodyChoice: CustodyChoice.optional(),
});

const returnSaysWhy = (opening: { service: string; returnReason?: string }) =>
  opening.service !== 'return' || opening.returnReason !== undefined;
const sayWhy = {
  path: ['returnReason'],
  message: 'Say why the goods are returned: mis-sold, unfit or unopened.',
};

/** A case opening as the rules take it: the device has a serial (one the system gave it, if need be). */
export const CaseOpening = CaseOpeningFields.refine(returnSaysWhy, sayWhy);

export type CaseOpening = z.infer<typeof CaseOpening>;

/**
 * A case opening as a caller sends it: a product the brand sells without a serial (policy.ts) may come
 * without one; the brand's rules say whether it may (intake.ts), and the case is given a serial of its own.
 */
export const CaseOpeningRequest = CaseOpeningFields.extend({
  device: CaseOpeningFields.shape.device.extend({
    /** Printed on the device; only a product the brand sells without one may leave it out. */
    serial: CaseOpeningFields.shape.device.shape.serial.optional(),
  }),
}).refine(returnSaysWhy, sayWhy);

export type CaseOpeningRequest = z.infer<typeof CaseOpeningRequest>;

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

export const Money = z.object({
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
      /** The depot's view; good-faith rules may cover what it does not. */
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

/** Events on customer-owned parts, from a depot or a technician on site. */
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
      /** The name of the person who destroyed it: the certificate names them and leaves a line to sign. */
      performedBy: z.string().trim().min(1).max(120).optional(),
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

/** What a technician reports about a visit; a customer may report only its sign-off or a no-show. */
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

/** What went wrong with a parcel, when the carrier reports an exception. */
export const ParcelProblem = z.enum(['lost', 'damaged', 'returned-to-sender', 'other']);

/** A carrier's tracking update (webhook), found by its tracking number. */
export const CarrierEvent = z.object({
  eventId: z.string().trim().min(1).max(128),
  trackingNumber: z.string().trim().min(6).max(64),
  status: CarrierStatus,
  occurredAt: z.iso.datetime(),
  location: z.string().max(200).optional(),
  /** With an `exception`: what happened to the parcel (unknown: `other`). */
  problem: ParcelProblem.optional(),
});

export type CarrierEvent = z.infer<typeof CarrierEvent>;

/** Where the customer's parcels and technicians go, given after opening (the workflow asks for it). */
export const AddressRequest = z.object({
  /** The caller's id for this address; a retried request is applied once. */
  addressId: z.string().trim().min(1).max(128),
  address: PostalAddress,
});
export type AddressRequest = z.infer<typeof AddressRequest>;

/** A customer (or agent) takes the case one level up the escalation ladder, at any time. */
export const EscalationRequest = z.object({
  /** The caller's id for this request; a retried request escalates once. */
  escalationId: z.string().trim().min(1).max(128),
  reason: z.string().trim().min(10).max(2000),
});

/** After resolution: were the customer's needs met? */
export const SurveyAnswer = z.object({
  /** The customer's id for this answer; a retried answer is applied once. */
  answerId: z.string().trim().min(1).max(128),
  met: z.boolean(),
  comment: z.string().trim().max(2000).optional(),
});

/** A person replaces the reason of a denial with another from the catalogue, and says why. */
export const SupersessionRequest = z.object({
  supersessionId: z.string().trim().min(1).max(128),
  code: z.string().trim().min(1).max(60),
  justification: z.string().trim().min(10).max(2000),
});

/** A person overturns a coverage denial: the repair is covered after all, and they say why. */
export const CoverageGrant = z.object({
  grantId: z.string().trim().min(1).max(128),
  justification: z.string().trim().min(10).max(2000),
});
export type CoverageGrant = z.infer<typeof CoverageGrant>;

/**
 * A person decides how a case handed to them goes on: resume where the workflow stopped, replace the
 * device (with another model the customer is offered, if named), refund it, have it repaired elsewhere,
 * or close the case with a published reason. `note` is what they tell the customer.
 */
const decided = {
  /** The person's id for this decision; a retried decision is applied once. */
  decisionId: z.string().trim().min(1).max(128),
  note: z.string().trim().min(1).max(2000).optional(),
};
export const PersonDecision = z.discriminatedUnion('action', [
  z.object({ ...decided, action: z.literal('resume') }),
  z.object({
    ...decided,
    action: z.literal('replace'),
    /** Another model than like-for-like or better: it is offered to the customer, who accepts or declines. */
    model: z.string().trim().min(1).max(120).optional(),
  }),
  z
    .object({
      ...decided,
      action: z.literal('refund'),
      /** The brand's list price of the model, or what the customer paid (then give `amountMinor`). */
      price: z.enum(['list', 'purchase']),
      amountMinor: z.number().int().min(1).max(10_000_000).optional(),
    })
    .refine((decision) => decision.price !== 'purchase' || decision.amountMinor !== undefined, {
      path: ['amountMinor'],
      message: 'Give the price the customer paid, in minor units, to refund the purchase price.',
    })
    .refine((decision) => decision.price !== 'list' || decision.amountMinor === undefined, {
      path: ['amountMinor'],
      message: 'The list price is the brand’s own: leave amountMinor out, or refund the purchase price.',
    }),
  z.object({
    ...decided,
    action: z.literal('repair-elsewhere'),
    /** Who repairs it instead, reporting through the depot's routes. */
    repairer: z.string().trim().min(2).max(200),
  }),
  z.object({
    ...decided,
    action: z.literal('close'),
    /** A closing reason from the brand's published catalogue (GET /reasons). */
    reasonCode: z.string().trim().min(1).max(60),
  }),
]);
export type PersonDecision = z.infer<typeof PersonDecision>;

/** The customer accepts or declines the other model a person offered instead of a replacement. */
export const OfferAnswer = z.object({
  answerId: z.string().trim().min(1).max(128),
  accepted: z.boolean(),
});
export type OfferAnswer = z.infer<typeof OfferAnswer>;

/** The owner of a follow-up closes it: what they did and agreed with the customer (P10). */
export const FollowUpOutcome = z.object({
  outcomeId: z.string().trim().min(1).max(128),
  outcome: z.string().trim().min(10).max(2000),
});
export type FollowUpOutcome = z.infer<typeof FollowUpOutcome>;

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
  z.object({
    ...eventBase,
    type: z.literal('parcel-exception'),
    trackingNumber: z.string(),
    problem: ParcelProblem,
    location: z.string().optional(),
  }),
  z.object({
    ...eventBase,
    type: z.literal('person-decided'),
    action: PersonAction,
    by: z.string(),
    model: z.string().optional(),
    price: z.enum(['list', 'purchase']).optional(),
    amountMinor: z.number().optional(),
    repairer: z.string().optional(),
    reasonCode: z.string().optional(),
  }),
  z.object({ ...eventBase, type: z.literal('offer-answered'), accepted: z.boolean() }),
  z.object({
    ...eventBase,
    type: z.literal('address-given'),
    // One line of text is what earlier versions kept: still read, never shipped to (address.ts).
    address: z.union([StoredAddress, z.string()]),
  }),
  z.object({ ...eventBase, type: z.literal('follow-up-closed'), outcome: z.string(), by: z.string() }),
]);

export type CaseEvent = z.infer<typeof CaseEvent>;

/** The schema of one kind of case event, for a workflow step that is resumed by exactly that kind. */
export function caseEventOf<const T extends CaseEvent['type']>(type: T) {
  const schema = CaseEvent.options.find((option) => option.shape.type.value === type);
  if (!schema) throw new InvariantError(`No case event of type ${type}.`);
  return schema as unknown as z.ZodType<Extract<CaseEvent, { type: T }>>;
}
