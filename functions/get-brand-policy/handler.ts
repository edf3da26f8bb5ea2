import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { currentPolicy, etagOf } from '../app/policies.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('getBrandPolicy'), async ({ brand }) => {
  // Fresh, not cached: the ETag an admin edits against must be the store's current version.
  const current = await currentPolicy(deps().policies, brand, { fresh: true });
  return {
    status: 200,
    headers: { etag: etagOf(current.version), 'x-policy-version': String(current.version) },
    body: current.policy,
  };
});
