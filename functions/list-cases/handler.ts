import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { listCasesQuery } from '../app/case-list.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('listCases'), async ({ brand, actor, query }) => ({
  status: 200,
  body: await listCasesQuery(brand, actor, query, deps().repo),
}));
