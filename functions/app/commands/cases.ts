import { visibleTo } from '../../domain/access.ts';
import { type Actor, actorId, type Case } from '../../domain/case.ts';
import { supersedeDecision } from '../../domain/decisions.ts';
import { IdempotencyKeyReusedError, MissingFieldsError, PolicyIncompleteError } from '../../domain/errors.ts';
import { escalateCase, escalationTaken } from '../../domain/escalation.ts';
import { reopenAsComplaint, reopensOnComplaint } from '../../domain/handover.ts';
import {
  addressNeededFields,
  completeCustomer,
  completeDevice,
  openCase,
  unknownCustomerFields,
  unknownDeviceFields,
} from '../../domain/intake.ts';
import type { BrandPolicy, DecisionKind } from '../../domain/policy.ts';
import type { CaseRepository, DeviceHistory } from '../../domain/ports.ts';
import type { CaseOpening } from '../../domain/schemas.ts';
import { announceNotices, changeCase, mustGet, updateCase } from '../change-case.ts';
import type { Deps } from '../deps.ts';
import { caseIdFor, complaintExecutionName, fingerprintOf } from '../ids.ts';
import { casePolicy, currentPolicy } from '../policies.ts';

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
  command: {
    brand: string;
    actor: Actor;
    opening: CaseOpening;
    idempotencyKey?: string;
    /** What a caller other than the customer adds before the case is saved (a campaign: its owner, its link). */
    adding?: (opened: Case) => Case;
  },
  deps: Deps,
): Promise<{ case: Case; created: boolean }> {
  const { policy, version: policyVersion } = await currentPolicy(deps.policies, command.brand);
  // Idempotency-Key as the IETF draft has it, scoped to the caller: one conditional write of the case
  // is the record (no second table or write, as Powertools Idempotency would need), and the request's
  // fingerprint on it tells a retry (the same case again) from a reused key (422).
  const caseId = caseIdFor(command.brand, actorId(command.actor), command.idempotencyKey);
  const fingerprint = command.idempotencyKey ? fingerprintOf(command.opening) : undefined;
  // Without a key the id is new and random (60 bits): nothing to find under it, so nothing is read.
  const existing = command.idempotencyKey ? await deps.repo.get(command.brand, caseId) : undefined;
  if (existing)
    return replay(
      existing,
      fingerprint,
      command.idempotencyKey,
      await casePolicy(deps.policies, existing),
      deps,
    );
  const { serial } = command.opening.device;
  const known = knownCasesOf(await deps.repo.deviceHistory(command.brand, serial), command.actor);
  const onFile = await customerOnFile(command, deps.repo);
  // Every fact nothing on file tells, asked at once (P9).
  const missing = [
    ...unknownCustomerFields(command.opening.customer, onFile),
    ...addressNeededFields(command.opening, onFile),
    ...unknownDeviceFields(command.opening.device, known.at(-1)?.device),
  ];
  if (missing.length > 0) throw new MissingFieldsError(missing);
  const device = completeDevice(command.opening.device, known.at(-1)?.device);
  const customer = completeCustomer(command.opening.customer, onFile);
  const opened = openCase(
    { ...command.opening, customer },
    { brand: command.brand, caseId },
    device,
    known.map((kase) => kase.caseId),
    policy,
    deps.now,
    command.actor,
  );
  // The version it opened under governs what the case was promised, to its end (casePolicy).
  const fresh = {
    ...(command.adding ? command.adding(opened) : opened),
    policyVersion,
    ...(fingerprint ? { openingFingerprint: fingerprint } : {}),
  };
  const created = await deps.repo.create(fresh);
  // A random id already taken (no key, so not this caller's retry): the case opens under another.
  if (!created && !command.idempotencyKey) return openCaseCommand(command, deps);
  if (!created)
    return replay(
      await mustGet(deps.repo, command.brand, caseId),
      fingerprint,
      command.idempotencyKey,
      policy,
      deps,
    );
  if (command.actor.role === 'customer')
    await deps.repo.keepCustomerOnFile(
      command.brand,
      command.actor.subject,
      customer,
      fresh.openedAt,
      caseId,
    );
  await announceNotices(fresh, fresh.notifications, deps);
  await deps.workflow.start(caseId, workflowInput(fresh, policy));
  return { case: fresh, created };
}

/** What a signed-in customer gave of themselves before (P3); staff type the customer's details. */
function customerOnFile(caller: { brand: string; actor: Actor }, repo: CaseRepository) {
  return caller.actor.role === 'customer'
    ? repo.customerOnFile(caller.brand, caller.actor.subject)
    : Promise.resolve(undefined);
}

