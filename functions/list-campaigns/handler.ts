import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { listCampaigns } from '../app/campaigns.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('listCampaigns'), async ({ brand, query }) => ({
  status: 200,
  body: await listCampaigns(brand, query, deps()),
}));
