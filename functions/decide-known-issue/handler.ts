import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { decideKnownIssueCommand } from '../app/known-issues.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('decideKnownIssue'), async ({ brand, actor, params, body }) => ({
  status: 201,
  body: await decideKnownIssueCommand({ brand, issueId: params.issueId, actor, request: body }, deps()),
}));
