import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalClock } from '../../local/clock.ts';
import { dynamoClient, startDynamo } from '../../local/dynamo.ts';
import { type Integrations, StepFunctionsEngine } from '../../local/sfn/engine.ts';
import { Journal } from '../../local/sfn/journal.ts';
import { ACCOUNT, REGION } from '../../local/template.ts';
import { eventually } from '../support/cloud.ts';

/**
 * A callback task's deadline that passes while its token is still being written to the journal. The
 * timeout fired, found no token to close, did not hold, and the wait then went on for ever: in the full
 * suite a visit's reminder was sent, the test moved the clock past the visit at once, and the missed
 * visit was never seen (the visits-custody no-show test failed about one run in two). The write is held
 * here until the clock has passed the deadline, so the race happens every time.
 */
const MACHINE = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:token-timeout`;
const DEFINITION = {
  StartAt: 'Wait for answer',
  States: {
    'Wait for answer': {
      Type: 'Task',
      Resource: 'arn:aws:lambda:us-east-1:000000000000:function:ask.waitForTaskToken',
      Parameters: { 'token.$': '$$.Task.Token' },
      TimeoutSeconds: 60,
      Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Timed out' }],
      Next: 'Answered',
    },
    'Timed out': { Type: 'Pass', Result: 'timed out', End: true },
    Answered: { Type: 'Pass', Result: 'answered', End: true },
  },
};

const handsOut: Integrations = { assertSupported() {}, invoke: async () => ({}) };

let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = await startDynamo(0, undefined);
  endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  await new Journal(dynamoClient(endpoint)).ensureTable();
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('a callback task whose deadline passes while its token is written', () => {
  it('still times out', async () => {
    const client = dynamoClient(endpoint);
    let releaseToken: () => void = () => {};
    const tokenHeld = new Promise<void>((resolve) => {
      client.middlewareStack.add(
        (next) => async (args) => {
          const item = (args.input as { Item?: { pk?: string } }).Item;
          if (item?.pk?.startsWith('TOKEN#')) {
            resolve();
            await new Promise<void>((release) => (releaseToken = release));
          }
          return next(args);
        },
        { step: 'initialize', name: 'holdTheToken' },
      );
    });
    const clock = new LocalClock(LocalClock.fresh(1));
    const engine = new StepFunctionsEngine(new Journal(client, []), clock, handsOut, 'token-timeout', false);
    engine.register({
      arn: MACHINE,
      name: 'token-timeout',
      definition: DEFINITION,
      roleArn: 'arn:aws:iam::000000000000:role/test',
    });
    try {
      await engine.recover();
      const { executionArn } = await engine.startExecution(MACHINE, 'late-token', '{}');
      await tokenHeld;
      await clock.advance(120_000);
      releaseToken();
      const ended = await eventually(async () => {
        const record = await engine.describeExecution(executionArn);
        return record.status === 'RUNNING' ? undefined : record;
      }, 5_000);
      expect(ended).toMatchObject({ status: 'SUCCEEDED', output: '"timed out"' });
    } finally {
      releaseToken();
      await engine.close();
    }
  });
});
