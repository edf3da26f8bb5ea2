/**
 * A brand's policy: coverage periods, deadlines, its escalation ladder, its range and prices, its
 * people and its published reasons. Rules read it; they never hold a brand's numbers themselves.
 */

/** A model the brand sells, with its place in the range: replacements are like-for-like or better. */
export interface CatalogueModel {
  readonly model: string;
  readonly family: string;
  /** Higher is better within a family. */
  readonly tier: number;
  readonly inStock: boolean;
  /** Price in minor units: the refund of a return, the basis of an estimate. */
  readonly priceMinor: number;
  /** Sold without a serial (an accessory): a case for one may leave the serial out. */
  readonly unserialized?: true;
}

/** What a brand (tenant) promises its customers; each brand has its own. */
export interface BrandPolicy {
  readonly brand: string;
  readonly displayName: string;
  readonly currency: string;
  /** Coverage periods, in months from purchase. */
  readonly standardWarrantyMonths: number;
  readonly extendedWarrantyMonths: number;
  /** A device that fails within this many days of purchase is dead on arrival: replaced at once. */
  readonly deadOnArrivalDays: number;
  /** Unfit, mis-sold or unopened goods may be returned within this many days. */
  readonly returnWindowDays: number;
  /** Failed repairs of one device (same fault, across all its cases) before it is replaced. */
  readonly replaceAfterFailedRepairs: number;
  /**
   * A repair reported fixed whose fault is reported again on the device within this many days did not
   * hold: it counts as a failed repair (P4).
   */
  readonly repairHoldsDays: number;
  /** Warranty a replacement gets at least, in months, when less remains on the original. */
  readonly replacementMinimumWarrantyMonths: number;
  /** Deadlines of the waiting steps, in seconds. */
  readonly sla: {
    readonly arrivalSeconds: number;
    readonly diagnosisSeconds: number;
    readonly estimateAnswerSeconds: number;
    readonly repairSeconds: number;
    readonly deliverySeconds: number;
    /** For the customer to book one of the offered visit windows. */
    readonly bookingSeconds: number;
    /** For a technician to report a visit, counted from the end of its window. */
    readonly visitReportSeconds: number;
    /** For every customer-owned part to be returned, destroyed on their choice, or released. */
    readonly custodySeconds: number;
    /** For the named person to follow up a customer whose needs were not met (P10). */
    readonly followUpSeconds: number;
    /** For the customer to give the address a parcel or a technician needs, when none is on file. */
    readonly addressSeconds: number;
    /**
     * How long a customer who missed a deadline of theirs has after being reminded, before the case
     * closes with a published reason (or, for a missing address, a person takes it over).
     */
    readonly customerGraceSeconds: number;
  };
  /** Who owns the case at each escalation level, lowest first. */
  readonly escalationLadder: readonly { role: string; contact: string; respondWithinSeconds: number }[];
  /**
   * Who decides when the workflow cannot go on by itself (a step failed after its retries, no
   * replacement can be supplied, a parcel is lost): they see it in their queue and have this long.
   * A brand without one hands such a case to the next rung of its ladder instead.
   */
  readonly caseDesk?: {
    readonly name: string;
    readonly contact: string;
    readonly respondWithinSeconds: number;
  };
  readonly catalogue: readonly CatalogueModel[];
  /** Families of the range serviced at the customer's home (a TV is visited, a laptop is mailed). */
  readonly onSiteFamilies: readonly string[];
  /** Completed visits the customer accepted, per case, that the brand's service includes. */
  readonly visitAllowance: number;
  readonly technicians: readonly { id: string; name: string; phone: string }[];
  /** Part categories that become the brand's when replaced, if the customer was told before the repair. */
  readonly exchangeCategories: readonly string[];
  /** The depot devices are shipped to. */
  readonly depotAddress: string;
  /** The only reasons a request may be denied for, as published to customers. */
  readonly reasonCatalogue: readonly ReasonCode[];
  /** How long the customer may tell whether their needs were met after resolution. */
  readonly surveyWindowSeconds: number;
  /** The named person who follows up a customer whose needs were not met, within a day. */
  readonly followUpOwner: { readonly name: string; readonly role: string; readonly contact: string };
}

/** A published reason for a denial: what it means and what the customer can do about it. */
export interface ReasonCode {
  readonly code: string;
  /** What is denied for this reason. */
  readonly decision: DecisionKind;
  readonly text: string;
  readonly youCan: string;
}

