import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { WebhookStore } from '../domain/ports.ts';
import { StoredWebhook } from '../domain/webhooks.ts';
import { dynamo, requiredEnv } from './aws-clients.ts';

/** A brand's webhooks live in one partition of fairfix's table, tenant-prefixed like every key. */
const keys = {
  brand: (brand: string) => `T#${brand}#WEBHOOKS`,
  hook: (brand: string, webhookId: string) => ({ pk: `T#${brand}#WEBHOOKS`, sk: `WH#${webhookId}` }),
};

export class DynamoWebhookStore implements WebhookStore {
  constructor(private readonly tableName = requiredEnv('TABLE_NAME')) {}

  async put(hook: StoredWebhook): Promise<void> {
    await dynamo.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.hook(hook.brand, hook.webhookId), ...hook },
      }),
    );
  }

  async list(brand: string): Promise<StoredWebhook[]> {
    const { Items } = await dynamo.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :wh)',
        ExpressionAttributeValues: { ':pk': keys.brand(brand), ':wh': 'WH#' },
        ConsistentRead: true,
      }),
    );
    return (Items ?? []).map((item) => StoredWebhook.parse(item));
  }

  async remove(brand: string, webhookId: string): Promise<boolean> {
    const { Attributes } = await dynamo.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: keys.hook(brand, webhookId),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return Attributes !== undefined;
  }
}
