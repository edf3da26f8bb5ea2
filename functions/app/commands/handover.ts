import { type Actor, actorId, type Case } from '../../domain/case.ts';
import { ConflictError, InvalidFieldsError } from '../../domain/errors.ts';
import { inboxKey, recordEvent, repeated } from '../../domain/event-inbox.ts';
import { closeFollowUp } from '../../domain/follow-up.ts';
import { awaitsDecision, awaitsOfferAnswer, decisionErrors, personDecided } from '../../domain/handover.ts';
import type { CaseEvent, FollowUpOutcome, OfferAnswer, PersonDecision } from '../../domain/schemas.ts';
import { changeCase } from '../change-case.ts';
import type { Deps } from '../deps.ts';
import { fingerprintOf } from '../ids.ts';
import { casePolicy } from '../policies.ts';

/**
 * What people answer when the workflow waits on them outside the repair itself (P7, P10): the decision
 * of the person who has a case, the customer's answer to another model offered, and the outcome of a
 * follow-up. Each is checked against the case at once, recorded once, and resumes the waiting step.
 */

/** The person who has the case decides how it goes on; every field the case refuses is named at once. */
export async function decideHandoverCommand(
  command: { brand: string; caseId: string; actor: Actor; request: PersonDecision },
  deps: Deps,
) {
  const { actor, request } = command;
  const event = personDecided(request, actorId(actor), deps.now);
  return answer(command, event, request, deps, async (kase) => {
    if (!awaitsDecision(kase))
      throw new ConflictError(`Case ${kase.caseId} waits for no person’s decision now.`, 'Nothing to decide');
    const errors = decisionErrors(kase, request, await casePolicy(deps.policies, kase));
    if (errors.length > 0) throw new InvalidFieldsError(errors);
  });
}

/**
 * For a decision that has other errors too: what the case and the brand's range refuse in it, so that
 * the person hears of every field at once (P9).
 */
export async function decisionErrorsOf(brand: string, caseId: unknown, body: unknown, deps: Deps) {
  // A case id the path refused already has its own error; the brand's range is checked all the same.
  const known = typeof caseId === 'string' && /^RMA-[0-9A-Z]{12}$/.test(caseId);
  const kase = known ? await deps.repo.get(brand, caseId) : undefined;
  return decisionErrors(kase, body, await casePolicy(deps.policies, kase ?? { brand }));
}

/** The customer accepts or declines the other model a person offered instead of a replacement (P4). */
export async function answerOfferCommand(
  command: { brand: string; caseId: string; actor: Actor; request: OfferAnswer },
  deps: Deps,
) {
  const { request } = command;
  const event: CaseEvent = {
    type: 'offer-answered',
    eventId: request.answerId,
    occurredAt: deps.now.toISOString(),
    accepted: request.accepted,
  };
  return answer(command, event, request, deps, (kase) => {
    if (!awaitsOfferAnswer(kase))
      throw new ConflictError(
        `Case ${kase.caseId} has no offer waiting for an answer.`,
        'No offer to answer',
      );
  });
}

/** The owner of a follow-up closes it with what they did and agreed (P10); the customer is told. */
export async function closeFollowUpCommand(
  command: { brand: string; caseId: string; actor: Actor; request: FollowUpOutcome },
  deps: Deps,
) {
  const by = actorId(command.actor);
  const { case: saved } = await changeCase(
    { ...command, seen: [command.request.outcomeId] },
    deps,
    (kase) => {
      const { case: closed, deliver } = closeFollowUp(kase, command.request, deps.now, by);
      return { case: closed, result: undefined, deliver };
    },
  );
  return saved;
}

/**
 * An answer someone gives the workflow: the same answer again is a duplicate; otherwise `check` says
 * whether the case takes it now, and it resumes the waiting step (or is kept until the wait begins).
 */
async function answer(
  command: { brand: string; caseId: string; actor: Actor },
  event: CaseEvent,
  request: unknown,
  deps: Deps,
  check: (kase: Case) => void | Promise<void>,
) {
  const { actor } = command;
  const seen = [inboxKey(actor.role, event.eventId)];
  const fingerprint = fingerprintOf(request);
  const { result: outcome } = await changeCase({ ...command, seen }, deps, async (kase) => {
    if (repeated(kase, actor.role, event.eventId, fingerprint))
      return { case: kase, result: 'duplicate' as const };
    await check(kase);
    const recorded = recordEvent(kase, event, deps.now, actor, fingerprint);
    return { case: recorded.case, result: recorded.outcome, deliver: recorded.deliver };
  });
  if (outcome === 'not-applicable')
    throw new ConflictError(`Case ${command.caseId} cannot take this answer now.`, 'Answer does not apply');
  return { outcome };
}
