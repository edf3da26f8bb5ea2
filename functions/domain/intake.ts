import { type Actor, actorId, type Case } from './case.ts';
import { custodyNotice } from './custody.ts';
import { addressOf, shippableAddress } from './customer-waits.ts';
import { isoAfter } from './dates.ts';
import { deny } from './decisions.ts';
import { decideEntitlement } from './entitlement.ts';
import { MissingFieldsError } from './errors.ts';
import { advance, escalationPath } from './escalation.ts';
import type { BrandPolicy } from './policy.ts';
import type { DeviceCase } from './repairs.ts';
import { instantReplacement } from './replacement.ts';
import { returnRoute } from './returns.ts';
import type { CaseOpening, CaseOpeningRequest } from './schemas.ts';
import { entry } from './timeline.ts';

/**
 * Intake: a case is opened with what the customer typed, completed from the device's earlier cases so
 * no one is asked to re-explain (P3), with every missing fact asked at once (P9); then its path is
 * planned and acknowledged with the next step, its deadline and who owns it.
 */

/** The device as far as it is known: from the opening, completed from its earlier cases (P3). */
export interface KnownDevice {
  readonly model?: string;
  readonly purchaseDate?: string;
  readonly firmware?: string;
}

/** A new case: its next step and that step's deadline are known from the first moment. */
export function openCase(
  opening: Omit<CaseOpening, 'customer'> & { customer: OpeningCustomer },
  ids: { brand: string; caseId: string },
  device: { serial: string; model: string; purchaseDate: string; firmware?: string },
  linkedCases: string[],
  policy: BrandPolicy,
  now: Date,
  by: Actor,
): Case {
  // The path (depot, visit, return, replacement) is decided next, in seconds: promise nothing before it.
  const nextStep = {
    name: 'We check your coverage and choose how to serve you',
    deadline: isoAfter(now, 60),
  };
  return {
    ...ids,
    version: 1,
    ...(by.role === 'customer' ? { customerSubject: by.subject } : {}),
    openedAt: now.toISOString(),
    status: 'opened',
    customer: completeCustomer(opening.customer, undefined),
    device,
    problem: opening.problem,
    service: opening.service,
    ...(opening.returnReason ? { returnReason: opening.returnReason } : {}),
    preferredService: opening.preferredService,
    plan: opening.plan,
    boxNeeded: opening.boxNeeded,
    ...(opening.pickupAt ? { pickupAt: opening.pickupAt } : {}),
    ...(opening.custodyChoice
      ? { custodyChoice: { ...opening.custodyChoice, at: now.toISOString(), by: actorId(by) } }
      : {}),
    linkedCases,
    shipments: [],
    repairAttempts: [],
    charges: [],
    notifications: [],
    deliveries: {},
    nextStep,
    escalationLevel: 0,
    escalationPath: escalationPath(policy),
    timeline: [
      entry(
        now,
        'case-opened',
        `Case opened${linkedCases.length > 0 ? `, linked to earlier cases ${linkedCases.join(', ')}` : ''}.`,
        actorId(by),
      ),
    ],
    decisions: [],
    visits: [],
    custody: [],
    pendingEvents: [],
    answered: [],
    seenEventIds: [],
    seenFingerprints: {},
  };
}

/** The customer as given, or as completed from what is on file: an address kept as text included. */
type OpeningCustomer = Omit<CaseOpening['customer'], 'address'> & { address?: Case['customer']['address'] };

/**
 * The customer as far as they are known: what they give now, else what they gave before (P3); a name and
 * an email nobody gave are asked for, with every other missing fact at once (P9).
 */
export function completeCustomer(
  given: OpeningCustomer,
  known: Case['customer'] | undefined,
): Case['customer'] {
  const missing = unknownCustomerFields(given, known);
  const name = given.name ?? known?.name;
  const email = given.email ?? known?.email;
  if (missing.length > 0 || !name || !email) throw new MissingFieldsError(missing);
  const phone = given.phone ?? known?.phone;
  // No address is fine until something is sent to the customer: the workflow asks for it then.
  const address = given.address ?? (known ? addressOf(known) : undefined);
  return {
    name,
    email,
    ...(phone ? { phone } : {}),
    preferredChannel: given.preferredChannel ?? known?.preferredChannel ?? 'email',
    ...(address ? { address } : {}),
    ...((given.locale ?? known?.locale) ? { locale: given.locale ?? known?.locale } : {}),
    ...((given.timeZone ?? known?.timeZone) ? { timeZone: given.timeZone ?? known?.timeZone } : {}),
  };
}

