import { type Case, type CaseEvent, type Decision, entry, notify, type Shipment } from './case.ts';
import { openItems } from './custody.ts';
import { addMonths, isoAfter, isoDay, laterDay } from './dates.ts';
import { decideEntitlement, isDeadOnArrival, withinReturnWindow } from './entitlement.ts';
import { ConflictError, InvalidFieldError } from './errors.ts';
import { type BrandPolicy, type CatalogueModel, type DecisionKind, queueOf } from './policy.ts';

/**
 * The decisions of the repair journey, one per workflow step: pure functions of the case, the
 * brand's policy and the device's history. Each is idempotent: applied twice, it changes nothing more.
 */

export type Route = 'repair' | 'on-site' | 'return' | 'instant-replacement' | 'denied';

/** An earlier (or the current) case of the same device, as far as counting and history need it. */
export interface DeviceCase {
  readonly caseId: string;
  readonly openedAt: string;
  readonly status: string;
  readonly outcome?: string;
  readonly problem: { readonly description: string; readonly category: string };
  readonly repairAttempts: readonly {
    readonly result: string;
    readonly faultCode: string;
    readonly at: string;
  }[];
  readonly replacement?: { readonly serial: string; readonly model: string; readonly warrantyUntil: string };
}

/** Failed repairs of one device, across all its cases, for one fault (or any fault when none is given) (P4). */
export function failedRepairs(cases: readonly DeviceCase[], faultCode?: string): number {
  return cases
    .flatMap((kase) => kase.repairAttempts)
    .filter(
      (attempt) =>
        attempt.result === 'not-fixed' && (faultCode === undefined || attempt.faultCode === faultCode),
    ).length;
}

/** The other cases plus this one: the current case counts with what it holds now. */
const withCurrent = (others: readonly DeviceCase[], kase: Case) => [
  ...others.filter((c) => c.caseId !== kase.caseId),
  kase,
];

/** The case moves to its next step, and the customer is told (the step, its deadline and owner included). */
function next(kase: Case, name: string, deadline: string, now: Date, message: string): Case {
  return notify({ ...kase, nextStep: { name, deadline } }, message, now);
}

/**
 * Intake: decides the entitlement and the path the case takes, and acknowledges it to the customer
 * with the next step, its deadline and who owns the case (P7).
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
  if (kase.service === 'return') {
    if (withinReturnWindow(kase.device.purchaseDate, policy, now)) {
      route = 'return';
      why = `A ${kase.returnReason} item may be returned within ${policy.returnWindowDays} days of purchase, special orders included.`;
    } else {
      route = 'denied';
      why = `The ${policy.returnWindowDays}-day return window ended; a faulty device can still be repaired under warranty.`;
    }
  } else if (kase.problem.deadOnArrival && isDeadOnArrival(kase.device.purchaseDate, policy, now)) {
    route = 'instant-replacement';
    why = `Dead on arrival (within ${policy.deadOnArrivalDays} days of purchase): replaced at once, no repair.`;
  } else if (failedRepairs(deviceCases) >= policy.replaceAfterFailedRepairs) {
    route = 'instant-replacement';
    why = `This device already failed ${failedRepairs(deviceCases)} repairs: it is replaced, not repaired again.`;
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
    // Told now, before any repair: which parts become the brand's when replaced (P5).
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
    case: next(
      planned,
      name,
      isoAfter(now, seconds),
      now,
      `We received your case ${kase.caseId}. ${why}${exchange ? ` ${custodyNotice(kase, policy)}` : ''}`,
    ),
    route,
  };
}

/** Before the repair: what happens to removed parts and data, and how the customer decides it (P5). */
function custodyNotice(kase: Case, policy: BrandPolicy): string {
  const choice = kase.custodyChoice;
  const current = choice
    ? `You chose: parts ${choice.parts}, data ${choice.data}.`
    : 'Unless you tell us otherwise, every removed part and anything holding your data comes back to you.';
  return `${current} Replaced ${policy.exchangeCategories.join(', ')} parts are exchange parts and stay with us. Choose at /cases/${kase.caseId}/custody/choices.`;
}

