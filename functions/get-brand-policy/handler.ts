import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { currentPolicy, etagOf } from '../app/policies.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('getBrandPolicy'), async ({ brand }) => {
  const current = await currentPolicy(deps().policies, brand);
  return {
    status: 200,
    headers: { etag: etagOf(current.version), 'x-policy-version': String(current.version) },
    body: current.policy,
  };
});
