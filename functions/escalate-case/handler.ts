import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { escalateCaseCommand } from '../domain/case-commands.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('escalateCase'), async ({ brand, actor, params, body }) => {
  const kase = await escalateCaseCommand({ brand, caseId: params.caseId, actor, request: body }, deps());
  const owner = kase.escalationPath[kase.escalationLevel];
  return {
    status: 201,
    body: {
      caseId: kase.caseId,
      level: kase.escalationLevel,
      owner: {
        role: owner?.role ?? kase.escalation?.role,
        contact: owner?.contact ?? kase.escalation?.contact,
      },
      respondBy: kase.escalation?.respondBy ?? kase.nextStep.deadline,
    },
  };
});