/** A prepaid label was issued (P1): the case now waits for the parcel, and the customer has the label. */
export function addShipment(kase: Case, shipment: Shipment, policy: BrandPolicy, now: Date): Case {
  if (kase.shipments.some((existing) => existing.shipmentId === shipment.shipmentId)) return kase;
  const shipped = {
    ...kase,
    shipments: [...kase.shipments, shipment],
    timeline: [
      ...kase.timeline,
      entry(
        now,
        'label-issued',
        `Prepaid ${shipment.direction} label ${shipment.trackingNumber} (${shipment.carrier})${shipment.box ? ', with a box' : ''}.`,
        'system:workflow',
      ),
    ],
  };
  const link = `/cases/${kase.caseId}/documents/${shipment.labelDocumentId}`;
  if (shipment.direction === 'to-depot') {
    const from = kase.pickupAt && new Date(kase.pickupAt) > now ? new Date(kase.pickupAt) : now;
    return next(
      { ...shipped, status: kase.status === 'opened' ? 'awaiting-arrival' : kase.status },
      'Send the device to the depot',
      isoAfter(from, policy.sla.arrivalSeconds),
      now,
      `Your prepaid label is ready (tracking ${shipment.trackingNumber}): ${link}.${shipment.box ? ' A box is on its way.' : ''}`,
    );
  }
  const what = shipment.purpose === 'replacement' ? 'Your replacement' : 'Your device';
  return next(
    { ...shipped, status: 'shipping-to-customer' },
    'Delivery to you',
    isoAfter(now, policy.sla.deliverySeconds),
    now,
    `${what} is on its way (tracking ${shipment.trackingNumber}).`,
  );
}

export function recordArrival(kase: Case, policy: BrandPolicy, now: Date): Case {
  if (kase.status !== 'awaiting-arrival' && kase.status !== 'opened') return kase;
  return next(
    { ...kase, status: 'at-depot' },
    kase.route === 'return' ? 'Your refund' : 'Diagnosis at the depot',
    isoAfter(now, policy.sla.diagnosisSeconds),
    now,
    'Your device arrived at the depot.',
  );
}

type Diagnosed = Extract<CaseEvent, { type: 'diagnosed' }>;

function coverageDenial(entitled: boolean, cause: Diagnosed['cause']): string {
  if (!entitled) return 'OUT-OF-WARRANTY';
  if (cause === 'liquid-damage') return 'LIQUID-DAMAGE';
  if (cause === 'wear') return 'WEAR-AND-TEAR';
  return 'ACCIDENTAL-DAMAGE';
}

/**
 * Good faith first (P2): diagnosis is free when the cause is unknown or is the brand's own update, and
 * such a failure is covered; anything else not covered needs an estimate the customer approves.
 */
export function applyDiagnosis(
  kase: Case,
  event: Diagnosed,
  policy: BrandPolicy,
  now: Date,
): { case: Case; next: 'repair' | 'estimate' } {
  if (kase.diagnosis)
    return { case: kase, next: kase.estimate && kase.estimate.status !== 'approved' ? 'estimate' : 'repair' };
  const diagnosisFree = event.cause === 'unknown' || event.cause === 'firmware-update';
  const entitled = kase.entitlement?.covered ?? false;
  // Good faith: within coverage, a defect or a fault nobody can explain is covered whatever the depot thinks.
  const covered =
    event.cause === 'firmware-update' ||
    (entitled && (event.covered || event.cause === 'manufacturing-defect' || event.cause === 'unknown'));
  const denial = covered ? undefined : coverageDenial(entitled, event.cause);
  const reason =
    event.cause === 'firmware-update'
      ? 'The failure follows our own firmware update: diagnosis and repair are free.'
      : covered
        ? `Covered (${kase.entitlement?.coverage}): the repair is free.`
        : `Not covered (${denial}): you decide on the estimate; nothing is charged unless you approve it.`;
  const decided = denial ? deny(kase, 'coverage', denial, policy, now, 'depot') : kase;
  const diagnosed: Case = {
    ...decided,
    diagnosis: {
      faultCode: event.faultCode,
      cause: event.cause,
      covered,
      diagnosisFree,
      reason,
      at: now.toISOString(),
    },
    timeline: [
      ...decided.timeline,
      entry(now, 'diagnosed', `Fault ${event.faultCode}, cause ${event.cause}. ${reason}`, 'depot'),
    ],
  };
  if (covered || !event.estimate) {
    return {
      case: next(
        { ...diagnosed, status: 'in-repair' },
        'Repair at the depot',
        isoAfter(now, policy.sla.repairSeconds),
        now,
        reason,
      ),
      next: 'repair',
    };
  }
  const totalMinor = event.estimate.reduce((sum, item) => sum + item.amountMinor, 0);
  const estimate = {
    items: event.estimate,
    totalMinor,
    currency: policy.currency,
    status: 'awaiting-answer' as const,
  };
  return {
    case: next(
      { ...diagnosed, status: 'awaiting-estimate-answer', estimate },
      'Approve or decline the estimate',
      isoAfter(now, policy.sla.estimateAnswerSeconds),
      now,
      `${reason} Estimate: ${formatMoney(totalMinor, policy.currency)}.${diagnosisFree ? ' The diagnosis is free.' : ''}`,
    ),
    next: 'estimate',
  };
}

