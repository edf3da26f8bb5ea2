import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { recordCaseEventCommand } from '../domain/case-commands.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('recordDepotEvent'), async ({ brand, actor, params, body }) => {
  const { outcome } = await recordCaseEventCommand(
    { brand, caseId: params.caseId, actor, event: body },
    deps(),
  );
  return { status: 202, body: { caseId: params.caseId, eventId: body.eventId, outcome } };
});
