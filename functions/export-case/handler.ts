import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { exportCaseQuery } from '../app/queries.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('exportCase'), async ({ brand, params }) => ({
  status: 200,
  body: await exportCaseQuery(brand, params.caseId, deps().repo),
}));