/** The customer answers the estimate; declining returns the device unrepaired, with nothing charged. */
export function applyEstimateAnswer(
  kase: Case,
  approved: boolean,
  policy: BrandPolicy,
  now: Date,
): { case: Case; next: 'repair' | 'ship-back' } {
  const estimate = kase.estimate;
  if (estimate?.status !== 'awaiting-answer') {
    return { case: kase, next: kase.outcome === 'returned-unrepaired' ? 'ship-back' : 'repair' };
  }
  if (approved) {
    const charges = estimate.items.map((item) => ({
      description: item.description,
      amountMinor: item.amountMinor,
      currency: estimate.currency,
    }));
    return {
      case: next(
        {
          ...kase,
          status: 'in-repair',
          estimate: { ...estimate, status: 'approved', answeredAt: now.toISOString() },
          charges: [...kase.charges, ...charges],
        },
        'Repair at the depot',
        isoAfter(now, policy.sla.repairSeconds),
        now,
        `You approved the estimate of ${formatMoney(estimate.totalMinor, estimate.currency)}.`,
      ),
      next: 'repair',
    };
  }
  return {
    case: {
      ...kase,
      outcome: 'returned-unrepaired',
      estimate: { ...estimate, status: 'declined', answeredAt: now.toISOString() },
      timeline: [
        ...kase.timeline,
        entry(
          now,
          'estimate-declined',
          'The customer declined the estimate: the device goes back unrepaired, nothing is charged.',
          'customer',
        ),
      ],
    },
    next: 'ship-back',
  };
}

type RepairAttempted = Extract<CaseEvent, { type: 'repair-attempted' }>;

/**
 * A repair attempt is recorded. Failed attempts count across every case of the device for the same
 * fault; at the brand's N the device is replaced instead of repaired again (P4).
 */
export function applyRepairAttempt(
  kase: Case,
  event: RepairAttempted,
  deviceCases: readonly DeviceCase[],
  policy: BrandPolicy,
  now: Date,
): { case: Case; next: 'ship-back' | 'retry' | 'replace'; failed: number } {
  const known = kase.repairAttempts.some((attempt) => attempt.attemptId === event.eventId);
  const attempted: Case = known
    ? kase
    : {
        ...kase,
        repairAttempts: [
          ...kase.repairAttempts,
          {
            attemptId: event.eventId,
            at: event.occurredAt,
            result: event.result,
            faultCode: event.faultCode,
            partsUsed: event.partsUsed,
          },
        ],
      };
  const failed = failedRepairs(withCurrent(deviceCases, attempted), event.faultCode);
  if (event.result === 'fixed') {
    if (known) return { case: { ...attempted, outcome: 'repaired' }, next: 'ship-back', failed };
    const fixed = withEntry(
      { ...attempted, outcome: 'repaired' },
      now,
      'repair-attempted',
      `Repair attempt: fixed (${event.faultCode}).`,
    );
    return {
      case: notify(fixed, 'Your device is repaired; we ship it back to you now.', now),
      next: 'ship-back',
      failed,
    };
  }
  if (failed >= policy.replaceAfterFailedRepairs) {
    const replacing = withEntry(
      attempted,
      now,
      'repair-attempted',
      `Repair attempt failed: ${failed} failed repairs of ${event.faultCode} on this device; it will be replaced.`,
    );
    return { case: known ? attempted : replacing, next: 'replace', failed };
  }
  if (known) return { case: kase, next: 'retry', failed };
  return {
    case: next(
      withEntry(
        attempted,
        now,
        'repair-attempted',
        `Repair attempt failed (${failed} of ${policy.replaceAfterFailedRepairs} before replacement).`,
      ),
      'Another repair attempt at the depot',
      isoAfter(now, policy.sla.repairSeconds),
      now,
      `The repair did not fix ${event.faultCode} (${failed} of ${policy.replaceAfterFailedRepairs} failed attempts on this device); we try again.`,
    ),
    next: 'retry',
    failed,
  };
}

