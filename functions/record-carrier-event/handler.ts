import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { recordCarrierEventCommand } from '../app/commands/events.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('recordCarrierEvent'), async ({ brand, actor, body }) => {
  const { caseId, outcome } = await recordCarrierEventCommand({ brand, actor, event: body }, deps());
  return { status: 202, body: { caseId, eventId: body.eventId, outcome } };
});
