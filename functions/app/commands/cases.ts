import { type Actor, actorId, type Case } from '../../domain/case.ts';
import { supersedeDecision } from '../../domain/decisions.ts';
import { PolicyIncompleteError } from '../../domain/errors.ts';
import { escalateCase } from '../../domain/escalation.ts';
import { reopenAsComplaint, reopensOnComplaint } from '../../domain/handover.ts';
import { completeDevice, openCase, unknownDeviceFields } from '../../domain/intake.ts';
import { type BrandPolicy, type DecisionKind, policyFor } from '../../domain/policy.ts';
import type { CaseRepository } from '../../domain/ports.ts';
import type { CaseOpening } from '../../domain/schemas.ts';
import { mustGet, updateCase } from '../change-case.ts';
import type { Deps } from '../deps.ts';
import { caseIdFor, complaintExecutionName } from '../ids.ts';

/** Opening a case, and the changes a person makes to it outside the workflow's waits: escalations, supersessions. */

/** What the workflow needs to run a case: its identity and the brand's deadlines. */
export function workflowInput(kase: Case, policy: BrandPolicy) {
  return {
    brand: kase.brand,
    caseId: kase.caseId,
    sla: {
      ...policy.sla,
      surveySeconds: policy.surveyWindowSeconds,
    },
    ...(kase.pickupAt ? { pickupAt: kase.pickupAt } : {}),
  };
}

export async function openCaseCommand(
  command: { brand: string; actor: Actor; opening: CaseOpening; idempotencyKey?: string },
  deps: Deps,
): Promise<{ case: Case; created: boolean }> {
  const policy = policyFor(command.brand);
  const caseId = caseIdFor(command.brand, command.idempotencyKey);
  const existing = await deps.repo.get(command.brand, caseId);
  if (existing) {
    // A replay: the first attempt may have stored the case and failed before starting its workflow.
    await deps.workflow.start(caseId, workflowInput(existing, policy));
    return { case: existing, created: false };
  }
  const { serial } = command.opening.device;
  const history = await deps.repo.deviceHistory(command.brand, serial);
  const device = completeDevice(command.opening.device, history.cases.at(-1)?.device);
  const fresh = openCase(
    command.opening,
    { brand: command.brand, caseId },
    device,
    history.cases.map((kase) => kase.caseId),
    policy,
    deps.now,
    command.actor,
  );
  const created = await deps.repo.create(fresh);
  const kase = created ? fresh : await mustGet(deps.repo, command.brand, caseId);
  await deps.workflow.start(caseId, workflowInput(kase, policy));
  return { case: kase, created };
}

/**
 * For a case opening that has other errors too: which device fields the brand's records cannot
 * supply, so the customer hears of every field at once (P9), not of these on the next attempt.
 */
export async function unknownDeviceFieldsOf(brand: string, body: unknown, repo: CaseRepository) {
  const device = (body as { device?: { serial?: unknown; model?: unknown; purchaseDate?: unknown } } | null)
    ?.device;
  if (typeof device?.serial !== 'string' || (device.model !== undefined && device.purchaseDate !== undefined))
    return [];
  const history = await repo.deviceHistory(brand, device.serial.trim());
  return unknownDeviceFields(device, history.cases.at(-1)?.device);
}

/**
 * A person escalates the case (P7); answers the escalation: who owns the case now, by when they respond.
 * A closed case reopens as a complaint, with an execution of its own to climb the ladder on its deadlines.
 */
export function escalateCaseCommand(
  command: { brand: string; caseId: string; actor: Actor; request: { escalationId: string; reason: string } },
  deps: Deps,
) {
  const by = actorId(command.actor);
  const policy = policyFor(command.brand);
  return updateCase({ ...command, seen: [command.request.escalationId] }, deps, (kase) =>
    reopensOnComplaint(kase)
      ? reopenAsComplaint(kase, command.request, policy, deps.now, by)
      : escalateCase(kase, command.request, policy, deps.now, by),
  ).then(async (after) => {
    // Every brand's ladder has a level: an escalated case always carries its escalation.
    if (!after.escalation) throw new PolicyIncompleteError(`Case ${after.caseId} has no escalation ladder.`);
    if (after.status === 'reopened' && after.handover?.kind === 'complaint') {
      const input = { ...workflowInput(after, policy), reopened: after.handover.id };
      await deps.workflow.start(complaintExecutionName(after.caseId, after.handover.id), input);
    }
    return after.escalation;
  });
}

/** A person replaces a denial's reason, with a justification; the customer sees both reasons (P8). */
export function supersedeDecisionCommand(
  command: {
    brand: string;
    caseId: string;
    actor: Actor;
    decision: DecisionKind;
    request: { supersessionId: string; code: string; justification: string };
  },
  deps: Deps,
) {
  const by = actorId(command.actor);
  const policy = policyFor(command.brand);
  return updateCase({ ...command, seen: [command.request.supersessionId] }, deps, (kase) =>
    supersedeDecision(kase, command.decision, command.request, policy, deps.now, by),
  );
}