/** Like-for-like when in stock, else the closest better model of the same family (P4). */
export function chooseReplacement(model: string, policy: BrandPolicy): CatalogueModel | undefined {
  const current = policy.catalogue.find((candidate) => candidate.model === model);
  if (!current) return undefined;
  if (current.inStock) return current;
  return policy.catalogue
    .filter(
      (candidate) =>
        candidate.family === current.family && candidate.tier > current.tier && candidate.inStock,
    )
    .sort((a, b) => a.tier - b.tier)[0];
}

/** The replacement ordered: the remaining warranty carries over (at least the brand's minimum), serials linked. */
export function orderReplacement(
  kase: Case,
  chosen: CatalogueModel,
  serial: string,
  policy: BrandPolicy,
  now: Date,
): Case {
  if (kase.replacement) return kase;
  const minimum = addMonths(isoDay(now), policy.replacementMinimumWarrantyMonths);
  const remaining = kase.entitlement?.coveredUntil ?? minimum;
  const warrantyUntil = laterDay(remaining, minimum);
  const reason =
    kase.route === 'instant-replacement'
      ? 'instant replacement'
      : `${policy.replaceAfterFailedRepairs} failed repairs`;
  return next(
    {
      ...kase,
      status: 'replacement-ordered',
      outcome: 'replaced',
      replacement: { model: chosen.model, serial, warrantyUntil, orderedAt: now.toISOString(), reason },
      timeline: [
        ...kase.timeline,
        entry(
          now,
          'replacement-ordered',
          `Replacement ${chosen.model} (${serial}) for ${kase.device.model} (${kase.device.serial}), warranty until ${warrantyUntil}.`,
          'system:workflow',
        ),
      ],
    },
    'We ship your replacement',
    isoAfter(now, 120),
    now,
    `We ordered a replacement ${chosen.model}${chosen.model === kase.device.model ? '' : ` (better than your ${kase.device.model})`}, with warranty until ${warrantyUntil}.`,
  );
}

/** A return of unfit or mis-sold goods arrived: the customer is refunded the price (P13). */
export function refundReturn(kase: Case, policy: BrandPolicy, now: Date): Case {
  if (kase.refund) return kase;
  const price = policy.catalogue.find((candidate) => candidate.model === kase.device.model)?.priceMinor ?? 0;
  return notify(
    {
      ...kase,
      outcome: 'refunded',
      refund: { amountMinor: price, currency: policy.currency, at: now.toISOString() },
    },
    `Your return arrived: we refunded ${formatMoney(price, policy.currency)}.`,
    now,
  );
}

/**
 * The customer escalates (P7): the case goes one level up the brand's ladder (the top level stays the
 * top), and the answer names who owns it now and by when they respond. Once per escalation id.
 */
export function escalateCase(
  kase: Case,
  request: { escalationId: string; reason: string },
  policy: BrandPolicy,
  now: Date,
  by: string,
): Case {
  return escalate(kase, request.escalationId, request.reason, policy, now, by);
}

/**
 * A waiting step's deadline passed (P7): the case goes one level up, the customer is told who owns it
 * now, and the step waits again with the new owner's own deadline (`waitSeconds`). Once per entry into
 * the overdue state: a step run again for the same entry changes nothing more.
 */
export function escalateOverdue(
  kase: Case,
  overdue: { step: string; what: string; enteredAt: string },
  policy: BrandPolicy,
  now: Date,
): { case: Case; waitSeconds: number } {
  const escalationId = `overdue:${overdue.step}:${overdue.enteredAt}`;
  const escalated = escalate(
    kase,
    escalationId,
    `Deadline passed: ${overdue.what} in time.`,
    policy,
    now,
    'system:workflow',
  );
  const owner = policy.escalationLadder[escalated.escalationLevel];
  return { case: escalated, waitSeconds: owner?.respondWithinSeconds ?? 86_400 };
}