/** A carrier collects from an address: a pickup needs one in parts, given now or on file (P9: with every other error). */
export function addressNeededFields(
  opening: { customer?: { address?: unknown } | undefined; pickupAt?: unknown },
  known: Case['customer'] | undefined,
) {
  if (opening.pickupAt === undefined || opening.customer?.address !== undefined) return [];
  if (known && shippableAddress(known)) return [];
  return [
    {
      pointer: '#/customer/address',
      detail:
        known && addressOf(known)
          ? 'A carrier pickup needs the address in parts (street, postcode, city, country); the one on file is one line of text: give it, or leave the pickup out.'
          : 'A carrier pickup needs the address to collect from: give it, or leave the pickup out.',
    },
  ];
}

export function unknownCustomerFields(
  given: { name?: unknown; email?: unknown },
  known: Case['customer'] | undefined,
) {
  const detail = 'This field is required: no earlier case of yours tells it.';
  return [
    ...(given.name === undefined && !known ? [{ pointer: '#/customer/name', detail }] : []),
    ...(given.email === undefined && !known ? [{ pointer: '#/customer/email', detail }] : []),
  ];
}

/** No field the system already knows is asked again (P3); what nobody knows is asked, all at once. */
export function completeDevice(
  given: CaseOpening['device'],
  known: Case['device'] | undefined,
): Case['device'] {
  const model = given.model ?? known?.model;
  const purchaseDate = given.purchaseDate ?? known?.purchaseDate;
  const firmware = given.firmware ?? known?.firmware;
  const purchasePriceMinor = given.purchasePriceMinor ?? known?.purchasePriceMinor;
  if (!model || !purchaseDate) throw new MissingFieldsError(unknownDeviceFields(given, known));
  return {
    serial: given.serial,
    model,
    purchaseDate,
    ...(firmware ? { firmware } : {}),
    ...(purchasePriceMinor === undefined ? {} : { purchasePriceMinor }),
  };
}

/**
 * What the brand's range refuses in an opening, every field at once (P9): a model it does not list,
 * and a serial left out of a product it sells with one.
 */
export function openingErrors(body: unknown, policy: BrandPolicy): { pointer: string; detail: string }[] {
  return [...unknownModelErrors(body, policy), ...missingSerialErrors(body, policy)];
}

/**
 * A product the brand sells without a serial (an accessory) may be opened without one (P13); then no
 * earlier case can tell its model or purchase date, so both are needed.
 */
function missingSerialErrors(body: unknown, policy: BrandPolicy): { pointer: string; detail: string }[] {
  const device = (body as { device?: Record<string, unknown> } | null)?.device;
  if (!device || typeof device !== 'object' || device.serial !== undefined) return [];
  const unserialized = policy.catalogue.filter((candidate) => candidate.unserialized);
  const model = typeof device.model === 'string' ? device.model.trim() : undefined;
  if (model !== undefined && unserialized.some((candidate) => candidate.model === model)) {
    return device.purchaseDate === undefined
      ? [
          {
            pointer: '#/device/purchaseDate',
            detail: 'This field is required: a product without a serial has no earlier case to tell it.',
          },
        ]
      : [];
  }
  const sold = unserialized.map((candidate) => candidate.model).join(', ') || 'none';
  return [
    {
      pointer: '#/device/serial',
      detail: `Give the serial printed on the device; only these products are sold without one: ${sold}.`,
    },
    ...(model === undefined
      ? [
          {
            pointer: '#/device/model',
            detail: 'This field is required: without a serial no earlier case tells it.',
          },
        ]
      : []),
  ];
}

/** An opening whose product has no serial, given the one the system made for it (ids.ts). */
export function withSerial(request: CaseOpeningRequest, serial: () => string): CaseOpening {
  return { ...request, device: { ...request.device, serial: request.device.serial ?? serial() } };
}

/**
 * A model the brand does not list cannot be served (no price to refund, nothing to replace it with):
 * named at opening with the brand's models, with the request's other errors (P9, P13).
 */
