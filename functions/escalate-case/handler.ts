import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { escalateCaseCommand } from '../app/commands/cases.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('escalateCase'), async ({ brand, actor, params, body }) => {
  const { escalation, climbed } = await escalateCaseCommand(
    { brand, caseId: params.caseId, actor, request: body },
    deps(),
  );
  const { level, role, contact, respondBy } = escalation;
  // 200: nothing climbed; the answer is the escalation pending (its owner, by when they respond).
  return {
    status: climbed ? 201 : 200,
    body: { caseId: params.caseId, level, owner: { role, contact }, respondBy },
  };
});
