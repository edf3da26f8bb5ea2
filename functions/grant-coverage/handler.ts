import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { grantCoverageCommand } from '../app/commands/coverage.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('grantCoverage'), async ({ brand, actor, params, body }) => {
  const kase = await grantCoverageCommand({ brand, caseId: params.caseId, actor, request: body }, deps());
  return { status: 201, body: { caseId: kase.caseId, decisions: kase.decisions } };
});
