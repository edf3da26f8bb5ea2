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

type Write = { Item?: { pk?: string }; ExpressionAttributeValues?: Record<string, { parked?: unknown }> };

/** An engine on the shared store whose first journal write that `held` picks waits until released. */
function engineHolding(held: (write: Write) => boolean, parksWaits: boolean) {
  const client = dynamoClient(endpoint);
  const gate = { reached: undefined as unknown as Promise<void>, release: () => {} };
  gate.reached = new Promise<void>((reached) => {
    let holding = true;
    client.middlewareStack.add(
      (next) => async (args) => {
        if (holding && held(args.input as Write)) {
          holding = false;
          reached();
          await new Promise<void>((release) => (gate.release = release));
        }
        return next(args);
      },
      { step: 'initialize', name: 'holdAWrite' },
    );
  });
  const clock = new LocalClock(LocalClock.fresh(1));
  const engine = new StepFunctionsEngine(
    new Journal(client, []),
    clock,
    handsOut,
    'token-timeout',
    parksWaits,
  );
  engine.register({
    arn: MACHINE,
    name: 'token-timeout',
    definition: DEFINITION,
    roleArn: 'arn:aws:iam::000000000000:role/test',
  });
  return { engine, clock, gate };
}

/** Starts an execution, moves the clock past its deadline while the write is held, and answers how it ends. */
async function deadlinePassedDuring(held: (write: Write) => boolean, parksWaits: boolean, name: string) {
  const { engine, clock, gate } = engineHolding(held, parksWaits);
  try {
    await engine.recover();
    const { executionArn } = await engine.startExecution(MACHINE, name, '{}');
    await gate.reached;
    await clock.advance(120_000);
    gate.release();
    return await eventually(
      async () => {
        const record = await engine.describeExecution(executionArn);
        return record.status === 'RUNNING' ? undefined : record;
      },
      5_000,
      `${name} to end`,
    );
  } finally {
    gate.release();
    await engine.close();
  }
}

const theToken = (write: Write) => Boolean(write.Item?.pk?.startsWith('TOKEN#'));
const theParking = (write: Write) => write.ExpressionAttributeValues?.[':position']?.parked !== undefined;

describe('a callback task whose deadline passes while the engine is still writing', () => {
  it('times out when it passes during the token’s write', async () => {
    const ended = await deadlinePassedDuring(theToken, false, 'late-token');
    expect(ended).toMatchObject({ status: 'SUCCEEDED', output: '"timed out"' });
  });

  it('times out when it passes during the token’s write, parking', async () => {
    const ended = await deadlinePassedDuring(theToken, true, 'late-token-parking');
    expect(ended).toMatchObject({ status: 'SUCCEEDED', output: '"timed out"' });
  });

  it('times out when it passes while the wait is being parked', async () => {
    const ended = await deadlinePassedDuring(theParking, true, 'late-parking');
    expect(ended).toMatchObject({ status: 'SUCCEEDED', output: '"timed out"' });
  });
});
