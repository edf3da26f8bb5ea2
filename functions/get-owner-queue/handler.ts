import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { ownerQueueQuery } from '../app/queries.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('getOwnerQueue'), async ({ brand, params }) => {
  const { repo, now } = deps();
  return { status: 200, body: { items: await ownerQueueQuery(brand, params.owner, repo, now) } };
});
