import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { PreconditionFailedError } from '../domain/errors.ts';
import { storedPolicy } from '../domain/policy.ts';
import type { PolicyStore, PolicyVersion } from '../domain/ports.ts';
import { dynamo, requiredEnv } from './aws-clients.ts';
import { clock } from './clock.ts';
import { policyItem, policyKeys } from './policy-keys.ts';

/**
 * How long a function trusts the current version it read: a change is live everywhere within this.
 * Our own cache rather than Powertools Parameters' DynamoDB provider: that provider reads one item by
 * key (or all items of a partition), while the current policy is "the newest item of the partition",
 * a Query with a limit; and the cache must follow the local cloud's movable clock, which the tests
 * move by days, so that a change is live in a test the way it is on AWS. Versions never change once
 * saved, so they are kept for the life of the process (bounded).
 */
export const POLICY_CACHE_SECONDS = 30;
const KEPT_VERSIONS = 200;

const current = new Map<string, { read: number; value: PolicyVersion | undefined }>();
const versions = new Map<string, PolicyVersion>();

export class DynamoPolicyRepository implements PolicyStore {
  constructor(private readonly tableName = requiredEnv('TABLE_NAME')) {}

  async current(brand: string, options: { fresh?: boolean } = {}): Promise<PolicyVersion | undefined> {
    const key = `${this.tableName}/${brand}`;
    const now = clock.now().getTime();
    const cached = current.get(key);
    if (!options.fresh && cached && now - cached.read < POLICY_CACHE_SECONDS * 1000 && now >= cached.read)
      return cached.value;
    const { Items } = await dynamo.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
        ExpressionAttributeValues: { ':pk': policyKeys.partition(brand), ':v': 'V#' },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    const item = Items?.[0];
    // A version never changes once saved: one already read is not parsed and checked again (the zod
    // check of a whole policy was about 1% of the local cloud's CPU, re-read at every cache expiry).
    const value = item
      ? (kept(this.tableName, brand, Number(item.version)) ?? keep(this.tableName, brand, versionOf(item)))
      : undefined;
    current.set(key, { read: now, value });
    return value;
  }

  async version(brand: string, version: number): Promise<PolicyVersion | undefined> {
    const known = kept(this.tableName, brand, version);
    if (known) return known;
    const { Item } = await dynamo.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: policyKeys.partition(brand), sk: policyKeys.version(version) },
      }),
    );
    if (!Item) return undefined;
    return keep(this.tableName, brand, versionOf(Item));
  }

  async versions(brand: string, limit: number): Promise<PolicyVersion[]> {
    const { Items = [] } = await dynamo.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
        ExpressionAttributeValues: { ':pk': policyKeys.partition(brand), ':v': 'V#' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return Items.map(versionOf);
  }

  async save(saved: PolicyVersion): Promise<void> {
    const brand = saved.policy.brand;
    try {
      await dynamo.send(
        new PutCommand({
          TableName: this.tableName,
          Item: policyItem(saved),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new PreconditionFailedError(
          `Version ${saved.version} of ${brand}'s policy was saved by someone else meanwhile: read the current one, apply your change to it and send it again.`,
        );
      throw error;
    }
    // This process sees its own change at once; others within POLICY_CACHE_SECONDS.
    current.set(`${this.tableName}/${brand}`, { read: clock.now().getTime(), value: saved });
  }
}

const kept = (table: string, brand: string, version: number) => versions.get(`${table}/${brand}/${version}`);

function keep(table: string, brand: string, found: PolicyVersion): PolicyVersion {
  if (versions.size >= KEPT_VERSIONS) versions.delete(versions.keys().next().value as string);
  versions.set(`${table}/${brand}/${found.version}`, found);
  return found;
}

function versionOf(item: Record<string, unknown>): PolicyVersion {
  return {
    version: Number(item.version),
    savedBy: String(item.savedBy),
    savedAt: String(item.savedAt),
    // Read with today's schema, an older policy's depot address in parts (policy.ts).
    policy: storedPolicy(item.policy),
  };
}
