import { createHash } from 'node:crypto';
import { type Actor, actorId } from '../domain/case.ts';
import { ConflictError, NotFoundError } from '../domain/errors.ts';
import { inboxKey, recordEvent } from '../domain/event-inbox.ts';
import {
  caseMatches,
  chargeAgain,
  decideIssue,
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
import type { CaseEvent } from '../domain/schemas.ts';
import { changeCase, mustGet } from './change-case.ts';
import type { Deps } from './deps.ts';
import { casePolicy, policyOf } from './policies.ts';
import type { StepInput } from './workflow-steps.ts';

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
 * Before the steps that report (plan: the symptom at opening; applyDiagnosis: the fault found), the
 * case's report is counted, once however often the step runs. Off for a brand whose policy has no
 * `knownIssues`: then this costs one cached policy read.
 */
export async function detectKnownIssues(input: StepInput, deps: Deps): Promise<void> {
  if (input.step !== 'plan' && input.step !== 'applyDiagnosis') return;
  const settings = (await policyOf(deps.policies, input.brand)).knownIssues;
  if (!settings) return;
  const kase = await mustGet(deps.repo, input.brand, input.caseId);
  const faultCode = input.step === 'applyDiagnosis' ? input.event.faultCode : undefined;
  const signal = faultCode === undefined ? openingSignal(kase) : faultSignal(kase, faultCode);
  if (!signal) return;
  const store = storeOf(deps);
  const at = faultCode === undefined ? kase.openedAt : deps.now.toISOString();
  const { reports, issueId } = await store.report(kase.brand, signal, kase.caseId, at);
  const current = { caseId: kase.caseId, faultCode };
  if (issueId) {
    const issue = await store.get(kase.brand, issueId);
    if (issue) await bringToCase(issue, kase.caseId, deps, current);
    return;
  }
  const raisedBy = reportsWithin(reports, settings.windowDays, deps.now);
  if (raisedBy.length < settings.threshold) return;
  const issue = await store.open({
    issueId: issueIdFor(kase.brand, signal),
    brand: kase.brand,
    model: signal.model,
    firmwares: [signal.firmware],
    kind: signal.kind,
    what: signal.what,
    status: 'open',
    openedAt: deps.now.toISOString(),
    raisedBy,
    decisions: [],
  });
  await bringToCases(issue, deps, current);
}

/**
 * The issue reaches every case that reported one of its signals (its firmwares): charges waived while
 * it stands, charged again once dismissed. Each case changes once per issue, so running this again
 * (a retried request or step) finishes what an interrupted run left.
 */
async function bringToCases(issue: KnownIssue, deps: Deps, current?: { caseId: string; faultCode?: string }) {
  const signals = issue.firmwares.map((firmware) => ({
    kind: issue.kind,
    model: issue.model,
    firmware,
    what: issue.what,
  }));
  const caseIds = await storeOf(deps).cover(issue.brand, signals, issue.issueId);
  // A few at a time: each is a read and a write of its case, and perhaps a workflow resumed.
  for (let i = 0; i < caseIds.length; i += 8)
    await Promise.all(caseIds.slice(i, i + 8).map((caseId) => bringToCase(issue, caseId, deps, current)));
}

async function bringToCase(
  issue: KnownIssue,
  caseId: string,
  deps: Deps,
  current?: { caseId: string; faultCode?: string | undefined },
) {
  const answerId = `known-issue:${issue.issueId}`;
  await changeCase(
    { brand: issue.brand, caseId, seen: [inboxKey(SYSTEM.role, answerId)] },
    deps,
    async (kase) => {
      const faultCode = current?.caseId === caseId ? current.faultCode : undefined;
      if (!caseMatches(issue, kase, faultCode ?? kase.diagnosis?.faultCode))
        return { case: kase, result: undefined };
      if (!waives(issue)) return { case: chargeAgain(kase, issue, deps.now), result: undefined };
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
      if (waived === (answered?.case ?? kase)) return { case: kase, result: undefined };
      return { case: waived, result: undefined, deliver: answered?.deliver };
    },
  );
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
