import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { policyVersionsQuery } from '../app/policies.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('listBrandPolicyVersions'), async ({ brand, query }) => ({
  status: 200,
  body: { items: await policyVersionsQuery(deps().policies, brand, query.limit) },
}));
