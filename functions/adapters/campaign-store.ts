import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { Campaign, type CampaignStore } from '../domain/campaigns.ts';
import { dynamo, requiredEnv } from './aws-clients.ts';

/** A brand's campaigns in one partition of fairfix's table: `pk = T#<brand>#CAMPAIGNS`, `sk = CP#<id>`. */
const key = (brand: string, campaignId: string) => ({ pk: `T#${brand}#CAMPAIGNS`, sk: `CP#${campaignId}` });

export class DynamoCampaignStore implements CampaignStore {
  constructor(private readonly tableName = requiredEnv('TABLE_NAME')) {}

  async create(campaign: Campaign) {
    try {
      await dynamo.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key(campaign.brand, campaign.campaignId), ...campaign },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return campaign;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const stored = await this.get(campaign.brand, campaign.campaignId);
      if (!stored) throw error;
      return stored;
    }
  }

  async get(brand: string, campaignId: string) {
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: key(brand, campaignId), ConsistentRead: true }),
    );
    return Item ? Campaign.parse(Item) : undefined;
  }
}
