import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { decideHandoverCommand, decisionErrorsOf } from '../app/commands/handover.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(
  operation('decideHandover'),
  async ({ brand, actor, params, body }) => {
    const { outcome } = await decideHandoverCommand(
      { brand, caseId: params.caseId, actor, request: body },
      deps(),
    );
    return { status: 202, body: { caseId: params.caseId, eventId: body.decisionId, outcome } };
  },
  // A model out of stock or an unpublished reason is named with the request's other errors, at once.
  { moreErrors: ({ brand }, body, path) => decisionErrorsOf(brand, path.caseId, body, deps()) },
);
