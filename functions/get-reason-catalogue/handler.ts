import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { policyOf } from '../app/policies.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('getReasonCatalogue'), async ({ brand }) => ({
  status: 200,
  body: { items: (await policyOf(deps().policies, brand)).reasonCatalogue },
}));
