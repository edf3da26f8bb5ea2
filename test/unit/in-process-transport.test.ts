import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  GetItemCommand,
  PutItemCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient, startDynamo, untilActive } from '../../local/dynamo.ts';
import { forgetServers, serveInProcess } from '../../local/in-process-transport.ts';

let server: Server;
let sockets = 0;
let client: ReturnType<typeof dynamoClient>;
beforeAll(async () => {
  server = await startDynamo(0, undefined);
  server.on('connection', () => sockets++);
  // Created like the functions create theirs: the SDK's default request handler.
  client = dynamoClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
afterAll(() => {
  forgetServers(server);
  server?.close();
});

describe('the in-process transport', () => {
  it('carries the real SDK’s requests, answers and errors to a local service without a socket', async () => {
    serveInProcess(server);
    await client.send(
      new CreateTableCommand({
        TableName: 'transport',
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      }),
    );
    await untilActive(client, ['transport']);
    await client.send(
      new PutItemCommand({ TableName: 'transport', Item: { pk: { S: 'a' }, n: { N: '1' } } }),
    );
    const { Item } = await client.send(
      new GetItemCommand({ TableName: 'transport', Key: { pk: { S: 'a' } } }),
    );
    const missing = client.send(new GetItemCommand({ TableName: 'nowhere', Key: { pk: { S: 'a' } } }));

    expect(Item).toEqual({ pk: { S: 'a' }, n: { N: '1' } });
    await expect(missing).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect(sockets).toBe(0);
  });

  it('leaves the port to everyone else, and a forgotten server to the network', async () => {
    forgetServers(server);
    const { Item } = await client.send(
      new GetItemCommand({ TableName: 'transport', Key: { pk: { S: 'a' } } }),
    );

    expect(Item?.n).toEqual({ N: '1' });
    expect(sockets).toBe(1);
  });
});
