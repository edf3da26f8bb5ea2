import { brandDeadline } from './business-time.ts';
import type { Case } from './case.ts';
import { isoAfter } from './dates.ts';
import { deny, overturnDenial } from './decisions.ts';
import { decideEntitlement, type Entitlement } from './entitlement.ts';
import { ConflictError } from './errors.ts';
import { advance, notify } from './escalation.ts';
import { knownIssueWaives } from './known-issues.ts';
import { formatMoney } from './money.ts';
import type { BrandPolicy } from './policy.ts';
import type { CaseEvent } from './schemas.ts';
import { entry } from './timeline.ts';

/**
 * Good faith first (P2): diagnosis is free when the failure follows the brand's own update or its
 * cause is not yet known, and such a failure is covered; nothing is charged without an estimate the
 * customer approved first, and a declined estimate returns the device with nothing charged.
 */

type Diagnosed = Extract<CaseEvent, { type: 'diagnosed' }>;

const DAMAGE: readonly string[] = ['accidental-damage', 'liquid-damage'];

/**
 * What the device is covered for, given the cause the depot found rather than the customer's guess at
 * opening (a device opened as "damage" may turn out defective): decided as of the case's opening, from
 * its purchase date and plan. An accidental-damage plan covers accidental and liquid damage.
 */
export function coverageFor(kase: Case, cause: string, policy: BrandPolicy): Entitlement {
  return decideEntitlement(
    {
      purchaseDate: kase.device.purchaseDate,
      plan: kase.plan,
      category: DAMAGE.includes(cause) ? 'damage' : 'hardware-fault',
    },
    policy,
    new Date(kase.openedAt),
  );
}

function coverageDenial(kase: Case, cause: Diagnosed['cause'], policy: BrandPolicy): string {
  if (!coverageFor(kase, 'unknown', policy).covered) return 'OUT-OF-WARRANTY';
  if (cause === 'liquid-damage') return 'LIQUID-DAMAGE';
  if (cause === 'wear') return 'WEAR-AND-TEAR';
  return 'ACCIDENTAL-DAMAGE';
}

/**
 * What the case's entitlement refuses in a depot's diagnosis (P2, P8): a denial of damage the customer's
 * accidental-damage plan covers. Named with the report's other errors; nothing is recorded.
 */
export function diagnosisErrors(
  kase: Case,
  event: unknown,
  policy: BrandPolicy,
): { pointer: string; detail: string }[] {
  const { type, cause, covered } = (event ?? {}) as Record<string, unknown>;
  if (type !== 'diagnosed' || covered !== false || typeof cause !== 'string' || !DAMAGE.includes(cause))
    return [];
  const coverage = coverageFor(kase, cause, policy);
  if (coverage.coverage !== 'accidental-damage') return [];
  return [
    {
      pointer: '#/covered',
      detail: `The customer's accidental-damage plan covers ${cause} until ${coverage.coveredUntil}: report it covered (true); nothing may be charged for it.`,
    },
  ];
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
  if (kase.diagnosis) {
    // An estimate withdrawn (coverage granted, a known issue) asks nothing: the repair goes on.
    const asks = kase.estimate && kase.estimate.status !== 'approved' && kase.estimate.status !== 'withdrawn';
    return { case: kase, next: asks ? 'estimate' : 'repair' };
  }
  // A known issue of the fleet, or a service campaign for the device, is the brand's fault, whatever
  // the depot found (known-issues.ts, campaigns.ts).
  const known = knownIssueWaives(kase, event.faultCode) ?? kase.campaign;
  const diagnosisFree = event.cause === 'unknown' || event.cause === 'firmware-update' || known !== undefined;
  // The cause the depot found decides the coverage, not the category the customer chose at opening.
  const coverage = coverageFor(kase, event.cause, policy);
  const entitled = coverage.covered;
  // Good faith: within coverage, a defect, a fault nobody can explain, or damage the customer's plan
  // covers is covered whatever the depot thinks.
  const covered =
    known !== undefined ||
    event.cause === 'firmware-update' ||
    (entitled &&
      (event.covered ||
        event.cause === 'manufacturing-defect' ||
        event.cause === 'unknown' ||
        coverage.coverage === 'accidental-damage'));
  const denial = covered ? undefined : coverageDenial(kase, event.cause, policy);
  const reason = known
    ? `${known.words.charAt(0).toUpperCase()}${known.words.slice(1)}: no charge. Diagnosis and repair are free.`
    : event.cause === 'firmware-update'
      ? 'The failure follows our own firmware update: diagnosis and repair are free.'
      : covered
        ? `Covered (${coverage.coverage}): the repair is free.`
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
      case: advance(
        { ...diagnosed, status: 'in-repair' },
        'Repair at the depot',
        brandDeadline(now, policy.sla.repairSeconds, policy),
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
    case: advance(
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
      case: advance(
        {
          ...kase,
          status: 'in-repair',
          estimate: { ...estimate, status: 'approved', answeredAt: now.toISOString() },
          charges: [...kase.charges, ...charges],
        },
        'Repair at the depot',
        brandDeadline(now, policy.sla.repairSeconds, policy),
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

/** Where a granted repair can still go on as covered: before the device has left the depot. */
const GRANTABLE: readonly Case['status'][] = ['at-depot', 'awaiting-estimate-answer', 'in-repair'];

/**
 * A person overturns the coverage denial (P2, P8): the denial stays on the case, overturned with who and
 * why; the repair is covered, the estimate withdrawn (an approved one's charges waived), and a case
 * waiting for the customer's answer goes on to the repair. Once per grant id.
 */
export function grantCoverage(
  kase: Case,
  request: { grantId: string; justification: string },
  policy: BrandPolicy,
  now: Date,
  by: string,
): Case {
  if (kase.seenEventIds.includes(request.grantId)) return kase;
  if (!GRANTABLE.includes(kase.status))
    throw new ConflictError(
      `Case ${kase.caseId} is ${kase.status}: the device has left the depot. Refund what was charged through a person's decision, or open a new case.`,
      'Too late to grant coverage',
    );
  const { case: overturned, overturned: denial } = overturnDenial(
    kase,
    'coverage',
    request.justification,
    now,
    by,
  );
  const estimate = overturned.estimate;
  const waived = estimate?.status === 'approved' ? estimate.items : [];
  const granted: Case = {
    ...overturned,
    seenEventIds: [...overturned.seenEventIds, request.grantId],
    ...(overturned.diagnosis
      ? {
          diagnosis: {
            ...overturned.diagnosis,
            covered: true,
            reason: `Covered after review: ${request.justification}`,
          },
        }
      : {}),
    ...(estimate && estimate.status !== 'declined'
      ? { estimate: { ...estimate, status: 'withdrawn' as const, answeredAt: now.toISOString() } }
      : {}),
    charges: overturned.charges.filter(
      (charge) =>
        !waived.some(
          (item) => item.description === charge.description && item.amountMinor === charge.amountMinor,
        ),
    ),
  };
  const told = `We overturned our decision not to cover the repair (${denial.code}) because: ${request.justification} The repair is covered: nothing is charged.`;
  if (granted.status !== 'awaiting-estimate-answer') return notify(granted, told, now);
  return advance(
    { ...granted, status: 'in-repair' },
    'Repair at the depot',
    brandDeadline(now, policy.sla.repairSeconds, policy),
    now,
    told,
  );
}
