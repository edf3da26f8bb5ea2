import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { createCampaignCommand } from '../app/campaigns.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('createCampaign'), async ({ brand, actor, body }) => {
  const { campaign, created } = await createCampaignCommand({ brand, actor, request: body }, deps());
  return { status: created ? 201 : 200, body: campaign };
});
