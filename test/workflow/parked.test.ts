import type { Server } from 'node:http';
import { DeleteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalClock } from '../../local/clock.ts';
import { dynamoClient, startDynamo } from '../../local/dynamo.ts';
import { type Integrations, StepFunctionsEngine } from '../../local/sfn/engine.ts';
import { JOURNAL_TABLE, Journal } from '../../local/sfn/journal.ts';
import { ACCOUNT, REGION } from '../../local/template.ts';
import { eventually } from '../support/cloud.ts';

/**
 * A waiting execution holds no run in memory (issue 11, finding 5): once its step has handed its token
 * out, or it sleeps in a Wait state, the run lets go and the engine keeps only a timer. An answer to the
 * token or the timer wakes it where it was; a restart parks it again without running anything.
 */
const HOUR = 3600;
const DEFINITION = {
  StartAt: 'Wait for the depot',
  States: {
    'Wait for the depot': {
      Type: 'Task',
      Resource: 'arn:aws:lambda:us-east-1:000000000000:function:hand-out.waitForTaskToken',
      Parameters: { 'token.$': '$$.Task.Token', 'id.$': '$$.Execution.Name' },
      TimeoutSeconds: HOUR,
      ResultPath: '$.answer',
      Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.timedOut', Next: 'Sleep a day' }],
      Next: 'Sleep a day',
    },
    'Sleep a day': { Type: 'Wait', Seconds: 24 * HOUR, Next: 'Done' },
    Done: { Type: 'Succeed' },
  },
};

/** Stands in for Lambda: `hand-out` hands its token out, as await-case-event does; each call is counted. */
class HandOut implements Integrations {
  readonly tokens = new Map<string, string>();
  calls = 0;
  assertSupported(): void {}
  async invoke(_resource: string, parameters: unknown): Promise<unknown> {
    const { token, id } = parameters as { token: string; id: string };
    this.calls++;
    this.tokens.set(id, token);
    return {};
  }
}

let server: Server;
let endpoint: string;
const engines: StepFunctionsEngine[] = [];
let named = 0;
let machines = 0;

beforeAll(async () => {
  server = await startDynamo(0, undefined);
  endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  await new Journal(dynamoClient(endpoint)).ensureTable();
});
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/**
 * A process on the shared store: its own journal, clock (at `now`) and engine, with the test's state
 * machine. Each test has its own machine, so a restart resumes that test's executions only.
 */
