import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { Case } from '../domain/case.ts';
import { ConcurrentUpdateError } from '../domain/errors.ts';
import { ownerWork } from '../domain/escalation.ts';
import type { CaseDocument, CaseRepository, DeviceHistory } from '../domain/ports.ts';
import { dynamo, requiredEnv } from './aws-clients.ts';

/** Keys of fairfix's single table; every one begins with the tenant (see lib/constructs/data-table.ts). */
export const keys = {
  case: (brand: string, caseId: string) => ({ pk: `T#${brand}#CASE#${caseId}`, sk: 'CASE' }),
  document: (brand: string, caseId: string, documentId: string) => ({
    pk: `T#${brand}#CASE#${caseId}`,
    sk: `DOC#${documentId}`,
  }),
  tracking: (brand: string, trackingNumber: string) => ({
    pk: `T#${brand}#TRACK#${trackingNumber}`,
    sk: 'TRACK',
  }),
  serial: (brand: string, serial: string) => `T#${brand}#SERIAL#${serial}`,
  queue: (brand: string, queue: string) => `T#${brand}#QUEUE#${queue}`,
  owner: (brand: string, owner: string) => `T#${brand}#OWNER#${owner}`,
  allCases: (brand: string) => `T#${brand}#CASES`,
};

/** A case's place in its brand's fixed pseudo-random order, for sampling: hex, evenly spread. */
const sampleKey = (caseId: string) => createHash('sha256').update(caseId).digest('hex').slice(0, 16);

function toItem(kase: Case) {
  const work = ownerWork(kase);
  return {
    ...keys.case(kase.brand, kase.caseId),
    ...kase,
    gsi1pk: keys.serial(kase.brand, kase.device.serial),
    gsi1sk: kase.openedAt,
    gsi2pk: `T#${kase.brand}#CUSTOMER#${kase.customer.email.toLowerCase()}`,
    gsi2sk: kase.openedAt,
    // Open cases sit in the depot's queue, earliest deadline first: overdue work comes first.
    ...(kase.status === 'closed'
      ? {}
      : { gsi3pk: keys.queue(kase.brand, 'depot'), gsi3sk: `${kase.nextStep.deadline}#${kase.caseId}` }),
    // An escalated case, or a follow-up, sits in its owner's queue by due time (P7, P10).
    ...(work ? { gsi4pk: keys.owner(kase.brand, work.owner), gsi4sk: `${work.due}#${kase.caseId}` } : {}),
    gsi5pk: keys.allCases(kase.brand),
    gsi5sk: sampleKey(kase.caseId),
  };
}

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

export class DynamoCaseRepository implements CaseRepository {
  constructor(private readonly tableName = requiredEnv('TABLE_NAME')) {}

  async get(brand: string, caseId: string): Promise<Case | undefined> {
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: keys.case(brand, caseId), ConsistentRead: true }),
    );
    // The workflow's direct DynamoDB steps add attributes of their own; parse() keeps what the domain knows.
    return Item ? Case.parse(Item) : undefined;
  }

  async create(kase: Case): Promise<boolean> {
    return this.putOnce(toItem(kase));
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
      if (isConditionFailure(error)) throw new ConcurrentUpdateError(kase.caseId);
      throw error;
    }
  }

  async deviceHistory(brand: string, serial: string): Promise<DeviceHistory> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await dynamo.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'bySerial',
          KeyConditionExpression: 'gsi1pk = :serial',
          ExpressionAttributeValues: { ':serial': keys.serial(brand, serial) },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    const link = items.find((item) => item.sk === 'REPLACES');
    return {
      serial,
      cases: items.filter((item) => item.sk === 'CASE').map((item) => Case.parse(item)),
      ...(link
        ? {
            replacementOf: {
              serial: String(link.serial),
              caseId: String(link.caseId),
              warrantyUntil: String(link.warrantyUntil),
            },
          }
        : {}),
    };
  }

  async queue(brand: string, queue: string, limit: number): Promise<Case[]> {
    const { Items } = await dynamo.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byQueue',
        KeyConditionExpression: 'gsi3pk = :queue',
        ExpressionAttributeValues: { ':queue': keys.queue(brand, queue) },
        Limit: limit,
      }),
    );
    return (Items ?? []).map((item) => Case.parse(item));
  }

  async ownerQueue(brand: string, owner: string, limit: number): Promise<Case[]> {
    const { Items } = await dynamo.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byOwner',
        KeyConditionExpression: 'gsi4pk = :owner',
        ExpressionAttributeValues: { ':owner': keys.owner(brand, owner) },
        Limit: limit,
      }),
    );
    return (Items ?? []).map((item) => Case.parse(item));
  }

  async sample(brand: string, size: number, from: string): Promise<Case[]> {
    const page = (condition: string) =>
      dynamo.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'byBrand',
          KeyConditionExpression: `gsi5pk = :brand${condition}`,
          ExpressionAttributeValues: {
            ':brand': keys.allCases(brand),
            ...(condition ? { ':from': from } : {}),
          },
          Limit: size,
        }),
      );
    const after = (await page(' AND gsi5sk >= :from')).Items ?? [];
    // Wrap around to the start of the order when the random point was near its end.
    const before = after.length < size ? ((await page('')).Items ?? []) : [];
    const items = [...after, ...before.filter((item) => String(item.gsi5sk) < from)].slice(0, size);
    return items.map((item) => Case.parse(item));
  }

  async listDocuments(brand: string, caseId: string): Promise<CaseDocument[]> {
    const { Items } = await dynamo.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :case AND begins_with(sk, :doc)',
        ExpressionAttributeValues: { ':case': keys.case(brand, caseId).pk, ':doc': 'DOC#' },
      }),
    );
    return (Items ?? []).map((item) => toDocument(String(item.sk).slice('DOC#'.length), item));
  }

  async putDocument(brand: string, caseId: string, document: CaseDocument): Promise<void> {
    await this.putOnce({ ...keys.document(brand, caseId, document.documentId), ...document });
  }

  async getDocument(brand: string, caseId: string, documentId: string): Promise<CaseDocument | undefined> {
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: keys.document(brand, caseId, documentId) }),
    );
    return Item ? toDocument(documentId, Item) : undefined;
  }

  async linkTracking(brand: string, trackingNumber: string, caseId: string): Promise<void> {
    await this.putOnce({ ...keys.tracking(brand, trackingNumber), caseId });
  }

  async caseOfTracking(brand: string, trackingNumber: string): Promise<string | undefined> {
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: keys.tracking(brand, trackingNumber) }),
    );
    return Item ? String(Item.caseId) : undefined;
  }

  async linkReplacement(
    brand: string,
    serial: string,
    link: { serial: string; caseId: string; warrantyUntil: string; at: string },
  ) {
    await this.putOnce({
      pk: keys.serial(brand, serial),
      sk: 'REPLACES',
      gsi1pk: keys.serial(brand, serial),
      gsi1sk: link.at,
      ...link,
    });
  }

  /** Writes an item that never changes once written: a retry finds it there and leaves it. */
  private async putOnce(item: Record<string, unknown>): Promise<boolean> {
    try {
      await dynamo.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

function toDocument(documentId: string, item: Record<string, unknown>): CaseDocument {
  return {
    documentId,
    title: String(item.title),
    contentType: String(item.contentType),
    data: item.data as Uint8Array,
  };
}
