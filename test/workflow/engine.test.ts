import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud.ts';
import { dynamoClient, LOCAL_CREDENTIALS } from '../../local/dynamo.ts';
import { ACCOUNT, REGION } from '../../local/template.ts';
import { eventually, startTestCloud } from '../support/cloud.ts';

/**
 * The runner's answers to each gap of aws-local-stepfunctions that docs/local-cloud.md lists, proven
 * through the Step Functions API with the unchanged AWS SDK. A task "parks" its token in DynamoDB, where
 * the test picks it up as a depot or carrier integration would. Its waits are held in memory, as with
 * `FAIRFIX_PARK_WAITS=off`: every other workflow test runs parked (the default), and parked.test.ts
 * proves parking on its own; this file keeps the in-memory waits proven.
 */
let cloud: LocalCloud;
let sfn: SFNClient;
let table: string;
let run = 0;

const DAY = 86_400;

function register(name: string, definition: object): string {
  const arn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
  cloud.engine.register({
    arn,
    name,
    definition: definition as Record<string, unknown>,
    roleArn: 'arn:aws:iam::000000000000:role/test',
  });
  return arn;
}

const parkToken = (extra: object = {}) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::dynamodb:putItem.waitForTaskToken',
  Parameters: {
    TableName: '%TABLE%',
    Item: {
      pk: { 'S.$': '$.id' },
      sk: { S: 'TOKEN' },
      token: { 'S.$': '$$.Task.Token' },
      entered: { 'S.$': '$$.State.EnteredTime' },
    },
  },
  ResultPath: '$.result',
  ...extra,
});

function withTable(definition: object): object {
  return JSON.parse(JSON.stringify(definition).replaceAll('%TABLE%', table));
}

async function start(machineArn: string, input: Record<string, unknown> = {}) {
  const id = `run-${++run}`;
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: machineArn,
      name: id,
      input: JSON.stringify({ id, ...input }),
    }),
  );
  return { id, executionArn: executionArn as string };
}

async function parkedToken(id: string): Promise<{ token: string; entered: string }> {
  const ddb = dynamoClient(cloud.urls.dynamodb);
  return eventually(async () => {
    const { Item } = await ddb.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: id }, sk: { S: 'TOKEN' } } }),
    );
    return Item ? { token: Item.token?.S as string, entered: Item.entered?.S as string } : undefined;
  });
}

async function finished(executionArn: string) {
  return eventually(async () => {
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return execution.status === 'RUNNING' ? undefined : execution;
  });
}

async function status(executionArn: string) {
  return (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

beforeAll(async () => {
  cloud = await startTestCloud(1, { parkWaits: false });
  sfn = new SFNClient({ endpoint: cloud.urls.stepFunctions, region: REGION, credentials: LOCAL_CREDENTIALS });
  table = cloud.model.tables[0]?.name as string;
});
afterAll(() => cloud?.stop());

describe('task tokens', () => {
  let machine: string;
  beforeAll(() => {
    machine = register(
      'tokens',
      withTable({ StartAt: 'Park', States: { Park: { ...parkToken(), End: true } } }),
    );
  });

  it('swaps $$.Task.Token and $$.State.EnteredTime for real values, and resumes on SendTaskSuccess', async () => {
    const { id, executionArn } = await start(machine);
    const { token, entered } = await parkedToken(id);
    expect(token).not.toContain('@@');
    expect(new Date(entered).toISOString()).toBe(entered);
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ ok: 1 }) }));
    const done = await finished(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output as string).result).toEqual({ ok: 1 });
  });

  it('answers TaskDoesNotExist for a token already used, and InvalidToken for garbage', async () => {
    const { id, executionArn } = await start(machine);
    const { token } = await parkedToken(id);
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));
    await finished(executionArn);
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
    ).rejects.toMatchObject({
      name: 'TaskDoesNotExist',
    });
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: 'garbage', output: '{}' })),
    ).rejects.toMatchObject({
      name: 'InvalidToken',
    });
  });

  it('fails the execution with the error and cause given to SendTaskFailure', async () => {
    const { id, executionArn } = await start(machine);
    const { token } = await parkedToken(id);
    await sfn.send(
      new SendTaskFailureCommand({ taskToken: token, error: 'Depot.Refused', cause: 'Wrong address' }),
    );
    expect(await finished(executionArn)).toMatchObject({
      status: 'FAILED',
      error: 'Depot.Refused',
      cause: 'Wrong address',
    });
  });
});

