import * as z from 'zod';
import { brandDeadline } from './business-time.ts';
import { type Case, type Said, SignalKind } from './case.ts';
import { liveDecision, overturnDenial } from './decisions.ts';
import { advance, notify } from './escalation.ts';
import type { BrandPolicy } from './policy.ts';
import { entry } from './timeline.ts';

/**
 * Fleet intelligence (P2): when several devices of one model and firmware fail the same way, the fault
 * is the brand's, not each customer's. K reports of one symptom at opening, or of one fault code at
 * the depot, within a window open a known issue; every matching case is then diagnosed and repaired
 * free, an estimate already sent for it withdrawn, until a person dismisses the issue with a reason.
 */

export { SignalKind };

/** One device's report, as detection counts it: by model, firmware and what failed. */
export interface Signal {
  readonly kind: z.infer<typeof SignalKind>;
  readonly model: string;
  readonly firmware: string;
  /** The symptom category, or the fault code. */
  readonly what: string;
}

/** A signal's name in the store: each part encoded, so no model name can run into the next part. */
export const signalKey = (signal: Signal) =>
  [signal.kind, signal.model, signal.firmware, signal.what].map(encodeURIComponent).join('|');

/** The symptom a case reports at opening; none without a firmware (nothing to tell a fleet by). */
export function openingSignal(kase: Case): Signal | undefined {
  const { model, firmware } = kase.device;
  if (!firmware) return undefined;
  return { kind: 'symptom', model, firmware, what: kase.problem.category };
}

/** The fault the depot found on the case's device. */
export function faultSignal(kase: Case, faultCode: string): Signal | undefined {
  const { model, firmware } = kase.device;
  if (!firmware) return undefined;
  return { kind: 'fault', model, firmware, what: faultCode };
}

/**
 * A case's report, as the case bus carries it to detection: the plan step publishes the symptom at
 * opening ("Case opened"), the diagnosis step the fault the depot found ("Case diagnosed").
 */
export interface FleetReport {
  readonly brand: string;
  readonly caseId: string;
  readonly signal: Signal;
  /** When the case reported it: its opening, or its diagnosis. */
  readonly occurredAt: string;
}

/** Where the workflow's steps announce reports for detection (the case bus, on AWS and locally). */
export interface FleetReports {
  reported(report: FleetReport): Promise<void>;
}

/**
 * The cases whose report of one signal is within the window, oldest first. Report times are UTC
 * ISO-8601 instants, as every time on a case, so they compare and sort as text (no date parsing: this
 * runs on every opening).
 */
