import { createHash } from 'node:crypto';
import { type Actor, actorId, type Case } from '../domain/case.ts';
import { ConflictError, NotFoundError } from '../domain/errors.ts';
import { inboxKey, recordEvent } from '../domain/event-inbox.ts';
import {
  caseMatches,
  chargeAgain,
  decideIssue,
  type FleetReport,
  faultSignal,
  type KnownIssue,
  type KnownIssueDecisionRequest,
  type KnownIssueStore,
  openingSignal,
  reportsWithin,
  type Signal,
  signalKey,
  waiveForKnownIssue,
  waives,
} from '../domain/known-issues.ts';
import type { BrandPolicy } from '../domain/policy.ts';
import type { CaseEvent } from '../domain/schemas.ts';
import { changeCase } from './change-case.ts';
import type { Deps } from './deps.ts';
import { casePolicy, policyOf } from './policies.ts';

/**
 * Known issues as the application runs them (functions/domain/known-issues.ts): detection at the two
 * reports that count (a case's opening, the depot's diagnosis), bringing an issue to its cases, and a
 * person's decisions on it.
 */

/** The workflow itself, as it answers an estimate a known issue withdrew. */
const SYSTEM: Actor = { role: 'system', subject: 'known-issues' };

/** An issue's id is its signal's: two reports crossing the threshold together open one issue. */
export const issueIdFor = (brand: string, signal: Signal) =>
  `KI-${createHash('sha256')
    .update(`${brand}\n${signalKey(signal)}`)
    .digest('hex')
    .slice(0, 12)
    .toUpperCase()}`;

/** The store, which every deps of a function that detects carries; a missing one is a wiring mistake. */
function storeOf(deps: Deps): KnownIssueStore {
  if (!deps.knownIssues) throw new Error('Known issues need deps.knownIssues (functions/shared/deps.ts).');
  return deps.knownIssues;
}

/**
 * The report a case makes to the fleet's known issues at one of the two moments that count (plan: the
 * symptom at opening; applyDiagnosis: the fault the depot found, `faultCode`), if it makes one: none for
 * a brand whose policy has no `knownIssues` (one cached policy read), a device without its firmware, or
 * a case a campaign opened (its owner saw no failure).
 */
async function reportOf(kase: Case, faultCode: string | undefined, deps: Deps) {
  if (faultCode === undefined && kase.campaign?.opened) return undefined;
  const settings = (await policyOf(deps.policies, kase.brand)).knownIssues;
  if (!settings) return undefined;
  const signal = faultCode === undefined ? openingSignal(kase) : faultSignal(kase, faultCode);
  return signal ? { settings, signal } : undefined;
}

/**
 * The step that has the case in hand applies an issue already open for its report, by a read: a case
 * diagnosed after its issue opened is never sent an estimate. Counting the report is detection's, from
 * the event the step publishes once the case is saved (announceReport, countReport).
 */
export async function applyKnownIssue(
  kase: Case,
  faultCode: string | undefined,
  policy: BrandPolicy,
  deps: Deps,
): Promise<Case> {
  const report = await reportOf(kase, faultCode, deps);
  if (!report) return kase;
  const store = storeOf(deps);
  const issueId = await store.covering(kase.brand, report.signal);
  const issue = issueId ? await store.get(kase.brand, issueId) : undefined;
  if (!issue || !caseMatches(issue, kase, faultCode ?? kase.diagnosis?.faultCode)) return kase;
  if (!waives(issue)) return chargeAgain(kase, issue, deps.now);
  await store.reached(kase.brand, issue.issueId, kase.caseId);
  return waiveForKnownIssue(kase, issue, policy, deps.now).case;
}

/**
 * Puts the case's report on the case bus ("Case opened", "Case diagnosed"), once the step saved the
 * case: detection counts it there (countReport). A retried step publishes again; it counts once.
 */
export async function announceReport(kase: Case, faultCode: string | undefined, deps: Deps): Promise<void> {
  const report = await reportOf(kase, faultCode, deps);
  if (!report) return;
  if (!deps.fleetReports) throw new Error('Reports need deps.fleetReports (functions/shared/deps.ts).');
  const occurredAt = faultCode === undefined ? kase.openedAt : (kase.diagnosis?.at ?? deps.now.toISOString());
  await deps.fleetReports.reported({
    brand: kase.brand,
    caseId: kase.caseId,
    signal: report.signal,
    occurredAt,
  });
}

/**
 * Detection, from a report on the case bus: one write counts it, once per case however often the event
 * comes (the store sets the case's own attribute only if absent). The report that brings the signal to
 * the brand's threshold within its window opens the issue and brings it to every case that raised it; a
 * report of a signal an issue already covers brings it to its own case (its step may have looked before
 * the issue opened). Each case changes once per issue, so a redelivered event changes nothing more.
 */