describe('timeouts on the controllable clock', () => {
  let machine: string;
  beforeAll(() => {
    machine = register(
      'timeouts',
      withTable({
        StartAt: 'Park',
        States: {
          Park: {
            ...parkToken({ TimeoutSecondsPath: '$.timeout' }),
            Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.timedOut', Next: 'Escalate' }],
            End: true,
          },
          Escalate: { Type: 'Pass', Result: 'escalated', ResultPath: '$.outcome', End: true },
        },
      }),
    );
  });

  it('times a task out when its deadline passes on the clock, caught as States.Timeout', async () => {
    const { id, executionArn } = await start(machine, { timeout: 3 * DAY });
    const { token } = await parkedToken(id);
    await cloud.clock.advance(2 * DAY * 1000);
    await settle();
    expect(await status(executionArn)).toBe('RUNNING');
    await cloud.clock.advance(DAY * 1000);
    const done = await finished(executionArn);
    expect(JSON.parse(done.output as string)).toMatchObject({
      outcome: 'escalated',
      timedOut: { Error: 'States.Timeout' },
    });
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
    ).rejects.toMatchObject({
      name: 'TaskTimedOut',
    });
  });

  it('does not fire at once for a timeout beyond setTimeout’s range', async () => {
    const { id, executionArn } = await start(machine, { timeout: 3_000_000 });
    await parkedToken(id);
    await settle();
    expect(await status(executionArn)).toBe('RUNNING');
    await sfn.send(new StopExecutionCommand({ executionArn }));
  });

  it('fails a task whose heartbeat stops, and keeps one that beats', async () => {
    const beating = register(
      'heartbeats',
      withTable({ StartAt: 'Park', States: { Park: { ...parkToken({ HeartbeatSeconds: 60 }), End: true } } }),
    );
    const { id, executionArn } = await start(beating);
    const { token } = await parkedToken(id);
    await cloud.clock.advance(50_000);
    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await cloud.clock.advance(50_000);
    await settle();
    expect(await status(executionArn)).toBe('RUNNING');
    await cloud.clock.advance(11_000);
    expect(await finished(executionArn)).toMatchObject({
      status: 'FAILED',
      error: 'States.HeartbeatTimeout',
    });
  });
});

describe('Wait states', () => {
  it('wait on the controllable clock', async () => {
    const machine = register('waits', {
      StartAt: 'Hold',
      States: { Hold: { Type: 'Wait', SecondsPath: '$.delay', Next: 'Done' }, Done: { Type: 'Succeed' } },
    });
    const { executionArn } = await start(machine, { delay: 7 * DAY });
    await settle();
    expect(await status(executionArn)).toBe('RUNNING');
    await cloud.clock.advance(7 * DAY * 1000);
    expect((await finished(executionArn)).status).toBe('SUCCEEDED');
  });
});

