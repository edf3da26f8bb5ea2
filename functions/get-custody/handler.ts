import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { custodyQuery } from '../app/queries.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('getCustody'), async ({ brand, actor, params }) => ({
  status: 200,
  body: await custodyQuery(brand, params.caseId, actor, deps().repo),
}));
