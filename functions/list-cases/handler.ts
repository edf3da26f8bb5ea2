import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { myCasesQuery } from '../app/queries.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('listCases'), async ({ brand, actor, query }) => ({
  status: 200,
  body: await myCasesQuery(brand, actor, query, deps().repo),
}));
