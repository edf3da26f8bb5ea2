import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import {
  BatchWriteItemCommand,
  type BatchWriteItemCommandInput,
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  ScanCommand,
  type ScanCommandInput,
} from '@aws-sdk/client-dynamodb';
import { AbstractKeyIterator } from 'abstract-level';
import dynalite from 'dynalite';
import { listen } from './listen.ts';
import type { LocalTable } from './template.ts';

/** Dummy credentials: the local endpoints accept any, and the SDK insists on some. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'fairfix', secretAccessKey: 'fairfix' };

/**
 * dynalite 4 reads LevelDB through streams that, when they end or are destroyed, close their iterator
 * with `iterator.return()`, which abstract-level 3's iterators do not have (they have `close()`). So no
 * iterator was ever closed: each Query or Scan left one open, pinning native memory until the store
 * closed (≈ 15 KB of RSS per query on our machines; 0.6–0.9 MB per case over a case's queries, issue 11
 * finding 5). Giving the iterators the `return()` dynalite calls closes them. A destroyed stream may
 * still read once more (a read scheduled before it was destroyed): an iterator closed this way then
 * answers "no more", as at its end, instead of an error nobody listens for (which crashed the process).
 */
function closeIteratorsDynaliteOpens(): void {
  type Iterator = {
    return?: () => Promise<unknown>;
    next: (...args: unknown[]) => Promise<unknown>;
    close(): Promise<void>;
    [closedByStream]?: boolean;
  };
  const iterators = Object.getPrototypeOf(AbstractKeyIterator.prototype) as Iterator;
  if (typeof iterators.return === 'function') return;
  const next = iterators.next;
  iterators.next = function (this: Iterator, ...args: unknown[]) {
    return this[closedByStream] ? Promise.resolve(undefined) : next.apply(this, args);
  };
  iterators.return = async function (this: Iterator) {
    this[closedByStream] = true;
    await this.close();
    return { done: true, value: undefined };
  };
}
const closedByStream = Symbol('closed by the stream reading it');

type Callback = (error: Error | null, value?: unknown) => void;
interface TableDescriptions {
  get(name: string, done: Callback): void;
  put(name: string, table: unknown, done?: Callback): void;
  del(name: string, done?: Callback): void;
}

/**
 * dynalite reads the table's description from LevelDB before every request it serves (its `getTable`),
 * a LevelDB get and a JSON parse each time: 4-6% of the local cloud's CPU in a profile of cases opened
 * and run (bench/cpu-profile.ts). Descriptions change only through dynalite's own put and del on the
 * same store, so each store keeps the last one read and forgets it on a write; a read that a write
 * overtook is not kept. Each caller gets its own copy, parsed from JSON as LevelDB's was: dynalite edits
 * the one it got (UpdateTable, DeleteTable) before writing it back. (structuredClone, tried first, cost
 * more than the LevelDB get it saved.)
 */
function cacheTableDescriptions(): void {
  const stores = createRequire(import.meta.url)('dynalite/db') as {
    create: (options: unknown) => { tableDb: TableDescriptions };
    [cachingDescriptions]?: true;
  };
  if (stores[cachingDescriptions]) return;
  stores[cachingDescriptions] = true;
  const create = stores.create;
  stores.create = function createCaching(options) {
    const store = create.call(this, options);
    const tables = store.tableDb;
    const { get, put, del } = tables;
    const known = new Map<string, string>();
    const writes = new Map<string, number>();
    const written = (name: string) => {
      writes.set(name, (writes.get(name) ?? 0) + 1);
      known.delete(name);
    };
    tables.get = (name, done) => {
      const json = known.get(name);
      if (json !== undefined) {
        const copy = JSON.parse(json);
        setImmediate(() => done(null, copy));
        return;
      }
      const before = writes.get(name) ?? 0;
      get.call(tables, name, (error, table) => {
        if (!error && table && (writes.get(name) ?? 0) === before) known.set(name, JSON.stringify(table));
        done(error, table);
      });
    };
    tables.put = (name, table, done) => {
      written(name);
      put.call(tables, name, table, (error) => {
        written(name);
        done?.(error);
      });
    };
    tables.del = (name, done) => {
      written(name);
      del.call(tables, name, (error) => {
        written(name);
        done?.(error);
      });
    };
    return store;
  };
}
const cachingDescriptions = Symbol('dynalite keeps table descriptions in memory');

/** DynamoDB's API on a port, backed by dynalite's LevelDB files in `dataDir` (or memory when omitted). */
export async function startDynamo(port: number, dataDir: string | undefined): Promise<Server> {
  closeIteratorsDynaliteOpens();
  cacheTableDescriptions();
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

/**
 * Waits until each table is ACTIVE. dynalite creates a table on a timer, even at `createTableMs: 0`:
 * a client that asks at once (the in-process transport answers within the same turn) would be told
 * the table does not exist.
 */
export async function untilActive(client: DynamoDBClient, names: string[]): Promise<void> {
  for (const name of names) {
    for (;;) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
      if (Table?.TableStatus === 'ACTIVE') break;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
}

/**
 * Creates the template's tables. A table that exists keeps its data; if it lacks an index the template
 * now has, or projects one differently (data from an earlier fairfix), it is rebuilt with the
 * template's indexes and every item copied back.
 */
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
      await addMissingIndexes(client, input);
    }
  }
  await untilActive(
    client,
    tables.map((table) => table.name),
  );
}

async function addMissingIndexes(client: DynamoDBClient, input: CreateTableCommandInput): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: input.TableName }));
  // An index is kept as it is only if it projects what the template says: a query must read locally
  // what it reads on AWS (a projection narrowed since would otherwise hide nothing here).
  const projection = (value: { ProjectionType?: string; NonKeyAttributes?: string[] } | undefined) =>
    JSON.stringify([value?.ProjectionType ?? 'ALL', [...(value?.NonKeyAttributes ?? [])].sort()]);
  const existing = new Map(
    (Table?.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, projection(index.Projection)]),
  );
  const missing = (input.GlobalSecondaryIndexes ?? []).filter(
    (index) => existing.get(index.IndexName) !== projection(index.Projection),
  );
  if (missing.length === 0) return;
  const items = [];
  let start: ScanCommandInput['ExclusiveStartKey'];
  do {
    const page = await client.send(new ScanCommand({ TableName: input.TableName, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  console.log(
    `Local table ${input.TableName}: adding or reprojecting index(es) ${missing.map((index) => index.IndexName).join(', ')}; copying ${items.length} item(s) back.`,
  );
  await client.send(new DeleteTableCommand({ TableName: input.TableName }));
  await client.send(new CreateTableCommand(input));
  await untilActive(client, [input.TableName as string]);
  for (let i = 0; i < items.length; i += 25) {
    const batch = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    let unprocessed: BatchWriteItemCommandInput['RequestItems'] = { [input.TableName as string]: batch };
    while (unprocessed && Object.keys(unprocessed).length > 0) {
      ({ UnprocessedItems: unprocessed } = await client.send(
        new BatchWriteItemCommand({ RequestItems: unprocessed }),
      ));
    }
  }
}
