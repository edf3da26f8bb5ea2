import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { Case } from '../domain/case.ts';
import { ConcurrentUpdateError } from '../domain/errors.ts';
import type { CaseRepository } from '../domain/ports.ts';
import { dynamo, requiredEnv } from './aws-clients.ts';

export const caseKey = (brand: string, caseId: string) => ({ pk: `T#${brand}#CASE#${caseId}`, sk: 'CASE' });

function toItem(kase: Case) {
  return {
    ...caseKey(kase.brand, kase.caseId),
    ...kase,
    gsi1pk: `T#${kase.brand}#SERIAL#${kase.device.serial}`,
    gsi1sk: kase.openedAt,
    gsi2pk: `T#${kase.brand}#CUSTOMER#${kase.customer.email.toLowerCase()}`,
    gsi2sk: kase.openedAt,
  };
}

export class DynamoCaseRepository implements CaseRepository {
  constructor(private readonly tableName = requiredEnv('TABLE_NAME')) {}

  async get(brand: string, caseId: string): Promise<Case | undefined> {
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: caseKey(brand, caseId), ConsistentRead: true }),
    );
    // The workflow's direct DynamoDB steps add attributes of their own; parse() keeps what the domain knows.
    return Item ? Case.parse(Item) : undefined;
  }

  async create(kase: Case): Promise<boolean> {
    try {
      await dynamo.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(kase),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async save(kase: Case, expectedVersion: number): Promise<Case> {
    const next = { ...kase, version: expectedVersion + 1 };
    try {
      await dynamo.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(next),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      );
      return next;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new ConcurrentUpdateError(kase.caseId);
      throw error;
    }
  }
}
