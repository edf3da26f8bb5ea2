import { randomBytes } from 'node:crypto';
import { CreateTableCommand, type DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ClockState } from '../clock.ts';

export const JOURNAL_TABLE = 'fairfix-local-engine';

/** The partition indexing running executions (sort key: the ARN), and its "complete" marker's key. */
const RUNNING = 'RUNNING';
const INDEXED = '#indexed';
/** The key of the record that the engine stopped cleanly (every run let go, its writes made). */
const CLEAN_STOP = 'CLEAN-STOP';

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
  /**
   * The history event id a run resuming here gives its first event: the one after this state's entry
   * (or after its last failed attempt). What a killed run wrote beyond it is written again in place.
   * Absent in journals from before it: recovery then reads where the history ends.
   */
  nextEventId?: number;
  /**
   * Set when the run let go of the execution here to wait without memory (the engine's parking): its
   * step had handed its token out, or it sleeps in a Wait state, until `wakeAt` if it has a deadline.
   * A later position of the same execution has none. Recovery parks it again without a run.
   */
  parked?: Parking;
}

/** A parked execution's wait: the token it waits on (none in a Wait state) and when it must wake. */
export interface Parking {
  token?: string;
  wakeAt?: number;
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
  /** The hash of the definition it started on (Journal.definition); none if recorded before they were kept. */
  version?: string;
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

/** Pauses before each retry of a journal request (ms): four tries in about a second. */
const RETRY_DELAYS_MS = [50, 200, 800];

/** A journal request that failed every time it was tried: the engine cannot trust what it would record. */
export class JournalError extends Error {
  constructor(what: string, attempts: number, cause: unknown) {
    super(`${what} failed ${attempts} times; last: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'JournalError';
  }
}

const conditionFailed = (error: unknown) => (error as Error)?.name === 'ConditionalCheckFailedException';
/** Errors that are the store's answer (a condition did not hold, the table exists): trying again changes nothing. */
const ANSWERS = new Set(['ConditionalCheckFailedException', 'ResourceInUseException']);

/**
 * The engine's durable memory, in the same embedded DynamoDB as the application's data: executions,
 * their positions and history, task tokens, and the clock. Nothing the engine knows lives only in memory.
 */
export class Journal {
  private readonly doc: DynamoDBDocumentClient;

  /**
   * Every request is tried again a few times when it fails (a busy or restarting store answers again a
   * moment later), then fails with a JournalError; never is a failure dropped.
   */
  constructor(
    /** Where the journal lives; tests inject faults into its middleware stack. */
    readonly client: DynamoDBClient,
    private readonly retryDelaysMs: readonly number[] = RETRY_DELAYS_MS,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async ensureTable(): Promise<void> {
    try {
      await this.send('Creating the journal table', () =>
        this.client.send(
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
        ),
      );
      // Nothing in it yet: the index of running executions is complete from the first one on.
      await this.markIndexed();
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }

  /** Creates the execution unless one with that ARN exists; answers the one stored. */
  async createExecution(record: ExecutionRecord): Promise<{ created: boolean; record: ExecutionRecord }> {
    // Indexed before it exists: a crash between the two leaves an entry recovery drops, never an
    // execution recovery cannot find.
    await this.index(record);
    const created = await this.conditionally(
      `Creating execution ${record.executionArn}`,
      new PutCommand({
        TableName: JOURNAL_TABLE,
        Item: { pk: `EXEC#${record.executionArn}`, sk: 'META', ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
      async () => {
        const stored = await this.getExecution(record.executionArn);
        return stored?.startDate === record.startDate && stored.input === record.input;
      },
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
    await this.write(
      `Saving the position of ${executionArn}`,
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
      `Ending execution ${record.executionArn}`,
      new UpdateCommand({
        TableName: JOURNAL_TABLE,
        Key: { pk: `EXEC#${record.executionArn}`, sk: 'META' },
        ...settle(end, 'RUNNING', { stopDate: end.stopDate }),
      }),
      async () => {
        const stored = await this.getExecution(record.executionArn);
        return stored?.status === end.status && stored.stopDate === end.stopDate;
      },
    );
    if (ended) {
      await this.putListing({ ...record, ...end });
      await this.unindex(record.executionArn);
    }
    return ended;
  }

  /**
   * The executions the journal holds as running, by ARN and state machine, from the index kept beside
   * them: a query of one partition, however much history the journal holds. A journal from before the
   * index is scanned once to build it.
   */
  async runningIndex(): Promise<{ executionArn: string; stateMachineArn: string }[]> {
    if (!(await this.read<{ at: number }>(RUNNING, INDEXED))) {
      for (const record of await this.runningExecutions()) {
        await this.index(record);
      }
      await this.markIndexed();
    }
    const entries: { executionArn: string; stateMachineArn: string }[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.send('Listing running executions', () =>
        this.doc.send(
          new QueryCommand({
            TableName: JOURNAL_TABLE,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': RUNNING },
            ExclusiveStartKey: start,
            ConsistentRead: true,
          }),
        ),
      );
      for (const item of page.Items ?? [])
        if (item.sk !== INDEXED)
          entries.push({ executionArn: item.sk as string, stateMachineArn: item.stateMachineArn as string });
      start = page.LastEvaluatedKey;
    } while (start);
    return entries;
  }

  /** Up to 100 executions at once, by ARN; an ARN with no execution is left out. */
  async getExecutions(executionArns: readonly string[]): Promise<ExecutionRecord[]> {
    const keys = executionArns.map((arn) => ({ pk: `EXEC#${arn}`, sk: 'META' }));
    return (await this.getMany('Reading executions', keys)).map((item) => strip<ExecutionRecord>(item));
  }

  /** Up to 100 items at once, by key, read consistently; a key with no item is left out. */
  private async getMany(what: string, keys: Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
    const found: Record<string, unknown>[] = [];
    let pending: Record<string, unknown>[] | undefined = keys;
    while (pending && pending.length > 0) {
      const batch = pending;
      const page = await this.send(what, () =>
        this.doc.send(
          new BatchGetCommand({ RequestItems: { [JOURNAL_TABLE]: { Keys: batch, ConsistentRead: true } } }),
        ),
      );
      found.push(...(page.Responses?.[JOURNAL_TABLE] ?? []));
      pending = page.UnprocessedKeys?.[JOURNAL_TABLE]?.Keys as Record<string, unknown>[] | undefined;
    }
    return found;
  }

  /** Drops an execution from the index of running ones (it ended, or never came to exist). */
  async unindex(executionArn: string): Promise<void> {
    await this.send(`Unindexing execution ${executionArn}`, () =>
      this.doc.send(new DeleteCommand({ TableName: JOURNAL_TABLE, Key: { pk: RUNNING, sk: executionArn } })),
    );
  }

  /** Adds an execution to the index of running ones (again: the same entry). */
  async index(record: Pick<ExecutionRecord, 'executionArn' | 'stateMachineArn'>): Promise<void> {
    await this.write(
      `Indexing execution ${record.executionArn}`,
      new PutCommand({
        TableName: JOURNAL_TABLE,
        Item: { pk: RUNNING, sk: record.executionArn, stateMachineArn: record.stateMachineArn },
      }),
    );
  }

  private async markIndexed(): Promise<void> {
    await this.write(
      'Marking the index of running executions complete',
      new PutCommand({ TableName: JOURNAL_TABLE, Item: { pk: RUNNING, sk: INDEXED, at: Date.now() } }),
    );
  }

  async runningExecutions(): Promise<ExecutionRecord[]> {
    const items: ExecutionRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.send('Listing running executions', () =>
        this.doc.send(
          new ScanCommand({
            TableName: JOURNAL_TABLE,
            FilterExpression: 'sk = :meta AND #status = :running',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':meta': 'META', ':running': 'RUNNING' },
            ExclusiveStartKey: start,
          }),
        ),
      );
      items.push(...(page.Items ?? []).map((item) => strip<ExecutionRecord>(item)));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** Executions of a state machine, newest first. */
  async listExecutions(stateMachineArn: string, limit: number, after?: Record<string, unknown>) {
    const page = await this.send(`Listing executions of ${stateMachineArn}`, () =>
      this.doc.send(
        new QueryCommand({
          TableName: JOURNAL_TABLE,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `LIST#${stateMachineArn}` },
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey: after,
        }),
      ),
    );
    const listed = (page.Items ?? []).map((item) => strip<ExecutionRecord>(item));
    return {
      items: await Promise.all(listed.map((item) => this.asEnded(item))),
      next: page.LastEvaluatedKey,
    };
  }