/** What is decided: coverage, a return, a visit, or closing a case a person took over (a closure). */
export type DecisionKind = 'coverage' | 'return' | 'visit' | 'closure';

/** The work queue of a person or a role on the ladder: `Service supervisor` works from `service-supervisor`. */
export const queueOf = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

const DAY = 86_400;

const DEFAULT_POLICY: Omit<BrandPolicy, 'brand' | 'displayName'> = {
  currency: 'EUR',
  standardWarrantyMonths: 24,
  extendedWarrantyMonths: 12,
  deadOnArrivalDays: 14,
  returnWindowDays: 30,
  replaceAfterFailedRepairs: 3,
  repairHoldsDays: 90,
  replacementMinimumWarrantyMonths: 6,
  sla: {
    arrivalSeconds: 14 * DAY,
    diagnosisSeconds: 3 * DAY,
    estimateAnswerSeconds: 7 * DAY,
    repairSeconds: 5 * DAY,
    deliverySeconds: 7 * DAY,
    bookingSeconds: 2 * DAY,
    visitReportSeconds: 4 * 3_600,
    custodySeconds: 7 * DAY,
    followUpSeconds: DAY,
    addressSeconds: 3 * DAY,
    customerGraceSeconds: 7 * DAY,
  },
  escalationLadder: [
    { role: 'Service agent', contact: 'support@{brand}.example', respondWithinSeconds: DAY },
    { role: 'Service supervisor', contact: 'supervisor@{brand}.example', respondWithinSeconds: DAY },
    { role: 'Service manager', contact: 'service-manager@{brand}.example', respondWithinSeconds: 2 * DAY },
    { role: 'Executive office', contact: 'executive-office@{brand}.example', respondWithinSeconds: 2 * DAY },
  ],
  caseDesk: { name: 'Case desk', contact: 'case-desk@{brand}.example', respondWithinSeconds: 8 * 3_600 },
  catalogue: [
    { model: 'Cam 3', family: 'cam', tier: 3, inStock: true, priceMinor: 45_900 },
    { model: 'Cam 4', family: 'cam', tier: 4, inStock: true, priceMinor: 54_900 },
    { model: 'Book 14', family: 'book', tier: 1, inStock: false, priceMinor: 99_900 },
    { model: 'Book 14 Pro', family: 'book', tier: 2, inStock: true, priceMinor: 129_900 },
    { model: 'Dock', family: 'accessory', tier: 1, inStock: true, priceMinor: 8_900, unserialized: true },
    { model: 'Vision 55', family: 'tv', tier: 1, inStock: true, priceMinor: 89_900 },
    { model: 'Vision 65', family: 'tv', tier: 2, inStock: true, priceMinor: 119_900 },
    // Sold out, and nothing better in its family: a replacement needs a person's decision (P4, P7).
    { model: 'Lens 50', family: 'lens', tier: 1, inStock: false, priceMinor: 32_900 },
  ],
  onSiteFamilies: ['tv'],
  visitAllowance: 2,
  technicians: [
    { id: 'tech-ines', name: 'Inès Dubois', phone: '+32 470 11 22 33' },
    { id: 'tech-marco', name: 'Marco Rossi', phone: '+32 470 44 55 66' },
  ],
  exchangeCategories: ['battery'],
  depotAddress: '{displayName} Repair Depot, 1 Service Road, 1000 Brussels, BE',
  reasonCatalogue: [
    {
      code: 'OUT-OF-WARRANTY',
      decision: 'coverage',
      text: 'The device is outside its warranty and any plan you hold.',
      youCan:
        'Approve or decline the estimate; declining costs nothing. Send proof of a later purchase date if ours is wrong.',
    },
    {
      code: 'ACCIDENTAL-DAMAGE',
      decision: 'coverage',
      text: 'The fault comes from accidental damage, which the warranty does not cover without an accidental-damage plan.',
      youCan: 'Approve or decline the estimate, or escalate if you believe the fault is a defect.',
    },
    {
      code: 'LIQUID-DAMAGE',
      decision: 'coverage',
      text: 'The fault comes from liquid reaching the inside of the device.',
      youCan: 'Approve or decline the estimate, or escalate and ask for the depot’s photos.',
    },
    {
      code: 'WEAR-AND-TEAR',
      decision: 'coverage',
      text: 'The fault is normal wear of a consumable part, which the warranty does not cover.',
      youCan: 'Approve or decline the estimate; declining costs nothing.',
    },
    {
      code: 'RETURN-WINDOW-PASSED',
      decision: 'return',
      text: 'The return window for unfit, mis-sold or unopened goods has ended.',
      youCan: 'Open a repair case: a faulty device is still repaired under warranty.',
    },
    {
      code: 'VISIT-NOT-OFFERED',
      decision: 'visit',
      text: 'This model is serviced at our depot, not at home.',
      youCan: 'Send it in with the prepaid label we issue; the box is free if you ask for one.',
    },
    {
      code: 'VISIT-ALLOWANCE-USED',
      decision: 'visit',
      text: 'Your plan’s on-site visits are used up by completed visits you accepted.',
      youCan: 'Send the device in with a prepaid label, or escalate if a visit was counted wrongly.',
    },
    {
      code: 'CUSTOMER-WITHDREW',
      decision: 'closure',
      text: 'You asked us to stop: your case is closed at your request.',
      youCan: 'Open a new case at any time; this one stays on file and is linked to it.',
    },
    {
      code: 'RESOLVED-BY-AGREEMENT',
      decision: 'closure',
      text: 'We agreed with you how your request is settled; what was agreed is on your case.',
      youCan: 'Escalate if what was agreed does not happen.',
    },
    // Closures after a customer's own deadline and a reminder's grace period (waits.ts).
    {
      code: 'DEVICE-NOT-SENT',
      decision: 'closure',
      text: 'The device did not reach us, and no carrier scan showed it on its way, by the deadline we reminded you of.',
      youCan:
        'Do not send the device on this case’s label. Open a new case when you are ready: it is linked to this one and comes with a new label.',
    },
    {
      code: 'ESTIMATE-NOT-ANSWERED',
      decision: 'closure',
      text: 'The estimate was not answered by the deadline we reminded you of: your device goes back to you unrepaired, and nothing is charged.',
      youCan: 'Open a new case to have it repaired; this one stays on file and is linked to it.',
    },
    {
      code: 'VISIT-NOT-BOOKED',
      decision: 'closure',
      text: 'No visit window was chosen by the deadline we reminded you of.',
      youCan: 'Open a new case when a visit suits you; this one stays on file and is linked to it.',
    },
    {
      code: 'OFFER-NOT-ANSWERED',
      decision: 'closure',
      text: 'The model we offered instead of a replacement was not accepted or declined by the deadline we reminded you of.',
      youCan: 'Escalate to have the offer made again, or a refund or a repair elsewhere decided.',
    },
  ],
  surveyWindowSeconds: 7 * DAY,
  followUpOwner: { name: 'Dana Reyes', role: 'Customer care lead', contact: 'care-lead@{brand}.example' },
};

