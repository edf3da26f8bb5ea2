import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { depotQueueQuery } from '../app/queries.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('getDepotQueue'), async ({ brand }) => {
  const { repo, now } = deps();
  return { status: 200, body: { items: await depotQueueQuery(brand, repo, now) } };
});
