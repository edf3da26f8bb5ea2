import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { policyFor } from '../domain/policy.ts';

export const handler = httpHandler(operation('getReasonCatalogue'), async ({ brand }) => ({
  status: 200,
  body: { items: policyFor(brand).reasonCatalogue },
}));
