import type { Server } from 'node:http';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalClock } from '../../local/clock.ts';
import { dynamoClient, startDynamo } from '../../local/dynamo.ts';
import { type Integrations, StepFunctionsEngine } from '../../local/sfn/engine.ts';
import { JOURNAL_TABLE, Journal } from '../../local/sfn/journal.ts';
import { ACCOUNT, REGION } from '../../local/template.ts';
import { eventually } from '../support/cloud.ts';
import { journalStore, killAtJournalWrite } from '../support/journal-store.ts';

/**
 * A process killed between two journal writes of one step, then started again on the same journal.
 * A run writes the history of a step (its state's entry, the choices before it) and then the position
 * to resume at; the end, the history's last events and then the execution's status. A SIGKILL between
 * the two left history past the saved position, and the resumed run wrote those states' entries again:
 * GetExecutionHistory said the execution entered them twice (the crash soak found 8 of 180 such
 * executions after three kills). The resumed run goes on from the position's own place in the history,
 * so what the dead process wrote after it is written again in place, never repeated.
 *
 * The kill is the journal refusing, for good, the second of the two writes: the run stops there, as
 * a killed one would, and a new engine resumes from what the journal holds.
 */
const MACHINE = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:crash-window`;
const DEFINITION = {
  StartAt: 'Prepare',
  States: {
    Prepare: {
      Type: 'Task',
      Resource: 'arn:aws:lambda:us-east-1:000000000000:function:prepare',
      Next: 'Route',
    },
    Route: {
      Type: 'Choice',
      Choices: [{ Variable: '$.way', StringEquals: 'straight', Next: 'Park' }],
      Default: 'Detour',
    },
    Detour: {
      Type: 'Choice',
      Choices: [{ Variable: '$.way', StringEquals: 'detour', Next: 'Park' }],
      Default: 'Park',
    },
    Park: {
      Type: 'Task',
      Resource: 'arn:aws:lambda:us-east-1:000000000000:function:park.waitForTaskToken',
      Parameters: { 'token.$': '$$.Task.Token', 'id.$': '$$.Execution.Name' },
      ResultPath: '$.answer',
      Next: 'Finish',
    },
    Finish: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:finish', Next: 'Done' },
    Done: { Type: 'Succeed' },
  },
};

/** Stands in for Lambda: each call is counted; `park` hands its token out, as await-case-event does. */
class FakeIntegrations implements Integrations {
  /** `go`: what Prepare answers, and so which way Route goes. */
  constructor(private readonly go: boolean) {}
  readonly calls: string[] = [];
  readonly tokens = new Map<string, string>();
  assertSupported(): void {}
  async invoke(resource: string, parameters: unknown): Promise<unknown> {
    const name = resource
      .replace(/\.waitForTaskToken$/, '')
      .split(':')
      .at(-1) as string;
    this.calls.push(name);
    if (name === 'park') {
      const { token, id } = parameters as { token: string; id: string };
      this.tokens.set(id, token);
    }
    return { ...(parameters as object), [name]: true, way: this.go ? 'straight' : 'detour' };
  }
}

type Input = {
  TableName?: string;
  UpdateExpression?: string;
  ExpressionAttributeValues?: Record<string, unknown>;
};

const store = journalStore();
let run = 0;

/** A process: its own client, journal, clock and engine on the shared store. `dies` picks the write it never makes. */
async function boot(dies?: (input: Input) => boolean, go = true, slow?: (input: Input) => number) {
  const client = dynamoClient(store.endpoint);
  const requests: string[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as Input & { KeyConditionExpression?: string };
      requests.push(
        `${args.input && (args as { input: object }).input.constructor.name} ${JSON.stringify(input).slice(0, 120)}`,
      );
      const delay = slow?.(input) ?? 0;
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      return next(args);
    },
    { step: 'initialize', name: 'observed' },
  );
  const journal = new Journal(client, []);
  // Killed: this write and every later one of this process never reach the store.
  const dead = dies ? killAtJournalWrite(client, dies) : { at: undefined };
  const integrations = new FakeIntegrations(go);
  const engine = new StepFunctionsEngine(
    journal,
    new LocalClock(LocalClock.fresh(1)),
    integrations,
    'crash-window-secret',
    true,
  );
  engine.register({
    arn: MACHINE,
    name: 'crash-window',
    definition: DEFINITION,
    roleArn: 'arn:aws:iam::000000000000:role/test',
  });
  store.engines.push(engine);
  await engine.recover();
  return { engine, journal, integrations, dead, requests, client };
}

async function historyOf(journal: Journal, arn: string) {
  const events = [];
  let after: Record<string, unknown> | undefined;
  do {
    const page = await journal.history(arn, 100, false, after);
    events.push(...page.events);
    after = page.next;
  } while (after);
  return events;
}

/** Each entered state, and every other event type once per execution, with how often it is in the history. */
async function repeated(journal: Journal, arn: string): Promise<string[]> {
  const names = (await historyOf(journal, arn)).map((event) =>
    event.type.endsWith('StateEntered')
      ? (event.stateEnteredEventDetails as { name: string }).name
      : event.type.startsWith('Execution')
        ? event.type
        : undefined,
  );
  const counts = new Map<string, number>();
  for (const name of names) if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts].filter(([, n]) => n > 1).map(([name, n]) => `${name} ×${n}`);
}

/** Starts an execution on a process that dies at `dies`; answers once that process is dead. */
async function killedAt(dies: (input: Input) => boolean, go = true) {
  vi.spyOn(console, 'error').mockImplementation(() => {});
  const first = await boot(dies, go);
  const name = `window-${++run}`;
  const { executionArn } = await first.engine.startExecution(MACHINE, name, '{}');
  await eventually(
    async () => (first.engine.runsHere(executionArn) ? undefined : true),
    10_000,
    'the run to stop',
  );
  expect(first.dead.at, 'the injected kill happened').toBeDefined();
  await first.engine.close();
  vi.restoreAllMocks();
  return { name, executionArn, first };
}

/** Runs an execution to its end on a process that dies at `dies` on the way; answers once it is dead. */
async function finishedOnADyingProcess(dies: (input: Input) => boolean) {
  const first = await boot(dies);
  vi.spyOn(console, 'error').mockImplementation(() => {});
  const name = `window-${++run}`;
  const { executionArn } = await first.engine.startExecution(MACHINE, name, '{}');
  const token = await eventually(async () => first.integrations.tokens.get(name));
  await first.engine.sendTaskSuccess(token, '{"ok":true}');
  await eventually(
    async () => (first.engine.runsHere(executionArn) ? undefined : true),
    10_000,
    'the run to stop',
  );
  expect(first.dead.at, 'the injected kill happened').toBeDefined();
  await first.engine.close();
  vi.restoreAllMocks();
  return { executionArn };
}

const positionIn = (state: string) => (input: Input) =>
  input.UpdateExpression === 'SET #position = :position' &&
  (input.ExpressionAttributeValues?.[':position'] as { state?: string } | undefined)?.state === state;

describe('a process killed between the two writes of a step', () => {
  it('resumes without entering again the states whose history the dead process had written', async () => {
    // The history up to Park's entry is written; the position "in Park" is not: it resumes in Prepare.
    const { name, executionArn } = await killedAt(positionIn('Park'));
    const second = await boot();
    await eventually(async () => second.integrations.tokens.get(name), 10_000, 'Park to hand its token out');
    expect(await repeated(second.journal, executionArn)).toEqual([]);
    // Prepare itself ran again (at least once, as documented): only the history is not repeated.
    expect(second.integrations.calls).toEqual(['prepare', 'park']);

    await second.engine.sendTaskSuccess(second.integrations.tokens.get(name) as string, '{"ok":true}');
    await eventually(async () =>
      (await second.journal.getExecution(executionArn))?.status === 'SUCCEEDED' ? true : undefined,
    );
    expect(await repeated(second.journal, executionArn)).toEqual([]);
  });

  it('resumes an execution killed before its first position without a second ExecutionStarted', async () => {
    const { name, executionArn } = await killedAt(positionIn('Prepare'));
    const second = await boot();
    await eventually(async () => second.integrations.tokens.get(name), 10_000, 'Park to hand its token out');
    expect(await repeated(second.journal, executionArn)).toEqual([]);
  });

  it('forgets what the killed run wrote past the position when the resumed run goes another way', async () => {
    // The killed run went through Detour; run again, Prepare answers otherwise and Route goes straight on.
    const { name, executionArn } = await killedAt(positionIn('Park'), false);
    const second = await boot();
    await eventually(async () => second.integrations.tokens.get(name), 10_000, 'Park to hand its token out');
    await eventually(async () => {
      const names = (await historyOf(second.journal, executionArn)).map((event) => event.type);
      return names.at(-1) === 'TaskStateEntered' ? true : undefined;
    });
    const history = await historyOf(second.journal, executionArn);
    const entered = history.flatMap((event) =>
      event.type.endsWith('StateEntered') ? [(event.stateEnteredEventDetails as { name: string }).name] : [],
    );
    expect(entered).toEqual(['Prepare', 'Route', 'Park']);
    expect(history.map((event) => event.id)).toEqual(history.map((_, i) => i + 1));
  });

  it('ends once an execution whose end was in the history but not in its status', async () => {
    const ending = (input: Input) =>
      input.ExpressionAttributeValues?.[':status'] === 'SUCCEEDED' &&
      input.ExpressionAttributeValues?.[':from'] === 'RUNNING';
    const { executionArn } = await finishedOnADyingProcess(ending);
    const second = await boot();
    const types = (await historyOf(second.journal, executionArn)).map((event) => event.type);
    expect(types.at(-1), 'the dead process wrote the end to the history').toBe('ExecutionSucceeded');
    await eventually(async () =>
      (await second.journal.getExecution(executionArn))?.status === 'SUCCEEDED' ? true : undefined,
    );
    expect(await repeated(second.journal, executionArn)).toEqual([]);
  });

  it('lists an execution as it ended when the process died between ending it and listing it (found by the crash soak)', async () => {
    const listing = (input: Input) =>
      String((input as { Item?: { pk?: string; status?: string } }).Item?.pk ?? '').startsWith('LIST#') &&
      (input as { Item?: { status?: string } }).Item?.status === 'SUCCEEDED';
    const { executionArn } = await finishedOnADyingProcess(listing);
    const second = await boot();
    expect((await second.journal.getExecution(executionArn))?.status).toBe('SUCCEEDED');
    const listed = await second.journal.listExecutions(MACHINE, 100);
    expect(listed.items.find((item) => item.executionArn === executionArn)?.status).toBe('SUCCEEDED');
  });
});

describe('recovery', () => {
  // Each test on a store of its own: what the tests above left running is not theirs to count.
  const stores: Server[] = [];
  beforeEach(async () => {
    const own = await startDynamo(0, undefined);
    stores.push(own);
    store.endpoint = `http://127.0.0.1:${(own.address() as { port: number }).port}`;
    await new Journal(dynamoClient(store.endpoint)).ensureTable();
  });
  afterAll(async () => {
    for (const own of stores) await new Promise((resolve) => own.close(resolve));
  });

  /** Three executions waiting (parked) in Park, left by a process that stopped cleanly. */
  async function threeWaiting() {
    const first = await boot();
    const names = [`idx-${++run}`, `idx-${++run}`, `idx-${++run}`];
    const arns = [];
    for (const name of names)
      arns.push((await first.engine.startExecution(MACHINE, name, '{}')).executionArn);
    for (const arn of arns) await eventually(async () => (first.engine.isParked(arn) ? true : undefined));
    await first.engine.close();
    return { names, arns, tokens: names.map((name) => first.integrations.tokens.get(name) as string) };
  }

  it('finds running executions by their index, reads no history, and drops entries of executions that are gone', async () => {
    const { arns } = await threeWaiting();
    const doc = DynamoDBDocumentClient.from(dynamoClient(store.endpoint));
    const ghost = `arn:aws:states:${REGION}:${ACCOUNT}:execution:crash-window:never-created`;
    await doc.send(
      new PutCommand({
        TableName: JOURNAL_TABLE,
        Item: { pk: 'RUNNING', sk: ghost, stateMachineArn: MACHINE },
      }),
    );

    const second = await boot();
    await second.engine.resumed;
    expect(second.engine.recovery).toEqual({ stored: 4, resumed: 4 });
    expect(second.engine.phase).toBe('ready');
    // Each is parked again on its token; after a clean stop no step is called again (parked.test.ts
    // shows a crash's redelivery).
    expect(second.engine.parkedCount).toBe(3);
    expect(second.integrations.calls).toEqual([]);
    for (const arn of arns) expect(second.engine.runsHere(arn)).toBe(true);
    expect(second.engine.runsHere(ghost)).toBe(false);
    expect((await second.journal.runningIndex()).map((entry) => entry.executionArn).sort()).toEqual(
      [...arns].sort(),
    );
    // Where each resumed run's history continues is in its position: recovery reads no history, scans nothing.
    expect(second.requests.filter((request) => request.includes('HIST#'))).toEqual([]);
    expect(second.requests.filter((request) => request.startsWith('ScanCommand'))).toEqual([]);
  });

  it('builds the index once from a journal written before it had one', async () => {
    const { names, arns } = await threeWaiting();
    const doc = DynamoDBDocumentClient.from(dynamoClient(store.endpoint));
    const { Items = [] } = await doc.send(
      new QueryCommand({
        TableName: JOURNAL_TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'RUNNING' },
      }),
    );
    for (const item of Items)
      await doc.send(new DeleteCommand({ TableName: JOURNAL_TABLE, Key: { pk: item.pk, sk: item.sk } }));

    const second = await boot();
    await second.engine.resumed;
    expect(second.engine.parkedCount).toBe(names.length);
    for (const arn of arns)
      expect((await second.journal.runningIndex()).map((entry) => entry.executionArn)).toContain(arn);
  });

  it('takes work while it resumes: a start of a claimed execution starts nothing, a token answered before its run is back applies once', async () => {
    const { names, arns, tokens } = await threeWaiting();
    // Reading the stored executions takes a while: the engine is still resuming when work arrives.
    const second = await boot(undefined, true, (input) =>
      JSON.stringify(input).includes('RequestItems') && JSON.stringify(input).includes('"Keys"') ? 400 : 0,
    );
    expect(second.engine.phase).toBe('resuming');
    const again = await second.engine.startExecution(MACHINE, names[0] as string, '{}');
    expect(again.executionArn).toBe(arns[0]);
    await second.engine.sendTaskSuccess(tokens[1] as string, '{"ok":true}');
    await second.engine.resumed;
    await eventually(async () =>
      (await second.journal.getExecution(arns[1] as string))?.status === 'SUCCEEDED' ? true : undefined,
    );
    // One run each: the answered one went on once, the others wait parked; each state entered once.
    expect(second.integrations.calls.filter((call) => call === 'finish')).toHaveLength(1);
    expect(second.integrations.calls.filter((call) => call === 'park')).toHaveLength(0);
    for (const arn of [arns[0], arns[2]]) expect(second.engine.isParked(arn as string)).toBe(true);
    for (const arn of arns) expect(await repeated(second.journal, arn)).toEqual([]);
    expect((await second.journal.getExecution(arns[0] as string))?.status).toBe('RUNNING');
  });
});