/** One level up the ladder, once per `id`: the customer is told who owns the case now and by when (P7). */
export function escalate(
  kase: Case,
  id: string,
  reason: string,
  policy: BrandPolicy,
  now: Date,
  by: string,
): Case {
  if (kase.seenEventIds.includes(id)) return kase;
  const level = Math.min(kase.escalationLevel + 1, policy.escalationLadder.length - 1);
  const owner = policy.escalationLadder[level];
  if (!owner) return kase;
  const respondBy = isoAfter(now, owner.respondWithinSeconds);
  const { role, contact } = owner;
  const escalated: Case = {
    ...kase,
    seenEventIds: [...kase.seenEventIds, id],
    escalationLevel: level,
    escalation: { level, role, contact, respondBy, reason },
    // The owner's deadline is the case's deadline now: it is what the customer waits on.
    nextStep: { name: kase.nextStep.name, deadline: laterIso(kase.nextStep.deadline, respondBy) },
    timeline: [...kase.timeline, entry(now, 'escalated', `Escalated to ${role} (${contact}): ${reason}`, by)],
  };
  return notify(
    escalated,
    `${reason} Your case is now owned by ${role} (${contact}), who will respond by ${respondBy}.`,
    now,
  );
}

const laterIso = (a: string, b: string) => (new Date(a) > new Date(b) ? a : b);

/** Resolved: the case closes and the customer is asked whether their needs were met (P10). */
export function closeCase(kase: Case, policy: BrandPolicy, now: Date): Case {
  if (kase.status === 'closed') return kase;
  const open = openItems(kase);
  if (open.length > 0) {
    throw new ConflictError(
      `Case ${kase.caseId} holds ${open.length} customer-owned item(s); it cannot close (P5).`,
    );
  }
  const outcome = kase.outcome ?? (kase.route === 'denied' ? 'denied' : undefined);
  const ask = 'Tell us whether your needs were met';
  const deadline = isoAfter(now, policy.surveyWindowSeconds);
  return notify(
    { ...kase, status: 'closed', ...(outcome ? { outcome } : {}), nextStep: { name: ask, deadline } },
    `Your case ${kase.caseId} is closed${outcome ? ` (${outcome})` : ''}. Answer at /cases/${kase.caseId}/survey.`,
    now,
  );
}

const NOTHING_MORE = 'Nothing: your case is closed';

/**
 * The customer says whether their needs were met (P10). "No" opens a follow-up, due within a day, owned
 * by the brand's named follow-up owner and in their work queue.
 */
export function applySurveyAnswer(
  kase: Case,
  answer: { met: boolean; comment?: string },
  policy: BrandPolicy,
  now: Date,
): Case {
  if (kase.survey) return kase;
  const survey = {
    answered: true,
    met: answer.met,
    ...(answer.comment ? { comment: answer.comment } : {}),
    at: now.toISOString(),
  };
  const answered = {
    ...kase,
    survey,
    timeline: [
      ...kase.timeline,
      entry(
        now,
        'survey-answered',
        `Needs met: ${answer.met ? 'yes' : 'no'}.${answer.comment ? ` “${answer.comment}”` : ''}`,
        'customer',
      ),
    ],
  };
  if (answer.met) {
    return notify(
      { ...answered, nextStep: { name: NOTHING_MORE, deadline: now.toISOString() } },
      'Thank you for telling us.',
      now,
    );
  }
  const owner = policy.followUpOwner;
  const due = isoAfter(now, 86_400);
  return notify(
    {
      ...answered,
      followUp: { owner, due, reason: answer.comment ?? 'Needs not met', status: 'open' },
      nextStep: { name: `${owner.name} follows up with you`, deadline: due },
      timeline: [
        ...answered.timeline,
        entry(
          now,
          'follow-up-opened',
          `Follow-up for ${owner.name} (${owner.role}, queue ${queueOf(owner.name)}), due ${due}.`,
          'system:workflow',
        ),
      ],
    },
    `We are sorry we fell short. ${owner.name} (${owner.role}, ${owner.contact}) will contact you by ${due}.`,
    now,
  );
}

