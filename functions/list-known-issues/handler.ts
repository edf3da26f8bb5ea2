import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { listKnownIssues } from '../app/known-issues.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('listKnownIssues'), async ({ brand }) => ({
  status: 200,
  body: { items: await listKnownIssues(brand, deps()) },
}));
