import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { customerCasesQuery } from '../app/queries.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('listCustomerCases'), async ({ brand, params, query }) => ({
  status: 200,
  body: await customerCasesQuery(brand, params.customer, query, deps().repo),
}));
