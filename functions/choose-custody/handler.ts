import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { chooseCustodyCommand } from '../app/commands/custody.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('chooseCustody'), async ({ brand, actor, params, body }) => {
  const kase = await chooseCustodyCommand({ brand, caseId: params.caseId, actor, choice: body }, deps());
  // Recorded by this choice, or by the first one when this replays its choiceId.
  return {
    status: 201,
    body: { caseId: kase.caseId, choice: kase.custodyChoice as NonNullable<typeof kase.custodyChoice> },
  };
});
