import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { answerOfferCommand } from '../app/commands/handover.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('answerOffer'), async ({ brand, actor, params, body }) => {
  const { outcome } = await answerOfferCommand(
    { brand, caseId: params.caseId, actor, request: body },
    deps(),
  );
  return { status: 202, body: { caseId: params.caseId, eventId: body.answerId, outcome } };
});
