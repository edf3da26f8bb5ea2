/**
 * Counts what fairfix asks of its table, at the local DynamoDB server, and models what AWS would bill
 * for it: requests, write units of the table and of each index (as its projection makes them), read
 * units. The journal's table is the local engine's own storage (Step Functions' on AWS) and is left out.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { LocalTable } from '../local/template.ts';

type Attribute = Record<string, unknown>;
type Item = Record<string, Attribute>;
interface Index {
  name: string;
  keys: string[];
  projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
}

export interface StoreCounts {
  /** Requests to the table, by operation (PutItem, Query, ...). */
  readonly requests: Record<string, number>;
  /** Write units of the table itself (1 KB each, the larger of the item before and after). */
  tableWriteUnits: number;
  /** Write units of the index copies, as each index's projection makes them. */
  indexWriteUnits: number;
  /** The same writes as they would cost if every index projected ALL (the layout before issue 13). */
  indexWriteUnitsIfAll: number;
  /** Read units (4 KB each, eventually consistent at half a unit unless asked otherwise). */
  readUnits: number;
  /** Size of each case item written (bytes, DynamoDB's rules), the last per key. */
  readonly itemBytes: Map<string, number>;
}

const fresh = (): StoreCounts => ({
  requests: {},
  tableWriteUnits: 0,
  indexWriteUnits: 0,
  indexWriteUnitsIfAll: 0,
  readUnits: 0,
  itemBytes: new Map(),
});

/** An item's size as DynamoDB counts it: names and values in bytes (numbers roughly, by digits). */
export function itemBytes(item: Item): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name) + valueBytes(value);
  return size;
}

function valueBytes(value: Attribute): number {
  const [type, inner] = Object.entries(value)[0] ?? ['NULL', true];
  switch (type) {
    case 'S':
      return Buffer.byteLength(String(inner));
    case 'N':
      return Math.ceil(String(inner).replace(/^-|\.|e.*$/gi, '').length / 2) + 1;
    case 'B':
      return Buffer.from(String(inner), 'base64').length;
    case 'BOOL':
    case 'NULL':
      return 1;
    case 'SS':
    case 'NS':
    case 'BS':
      return (inner as string[]).reduce((sum, one) => sum + Buffer.byteLength(one), 0);
    case 'L':
      return 3 + (inner as Attribute[]).reduce((sum, one) => sum + 1 + valueBytes(one), 0);
    case 'M':
      return 3 + itemBytes(inner as Item) + Object.keys(inner as Item).length;
    default:
      return 0;
  }
}

/**
 * Meters the requests for `table` that reach `server` (through a socket or the in-process transport
 * alike). Answers live counts; `reset()` starts them again.
 */
export function meterStore(
  server: Server,
  table: LocalTable,
): { counts: StoreCounts; reset(): void; stop(): void } {
  type Described = {
    IndexName: string;
    KeySchema: { AttributeName: string }[];
    Projection?: { ProjectionType?: Index['projection'] };
  };
  const indexes: Index[] = ((table.globalSecondaryIndexes ?? []) as unknown as Described[]).map((index) => ({
    name: index.IndexName,
    keys: index.KeySchema.map((key) => key.AttributeName),
    projection: index.Projection?.ProjectionType ?? 'ALL',
  }));
  const [listener] = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  if (!listener) throw new Error('The DynamoDB server has no request listener to meter');
  const known = new Map<string, Item>();
  const meter = {
    counts: fresh(),
    reset() {
      meter.counts = fresh();
    },
    /** Gives the server its own listener back: metering costs CPU the figures after it should not pay. */
    stop() {
      server.removeAllListeners('request');
      server.on('request', listener);
    },
  };
  const write = (before: Item | undefined, after: Item | undefined) => {
    const counts = meter.counts;
    const units = (item: Item | undefined) => (item ? Math.ceil(itemBytes(item) / 1024) : 0);
    counts.tableWriteUnits += Math.max(1, units(before), units(after));
    for (const index of indexes) {
      const keyOf = (item: Item | undefined) =>
        item && index.keys.every((key) => item[key])
          ? JSON.stringify(index.keys.map((key) => item[key]))
          : undefined;
      const [was, is] = [keyOf(before), keyOf(after)];
      if (!was && !is) continue;
      const moved = was !== is;
      // ALL: a copy of the whole item on every write (and the old one deleted when the key moved).
      counts.indexWriteUnitsIfAll += (is ? units(after) : 0) + (moved && was ? 1 : 0);
      // KEYS_ONLY / INCLUDE of attributes that never change after opening: only when a key moves.
      counts.indexWriteUnits +=
        index.projection === 'ALL'
          ? (is ? units(after) : 0) + (moved && was ? 1 : 0)
          : moved
            ? (was ? 1 : 0) + (is ? 1 : 0)
            : 0;
    }
  };
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const chunks: Buffer[] = [];
    let ours = false;
    let consistent = false;
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {}
      ours = body.TableName === table.name || Object.hasOwn((body.RequestItems as object) ?? {}, table.name);
      if (!ours) return;
      consistent = body.ConsistentRead === true;
      const counts = meter.counts;
      counts.requests[operation] = (counts.requests[operation] ?? 0) + 1;
      if (operation === 'PutItem') {
        const item = body.Item as Item;
        const id = `${item.pk?.S}\n${item.sk?.S}`;
        write(known.get(id), item);
        known.set(id, item);
        if (item.sk?.S === 'CASE') counts.itemBytes.set(id, itemBytes(item));
      }
      if (operation === 'BatchWriteItem') {
        for (const put of (body.RequestItems as Record<string, { PutRequest?: { Item: Item } }[]>)[
          table.name
        ] ?? []) {
          if (put.PutRequest) write(undefined, put.PutRequest.Item);
        }
      }
      if (operation === 'UpdateItem' || operation === 'DeleteItem') write(undefined, undefined);
    });
    // The answer's size gives the read units of a read.
    if (/^(GetItem|Query|BatchGetItem|Scan)$/.test(operation)) {
      const end = response.end.bind(response) as (chunk?: unknown) => ServerResponse;
      response.end = ((chunk?: unknown) => {
        if (ours && (typeof chunk === 'string' || chunk instanceof Uint8Array)) {
          meter.counts.readUnits +=
            Math.max(1, Math.ceil(Buffer.byteLength(chunk) / 4096)) * (consistent ? 1 : 0.5);
        }
        return end(chunk);
      }) as typeof response.end;
    }
    listener.call(server, request, response);
  });
  return meter;
}
