import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { escalateCaseCommand } from '../app/commands/cases.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('escalateCase'), async ({ brand, actor, params, body }) => {
  const { level, role, contact, respondBy } = await escalateCaseCommand(
    { brand, caseId: params.caseId, actor, request: body },
    deps(),
  );
  return { status: 201, body: { caseId: params.caseId, level, owner: { role, contact }, respondBy } };
});