/**
 * The caller's key again: the same request answers the case it opened (whose workflow the first
 * attempt may not have started before it failed); another request under the key is refused.
 */
async function replay(
  existing: Case,
  fingerprint: string | undefined,
  key: string | undefined,
  policy: BrandPolicy,
  deps: Deps,
): Promise<{ case: Case; created: false }> {
  // A case opened before fingerprints were kept is taken as the same request.
  if (fingerprint && existing.openingFingerprint && existing.openingFingerprint !== fingerprint)
    throw new IdempotencyKeyReusedError(key ?? '');
  await deps.workflow.start(existing.caseId, workflowInput(existing, policy));
  return { case: existing, created: false };
}

/**
 * The device's earlier cases the caller may know of: all of them for staff; for a customer or a
 * technician only their own, so a guessed serial tells them nothing (P14), not even through intake.
 */
function knownCasesOf<T extends DeviceHistory['cases'][number]>(
  history: { readonly cases: readonly T[] },
  actor: Actor,
): T[] {
  return history.cases.filter((kase) => visibleTo(kase, actor));
}

/**
 * For a case opening that has other errors too: which customer and device fields nothing on file
 * supplies, so the customer hears of every field at once (P9), not of these on the next attempt.
 */
export async function unknownFieldsOf(brand: string, actor: Actor, body: unknown, repo: CaseRepository) {
  const opening = (body ?? {}) as {
    customer?: { name?: unknown; email?: unknown; address?: unknown };
    pickupAt?: unknown;
  };
  const customer = opening.customer ?? {};
  const needsFile =
    customer.name === undefined || customer.email === undefined || opening.pickupAt !== undefined;
  const file = needsFile ? await customerOnFile({ brand, actor }, repo) : undefined;
  const onFile = [
    ...(customer.name === undefined || customer.email === undefined
      ? unknownCustomerFields(customer, file)
      : []),
    ...addressNeededFields({ ...opening, customer }, file),
  ];
  return [...onFile, ...(await unknownDeviceFieldsOf(brand, actor, body, repo))];
}

async function unknownDeviceFieldsOf(brand: string, actor: Actor, body: unknown, repo: CaseRepository) {
  const device = (body as { device?: { serial?: unknown; model?: unknown; purchaseDate?: unknown } } | null)
    ?.device;
  if (typeof device?.serial !== 'string' || (device.model !== undefined && device.purchaseDate !== undefined))
    return [];
  const known = knownCasesOf(await repo.deviceHistory(brand, device.serial.trim()), actor);
  return unknownDeviceFields(device, known.at(-1)?.device);
}

/**
 * A person escalates the case (P7); answers the escalation: who owns the case now, by when they respond,
 * and whether this request took the case up (`climbed`) or found one pending (a customer asking again
 * before the owner's deadline, or the same request again). A closed case reopens as a complaint, with an
 * execution of its own to climb the ladder on its deadlines.
 */
export async function escalateCaseCommand(
  command: { brand: string; caseId: string; actor: Actor; request: { escalationId: string; reason: string } },
  deps: Deps,
) {
  const by = actorId(command.actor);
  let policy: BrandPolicy | undefined;
  const { case: after, result: climbed } = await changeCase(
    { ...command, seen: [command.request.escalationId] },
    deps,
    async (kase) => {
      policy = await casePolicy(deps.policies, kase);
      const changed = reopensOnComplaint(kase)
        ? reopenAsComplaint(kase, command.request, policy, deps.now, by)
        : escalateCase(kase, command.request, policy, deps.now, by);
      return { case: changed, result: escalationTaken(kase, changed) };
    },
  );
  // Every brand's ladder has a level: an escalated case always carries its escalation.
  if (!after.escalation) throw new PolicyIncompleteError(`Case ${after.caseId} has no escalation ladder.`);
  if (after.status === 'reopened' && after.handover?.kind === 'complaint') {
    const input = {
      ...workflowInput(after, policy ?? (await casePolicy(deps.policies, after))),
      reopened: after.handover.id,
    };
    await deps.workflow.start(complaintExecutionName(after.caseId, after.handover.id), input);
  }
  return { escalation: after.escalation, climbed };
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
  return updateCase({ ...command, seen: [command.request.supersessionId] }, deps, async (kase) =>
    supersedeDecision(
      kase,
      command.decision,
      command.request,
      await casePolicy(deps.policies, kase),
      deps.now,
      by,
    ),
  );
}
