import type { Server } from 'node:http';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { listen } from './listen.ts';
import type { LocalTable } from './template.ts';

/** Dummy credentials: the local endpoints accept any, and the SDK insists on some. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'fairfix', secretAccessKey: 'fairfix' };

/** DynamoDB's API on a port, backed by dynalite's LevelDB files in `dataDir` (or memory when omitted). */
export async function startDynamo(port: number, dataDir: string | undefined): Promise<Server> {
  const server = dynalite({
    ...(dataDir ? { path: dataDir } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  return listen(server, port, 'FAIRFIX_DYNAMODB_PORT');
}

export function dynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
}

/** Creates the template's tables (those that exist are left as they are: their data is the user's). */
export async function createTables(client: DynamoDBClient, tables: LocalTable[]): Promise<void> {
  for (const table of tables) {
    const indexes = (table.globalSecondaryIndexes ?? []) as {
      IndexName: string;
      KeySchema: unknown;
      Projection: unknown;
    }[];
    const input: CreateTableCommandInput = {
      TableName: table.name,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: table.keySchema as unknown as CreateTableCommandInput['KeySchema'],
      AttributeDefinitions:
        table.attributeDefinitions as unknown as CreateTableCommandInput['AttributeDefinitions'],
      ...(indexes.length > 0
        ? {
            GlobalSecondaryIndexes: indexes.map((index) => ({
              IndexName: index.IndexName,
              KeySchema: index.KeySchema,
              Projection: index.Projection ?? { ProjectionType: 'ALL' },
            })) as CreateTableCommandInput['GlobalSecondaryIndexes'],
          }
        : {}),
    };
    try {
      await client.send(new CreateTableCommand(input));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
}
