import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { visitQueueQuery } from '../app/queries.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('getVisitQueue'), async ({ brand, actor }) => ({
  status: 200,
  body: { items: await visitQueueQuery(brand, actor, deps().repo) },
}));