export async function countReport(report: FleetReport, deps: Deps): Promise<KnownIssue | undefined> {
  const settings = (await policyOf(deps.policies, report.brand)).knownIssues;
  if (!settings) return undefined;
  const store = storeOf(deps);
  const { brand, caseId, signal } = report;
  const bounds = { windowDays: settings.windowDays, keep: settings.threshold, now: deps.now };
  const { reports, issueId } = await store.report(brand, signal, { caseId, at: report.occurredAt }, bounds);
  if (issueId) {
    const issue = await store.get(brand, issueId);
    if (issue) await bringToCase(issue, caseId, deps);
    return issue;
  }
  const raisedBy = reportsWithin(reports, settings.windowDays, deps.now);
  if (raisedBy.length < settings.threshold) return undefined;
  const issue = await store.open({
    issueId: issueIdFor(brand, signal),
    brand,
    model: signal.model,
    firmwares: [signal.firmware],
    kind: signal.kind,
    what: signal.what,
    status: 'open',
    openedAt: deps.now.toISOString(),
    raisedBy,
    decisions: [],
  });
  await bringToCases(issue, deps);
  return issue;
}

/**
 * The issue reaches every case that recently reported one of its signals (its firmwares) or that it
 * reached before: charges waived while it stands, charged again once dismissed. Each case changes once
 * per issue, so running this again (a retried request or step) finishes what an interrupted run left.
 */
async function bringToCases(issue: KnownIssue, deps: Deps) {
  const signals = issue.firmwares.map((firmware) => ({
    kind: issue.kind,
    model: issue.model,
    firmware,
    what: issue.what,
  }));
  const store = storeOf(deps);
  const [reporting, reached] = await Promise.all([
    store.cover(issue.brand, signals, issue.issueId),
    store.casesOf(issue.brand, issue.issueId),
  ]);
  const caseIds = [...new Set([...reporting, ...reached])];
  // A few at a time: each is a read and a write of its case, and perhaps a workflow resumed.
  for (let i = 0; i < caseIds.length; i += 8)
    await Promise.all(caseIds.slice(i, i + 8).map((caseId) => bringToCase(issue, caseId, deps)));
}

async function bringToCase(issue: KnownIssue, caseId: string, deps: Deps) {
  const answerId = `known-issue:${issue.issueId}`;
  const seen = [inboxKey(SYSTEM.role, answerId)];
  await changeCase({ brand: issue.brand, caseId, seen }, deps, async (kase) => {
    const unchanged = { case: kase, result: undefined };
    if (!caseMatches(issue, kase)) return unchanged;
    // A dismissal reaches the cases the issue waived; a case that never was is charged as it was.
    if (!waives(issue))
      return kase.knownIssue?.issueId === issue.issueId
        ? { case: chargeAgain(kase, issue, deps.now), result: undefined }
        : unchanged;
    await storeOf(deps).reached(issue.brand, issue.issueId, caseId);
    // The customer has nothing left to answer: the withdrawal answers the estimate's wait, as a grant does.
    const answer: CaseEvent = {
      type: 'estimate-answered',
      eventId: answerId,
      occurredAt: deps.now.toISOString(),
      approved: true,
    };
    const answered =
      kase.estimate?.status === 'awaiting-answer' ? recordEvent(kase, answer, deps.now, SYSTEM) : undefined;
    const policy = await casePolicy(deps.policies, kase);
    const { case: waived } = waiveForKnownIssue(answered?.case ?? kase, issue, policy, deps.now);
    if (waived === (answered?.case ?? kase)) return unchanged;
    return { case: waived, result: undefined, deliver: answered?.deliver };
  });
}

/** The brand's known issues, newest first. */
export async function listKnownIssues(brand: string, deps: Deps): Promise<KnownIssue[]> {
  const issues = await storeOf(deps).list(brand);
  return issues.sort((a, b) => b.openedAt.localeCompare(a.openedAt));
}

/**
 * A person confirms, widens or dismisses a known issue (P8: a dismissal says why, and the cases it
 * charges again read it). Once per decision id; then the issue is brought to its cases again.
 */
export async function decideKnownIssueCommand(
  command: { brand: string; issueId: string; actor: Actor; request: KnownIssueDecisionRequest },
  deps: Deps,
): Promise<KnownIssue> {
  const store = storeOf(deps);
  const { brand, issueId, request } = command;
  for (let attempt = 1; ; attempt++) {
    const issue = await store.get(brand, issueId);
    if (!issue) throw new NotFoundError(`known issue ${issueId}`);
    const known = issue.decisions.some((decision) => decision.decisionId === request.decisionId);
    if (!known && issue.status === 'dismissed')
      throw new ConflictError(
        `Known issue ${issueId} was dismissed (${issue.dismissal?.reason ?? 'no reason kept'}): it takes no further decision.`,
        'Known issue dismissed',
      );
    const decided = decideIssue(issue, request, actorId(command.actor), deps.now);
    if (decided === issue || (await store.save(decided, issue))) {
      await bringToCases(decided, deps);
      return decided;
    }
    if (attempt >= 5)
      throw new ConflictError(
        `Known issue ${issueId} is being decided by someone else: read it and try again.`,
      );
  }
}
