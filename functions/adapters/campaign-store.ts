import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { Campaign, type CampaignStore, CampaignSummary } from '../domain/campaigns.ts';
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

  async list(brand: string) {
    const summaries: CampaignSummary[] = [];
    let after: Record<string, unknown> | undefined;
    do {
      // Not the devices: a campaign's list of them may be long, and the list shows none.
      const page = await dynamo.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :cp)',
          ExpressionAttributeValues: { ':pk': `T#${brand}#CAMPAIGNS`, ':cp': 'CP#' },
          ProjectionExpression: 'campaignId, brand, target, knownIssueId, createdAt, createdBy',
          ...(after ? { ExclusiveStartKey: after } : {}),
        }),
      );
      summaries.push(...(page.Items ?? []).map((item) => CampaignSummary.parse(item)));
      after = page.LastEvaluatedKey;
    } while (after);
    return summaries;
  }
}
