import { describe, expect, it, vi } from 'vitest';
import { LocalClock } from '../../local/clock.ts';
import { dynamoClient } from '../../local/dynamo.ts';
import { type Integrations, StepFunctionsEngine } from '../../local/sfn/engine.ts';
import { Journal } from '../../local/sfn/journal.ts';
import { ACCOUNT, REGION } from '../../local/template.ts';
import { eventually } from '../support/cloud.ts';
import { journalStore, killAtJournalWrite } from '../support/journal-store.ts';

/**
 * A process killed while it started an execution: the execution was indexed as running, and not yet
 * created (the journal writes the index first, so that recovery never misses one). The next process
 * claims it at recovery and serves at once; the client that opened the case sends its request again,
 * and the start creates the execution while recovery still holds the name. The crash soak (issue 11,
 * seed 988480) found such a case: recovery had read the execution as never created, let the name go and
 * dropped its index entry, and the start, finding the name claimed, ran nothing. The execution stayed
 * RUNNING for ever with no history, its case opened and never planned. A start that meets recovery's
 * claim now waits for recovery to let go, indexes the execution again and runs it.
 */
const MACHINE = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:crash-start`;
const DEFINITION = {
  StartAt: 'Plan',
  States: {
    Plan: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:plan', Next: 'Done' },
    Done: { Type: 'Succeed' },
  },
};

class Steps implements Integrations {
  readonly calls: string[] = [];
  assertSupported(): void {}
  async invoke(_resource: string, parameters: unknown): Promise<unknown> {
    this.calls.push(JSON.stringify(parameters));
    return {};
  }
}

const store = journalStore();

type Input = { TableName?: string; Item?: { sk?: string }; RequestItems?: unknown };

/**
 * A process on the shared journal. `dies`: the write it never makes (nor any after it). `held`: holds
 * recovery's answer to its read of the claimed executions until it resolves (the read itself is made).
 */
async function boot(steps: Steps, options: { dies?: (input: Input) => boolean; held?: Promise<void> } = {}) {
  const client = dynamoClient(store.endpoint);
  const dead = options.dies ? killAtJournalWrite(client, options.dies) : { at: undefined };
  let holding = options.held;
  client.middlewareStack.add(
    (next) => async (args) => {
      const answer = await next(args);
      if (holding && (args.input as Input).RequestItems) {
        const hold = holding;
        holding = undefined;
        await hold;
      }
      return answer;
    },
    { step: 'initialize', name: 'held' },
  );
  const journal = new Journal(client, []);
  const engine = new StepFunctionsEngine(
    journal,
    new LocalClock(LocalClock.fresh(1)),
    steps,
    'crash-start',
    true,
  );
  engine.register({
    arn: MACHINE,
    name: 'crash-start',
    definition: DEFINITION,
    roleArn: 'arn:aws:iam::000000000000:role/test',
  });
  store.engines.push(engine);
  await engine.recover();
  return { engine, journal, dead };
}

describe('a start sent again while recovery holds an execution a killed process never created', () => {
  it('runs the execution once recovery lets go, and keeps it indexed for the next start', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const name = 'RMA-OPENED-AGAIN';
    const input = JSON.stringify({ caseId: name });
    // Killed as it created the execution: indexed as running, never created.
    const first = await boot(new Steps(), { dies: (write) => write.Item?.sk === 'META' });
    await expect(first.engine.startExecution(MACHINE, name, input)).rejects.toThrow();
    expect(first.dead.at).toBeDefined();
    await first.engine.close();
    vi.restoreAllMocks();

    // Recovery reads the claimed execution (not there yet), and its answer is held while the start comes.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const steps = new Steps();
    const second = await boot(steps, { held });
    const executionArn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:crash-start:${name}`;
    const started = second.engine.startExecution(MACHINE, name, input);
    await eventually(async () => ((await second.journal.getExecution(executionArn)) ? true : undefined));
    release();
    await started;

    await eventually(
      async () =>
        (await second.journal.getExecution(executionArn))?.status === 'SUCCEEDED' ? true : undefined,
      10_000,
      'the execution to run',
    );
    expect(steps.calls).toHaveLength(1);
  });

  it('keeps the execution indexed when recovery drops its entry: a crash before it ends resumes it', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const name = 'RMA-OPENED-TWICE';
    const input = JSON.stringify({ caseId: name });
    const first = await boot(new Steps(), { dies: (write) => write.Item?.sk === 'META' });
    await expect(first.engine.startExecution(MACHINE, name, input)).rejects.toThrow();
    await first.engine.close();
    vi.restoreAllMocks();

    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // This process dies at the run's first position: the execution is created, and never gets further.
    const second = await boot(new Steps(), {
      held,
      dies: (write) =>
        (write as { UpdateExpression?: string }).UpdateExpression === 'SET #position = :position',
    });
    const executionArn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:crash-start:${name}`;
    const started = second.engine.startExecution(MACHINE, name, input);
    await eventually(async () => ((await second.journal.getExecution(executionArn)) ? true : undefined));
    release();
    await started;
    await eventually(async () => (second.dead.at ? true : undefined), 10_000, 'the second process to die');
    await second.engine.close();
    vi.restoreAllMocks();

    const steps = new Steps();
    const third = await boot(steps);
    await eventually(
      async () =>
        (await third.journal.getExecution(executionArn))?.status === 'SUCCEEDED' ? true : undefined,
      10_000,
      'the execution to resume on the next start',
    );
    expect(steps.calls.length).toBeGreaterThan(0);
  });
});
