import { randomBytes } from 'node:crypto';
import { CreateTableCommand, type DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ClockState } from '../clock.ts';

export const JOURNAL_TABLE = 'fairfix-local-engine';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** Where a running execution is: the top-level state it entered, with what input, when. */
export interface Position {
  seq: number;
  state: string;
  input: unknown;
  enteredAt: number;
  /** When the current attempt of a Task began (virtual ms): its timeout counts from here. */
  taskStartedAt?: number;
  /** Which attempt (0 first, then one per Retry) began at taskStartedAt. */
  attempt?: number;
}

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: number;
  stopDate?: number;
  position?: Position;
  nextEventId: number;
}

export interface TokenRecord {
  token: string;
  executionArn: string;
  /** The position entry the token belongs to: a resumed step finds and keeps its token. */
  seq: number;
  state: string;
  status: 'WAITING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'CLOSED';
  output?: string;
  error?: string;
  cause?: string;
}

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

const pad = (n: number) => String(n).padStart(10, '0');

/**
 * The engine's durable memory, in the same embedded DynamoDB as the application's data: executions,
 * their positions and history, task tokens, and the clock. Nothing the engine knows lives only in memory.
 */
export class Journal {
  private readonly doc: DynamoDBDocumentClient;

  constructor(private readonly client: DynamoDBClient) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async ensureTable(): Promise<void> {
    try {
      await this.client.send(
        new CreateTableCommand({
          TableName: JOURNAL_TABLE,
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
          ],
        }),
      );
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }

  /** Creates the execution unless one with that ARN exists; answers the one stored. */
  async createExecution(record: ExecutionRecord): Promise<{ created: boolean; record: ExecutionRecord }> {
    const created = await this.conditionally(
      new PutCommand({
        TableName: JOURNAL_TABLE,
        Item: { pk: `EXEC#${record.executionArn}`, sk: 'META', ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    if (!created) {
      const existing = await this.getExecution(record.executionArn);
      if (!existing) throw new Error(`Execution ${record.executionArn} exists and cannot be read`);
      return { created: false, record: existing };
    }
    await this.putListing(record);
    return { created: true, record };
  }

  getExecution(executionArn: string): Promise<ExecutionRecord | undefined> {
    return this.read<ExecutionRecord>(`EXEC#${executionArn}`, 'META');
  }

  async savePosition(executionArn: string, position: Position): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: JOURNAL_TABLE,
        Key: { pk: `EXEC#${executionArn}`, sk: 'META' },
        UpdateExpression: 'SET #position = :position',
        ConditionExpression: '#status = :running',
        ExpressionAttributeNames: { '#position': 'position', '#status': 'status' },
        ExpressionAttributeValues: { ':position': position, ':running': 'RUNNING' },
      }),
    );
  }

  /** Ends a running execution; false if it had already ended (e.g. stopped meanwhile). */
  async finishExecution(
    record: ExecutionRecord,
    end: Pick<ExecutionRecord, 'status' | 'output' | 'error' | 'cause' | 'stopDate'>,
  ): Promise<boolean> {
    const ended = await this.conditionally(
      new UpdateCommand({
        TableName: JOURNAL_TABLE,
        Key: { pk: `EXEC#${record.executionArn}`, sk: 'META' },
        ...settle(end, 'RUNNING', { stopDate: end.stopDate }),
      }),
    );
    if (ended) await this.putListing({ ...record, ...end });
    return ended;
  }

