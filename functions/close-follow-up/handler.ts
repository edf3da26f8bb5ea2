import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { closeFollowUpCommand } from '../app/commands/handover.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('closeFollowUp'), async ({ brand, actor, params, body }) => {
  const kase = await closeFollowUpCommand({ brand, caseId: params.caseId, actor, request: body }, deps());
  return { status: 201, body: { caseId: kase.caseId, followUp: kase.followUp } };
});
