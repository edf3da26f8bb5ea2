import { type Actor, actorId, type Case } from '../../domain/case.ts';
import {
  certificateNumber,
  chooseCustody,
  custodyItem,
  DESTRUCTION_METHODS,
  destroyPart,
  releasePart,
  removePart,
  returnPart,
} from '../../domain/custody.ts';
import { InvalidFieldsError } from '../../domain/errors.ts';
import { inboxKey, recordEvent } from '../../domain/event-inbox.ts';
import { occurredAtErrors } from '../../domain/event-times.ts';
import { localTime } from '../../domain/notice-words.ts';
import type { BrandPolicy } from '../../domain/policy.ts';
import type { CaseEvent, CustodyEvent } from '../../domain/schemas.ts';
import { changeCase } from '../change-case.ts';
import type { Deps } from '../deps.ts';
import { certificateIdFor } from '../ids.ts';
import { casePolicy } from '../policies.ts';

/**
 * Changes the custody ledger (P5); when the case waits for its items to be settled, it is told by a
 * `custody-changed` event named after the change, so a retried change nudges it once.
 */
async function changeCustody(
  command: { brand: string; caseId: string; actor: Actor; changeId: string },
  change: (kase: Case) => Promise<Case> | Case,
  deps: Deps,
): Promise<Case> {
  const nudgeId = `custody:${command.changeId}`;
  const seen = [command.changeId, inboxKey(command.actor.role, nudgeId)];
  const { case: saved } = await changeCase({ ...command, seen }, deps, async (before) => {
    const changed = await change(before);
    if (changed === before || changed.status !== 'settling-custody')
      return { case: changed, result: undefined };
    const nudge: CaseEvent = {
      type: 'custody-changed',
      eventId: nudgeId,
      occurredAt: deps.now.toISOString(),
    };
    const told = recordEvent(changed, nudge, deps.now, command.actor);
    return { case: told.case, result: undefined, deliver: told.deliver };
  });
  return saved;
}

/** The name of the brand's technician signed in as `actor`, if they are one of its technicians. */
function technicianName(policy: BrandPolicy, actor: Actor): string | undefined {
  return policy.technicians.find((technician) => technician.id === actor.subject)?.name;
}

/** A depot or a technician reports a part removed, destroyed or handed back (P5). */
export function custodyEventCommand(
  command: { brand: string; caseId: string; actor: Actor; event: CustodyEvent; holder: string },
  deps: Deps,
) {
  const { event } = command;
  const by = actorId(command.actor);
  const { printer, repo, now } = deps;
  return changeCustody(
    { ...command, changeId: event.eventId },
    async (kase) => {
      const errors = occurredAtErrors(kase, event, now);
      if (errors.length > 0) throw new InvalidFieldsError(errors);
      if (event.type === 'part-removed')
        return removePart(kase, event, await casePolicy(deps.policies, kase), now, command.holder);
      if (event.type === 'part-returned') return returnPart(kase, event, now, by);
      const certificateDocumentId = certificateIdFor(event.itemId);
      // Decided before the certificate exists: none is printed for a refused or repeated destruction.
      const destroyed = destroyPart(kase, event, certificateDocumentId, now, by);
      if (destroyed === kase) return kase;
      // The certificate states the case's own record, as the destruction was just written to it.
      const item = custodyItem(destroyed, event.itemId);
      const destruction = item.chain.at(-1);
      const policy = await casePolicy(deps.policies, kase);
      const timeZone = policy.timezone ?? policy.businessHours?.timezone ?? 'UTC';
      const method = DESTRUCTION_METHODS[event.method];
      const chosenAt = destroyed.custodyChoice?.at;
      const pdf = await printer.destructionCertificate({
        number: certificateNumber(destroyed),
        brand: policy.displayName,
        caseId: kase.caseId,
        part: item.description,
        serial: item.serial ?? 'none recorded',
        method: method.words,
        standard: method.standard,
        destroyedAt: localTime(destruction?.at ?? event.occurredAt, 'en', timeZone),
        destroyedBy:
          event.performedBy ?? technicianName(policy, command.actor) ?? `${policy.displayName} depot staff`,
        chosenAt: chosenAt ? localTime(chosenAt, 'en', timeZone) : 'not recorded',
        // Only the customer chooses destruction (destroyPart): it is their name on the choice.
        chosenBy: kase.customer.name,
      });
      await repo.putDocument(kase.brand, kase.caseId, {
        documentId: certificateDocumentId,
        title: `Certificate of destruction: ${item.description}`,
        contentType: 'application/pdf',
        data: pdf,
      });
      return destroyed;
    },
    deps,
  );
}

/** Only the customer chooses what happens to their parts and data (P5). */
export function chooseCustodyCommand(
  command: {
    brand: string;
    caseId: string;
    actor: Actor;
    choice: { choiceId: string; parts: 'return' | 'release'; data: 'return' | 'destroy' };
  },
  deps: Deps,
) {
  const by = actorId(command.actor);
  return changeCustody(
    { ...command, changeId: command.choice.choiceId },
    (kase) => chooseCustody(kase, command.choice, deps.now, by),
    deps,
  );
}

/** The customer lets the brand keep one item of theirs (P5). */
export function releaseCustodyCommand(
  command: { brand: string; caseId: string; actor: Actor; release: { releaseId: string; itemId: string } },
  deps: Deps,
) {
  const by = actorId(command.actor);
  return changeCustody(
    { ...command, changeId: command.release.releaseId },
    (kase) => releasePart(kase, command.release, deps.now, by),
    deps,
  );
}