  /**
   * An execution is ended in its own record first and listed after: a process stopped between the two
   * writes left it listed as RUNNING. Its own record is the truth, and the listing is mended from it.
   */
  private async asEnded(listed: ExecutionRecord): Promise<ExecutionRecord> {
    if (listed.status !== 'RUNNING') return listed;
    const record = await this.getExecution(listed.executionArn);
    if (!record || record.status === 'RUNNING') return listed;
    await this.putListing(record);
    const { position: _, input: _i, output: _o, ...summary } = record;
    return summary as ExecutionRecord;
  }

  async appendHistory(executionArn: string, events: HistoryEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += 25) {
      const chunk = events.slice(i, i + 25);
      let requests: Record<string, unknown>[] | undefined = chunk.map((event) => ({
        PutRequest: { Item: { pk: `HIST#${executionArn}`, sk: pad(event.id), event } },
      }));
      while (requests && requests.length > 0) {
        const result = await this.send(`Appending the history of ${executionArn}`, () =>
          this.doc.send(new BatchWriteCommand({ RequestItems: { [JOURNAL_TABLE]: requests as never } })),
        );
        requests = result.UnprocessedItems?.[JOURNAL_TABLE] as Record<string, unknown>[] | undefined;
      }
    }
  }

  /**
   * Deletes the history events after `lastId`: those a killed run wrote beyond the point its execution
   * resumed from, when the resumed run went another way. Answers how many there were.
   */
  async trimHistory(executionArn: string, lastId: number): Promise<number> {
    let trimmed = 0;
    for (;;) {
      const page = await this.send(`Reading the history of ${executionArn}`, () =>
        this.doc.send(
          new QueryCommand({
            TableName: JOURNAL_TABLE,
            KeyConditionExpression: 'pk = :pk AND sk > :after',
            ExpressionAttributeValues: { ':pk': `HIST#${executionArn}`, ':after': pad(lastId) },
            ProjectionExpression: 'pk, sk',
            Limit: 25,
            ConsistentRead: true,
          }),
        ),
      );
      const keys = page.Items ?? [];
      if (keys.length === 0) return trimmed;
      let requests: Record<string, unknown>[] | undefined = keys.map((key) => ({
        DeleteRequest: { Key: { pk: key.pk, sk: key.sk } },
      }));
      while (requests && requests.length > 0) {
        const result = await this.send(`Trimming the history of ${executionArn}`, () =>
          this.doc.send(new BatchWriteCommand({ RequestItems: { [JOURNAL_TABLE]: requests as never } })),
        );
        requests = result.UnprocessedItems?.[JOURNAL_TABLE] as Record<string, unknown>[] | undefined;
      }
      trimmed += keys.length;
    }
  }

