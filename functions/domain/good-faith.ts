import type { Case } from './case.ts';
import { isoAfter } from './dates.ts';
import { deny } from './decisions.ts';
import { advance } from './escalation.ts';
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
      case: advance(
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
