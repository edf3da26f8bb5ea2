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
      isoAfter(now, policy.sla.repairSeconds),
      now,
      `The repair did not fix ${event.faultCode} (${failed} of ${policy.replaceAfterFailedRepairs} failed attempts on this device); we try again.`,
    ),
    next: 'retry',
    failed,
  };
}

function withEntry(kase: Case, now: Date, type: string, summary: string): Case {
  return { ...kase, timeline: [...kase.timeline, entry(now, type, summary, 'depot')] };
}
