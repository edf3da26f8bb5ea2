import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, afterEach, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import type { LocalCloud } from '../../local/cloud.ts';
import { JOURNAL_TABLE } from '../../local/sfn/journal.ts';
import { ApiClient, opening } from '../support/api.ts';
import { eventually } from '../support/cloud.ts';
import { RestartableCloud } from '../support/restartable.ts';

/**
 * What the engine does when its journal cannot be written, and when the cloud stops while it writes:
 * retried, then said out loud with the execution's ARN and left to resume; never dropped, never a
 * crash, never a write into a closed database.
 */
/** A new case's label, then its wait for the device, in one state (issue 13). */
const DEPOT = 'Issue prepaid label';
let env: RestartableCloud;
let errors: MockInstance<typeof console.error>;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

type Input = Record<string, unknown> & {
  TableName?: string;
  RequestItems?: Record<string, unknown>;
  UpdateExpression?: string;
  ExpressionAttributeValues?: Record<string, { state?: string }>;
};

/** Fails the journal requests `matches` picks, as long as `remaining()` says so; returns how many it failed. */
function failJournal(cloud: LocalCloud, matches: (input: Input) => boolean, remaining: () => boolean) {
  const failed = { count: 0 };
  cloud.engine.journal.client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as Input;
      const journal = input.TableName === JOURNAL_TABLE || Boolean(input.RequestItems?.[JOURNAL_TABLE]);
      if (journal && matches(input) && remaining()) {
        failed.count++;
        throw Object.assign(new Error('Injected: the store is unavailable'), { name: 'InternalServerError' });
      }
      return next(args);
    },
    { step: 'initialize', name: `injectJournalFault${Math.random()}` },
  );
  return failed;
}

const positionIn = (state: string) => (input: Input) =>
  input.UpdateExpression === 'SET #position = :position' &&
  input.ExpressionAttributeValues?.[':position']?.state === state;
const runWrites = (input: Input) =>
  Boolean(input.RequestItems) || input.UpdateExpression?.includes('#position') === true;

const engineErrors = () =>
  errors.mock.calls.map((call) => call.map((part) => String((part as Error)?.message ?? part)).join(' '));

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  env = await RestartableCloud.create();
  await env.start();
}, 60_000);

afterEach(() => errors?.mockRestore());

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await env.dispose();
});

describe('journal writes that fail', () => {
  it('are tried again: a write that fails twice is still made, and nothing is reported', async () => {
    errors = vi.spyOn(console, 'error');
    let failures = 2;
    const failed = failJournal(env.live, positionIn(DEPOT), () => failures-- > 0);
    const customer = ApiClient.as(env.live, 'acme', 'customer');
    const caseId = (await customer.post('/cases', opening())).body.caseId as string;
    const arn = await env.arnOf(caseId);
    await env.waitsIn(arn, DEPOT);

    // Where a restart would resume it: the label's state, which is also the wait.
    await eventually(async () =>
      (await env.live.engine.journal.getExecution(arn))?.position?.state === DEPOT ? true : undefined,
    );
    expect(failed.count).toBe(2);
    expect(engineErrors()).toEqual([]);
  });

  it('that keeps failing stops the run loudly, leaves the execution to resume, and it resumes on the next start', async () => {
    errors = vi.spyOn(console, 'error');
    let broken = true;
    // Only the execution started now: those started before stay untouched.
    const before = await env.caseArns();
    const isNew = (input: Input) => !before.some((arn) => JSON.stringify(input).includes(arn));
    failJournal(
      env.live,
      (input) => runWrites(input) && isNew(input),
      () => broken,
    );
    const customer = ApiClient.as(env.live, 'acme', 'customer');
    const caseId = (await customer.post('/cases', opening())).body.caseId as string;
    const arn = await env.arnOf(caseId);

    const report = await eventually(
      async () => engineErrors().find((line) => line.includes(arn)),
      15_000,
      'the failure to be reported',
    );
    expect(report).toMatch(/RUNNING/);
    expect(report).toMatch(/next start/);
    const { status } = await env.sfn().send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(status).toBe('RUNNING');
    // The run let go: nothing of it stays in memory, nothing of it keeps running unjournaled.
    await eventually(async () => (env.live.engine.runsHere(arn) ? undefined : true));
    expect(unhandled).toEqual([]);

    broken = false;
    await env.stop();
    await env.start();
    await env.waitsIn(arn, DEPOT);
    // Entered is not yet waiting: the label's state saves its label and its wait together.
    const kase = await eventually(async () => {
      const { body } = await ApiClient.as(env.live, 'acme', 'customer').get<{
        shipments: unknown[];
        waitingFor?: { step: string };
      }>(`/cases/${caseId}`);
      return body.waitingFor?.step === 'Wait for device at depot' ? body : undefined;
    });
    expect(await env.enteredTwice([arn])).toEqual([]);
    expect(kase.shipments).toHaveLength(1);
  }, 60_000);
});

describe('stopping while executions write their journal', () => {
  it('waits for their writes and calls, reports nothing, and every one resumes where it was', async () => {
    const cloud = env.live;
    // Count what the engine has under way: journal requests (its DynamoDB client) and task calls.
    let requests = 0;
    let calls = 0;
    let startedAfterStop = 0;
    let stopped = false;
    cloud.engine.journal.client.middlewareStack.add(
      (next) => async (args) => {
        if (stopped) startedAfterStop++;
        requests++;
        try {
          return await next(args);
        } finally {
          requests--;
        }
      },
      { step: 'initialize', name: 'countJournalRequests' },
    );
    const { integrations } = cloud.engine;
    const invoke = integrations.invoke.bind(integrations);
    integrations.invoke = async (resource, parameters) => {
      if (stopped) startedAfterStop++;
      calls++;
      try {
        return await invoke(resource, parameters);
      } finally {
        calls--;
      }
    };

    const customer = ApiClient.as(cloud, 'acme', 'customer');
    const opened = await Promise.all(
      Array.from(
        { length: 30 },
        async () => (await customer.post('/cases', opening())).body.caseId as string,
      ),
    );
    errors = vi.spyOn(console, 'error');
    expect(requests + calls, 'work under way when the stop begins').toBeGreaterThan(0);
    await env.stop();
    stopped = true;
    expect({ requests, calls }).toEqual({ requests: 0, calls: 0 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(startedAfterStop).toBe(0);
    expect(engineErrors()).toEqual([]);
    expect(unhandled).toEqual([]);

    await env.start();
    const arns = await Promise.all(opened.map((caseId) => env.arnOf(caseId)));
    await Promise.all(arns.map((arn) => env.waitsIn(arn, DEPOT)));
    expect(await env.enteredTwice(arns)).toEqual([]);
  }, 90_000);
});