describe('paths and integrations', () => {
  it('treats ResultPath "$" as the whole state, not a key named "$"', async () => {
    const machine = register('result-path', {
      StartAt: 'Replace',
      States: { Replace: { Type: 'Pass', Result: { replaced: true }, ResultPath: '$', End: true } },
    });
    const { executionArn } = await start(machine);
    expect(JSON.parse((await finished(executionArn)).output as string)).toEqual({ replaced: true });
  });

  it('names DynamoDB errors DynamoDB.<Exception> so Catch can match them', async () => {
    const machine = register(
      'dynamo-errors',
      withTable({
        StartAt: 'Update',
        States: {
          Update: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:updateItem',
            Parameters: {
              TableName: '%TABLE%',
              Key: { pk: { 'S.$': '$.id' }, sk: { S: 'NONE' } },
              UpdateExpression: 'SET x = :one',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':one': { N: '1' } },
            },
            Catch: [
              {
                ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'],
                ResultPath: '$.caught',
                Next: 'Caught',
              },
            ],
            End: true,
          },
          Caught: { Type: 'Succeed' },
        },
      }),
    );
    const { executionArn } = await start(machine);
    const output = JSON.parse((await finished(executionArn)).output as string);
    expect(output.caught.Error).toBe('DynamoDB.ConditionalCheckFailedException');
  });

  it('names a Lambda function’s failure by its error type', async () => {
    const fn = cloud.model.functions.find((f) => f.entry.includes('await-case-event'));
    const machine = register('lambda-errors', {
      StartAt: 'Invoke',
      States: {
        Invoke: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: fn?.arn, Payload: { not: 'what it expects' } },
          Catch: [{ ErrorEquals: ['ZodError'], ResultPath: '$.caught', Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Succeed' },
      },
    });
    const { executionArn } = await start(machine);
    expect(JSON.parse((await finished(executionArn)).output as string).caught.Error).toBe('ZodError');
  });

  it('puts events on the local event bus', async () => {
    const machine = register('events', {
      StartAt: 'Publish',
      States: {
        Publish: {
          Type: 'Task',
          Resource: 'arn:aws:states:::events:putEvents',
          Parameters: { Entries: [{ Source: 'fairfix.test', DetailType: 'CaseOpened', 'Detail.$': '$' }] },
          End: true,
        },
      },
    });
    const { id, executionArn } = await start(machine);
    const output = JSON.parse((await finished(executionArn)).output as string);
    expect(output).toMatchObject({ FailedEntryCount: 0, Entries: [{ EventId: expect.any(String) }] });
    expect(cloud.bus.events.map((event) => event.entry)).toContainEqual({
      Source: 'fairfix.test',
      DetailType: 'CaseOpened',
      Detail: { id },
    });
  });

  it('refuses JSONata and integrations it cannot run, at registration', () => {
    expect(() =>
      register('jsonata', {
        QueryLanguage: 'JSONata',
        StartAt: 'A',
        States: { A: { Type: 'Pass', End: true } },
      }),
    ).toThrow(/JSONata/);
    expect(() =>
      register('sqs', {
        StartAt: 'A',
        States: { A: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', End: true } },
      }),
    ).toThrow(/does not run/);
  });
});

describe('the execution API', () => {
  let machine: string;
  beforeAll(() => {
    machine = register(
      'api',
      withTable({ StartAt: 'Park', States: { Park: { ...parkToken(), End: true } } }),
    );
  });

  it('starts idempotently by name, as AWS does, and refuses a different input under the same name', async () => {
    const input = JSON.stringify({ id: 'same-name' });
    const first = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: machine, name: 'same-name', input }),
    );
    const again = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: machine, name: 'same-name', input }),
    );
    expect(again.executionArn).toBe(first.executionArn);
    await expect(
      sfn.send(
        new StartExecutionCommand({ stateMachineArn: machine, name: 'same-name', input: '{"id":"other"}' }),
      ),
    ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    await sfn.send(new StopExecutionCommand({ executionArn: first.executionArn }));
  });

  it('stops an execution, closing its token, and lists and describes it', async () => {
    const { id, executionArn } = await start(machine);
    const { token } = await parkedToken(id);
    await sfn.send(
      new StopExecutionCommand({ executionArn, error: 'Case.Cancelled', cause: 'Customer withdrew' }),
    );
    expect(await finished(executionArn)).toMatchObject({ status: 'ABORTED' });
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
    ).rejects.toMatchObject({
      name: 'TaskDoesNotExist',
    });
    const { executions } = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: machine, statusFilter: 'ABORTED' }),
    );
    expect(executions?.map((e) => e.executionArn)).toContain(executionArn);
  });

  it('records the history in AWS’s event types', async () => {
    const { id, executionArn } = await start(machine);
    const { token } = await parkedToken(id);
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));
    await finished(executionArn);
    const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(events?.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events?.[1]?.stateEnteredEventDetails?.name).toBe('Park');
  });

  it('answers AWS’s error names for what does not exist', async () => {
    await expect(
      sfn.send(
        new DescribeExecutionCommand({
          executionArn: `${machine.replace(':stateMachine:', ':execution:')}:nope`,
        }),
      ),
    ).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: `${machine}-missing`, input: '{}' })),
    ).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
  });
});