async function boot(
  machine = `parking-${++machines}`,
  now = Date.now(),
  slowParking = 0,
  definition: object = DEFINITION,
) {
  const client = dynamoClient(endpoint);
  if (slowParking > 0)
    client.middlewareStack.add(
      (next) => async (args) => {
        if (JSON.stringify(args.input).includes('"parked"'))
          await new Promise((resolve) => setTimeout(resolve, slowParking));
        return next(args);
      },
      { step: 'initialize', name: 'slowParking' },
    );
  const journal = new Journal(client, []);
  const clock = new LocalClock({ anchorReal: Date.now(), anchorVirtual: now, scale: 1 });
  const handOut = new HandOut();
  const engine = new StepFunctionsEngine(journal, clock, handOut, 'parking-secret', true);
  const arn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${machine}`;
  engine.register({
    arn,
    name: machine,
    definition: definition as Record<string, unknown>,
    roleArn: 'arn:aws:iam::0:role/t',
  });
  engines.push(engine);
  await engine.recover();
  return { engine, journal, clock, handOut, machine, arn };
}

async function startParked(process: Awaited<ReturnType<typeof boot>>) {
  const name = `parked-${++named}`;
  const { executionArn } = await process.engine.startExecution(process.arn, name, '{}');
  await eventually(async () => (process.engine.isParked(executionArn) ? true : undefined));
  return { name, executionArn, token: process.handOut.tokens.get(name) as string };
}

async function enteredStates(journal: Journal, executionArn: string): Promise<string[]> {
  const { events } = await journal.history(executionArn, 1000, false);
  return events
    .filter((event) => event.type.endsWith('StateEntered'))
    .map((event) => (event.stateEnteredEventDetails as { name: string }).name);
}

const status = async (engine: StepFunctionsEngine, arn: string) =>
  (await engine.describeExecution(arn)).status;

describe('a waiting execution', () => {
  it('is parked once its step has handed its token out: no run, no waiter, only its timer', async () => {
    const process = await boot();
    const { executionArn, token } = await startParked(process);
    expect(process.engine.waiters.size).toBe(0);
    expect(process.engine.parkedCount).toBe(1);
    expect(token).toBeTruthy();
    const { position } = (await process.journal.getExecution(executionArn)) ?? {};
    expect(position?.state).toBe('Wait for the depot');
    expect(position?.parked).toEqual({ token, wakeAt: (position?.enteredAt as number) + HOUR * 1000 });
  });

  it('is woken by an answer to its token, goes on, and parks again in a Wait state', async () => {
    const process = await boot();
    const { executionArn, token } = await startParked(process);
    await process.engine.sendTaskSuccess(token, '{"fixed":true}');
    await eventually(async () =>
      (await process.journal.getExecution(executionArn))?.position?.state === 'Sleep a day' &&
      process.engine.isParked(executionArn)
        ? true
        : undefined,
    );
    await process.clock.advance(24 * HOUR * 1000);
    await eventually(async () =>
      (await status(process.engine, executionArn)) === 'SUCCEEDED' ? true : undefined,
    );
    const output = JSON.parse((await process.engine.describeExecution(executionArn)).output ?? '{}');
    expect(output.answer).toEqual({ fixed: true });
    // Woken twice, each state entered once, and the token handed out once.
    expect(await enteredStates(process.journal, executionArn)).toEqual([
      'Wait for the depot',
      'Sleep a day',
      'Done',
    ]);
    expect(process.handOut.calls).toBe(1);
    expect(process.engine.isParked(executionArn)).toBe(false);
  });

  it('is woken by its deadline: the task times out as it would have in memory', async () => {
    const process = await boot();
    const { executionArn, token } = await startParked(process);
    await process.clock.advance(HOUR * 1000 + 1);
    await eventually(async () =>
      (await process.journal.getExecution(executionArn))?.position?.state === 'Sleep a day'
        ? true
        : undefined,
    );
    await expect(process.engine.sendTaskSuccess(token, '{}')).rejects.toMatchObject({ name: 'TaskTimedOut' });
    await process.clock.advance(24 * HOUR * 1000);
    await eventually(async () =>
      (await status(process.engine, executionArn)) === 'SUCCEEDED' ? true : undefined,
    );
    const output = JSON.parse((await process.engine.describeExecution(executionArn)).output ?? '{}');
    expect(output.timedOut).toMatchObject({ Error: 'States.Timeout' });
    expect(process.handOut.calls).toBe(1);
  });

  it('keeps an answer given just before its deadline, though the clock passes it before the run wakes', async () => {
    const process = await boot();
    const { executionArn, token } = await startParked(process);
    await process.engine.sendTaskSuccess(token, '{"justInTime":true}');
    await process.clock.advance(HOUR * 1000 + 1);
    await eventually(async () =>
      (await process.journal.getExecution(executionArn))?.position?.state === 'Sleep a day'
        ? true
        : undefined,
    );
    const { position } = (await process.journal.getExecution(executionArn)) ?? {};
    expect(position?.input).toEqual({ answer: { justInTime: true } });
  });

  it('takes an answer that comes while its run is letting go', async () => {
    const process = await boot(undefined, Date.now(), 300);
    const name = `parked-${++named}`;
    const { executionArn } = await process.engine.startExecution(process.arn, name, '{}');
    const token = await eventually(async () => process.handOut.tokens.get(name));
    // The parking write takes 300 ms: the answer finds no waiter and no parked execution yet.
    await process.engine.sendTaskSuccess(token, '{"early":true}');
    await eventually(async () =>
      (await process.journal.getExecution(executionArn))?.position?.state === 'Sleep a day'
        ? true
        : undefined,
    );
    expect(await enteredStates(process.journal, executionArn)).toEqual(['Wait for the depot', 'Sleep a day']);
  });

  it('is stopped without a run: ABORTED in its record and its history, its token closed', async () => {
    const process = await boot();
    const { executionArn, token } = await startParked(process);
    await process.engine.stopExecution(executionArn, 'Cancelled', 'by the test');
    expect(await status(process.engine, executionArn)).toBe('ABORTED');
    expect(process.engine.isParked(executionArn)).toBe(false);
    const { events } = await process.journal.history(executionArn, 1000, false);
    expect(events.at(-1)).toMatchObject({
      type: 'ExecutionAborted',
      executionAbortedEventDetails: { error: 'Cancelled', cause: 'by the test' },
    });
    expect(events.map((event) => event.id)).toEqual(events.map((_, i) => i + 1));
    await expect(process.engine.sendTaskSuccess(token, '{}')).rejects.toMatchObject({
      name: 'TaskDoesNotExist',
    });
  });

  it('is stopped while its run lets go: it ends ABORTED, not parked', async () => {
    const process = await boot(undefined, Date.now(), 300);
    const name = `parked-${++named}`;
    const { executionArn } = await process.engine.startExecution(process.arn, name, '{}');
    const token = await eventually(async () => process.handOut.tokens.get(name));
    // The parking write takes 300 ms: the stop comes in the middle of it.
    await process.engine.stopExecution(executionArn, 'Cancelled', 'mid-parking');
    expect(await status(process.engine, executionArn)).toBe('ABORTED');
    expect(process.engine.isParked(executionArn)).toBe(false);
    await expect(process.engine.sendTaskSuccess(token, '{}')).rejects.toMatchObject({
      name: 'TaskDoesNotExist',
    });
  });
});

describe('after a restart, a parked execution', () => {
  it('is parked again without a run after a clean stop: its step is not called again', async () => {
    const first = await boot();
    const parked = [await startParked(first), await startParked(first), await startParked(first)];
    await first.engine.close();
    const second = await boot(first.machine, first.clock.now());
    await second.engine.resumed;
    await second.engine.redelivered;
    for (const { executionArn } of parked) expect(second.engine.isParked(executionArn)).toBe(true);
    expect(second.handOut.calls).toBe(0);
    const [answered] = parked;
    await second.engine.sendTaskSuccess(answered?.token as string, '{}');
    await eventually(async () =>
      (await second.journal.getExecution(answered?.executionArn as string))?.position?.state === 'Sleep a day'
        ? true
        : undefined,
    );
  });

  it('goes on by the definition it started with when a restart brings a changed one, as on AWS', async () => {
    // The next version of the app: after the depot, the case is done at once; "Sleep a day" is gone.
    const changed = {
      StartAt: 'Wait for the depot',
      States: {
        'Wait for the depot': {
          ...DEFINITION.States['Wait for the depot'],
          Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.timedOut', Next: 'Shipped at once' }],
          Next: 'Shipped at once',
        },
        'Shipped at once': { Type: 'Succeed' },
      },
    };
    const first = await boot();
    const before = await startParked(first);
    await first.engine.close();
    const second = await boot(first.machine, first.clock.now(), 0, changed);
    await second.engine.resumed;
    const after = await startParked(second);
    await second.engine.sendTaskSuccess(before.token, '{}');
    await second.engine.sendTaskSuccess(after.token, '{}');
    await eventually(async () =>
      (await second.journal.getExecution(before.executionArn))?.position?.state === 'Sleep a day' &&
      (await status(second.engine, after.executionArn)) === 'SUCCEEDED'
        ? true
        : undefined,
    );
    expect(await enteredStates(second.journal, before.executionArn)).toEqual([
      'Wait for the depot',
      'Sleep a day',
    ]);
    expect(await enteredStates(second.journal, after.executionArn)).toEqual([
      'Wait for the depot',
      'Shipped at once',
    ]);
  });

  it('keeps its deadline across the restart', async () => {
    const first = await boot();
    const { executionArn } = await startParked(first);
    await first.engine.close();
    const second = await boot(first.machine, first.clock.now());
    await second.engine.resumed;
    await second.clock.advance(HOUR * 1000 + 1);
    await eventually(async () =>
      (await second.journal.getExecution(executionArn))?.position?.state === 'Sleep a day' ? true : undefined,
    );
  });

  it('after a crash hands its token out again, behind the start, so an answer recorded but never sent arrives', async () => {
    const first = await boot();
    const { name, executionArn } = await startParked(first);
    await first.engine.close();
    // A crash: the process died without recording a clean stop.
    await DynamoDBDocumentClient.from(dynamoClient(endpoint)).send(
      new DeleteCommand({ TableName: JOURNAL_TABLE, Key: { pk: 'CLEAN-STOP', sk: 'CLEAN-STOP' } }),
    );
    const second = await boot(first.machine, first.clock.now());
    await second.engine.resumed;
    await second.engine.redelivered;
    expect(second.handOut.calls).toBe(1);
    expect(second.handOut.tokens.get(name)).toBe(first.handOut.tokens.get(name));
    await eventually(async () => (second.engine.isParked(executionArn) ? true : undefined));
    expect(await enteredStates(second.journal, executionArn)).toEqual(['Wait for the depot']);
  });
});