/** The demo brands the local cloud ships with; a brand not listed here gets the defaults. */
const BRANDS: Record<string, Partial<BrandPolicy>> = {
  acme: { displayName: 'Acme Devices' },
  globex: {
    displayName: 'Globex Appliances',
    replaceAfterFailedRepairs: 2,
    sla: { ...DEFAULT_POLICY.sla, arrivalSeconds: 10 * DAY },
    technicians: [{ id: 'tech-yuki', name: 'Yuki Tanaka', phone: '+32 470 77 88 99' }],
    followUpOwner: { name: 'Sam Okafor', role: 'Customer relations', contact: 'relations@{brand}.example' },
  },
};

export function policyFor(brand: string): BrandPolicy {
  const own = BRANDS[brand] ?? {};
  const displayName = own.displayName ?? brand;
  const ladder = (own.escalationLadder ?? DEFAULT_POLICY.escalationLadder).map((level) => ({
    ...level,
    contact: level.contact.replace('{brand}', brand),
  }));
  const followUpOwner = own.followUpOwner ?? DEFAULT_POLICY.followUpOwner;
  const caseDesk = 'caseDesk' in own ? own.caseDesk : DEFAULT_POLICY.caseDesk;
  return {
    ...DEFAULT_POLICY,
    ...own,
    brand,
    displayName,
    escalationLadder: ladder,
    followUpOwner: { ...followUpOwner, contact: followUpOwner.contact.replace('{brand}', brand) },
    ...(caseDesk ? { caseDesk: { ...caseDesk, contact: caseDesk.contact.replace('{brand}', brand) } } : {}),
    depotAddress: (own.depotAddress ?? DEFAULT_POLICY.depotAddress).replace('{displayName}', displayName),
  };
}
