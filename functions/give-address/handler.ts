import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { giveAddressCommand } from '../app/commands/events.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('giveAddress'), async ({ brand, actor, params, body }) => {
  const { outcome } = await giveAddressCommand(
    { brand, caseId: params.caseId, actor, request: body },
    deps(),
  );
  return { status: 202, body: { caseId: params.caseId, eventId: body.addressId, outcome } };
});
