import { describe, expect, it, vi } from 'vitest';
import { LocalClock } from '../../local/clock.ts';
import { dynamoClient } from '../../local/dynamo.ts';
import { type Integrations, StepFunctionsEngine } from '../../local/sfn/engine.ts';
import { Journal, type Position } from '../../local/sfn/journal.ts';
import { ACCOUNT, REGION } from '../../local/template.ts';
import { eventually } from '../support/cloud.ts';
import { journalStore, killAtJournalWrite } from '../support/journal-store.ts';

/**
 * A process killed between a waiting step's failed attempt and its retry (issue 11, the crash soak). A
 * step that hands out a token (the case workflow's "Issue prepaid label": a label, then the parcel's
 * wait) failed with an error its Retry takes; the run closed that attempt's token, and the process died
 * before the retry's attempt was journaled. Started again, the run resumed the attempt that had failed,
 * found its token closed, and took that for a timeout: the step's deadline Catch ran (the case was
 * escalated as if the parcel were late), and on a step with no such Catch, its catch-all handed the case
 * to a person. A step a crash interrupted is tried again, as its Retry would have: never failed.
 *
 * The kill is the journal refusing, for good, the write of the retry's attempt (see crash-window.test.ts).
 */
const MACHINE = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:crash-retry`;
const retried = [{ ErrorEquals: ['CarrierUnavailableError'], IntervalSeconds: 1, MaxAttempts: 2 }];
const DEFINITION = {
  StartAt: 'Label',
  States: {
    Label: {
      Type: 'Task',
      Resource: 'arn:aws:lambda:us-east-1:000000000000:function:label.waitForTaskToken',
      Parameters: { 'token.$': '$$.Task.Token', 'id.$': '$$.Execution.Name' },
      TimeoutSeconds: 86_400,
      ResultPath: '$.answer',
      Retry: retried,
      Catch: [
        { ErrorEquals: ['States.Timeout'], Next: 'Deadline passed' },
        { ErrorEquals: ['States.ALL'], Next: 'Hand to a person' },
      ],
      Next: 'Done',
    },
    'Deadline passed': { Type: 'Pass', Next: 'Done' },
    'Hand to a person': { Type: 'Pass', Next: 'Done' },
    Done: { Type: 'Succeed' },
  },
};

/** Stands in for the label step: its first call fails as a carrier that did not answer, later ones hand the token out. */
class LabelStep implements Integrations {
  constructor(private failuresLeft: number) {}
  readonly calls: { attempt: string }[] = [];
  readonly tokens = new Map<string, string>();
  assertSupported(): void {}
  async invoke(_resource: string, parameters: unknown): Promise<unknown> {
    const { token, id } = parameters as { token: string; id: string };
    this.calls.push({ attempt: Buffer.from(token.split('.')[1] ?? '', 'base64url').toString() });
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw Object.assign(new Error('The carrier did not answer'), { name: 'CarrierUnavailableError' });
    }
    this.tokens.set(id, token);
    return {};
  }
}

const store = journalStore();

type Input = {
  TableName?: string;
  UpdateExpression?: string;
  ExpressionAttributeValues?: Record<string, unknown>;
};

/** A process on the shared journal; with `dies`, the journal write it never makes (nor any after it). */
async function boot(step: LabelStep, dies?: (input: Input) => boolean) {
  const client = dynamoClient(store.endpoint);
  const dead = dies ? killAtJournalWrite(client, dies) : { at: undefined };
  const journal = new Journal(client, []);
  const engine = new StepFunctionsEngine(
    journal,
    new LocalClock(LocalClock.fresh(1)),
    step,
    'crash-retry',
    true,
  );
  engine.register({
    arn: MACHINE,
    name: 'crash-retry',
    definition: DEFINITION,
    roleArn: 'arn:aws:iam::000000000000:role/test',
  });
  store.engines.push(engine);
  await engine.recover();
  return { engine, journal, dead };
}

/** The retry's attempt being journaled: the write a process killed during the Retry's interval never made. */
const retryJournaled = (input: Input) =>
  input.UpdateExpression === 'SET #position = :position' &&
  (input.ExpressionAttributeValues?.[':position'] as Position | undefined)?.attempt === 1;

async function statesEntered(journal: Journal, executionArn: string): Promise<string[]> {
  const { events } = await journal.history(executionArn, 1000, false);
  return events.flatMap((event) =>
    event.type.endsWith('StateEntered') ? [(event.stateEnteredEventDetails as { name: string }).name] : [],
  );
}

describe('a process killed while a waiting step waits to be retried', () => {
  it('tries the step again after the restart: no deadline Catch, no hand-over', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const killed = new LabelStep(1);
    const first = await boot(killed, retryJournaled);
    const { executionArn } = await first.engine.startExecution(MACHINE, 'label-1', '{}');
    await eventually(
      async () => (first.engine.runsHere(executionArn) ? undefined : true),
      10_000,
      'the kill',
    );
    expect(first.dead.at, 'the process died as the retry began').toBeDefined();
    expect(killed.calls.map((call) => call.attempt)).toEqual(['1|0']);
    await first.engine.close();
    vi.restoreAllMocks();

    const restarted = new LabelStep(0);
    const second = await boot(restarted);
    // The step hands a token out again, or the execution goes on without it (a Catch ran).
    const token = await eventually(
      async () =>
        restarted.tokens.get('label-1') ??
        ((await second.journal.getExecution(executionArn))?.status !== 'RUNNING' ? 'ended' : undefined),
      10_000,
      'the label step to run again',
    );
    expect(await statesEntered(second.journal, executionArn), 'no Catch ran').toEqual(['Label']);
    // Tried again under a token of its own, not the closed one of the attempt that failed.
    expect(restarted.calls.map((call) => call.attempt)).toEqual(['1|1']);
    await second.engine.sendTaskSuccess(token, '{"label":"FFX1"}');
    await eventually(async () =>
      (await second.journal.getExecution(executionArn))?.status === 'SUCCEEDED' ? true : undefined,
    );
    expect(await statesEntered(second.journal, executionArn)).toEqual(['Label', 'Done']);
  });
});