  async runningExecutions(): Promise<ExecutionRecord[]> {
    const items: ExecutionRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new ScanCommand({
          TableName: JOURNAL_TABLE,
          FilterExpression: 'sk = :meta AND #status = :running',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':meta': 'META', ':running': 'RUNNING' },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []).map((item) => strip<ExecutionRecord>(item)));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** Executions of a state machine, newest first. */
  async listExecutions(stateMachineArn: string, limit: number, after?: Record<string, unknown>) {
    const page = await this.doc.send(
      new QueryCommand({
        TableName: JOURNAL_TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `LIST#${stateMachineArn}` },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: after,
      }),
    );
    return {
      items: (page.Items ?? []).map((item) => strip<ExecutionRecord>(item)),
      next: page.LastEvaluatedKey,
    };
  }

  async appendHistory(executionArn: string, events: HistoryEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += 25) {
      const chunk = events.slice(i, i + 25);
      let requests: Record<string, unknown>[] | undefined = chunk.map((event) => ({
        PutRequest: { Item: { pk: `HIST#${executionArn}`, sk: pad(event.id), event } },
      }));
      while (requests && requests.length > 0) {
        const result = await this.doc.send(
          new BatchWriteCommand({ RequestItems: { [JOURNAL_TABLE]: requests as never } }),
        );
        requests = result.UnprocessedItems?.[JOURNAL_TABLE] as Record<string, unknown>[] | undefined;
      }
    }
  }

  async history(executionArn: string, limit: number, reverse: boolean, after?: Record<string, unknown>) {
    const page = await this.doc.send(
      new QueryCommand({
        TableName: JOURNAL_TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `HIST#${executionArn}` },
        ScanIndexForward: !reverse,
        Limit: limit,
        ExclusiveStartKey: after,
        ConsistentRead: true,
      }),
    );
    return {
      events: (page.Items ?? []).map((item) => item.event as HistoryEvent),
      next: page.LastEvaluatedKey,
    };
  }

  async putToken(record: TokenRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: JOURNAL_TABLE,
        Item: { pk: `TOKEN#${record.token}`, sk: 'TOKEN', ...record },
      }),
    );
  }

  getToken(token: string): Promise<TokenRecord | undefined> {
    return this.read<TokenRecord>(`TOKEN#${token}`, 'TOKEN');
  }

  /** Completes a waiting token once; false when it was no longer waiting. */
  completeToken(
    token: string,
    outcome: Pick<TokenRecord, 'status' | 'output' | 'error' | 'cause'>,
  ): Promise<boolean> {
    return this.conditionally(
      new UpdateCommand({
        TableName: JOURNAL_TABLE,
        Key: { pk: `TOKEN#${token}`, sk: 'TOKEN' },
        ...settle(outcome, 'WAITING'),
      }),
    );
  }

  /** The secret task tokens are derived from, made once per data directory. */
  async tokenSecret(): Promise<string> {
    const fresh = randomBytes(32).toString('hex');
    const made = await this.conditionally(
      new PutCommand({
        TableName: JOURNAL_TABLE,
        Item: { pk: 'SECRET', sk: 'SECRET', value: fresh },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return made ? fresh : String((await this.read<{ value: string }>('SECRET', 'SECRET'))?.value);
  }

  async loadClock(): Promise<ClockState | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: JOURNAL_TABLE, Key: { pk: 'CLOCK', sk: 'CLOCK' } }),
    );
    return Item ? (Item.state as ClockState) : undefined;
  }

  async saveClock(state: ClockState): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: JOURNAL_TABLE, Item: { pk: 'CLOCK', sk: 'CLOCK', state } }),
    );
  }

  /** Sends a conditional write; false when its condition did not hold. */
  private async conditionally(command: PutCommand | UpdateCommand): Promise<boolean> {
    try {
      await this.doc.send(command as PutCommand);
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  private async read<T>(pk: string, sk: string): Promise<T | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: JOURNAL_TABLE, Key: { pk, sk }, ConsistentRead: true }),
    );
    return Item ? strip<T>(Item) : undefined;
  }

  private async putListing(record: ExecutionRecord): Promise<void> {
    const { position: _, input: _i, output: _o, ...summary } = record;
    await this.doc.send(
      new PutCommand({
        TableName: JOURNAL_TABLE,
        Item: {
          pk: `LIST#${record.stateMachineArn}`,
          sk: `${String(record.startDate).padStart(15, '0')}#${record.name}`,
          ...summary,
        },
      }),
    );
  }
}

function strip<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, ...rest } = item;
  for (const [key, value] of Object.entries(rest)) if (value === null) delete rest[key];
  return rest as T;
}

/** The update that ends something (an execution, a token) once: only while it is still `from`. */
function settle(
  end: { status: string; output?: string; error?: string; cause?: string },
  from: string,
  extra: Record<string, unknown> = {},
) {
  const extraNames = Object.keys(extra);
  return {
    UpdateExpression: `SET ${['#status = :status', '#output = :output', '#error = :error', '#cause = :cause', ...extraNames.map((k) => `${k} = :${k}`)].join(', ')}`,
    ConditionExpression: '#status = :from',
    ExpressionAttributeNames: {
      '#status': 'status',
      '#output': 'output',
      '#error': 'error',
      '#cause': 'cause',
    },
    ExpressionAttributeValues: {
      ':status': end.status,
      ':output': end.output ?? null,
      ':error': end.error ?? null,
      ':cause': end.cause ?? null,
      ':from': from,
      ...Object.fromEntries(extraNames.map((k) => [`:${k}`, extra[k]])),
    },
  };
}
