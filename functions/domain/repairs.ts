import { brandDeadline } from './business-time.ts';
import type { Case } from './case.ts';
import { isoAfter } from './dates.ts';
import { advance } from './escalation.ts';
import type { BrandPolicy } from './policy.ts';
import type { CaseEvent } from './schemas.ts';
import { entry } from './timeline.ts';

/**
 * Repair attempts at the depot, and the count that replacement after N rests on (P4): failed repairs
 * of one device are counted across all its cases, for the same fault.
 */

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
  /** The depot's diagnosis: a fault reported again after a fix. */
  readonly diagnosis?: { readonly faultCode: string; readonly at: string };
}

const DAY_MS = 86_400_000;

/**
 * Failed repairs of one device, across all its cases, for one fault (or any fault when none is given)
 * (P4): every attempt reported not fixed, and every one reported fixed whose fault was reported again
 * on the device (diagnosed, or repaired again) within the brand's `repairHoldsDays` after it.
 */
export function failedRepairs(
  cases: readonly DeviceCase[],
  policy: Pick<BrandPolicy, 'repairHoldsDays'>,
  faultCode?: string,
): number {
  const attempts = cases.flatMap((kase) => kase.repairAttempts);
  return attempts.filter(
    (attempt) =>
      (faultCode === undefined || attempt.faultCode === faultCode) &&
      (attempt.result === 'not-fixed' || cameBack(attempt, cases, policy)),
  ).length;
}

/** A repair reported fixed whose fault was reported again within the brand's window: it did not hold. */
function cameBack(
  fix: DeviceCase['repairAttempts'][number],
  cases: readonly DeviceCase[],
  policy: Pick<BrandPolicy, 'repairHoldsDays'>,
) {
  if (fix.result !== 'fixed') return false;
  const fixedAt = Date.parse(fix.at);
  const until = fixedAt + policy.repairHoldsDays * DAY_MS;
  const reports = cases.flatMap((kase) => [
    ...kase.repairAttempts.filter((attempt) => attempt !== fix),
    ...(kase.diagnosis ? [kase.diagnosis] : []),
  ]);
  return reports.some((report) => {
    const at = Date.parse(report.at);
    return report.faultCode === fix.faultCode && at > fixedAt && at <= until;
  });
}

/**
 * A covered diagnosis of a fault that was fixed on this device within the brand's window: that fix did
 * not hold and counts as failed (P4). At the brand's N the device is replaced instead of repaired again.
 */
export function diagnosedAgain(
  kase: Case,
  deviceCases: readonly DeviceCase[],
  policy: BrandPolicy,
  now: Date,
): { case: Case; replace: boolean } {
  const diagnosis = kase.diagnosis;
  if (!diagnosis?.covered) return { case: kase, replace: false };
  const cases = withCurrent(deviceCases, kase);
  const failed = failedRepairs(cases, policy, diagnosis.faultCode);
  const before = failedRepairs(cases, { repairHoldsDays: 0 }, diagnosis.faultCode);
  if (failed === before) return { case: kase, replace: false };
  const replace = failed >= policy.replaceAfterFailedRepairs;
  const summary = `${diagnosis.faultCode} came back within ${policy.repairHoldsDays} days of a repair reported fixed: that repair counts as failed (${failed} of ${policy.replaceAfterFailedRepairs} before replacement)${replace ? '; the device will be replaced, not repaired again' : ''}.`;
  if (kase.timeline.some((line) => line.summary === summary)) return { case: kase, replace };
  return { case: withEntry(kase, now, 'fault-came-back', summary, 'system:workflow'), replace };
}

/** The other cases plus this one: the current case counts with what it holds now. */
const withCurrent = (others: readonly DeviceCase[], kase: Case) => [
  ...others.filter((c) => c.caseId !== kase.caseId),
  kase,
];

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
  const failed = failedRepairs(withCurrent(deviceCases, attempted), policy, event.faultCode);
  if (event.result === 'fixed') {
    if (known) return { case: { ...attempted, outcome: 'repaired' }, next: 'ship-back', failed };
    const fixed = withEntry(
      { ...attempted, outcome: 'repaired' },
      now,
      'repair-attempted',
      `Repair attempt: fixed (${event.faultCode}).`,
    );
    return {
      case: advance(
        fixed,
        'We ship your repaired device back to you',
        isoAfter(now, 60),
        now,
        'Your device is repaired.',
      ),
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
    case: advance(
      withEntry(
        attempted,
        now,
        'repair-attempted',
        `Repair attempt failed (${failed} of ${policy.replaceAfterFailedRepairs} before replacement).`,
      ),
      'Another repair attempt at the depot',
      brandDeadline(now, policy.sla.repairSeconds, policy),
      now,
      `The repair did not fix ${event.faultCode} (${failed} of ${policy.replaceAfterFailedRepairs} failed attempts on this device); we try again.`,
    ),
    next: 'retry',
    failed,
  };
}

function withEntry(kase: Case, now: Date, type: string, summary: string, by = 'depot'): Case {
  return { ...kase, timeline: [...kase.timeline, entry(now, type, summary, by)] };
}