export function reportsWithin(
  reports: Readonly<Record<string, string>>,
  windowDays: number,
  now: Date,
): string[] {
  const since = new Date(now.getTime() - windowDays * 86_400_000).toISOString();
  return Object.entries(reports)
    .filter(([, at]) => at >= since)
    .sort(([, a], [, b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([caseId]) => caseId);
}

export const KnownIssueAction = z.enum(['confirm', 'widen', 'dismiss']);

export const KnownIssueDecision = z.object({
  decisionId: z.string(),
  action: KnownIssueAction,
  by: z.string(),
  at: z.string(),
  reason: z.string().optional(),
  /** Firmware versions a widening added. */
  firmwares: z.array(z.string()).optional(),
});
export type KnownIssueDecision = z.infer<typeof KnownIssueDecision>;

export const KnownIssue = z.object({
  issueId: z.string(),
  brand: z.string(),
  model: z.string(),
  /** The firmware versions it covers: the one reported, and any a person widened it to. */
  firmwares: z.array(z.string()),
  kind: SignalKind,
  what: z.string(),
  /** open: detected, charges waived; confirmed: a person agreed; dismissed: charges apply again. */
  status: z.enum(['open', 'confirmed', 'dismissed']),
  openedAt: z.string(),
  /** The cases whose reports raised it. */
  raisedBy: z.array(z.string()),
  decisions: z.array(KnownIssueDecision),
  /** Why a person dismissed it, as the cases' timelines say. */
  dismissal: z.object({ reason: z.string(), by: z.string(), at: z.string() }).optional(),
});
export type KnownIssue = z.infer<typeof KnownIssue>;

/** What an agent or admin sends to decide on a known issue. */
export const KnownIssueDecisionRequest = z.discriminatedUnion('action', [
  z.strictObject({
    decisionId: z.string().min(1).max(100),
    action: z.literal('confirm'),
    reason: z.string().trim().max(500).optional(),
  }),
  z.strictObject({
    decisionId: z.string().min(1).max(100),
    action: z.literal('widen'),
    firmwares: z
      .array(
        z.string('Give a firmware version as text.').trim().min(1).max(40),
        'Give a list of firmware versions.',
      )
      .min(1, 'Give at least one firmware version to add.')
      .max(50, 'Give at most 50 firmware versions.'),
    reason: z.string().trim().max(500).optional(),
  }),
  z.strictObject({
    decisionId: z.string().min(1).max(100),
    action: z.literal('dismiss'),
    reason: z
      .string('Say why: the customers whose charges return read it.')
      .trim()
      .min(1, 'Say why: the customers whose charges return read it.')
      .max(500),
  }),
]);
export type KnownIssueDecisionRequest = z.infer<typeof KnownIssueDecisionRequest>;

/** Whether charges are waived under the issue. */
export const waives = (issue: KnownIssue) => issue.status !== 'dismissed';

/** The issue as its customers read it: "a known issue with Cam 3 on firmware 3.1". */
export function issueWords(issue: Pick<KnownIssue, 'model' | 'firmwares'>): string {
  const firmwares = issue.firmwares.join(' or ');
  return `a known issue with ${issue.model} on firmware ${firmwares}`;
}

/** Whether a case's device and report fall under the issue (a fault issue also needs the fault found). */
export function caseMatches(issue: KnownIssue, kase: Case, faultCode = kase.diagnosis?.faultCode): boolean {
  if (kase.brand !== issue.brand || kase.device.model !== issue.model) return false;
  if (!kase.device.firmware || !issue.firmwares.includes(kase.device.firmware)) return false;
  return issue.kind === 'symptom' ? kase.problem.category === issue.what : faultCode === issue.what;
}

/** The decision of a person on an issue: once per decision id; a dismissed issue takes no other. */
export function decideIssue(
  issue: KnownIssue,
  request: KnownIssueDecisionRequest,
  by: string,
  now: Date,
): KnownIssue {
  if (issue.decisions.some((decision) => decision.decisionId === request.decisionId)) return issue;
  const decision: KnownIssueDecision = {
    decisionId: request.decisionId,
    action: request.action,
    by,
    at: now.toISOString(),
    ...(request.reason ? { reason: request.reason } : {}),
    ...(request.action === 'widen' ? { firmwares: request.firmwares } : {}),
  };
  const decisions = [...issue.decisions, decision];
  switch (request.action) {
    case 'confirm':
      return { ...issue, status: 'confirmed', decisions };
    case 'widen':
      return {
        ...issue,
        firmwares: [...new Set([...issue.firmwares, ...request.firmwares])],
        decisions,
      };
    case 'dismiss':
      return {
        ...issue,
        status: 'dismissed',
        decisions,
        dismissal: { reason: request.reason, by, at: now.toISOString() },
      };
  }
}

export type CaseKnownIssue = NonNullable<Case['knownIssue']>;

/** Statuses in which a case still has charges to waive or an estimate to withdraw. */
const OPEN: readonly Case['status'][] = [
  'opened',
  'awaiting-arrival',
  'at-depot',
  'awaiting-estimate-answer',
  'in-repair',
];

/** Whether a diagnosis of `faultCode` on the case is free under its known issue. */
export function knownIssueWaives(kase: Case, faultCode: string): CaseKnownIssue | undefined {
  const link = kase.knownIssue;
  if (link?.status !== 'waived') return undefined;
  return link.kind === 'symptom' || link.what === faultCode ? link : undefined;
}

const BY = 'system:known-issues';
const sentence = (words: string) => words.charAt(0).toUpperCase() + words.slice(1);

/**
 * A known issue reaches a case (P2): free diagnosis and no charge for its fault, told on the timeline
 * and to the customer. A live coverage denial is overturned, an estimate awaiting the customer's answer
 * withdrawn (`answersEstimate`: the caller answers the workflow's wait for it, which goes on to the
 * repair) and an approved one's charges waived. Once per issue; a case past the repair is left to a
 * person (a refund is their decision).
 */
export function waiveForKnownIssue(
  kase: Case,
  issue: KnownIssue,
  policy: BrandPolicy,
  now: Date,
): { case: Case; answersEstimate: boolean } {
  const unchanged = { case: kase, answersEstimate: false };
  if (!waives(issue) || !OPEN.includes(kase.status)) return unchanged;
  if (kase.knownIssue?.issueId === issue.issueId && kase.knownIssue.status === 'waived') return unchanged;
  const words = issueWords(issue);
  const free = `${sentence(words)}: no charge.`;
  const matched: Case = {
    ...kase,
    knownIssue: { issueId: issue.issueId, words, kind: issue.kind, what: issue.what, status: 'waived' },
    timeline: [
      ...kase.timeline,
      entry(
        now,
        'known-issue',
        `${free} The case matches known issue ${issue.issueId} (${issue.kind} ${issue.what}): diagnosis and repair are free.`,
        BY,
      ),
    ],
  };
  const { case: next, withdrawn, answersEstimate } = makeFree(matched, free, now);
  const told = `${free} Diagnosis and repair are free${withdrawn ? '; the estimate we sent you is withdrawn and nothing is asked of you' : ''}.`;
  const said = { key: withdrawn ? 'known-issue.withdrawn' : 'known-issue.free', values: saidOf(issue) };
  if (!answersEstimate) return { case: notify(next, told, now, said), answersEstimate };
  return { case: onToRepair(next, policy, now, told, said), answersEstimate };
}

/**
 * The brand's fault, for `reason` (a known issue, a service campaign): the diagnosis made free and the
 * repair covered, a coverage denial overturned, an estimate awaiting its answer or approved withdrawn
 * (an approved one's charges waived). `answersEstimate`: the workflow waits on that estimate's answer,
 * which the caller gives it (an `estimate-answered` event) and tells the customer with onToRepair.
 */
export function makeFree(
  kase: Case,
  reason: string,
  now: Date,
  by = BY,
): { case: Case; withdrawn: boolean; answersEstimate: boolean } {
  // A device that has left the depot is a person's decision (a refund), as for a known issue.
  if (!OPEN.includes(kase.status)) return { case: kase, withdrawn: false, answersEstimate: false };
  let next = kase;
  if (next.diagnosis)
    next = { ...next, diagnosis: { ...next.diagnosis, covered: true, diagnosisFree: true, reason } };
  if (liveDecision(next, 'coverage')) next = overturnDenial(next, 'coverage', reason, now, by).case;
  const estimate = next.estimate;
  const answersEstimate = estimate?.status === 'awaiting-answer';
  const withdrawn = answersEstimate || estimate?.status === 'approved';
  if (estimate && withdrawn) {
    const waived = estimate.status === 'approved' ? estimate.items : [];
    next = {
      ...next,
      estimate: { ...estimate, status: 'withdrawn', answeredAt: now.toISOString() },
      charges: next.charges.filter(
        (charge) =>
          !waived.some(
            (item) => item.description === charge.description && item.amountMinor === charge.amountMinor,
          ),
      ),
    };
  }
  return { case: next, withdrawn, answersEstimate };
}

/** A withdrawn estimate's wait is over: the case goes on to the repair, and its customer is told. */
export function onToRepair(kase: Case, policy: BrandPolicy, now: Date, told: string, said?: Said): Case {
  return advance(
    { ...kase, status: 'in-repair' },
    'Repair at the depot',
    brandDeadline(now, policy.sla.repairSeconds, policy),
    now,
    told,
    said,
  );
}

/** The issue's model and firmwares, as a notice catalogue fills them in (functions/domain/notice-words.ts). */
const saidOf = (issue: Pick<KnownIssue, 'model' | 'firmwares'>) => ({
  model: issue.model,
  firmwares: issue.firmwares.join('\n'),
});

/**
 * A dismissed issue (P8): its cases are charged again as any repair, from their next diagnosis, and
 * told why in the dismissal's words. A case that opens matching it is told the same. Once per issue.
 */
export function chargeAgain(kase: Case, issue: KnownIssue, now: Date): Case {
  const reason = issue.dismissal?.reason;
  if (waives(issue) || !reason || !OPEN.includes(kase.status)) return kase;
  const link = kase.knownIssue;
  if (link && (link.issueId !== issue.issueId || link.status === 'charged')) return kase;
  const words = issueWords(issue);
  const told = `We looked into ${words} and dismissed it: ${reason} Charges apply as for any repair; nothing is charged without an estimate you approve.`;
  return notify(
    {
      ...kase,
      knownIssue: {
        issueId: issue.issueId,
        words,
        kind: issue.kind,
        what: issue.what,
        status: 'charged',
        reason,
      },
      timeline: [
        ...kase.timeline,
        entry(now, 'known-issue-dismissed', `Known issue ${issue.issueId} dismissed: ${reason}`, BY),
      ],
    },
    told,
    now,
    { key: 'known-issue.dismissed', values: { ...saidOf(issue), reason } },
  );
}

/** Where known issues and the counts that raise them are kept (functions/adapters/known-issue-store.ts). */
export interface KnownIssueStore {
  /**
   * Records a case's report of a signal, once per case (a retried request changes nothing); answers
   * when each recent case reported it (at least the `keep` latest within `windowDays`: older ones are
   * let go, so the record stays small), and the issue covering the signal, if one does.
   */
  report(
    brand: string,
    signal: Signal,
    report: { caseId: string; at: string },
    bounds: { windowDays: number; keep: number; now: Date },
  ): Promise<{ reports: Record<string, string>; issueId?: string }>;
  /** The issue covering a signal, if one does: a read, for a step that applies an open issue to its case. */
  covering(brand: string, signal: Signal): Promise<string | undefined>;
  /** Points each signal at the issue, so later reports find it; answers the cases that reported them recently. */
  cover(brand: string, signals: readonly Signal[], issueId: string): Promise<string[]>;
  /** Notes that the issue reached a case: a dismissal finds every case it waived by these. */
  reached(brand: string, issueId: string, caseId: string): Promise<void>;
  /** The cases the issue reached. */
  casesOf(brand: string, issueId: string): Promise<string[]>;
  /** Opens the issue unless it exists already; answers the one stored. */
  open(issue: KnownIssue): Promise<KnownIssue>;
  get(brand: string, issueId: string): Promise<KnownIssue | undefined>;
  list(brand: string): Promise<KnownIssue[]>;
  /** Saves a decided issue if no other decision was saved since `before` was read; false if one was. */
  save(issue: KnownIssue, before: KnownIssue): Promise<boolean>;
}

/**
 * The reports a signal's record lets go: those older than the window, then the oldest beyond `keep`.
 * Counting needs no more: K reports within the window are the K latest, if any are.
 */
export function reportsToForget(
  reports: Readonly<Record<string, string>>,
  bounds: { windowDays: number; keep: number; now: Date },
): string[] {
  const recent = reportsWithin(reports, bounds.windowDays, bounds.now);
  const kept = new Set(recent.slice(Math.max(0, recent.length - bounds.keep)));
  return Object.keys(reports).filter((caseId) => !kept.has(caseId));
}