/** The survey window passed without an answer: recorded as such, and a late answer is refused (P10). */
export function recordNoSurveyAnswer(kase: Case, now: Date): Case {
  if (kase.survey) return kase;
  return {
    ...kase,
    survey: { answered: false, at: now.toISOString() },
    answered: kase.answered.includes('survey') ? kase.answered : [...kase.answered, 'survey'],
    nextStep: { name: NOTHING_MORE, deadline: now.toISOString() },
    timeline: [
      ...kase.timeline,
      entry(
        now,
        'survey-unanswered',
        'The customer did not say whether their needs were met within the window.',
        'system:workflow',
      ),
    ],
  };
}

/**
 * A denial with exactly one reason from the brand's catalogue (P8). A live denial of the same kind
 * keeps its reason: only a recorded supersession can change it.
 */
export function deny(
  kase: Case,
  kind: DecisionKind,
  code: string,
  policy: BrandPolicy,
  now: Date,
  by: string,
): Case {
  const live = liveDecision(kase, kind);
  if (live) {
    if (live.code === code) return kase;
    throw new Error(
      `Case ${kase.caseId} already denies ${kind} for ${live.code}; supersede it instead of adding ${code}`,
    );
  }
  const reason = policy.reasonCatalogue.find(
    (candidate) => candidate.code === code && candidate.decision === kind,
  );
  if (!reason) throw new Error(`Reason ${code} is not in ${policy.brand}'s ${kind} catalogue`);
  const decision: Decision = {
    decision: kind,
    code,
    text: reason.text,
    youCan: reason.youCan,
    at: now.toISOString(),
    by,
    status: 'live',
  };
  return {
    ...kase,
    decisions: [...kase.decisions, decision],
    timeline: [...kase.timeline, entry(now, 'denied', `${kind} denied: ${code}, ${reason.text}`, by)],
  };
}

export const liveDecision = (kase: Case, kind: DecisionKind) =>
  kase.decisions.find((decision) => decision.decision === kind && decision.status === 'live');

/**
 * A person replaces a denial's reason with another from the catalogue and says why (P8). The old
 * reason stays on the case, superseded; the customer is told both. Once per supersession id.
 */
export function supersedeDecision(
  kase: Case,
  kind: DecisionKind,
  request: { supersessionId: string; code: string; justification: string },
  policy: BrandPolicy,
  now: Date,
  by: string,
): Case {
  if (kase.seenEventIds.includes(request.supersessionId)) return kase;
  const live = liveDecision(kase, kind);
  if (!live)
    throw new ConflictError(
      `Case ${kase.caseId} has no ${kind} denial to supersede.`,
      'Nothing to supersede',
    );
  const reason = policy.reasonCatalogue.find(
    (candidate) => candidate.code === request.code && candidate.decision === kind,
  );
  if (!reason) {
    const codes = policy.reasonCatalogue
      .filter((candidate) => candidate.decision === kind)
      .map((candidate) => candidate.code);
    throw new InvalidFieldError('#/code', `Not a ${kind} reason of this brand; one of: ${codes.join(', ')}.`);
  }
  if (reason.code === live.code)
    throw new ConflictError(`The ${kind} denial already has reason ${live.code}.`, 'Same reason');
  const superseding: Decision = {
    decision: kind,
    code: reason.code,
    text: reason.text,
    youCan: reason.youCan,
    at: now.toISOString(),
    by,
    status: 'live',
    justification: request.justification,
    supersedes: live.code,
  };
  return notify(
    {
      ...kase,
      seenEventIds: [...kase.seenEventIds, request.supersessionId],
      decisions: [
        ...kase.decisions.map((decision) =>
          decision === live ? { ...decision, status: 'superseded' as const } : decision,
        ),
        superseding,
      ],
      timeline: [
        ...kase.timeline,
        entry(
          now,
          'decision-superseded',
          `${kind} reason ${live.code} superseded by ${reason.code}: ${request.justification}`,
          by,
        ),
      ],
    },
    `The reason for our ${kind} decision changed from ${live.code} (${live.text}) to ${reason.code} (${reason.text}) because: ${request.justification} What you can do: ${reason.youCan}`,
    now,
  );
}

export function formatMoney(minor: number, currency: string): string {
  return `${(minor / 100).toFixed(2)} ${currency}`;
}

function withEntry(kase: Case, now: Date, type: string, summary: string): Case {
  return { ...kase, timeline: [...kase.timeline, entry(now, type, summary, 'depot')] };
}
