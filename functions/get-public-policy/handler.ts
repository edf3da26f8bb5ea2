import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { policyOf } from '../app/policies.ts';
import { publicPolicyOf } from '../domain/brand-terms.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('getPublicPolicy'), async ({ params }) => ({
  status: 200,
  body: publicPolicyOf(await policyOf(deps().policies, params.brand)),
}));
