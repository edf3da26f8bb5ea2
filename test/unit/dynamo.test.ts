import type { AddressInfo } from 'node:net';
import {
  DeleteTableCommand,
  DescribeTableCommand,
  PutItemCommand,
  QueryCommand,
  ResourceNotFoundException,
  ScanCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { AbstractKeyIterator } from 'abstract-level';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createTables, dynamoClient, startDynamo } from '../../local/dynamo.ts';
import type { LocalTable } from '../../local/template.ts';

let server: Awaited<ReturnType<typeof startDynamo>>;
beforeAll(async () => {
  server = await startDynamo(0, undefined);
});
afterAll(() => server?.close());

const index = (name: string, key: string): LocalTable['globalSecondaryIndexes'] => ({
  IndexName: name,
  KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
  Projection: { ProjectionType: 'ALL' },
});
const table = (indexes: LocalTable['globalSecondaryIndexes'][]): LocalTable => ({
  logicalId: 'Table',
  name: 'fairfix-upgrade',
  keySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  attributeDefinitions: ['pk', 'a', 'b'].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
  globalSecondaryIndexes: indexes,
});

it('adds an index a newer template has to a table from an earlier version, keeping every item', async () => {
  const client = dynamoClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  await createTables(client, [table([index('byA', 'a')])]);
  for (let i = 0; i < 60; i++) {
    await client.send(
      new PutItemCommand({
        TableName: 'fairfix-upgrade',
        Item: { pk: { S: `item-${i}` }, a: { S: 'A' }, b: { S: i % 2 ? 'odd' : 'even' } },
      }),
    );
  }
  await createTables(client, [table([index('byA', 'a'), index('byB', 'b')])]);
  const all = await client.send(new ScanCommand({ TableName: 'fairfix-upgrade' }));
  expect(all.Items).toHaveLength(60);
  const odd = await client.send(
    new QueryCommand({
      TableName: 'fairfix-upgrade',
      IndexName: 'byB',
      KeyConditionExpression: 'b = :b',
      ExpressionAttributeValues: { ':b': { S: 'odd' } },
    }),
  );
  expect(odd.Items).toHaveLength(30);
});

it('closes the store iterator behind every query and scan, so reads hold no memory once answered', async () => {
  const client = dynamoClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  await createTables(client, [
    {
      ...table([]),
      name: 'fairfix-iterators',
      attributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    },
  ]);
  for (let i = 0; i < 5; i++)
    await client.send(
      new PutItemCommand({ TableName: 'fairfix-iterators', Item: { pk: { S: `item-${i}` } } }),
    );
  const iterators = Object.getPrototypeOf(AbstractKeyIterator.prototype) as { close(): Promise<void> };
  const closed = vi.spyOn(iterators, 'close');
  try {
    for (let i = 0; i < 20; i++) {
      await client.send(
        new QueryCommand({
          TableName: 'fairfix-iterators',
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: `item-${i % 5}` } },
        }),
      );
      await client.send(new ScanCommand({ TableName: 'fairfix-iterators', Limit: 2 }));
    }
    // dynalite opened at least one iterator per request; before the fix it closed none of them.
    await vi.waitFor(() => expect(closed.mock.calls.length).toBeGreaterThanOrEqual(40));
  } finally {
    closed.mockRestore();
  }
});

it('rebuilds an index whose projection the template narrowed, so that a query reads locally what it reads on AWS', async () => {
  const client = dynamoClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const wide = { ...table([index('byA', 'a')]), name: 'fairfix-reproject' };
  const keysOnly = {
    IndexName: 'byA',
    KeySchema: [{ AttributeName: 'a', KeyType: 'HASH' }],
    Projection: { ProjectionType: 'KEYS_ONLY' },
  };
  const named = { ...table([keysOnly]), name: 'fairfix-reproject' };
  await createTables(client, [wide]);
  await client.send(
    new PutItemCommand({ TableName: named.name, Item: { pk: { S: 'one' }, a: { S: 'A' }, b: { S: 'B' } } }),
  );
  await createTables(client, [named]);
  const found = await client.send(
    new QueryCommand({
      TableName: named.name,
      IndexName: 'byA',
      KeyConditionExpression: 'a = :a',
      ExpressionAttributeValues: { ':a': { S: 'A' } },
    }),
  );
  expect(found.Items).toEqual([{ pk: { S: 'one' }, a: { S: 'A' } }]);
});

it('answers from a table description it keeps in memory, and forgets it when the table changes or goes', async () => {
  const client = dynamoClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const name = 'fairfix-described';
  await createTables(client, [
    { ...table([]), name, attributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }] },
  ]);
  // Read (and so kept) by a put, then changed: the next description is the changed one.
  await client.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'one' } } }));
  await client.send(
    new UpdateTableCommand({
      TableName: name,
      BillingMode: 'PROVISIONED',
      ProvisionedThroughput: { ReadCapacityUnits: 7, WriteCapacityUnits: 3 },
    }),
  );
  await vi.waitFor(async () => {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.ProvisionedThroughput?.ReadCapacityUnits).toBe(7);
  });
  await client.send(new DeleteTableCommand({ TableName: name }));
  await vi.waitFor(() =>
    expect(client.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'two' } } }))).rejects.toThrow(
      ResourceNotFoundException,
    ),
  );
});
