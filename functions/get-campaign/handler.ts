import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { campaignProgress } from '../app/campaigns.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('getCampaign'), async ({ brand, params }) => ({
  status: 200,
  body: await campaignProgress(brand, params.campaignId, deps()),
}));
