import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { campaignProgress } from '../app/campaigns.ts';
import { progressCsv } from '../domain/campaigns.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('getCampaign'), async ({ brand, params, query, headers }) => {
  const progress = await campaignProgress(brand, params.campaignId, deps());
  // A link can only say `?format=csv`; a client says `Accept: text/csv`. JSON otherwise, as every route.
  const csv = query.format === 'csv' || (!query.format && /\btext\/csv\b/i.test(headers.accept ?? ''));
  if (!csv) return { status: 200, body: progress };
  return {
    status: 200,
    contentType: 'text/csv; charset=utf-8',
    headers: {
      'content-disposition': `attachment; filename="campaign-${params.campaignId}.csv"`,
    },
    body: Buffer.from(progressCsv(progress.devices)),
  };
});
