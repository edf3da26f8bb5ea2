import type { Server } from 'node:http';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, vi } from 'vitest';
import { dynamoClient, startDynamo } from '../../local/dynamo.ts';
import type { StepFunctionsEngine } from '../../local/sfn/engine.ts';
import { JOURNAL_TABLE, Journal } from '../../local/sfn/journal.ts';

/**
 * One store (dynalite, in memory) with the engine's journal table, for a test file whose "processes"
 * are engines on it, each with a client of its own. Each test's engines go in `engines`: they are
 * closed after it, so the next test's processes never share the journal with a live one (two processes
 * on one data directory, which the local cloud refuses). A killed process cannot record its clean stop
 * and says so on closing: expected here, and kept off the test's output.
 */
export function journalStore(): {
  /** The store's URL; a test may point it at a store of its own. */
  endpoint: string;
  readonly engines: StepFunctionsEngine[];
} {
  let server: Server | undefined;
  const store = { endpoint: '', engines: [] as StepFunctionsEngine[] };
  beforeAll(async () => {
    server = await startDynamo(0, undefined);
    store.endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    await new Journal(dynamoClient(store.endpoint)).ensureTable();
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    for (const engine of store.engines.splice(0)) await engine.close();
    vi.restoreAllMocks();
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });
  return store;
}

/**
 * Kills the process whose client this is at a journal write: the first request to the journal table that
 * `dies` picks, and every later request of the client, never reach the store, as after a SIGKILL. The
 * answer tells whether (and at which request) it died.
 */
export function killAtJournalWrite<Input extends { TableName?: string }>(
  client: DynamoDBClient,
  dies: (input: Input) => boolean,
): { at: string | undefined } {
  const dead = { at: undefined as string | undefined };
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as Input;
      if (dead.at || (input.TableName === JOURNAL_TABLE && dies(input))) {
        dead.at ??= JSON.stringify(input).slice(0, 200);
        throw Object.assign(new Error('Injected: the process is gone'), { name: 'InternalServerError' });
      }
      return next(args);
    },
    { step: 'initialize', name: 'killedHere' },
  );
  return dead;
}