  async history(executionArn: string, limit: number, reverse: boolean, after?: Record<string, unknown>) {
    const page = await this.send(`Reading the history of ${executionArn}`, () =>
      this.doc.send(
        new QueryCommand({
          TableName: JOURNAL_TABLE,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `HIST#${executionArn}` },
          ScanIndexForward: !reverse,
          Limit: limit,
          ExclusiveStartKey: after,
          ConsistentRead: true,
        }),
      ),
    );
    return {
      events: (page.Items ?? []).map((item) => item.event as HistoryEvent),
      next: page.LastEvaluatedKey,
    };
  }

  async putToken(record: TokenRecord): Promise<void> {
    await this.write(
      `Saving a task token of ${record.executionArn}`,
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
      'Completing a task token',
      new UpdateCommand({
        TableName: JOURNAL_TABLE,
        Key: { pk: `TOKEN#${token}`, sk: 'TOKEN' },
        ...settle(outcome, 'WAITING'),
      }),
      async () => {
        const stored = await this.getToken(token);
        return (
          stored?.status === outcome.status &&
          stored.output === outcome.output &&
          stored.error === outcome.error &&
          stored.cause === outcome.cause
        );
      },
    );
  }

  /** Up to 100 tokens at once; a token never stored is left out. */
  async getTokens(tokens: readonly string[]): Promise<TokenRecord[]> {
    const keys = tokens.map((token) => ({ pk: `TOKEN#${token}`, sk: 'TOKEN' }));
    return (await this.getMany('Reading task tokens', keys)).map((item) => strip<TokenRecord>(item));
  }

  /** Records that the engine stopped with every run let go (see StepFunctionsEngine.close). */
  async markCleanStop(): Promise<void> {
    await this.write(
      'Recording a clean stop',
      new PutCommand({ TableName: JOURNAL_TABLE, Item: { pk: CLEAN_STOP, sk: CLEAN_STOP, at: Date.now() } }),
    );
  }

  /** Whether the engine stopped cleanly last time; the record is used up, so a crash after this counts. */
  async takeCleanStop(): Promise<boolean> {
    const { Attributes } = await this.send('Reading whether the last stop was clean', () =>
      this.doc.send(
        new DeleteCommand({
          TableName: JOURNAL_TABLE,
          Key: { pk: CLEAN_STOP, sk: CLEAN_STOP },
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    return Attributes !== undefined;
  }

  /** The secret task tokens are derived from, made once per data directory. */
  async tokenSecret(): Promise<string> {
    const fresh = randomBytes(32).toString('hex');
    const made = await this.conditionally(
      'Making the token secret',
      new PutCommand({
        TableName: JOURNAL_TABLE,
        Item: { pk: 'SECRET', sk: 'SECRET', value: fresh },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return made ? fresh : String((await this.read<{ value: string }>('SECRET', 'SECRET'))?.value);
  }

  /**
   * Keeps a state machine definition under its hash, for the executions that start on it: they run on
   * it to their end, whatever a later start registers. One item per definition ever started on (about
   * 65 KB for the case workflow), never removed: an execution may wait for months.
   */
  async saveDefinition(version: string, definition: string): Promise<void> {
    await this.write(
      'Keeping a state machine definition',
      new PutCommand({
        TableName: JOURNAL_TABLE,
        Item: { pk: `DEFINITION#${version}`, sk: 'DEFINITION', definition },
      }),
    );
  }

  /** The definition kept under `version`, as JSON text. */
  async definition(version: string): Promise<string | undefined> {
    return (await this.read<{ definition: string }>(`DEFINITION#${version}`, 'DEFINITION'))?.definition;
  }

  async loadClock(): Promise<ClockState | undefined> {
    const { Item } = await this.send('Reading the clock', () =>
      this.doc.send(new GetCommand({ TableName: JOURNAL_TABLE, Key: { pk: 'CLOCK', sk: 'CLOCK' } })),
    );
    return Item ? (Item.state as ClockState) : undefined;
  }

  async saveClock(state: ClockState): Promise<void> {
    await this.write(
      'Saving the clock',
      new PutCommand({ TableName: JOURNAL_TABLE, Item: { pk: 'CLOCK', sk: 'CLOCK', state } }),
    );
  }

  /**
   * Sends a conditional write; false when its condition did not hold. After a failed try, the condition
   * may fail on the write of that very try (done, but its answer lost): `isOurs` tells by what is stored.
   */
  private async conditionally(
    what: string,
    command: PutCommand | UpdateCommand,
    isOurs?: () => Promise<boolean>,
  ): Promise<boolean> {
    let retried = false;
    try {
      await this.send(
        what,
        () => this.doc.send(command as PutCommand),
        () => (retried = true),
      );
      return true;
    } catch (error) {
      if (!conditionFailed(error)) throw error;
      return retried && isOurs ? isOurs() : false;
    }
  }

  private write(what: string, command: PutCommand | UpdateCommand): Promise<unknown> {
    return this.send(what, () => this.doc.send(command as PutCommand));
  }

  /** One request, tried again after each pause while it fails; a failed condition is an answer, not a failure. */
  private async send<T>(what: string, request: () => Promise<T>, onRetry?: () => void): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await request();
      } catch (error) {
        if (ANSWERS.has((error as Error)?.name)) throw error;
        const pause = this.retryDelaysMs[attempt - 1];
        if (pause === undefined) throw new JournalError(what, attempt, error);
        onRetry?.();
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }

  private async read<T>(pk: string, sk: string): Promise<T | undefined> {
    const { Item } = await this.send(`Reading ${pk}`, () =>
      this.doc.send(new GetCommand({ TableName: JOURNAL_TABLE, Key: { pk, sk }, ConsistentRead: true })),
    );
    return Item ? strip<T>(Item) : undefined;
  }

  private async putListing(record: ExecutionRecord): Promise<void> {
    const { position: _, input: _i, output: _o, ...summary } = record;
    await this.write(
      `Listing execution ${record.executionArn}`,
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
