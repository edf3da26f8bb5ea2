import { createHash, randomBytes } from 'node:crypto';
import {
  type Actor,
  acknowledge,
  assertApplied,
  beginWait,
  type Case,
  type CaseOpening,
  type DepotEvent,
  openCase,
  recordEvent,
  returnUndelivered,
  type WaitRequest,
  workflowInput,
} from './case.ts';
import { CaseNotFoundError } from './errors.ts';
import { policyFor } from './policy.ts';
import type { CaseRepository, Workflow } from './ports.ts';

/** The ports and the moment a command runs at; handlers pass the real adapters. */
export interface Deps {
  readonly repo: CaseRepository;
  readonly workflow: Workflow;
  readonly now: Date;
}

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A case id: derived from the client's idempotency key when there is one, so a retry finds the same case. */
export function caseIdFor(brand: string, idempotencyKey?: string): string {
  const bytes = idempotencyKey
    ? createHash('sha256').update(`${brand}\n${idempotencyKey}`).digest()
    : randomBytes(12);
  return `RMA-${[...bytes.subarray(0, 12)].map((byte) => ALPHABET[byte % 32]).join('')}`;
}

export async function openCaseCommand(
  command: { brand: string; actor: Actor; opening: CaseOpening; idempotencyKey?: string },
  deps: Deps,
): Promise<{ case: Case; created: boolean }> {
  const policy = policyFor(command.brand);
  const caseId = caseIdFor(command.brand, command.idempotencyKey);
  const fresh = openCase(command.opening, { brand: command.brand, caseId }, policy, deps.now, command.actor);
  const created = await deps.repo.create(fresh);
  const kase = created ? fresh : await mustGet(deps.repo, command.brand, caseId);
  // Also on a replay: the first attempt may have stored the case and failed before starting its workflow.
  await deps.workflow.start(caseId, workflowInput(kase, policy));
  return { case: kase, created };
}

export async function getCaseQuery(brand: string, caseId: string, repo: CaseRepository): Promise<Case> {
  return mustGet(repo, brand, caseId);
}

export async function recordDepotEventCommand(
  command: { brand: string; caseId: string; actor: Actor; event: DepotEvent },
  deps: Deps,
) {
  const before = await mustGet(deps.repo, command.brand, command.caseId);
  const { case: recorded, outcome, deliver } = recordEvent(before, command.event, deps.now, command.actor);
  if (outcome === 'duplicate') return { outcome };
  const saved = await deps.repo.save(recorded, before.version);
  if (deliver) await deliverEvent(saved, deliver.token, deliver.event, deps);
  assertApplied(outcome, command.event, saved);
  return { outcome };
}

export async function acknowledgeCaseCommand(
  command: { brand: string; caseId: string },
  deps: Deps,
): Promise<Case> {
  const before = await mustGet(deps.repo, command.brand, command.caseId);
  const acknowledged = acknowledge(before, deps.now);
  return acknowledged === before ? before : deps.repo.save(acknowledged, before.version);
}

/** Called by the workflow when a step starts waiting; resumes it at once with an event that came early. */
export async function beginWaitCommand(
  command: { brand: string; caseId: string; wait: WaitRequest },
  deps: Deps,
) {
  const before = await mustGet(deps.repo, command.brand, command.caseId);
  const { case: waiting, deliver } = beginWait(before, command.wait, deps.now);
  const saved = waiting === before ? before : await deps.repo.save(waiting, before.version);
  if (deliver) await deliverEvent(saved, command.wait.token, deliver, deps);
}

async function deliverEvent(kase: Case, token: string, event: DepotEvent, deps: Deps) {
  if (await deps.workflow.resume(token, { event })) return;
  // The wait ended before the event reached it: keep the event for the step that waits next.
  await deps.repo.save(returnUndelivered(kase, event), kase.version);
}

async function mustGet(repo: CaseRepository, brand: string, caseId: string): Promise<Case> {
  const kase = await repo.get(brand, caseId);
  if (!kase) throw new CaseNotFoundError(caseId);
  return kase;
}
