import { type Actor, actorId } from '../../domain/case.ts';
import { inboxKey, recordEvent } from '../../domain/event-inbox.ts';
import { grantCoverage } from '../../domain/good-faith.ts';
import type { CaseEvent, CoverageGrant } from '../../domain/schemas.ts';
import { changeCase } from '../change-case.ts';
import type { Deps } from '../deps.ts';
import { casePolicy } from '../policies.ts';

/**
 * A person overturns the coverage denial (P2, P8): the repair is covered after all. A case waiting for
 * the customer's answer to the estimate is answered by the grant itself (nothing is left to approve),
 * so the workflow goes on to the repair; once per grant id.
 */
export async function grantCoverageCommand(
  command: { brand: string; caseId: string; actor: Actor; request: CoverageGrant },
  deps: Deps,
) {
  const { actor, request } = command;
  const seen = [request.grantId, inboxKey(actor.role, request.grantId)];
  const { case: saved } = await changeCase({ ...command, seen }, deps, async (kase) => {
    if (kase.seenEventIds.includes(request.grantId)) return { case: kase, result: undefined };
    const answer: CaseEvent = {
      type: 'estimate-answered',
      eventId: request.grantId,
      occurredAt: deps.now.toISOString(),
      approved: true,
    };
    const answered =
      kase.estimate?.status === 'awaiting-answer' ? recordEvent(kase, answer, deps.now, actor) : undefined;
    const policy = await casePolicy(deps.policies, kase);
    const granted = grantCoverage(answered?.case ?? kase, request, policy, deps.now, actorId(actor));
    return { case: granted, result: undefined, deliver: answered?.deliver };
  });
  return saved;
}