export function unknownModelErrors(
  body: unknown,
  policy: BrandPolicy,
): { pointer: string; detail: string }[] {
  const model = (body as { device?: { model?: unknown } } | null)?.device?.model;
  if (typeof model !== 'string') return [];
  const name = model.trim();
  if (policy.catalogue.some((candidate) => candidate.model === name)) return [];
  return [
    {
      pointer: '#/device/model',
      detail: `${policy.displayName} does not list a model ${name}; one of: ${policy.catalogue.map((candidate) => candidate.model).join(', ')}.`,
    },
  ];
}

export function unknownDeviceFields(
  given: { model?: unknown; purchaseDate?: unknown },
  known: Case['device'] | undefined,
) {
  const detail = 'This field is required: no earlier case of this serial tells it.';
  return [
    ...(given.model === undefined && !known ? [{ pointer: '#/device/model', detail }] : []),
    ...(given.purchaseDate === undefined && !known ? [{ pointer: '#/device/purchaseDate', detail }] : []),
  ];
}

/** Said in the first message of every repair (P2): no diagnosis fee, no charge nobody approved. */
const GOOD_FAITH = 'The diagnosis is free, and nothing is charged without an estimate you approve first.';

export type Route = 'repair' | 'on-site' | 'return' | 'instant-replacement' | 'denied';

/**
 * Intake: decides the entitlement and the path the case takes, and acknowledges it to the customer
 * with the next step, its deadline and who owns the case.
 */
export function planCase(
  kase: Case,
  policy: BrandPolicy,
  deviceCases: readonly DeviceCase[],
  now: Date,
): { case: Case; route: Route } {
  if (kase.route) return { case: kase, route: kase.route };
  const entitlement = decideEntitlement(
    { purchaseDate: kase.device.purchaseDate, plan: kase.plan, category: kase.problem.category },
    policy,
    now,
  );
  let route: Route = 'repair';
  let why = entitlement.reason;
  const replaced = instantReplacement(kase, deviceCases, policy, now);
  if (kase.service === 'return') ({ route, why } = returnRoute(kase, policy, now));
  else if (replaced) {
    route = 'instant-replacement';
    why = replaced;
  }
  const family = policy.catalogue.find((model) => model.model === kase.device.model)?.family ?? '';
  const wantsVisit = route === 'repair' && kase.preferredService === 'on-site';
  if (wantsVisit && policy.onSiteFamilies.includes(family)) route = 'on-site';
  let decided =
    route === 'denied' ? deny(kase, 'return', 'RETURN-WINDOW-PASSED', policy, now, 'system:workflow') : kase;
  if (wantsVisit && route === 'repair') {
    decided = deny(decided, 'visit', 'VISIT-NOT-OFFERED', policy, now, 'system:workflow');
    why = `${why} ${kase.device.model} is serviced at the depot, not at home.`;
  }
  const exchange = policy.exchangeCategories.length > 0 && (route === 'repair' || route === 'on-site');
  const planned: Case = {
    ...decided,
    route,
    entitlement,
    // Told now, before any repair: which parts become the brand's when replaced.
    ...(exchange ? { exchangeNoticeAt: now.toISOString() } : {}),
    timeline: [
      ...decided.timeline,
      entry(
        now,
        'entitlement-decided',
        `${entitlement.coverage}: ${entitlement.reason} Path: ${route}. ${why}`,
        'system:workflow',
      ),
    ],
  };
  const steps: Record<Route, [string, number]> = {
    repair: ['We issue your prepaid shipping label', 60],
    'on-site': ['We offer you windows for a technician’s visit', 60],
    return: ['We issue your prepaid return label', 60],
    'instant-replacement': ['We order your replacement', 120],
    denied: ['Nothing more: this request cannot be accepted', 0],
  };
  const [name, seconds] = steps[route];
  return {
    case: advance(
      planned,
      name,
      isoAfter(now, seconds),
      now,
      `We received your case ${kase.caseId}. ${why}${route === 'repair' || route === 'on-site' ? ` ${GOOD_FAITH}` : ''}${exchange ? ` ${custodyNotice(kase, policy)}` : ''}`,
    ),
    route,
  };
}
