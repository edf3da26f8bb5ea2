import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { supersedeDecisionCommand } from '../app/commands/cases.ts';
import { policyOf } from '../app/policies.ts';
import { supersessionErrors } from '../domain/decisions.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(
  operation('supersedeDecision'),
  async ({ brand, actor, params, body }) => {
    const kase = await supersedeDecisionCommand(
      { brand, caseId: params.caseId, actor, decision: params.decision, request: body },
      deps(),
    );
    return { status: 201, body: { caseId: kase.caseId, decisions: kase.decisions } };
  },
  // A code the brand does not publish is named with the request's other errors, at once (P9).
  {
    moreErrors: async ({ brand }, body, path) =>
      supersessionErrors(path.decision, body, await policyOf(deps().policies, brand)),
  },
);
