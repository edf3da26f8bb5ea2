import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListStateMachinesCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/project.ts';
import { dynamoClient, LOCAL_CREDENTIALS } from '../../local/dynamo.ts';
import { ApiClient, opening } from '../support/api.ts';
import { eventually, freePort } from '../support/cloud.ts';

/**
 * `npm start` as a separate process, killed with SIGKILL while cases wait, then started again on the
 * same data directory: every execution must be where it was, with its token and its deadline.
 */
const DAY_MS = 86_400_000;
/** The label, then the wait for the device, in one state (issue 13): a new case waits there. */
const LABELLED = 'Issue prepaid label';
const dataDir = mkdtempSync(path.join(tmpdir(), 'fairfix-e2e-'));
let ports: { dynamodb: number; sfn: number; http: number };
let child: ChildProcess | undefined;

async function startCloud(): Promise<void> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      FAIRFIX_DATA_DIR: dataDir,
      FAIRFIX_DYNAMODB_PORT: String(ports.dynamodb),
      FAIRFIX_SFN_PORT: String(ports.sfn),
      FAIRFIX_HTTP_PORT: String(ports.http),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let output = '';
  await new Promise<void>((resolve, reject) => {
    proc.stdout?.on('data', (chunk) => {
      output += chunk;
      if (output.includes('local cloud is up')) resolve();
    });
    proc.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    proc.on('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
}

async function kill(): Promise<void> {
  const proc = child;
  if (!proc || proc.exitCode !== null) return;
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  proc.kill('SIGKILL');
  await exited;
}

const http = () => `http://127.0.0.1:${ports.http}`;
const sfn = () =>
  new SFNClient({
    endpoint: `http://127.0.0.1:${ports.sfn}`,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });

async function client(tenant: string, role: string): Promise<ApiClient> {
  const response = await fetch(`${http()}/_local/tokens`, {
    method: 'POST',
    body: JSON.stringify({ tenant, role }),
  });
  return ApiClient.withToken(http(), ((await response.json()) as { token: string }).token);
}

async function advance(ms: number) {
  await fetch(`${http()}/_local/clock`, { method: 'POST', body: JSON.stringify({ advanceMs: ms }) });
}

async function executionArn(caseId: string) {
  const { stateMachines } = await sfn().send(new ListStateMachinesCommand({}));
  return `${stateMachines?.[0]?.stateMachineArn?.replace(':stateMachine:', ':execution:')}:${caseId}`;
}

async function currentState(caseId: string) {
  const { events } = await sfn().send(
    new GetExecutionHistoryCommand({ executionArn: await executionArn(caseId), reverseOrder: true }),
  );
  return events?.find((event) => event.stateEnteredEventDetails)?.stateEnteredEventDetails?.name;
}

async function status(caseId: string) {
  return (await sfn().send(new DescribeExecutionCommand({ executionArn: await executionArn(caseId) })))
    .status;
}

const waitsFor = (caseId: string, state: string) =>
  eventually(
    async () => ((await currentState(caseId)) === state ? true : undefined),
    15_000,
    `${caseId} to wait in "${state}"`,
  );

/** The token the case's waiting step registered, read from the table as the depot route reads it. */
async function waitingToken(caseId: string): Promise<string | undefined> {
  const ddb = dynamoClient(`http://127.0.0.1:${ports.dynamodb}`);
  const { Item } = await ddb.send(
    new GetItemCommand({
      TableName: 'DataTableFDBAD0F2',
      Key: { pk: { S: `T#acme#CASE#${caseId}` }, sk: { S: 'CASE' } },
    }),
  );
  return Item?.waiting?.M?.token?.S;
}

interface CaseView {
  status: string;
  escalationLevel: number;
  shipments: unknown[];
  timeline: { type: string }[];
}

beforeAll(async () => {
  ports = { dynamodb: await freePort(), sfn: await freePort(), http: await freePort() };
  await startCloud();
}, 60_000);

afterAll(async () => {
  await kill();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('kill -9 and restart', () => {
  it('resumes every waiting execution where it was, with its token and its deadline, and repeats nothing', async () => {
    const customer = await client('acme', 'customer');
    const depot = await client('acme', 'depot');
    const open = async (serial: string, pickupAt?: string) =>
      (await customer.post('/cases', opening({ serial, ...(pickupAt ? { pickupAt } : {}) }))).body
        .caseId as string;
    const clockNow = async () =>
      Date.parse(((await (await fetch(`${http()}/_local/clock`)).json()) as { now: string }).now);
    const caseOf = async (caseId: string) => (await customer.get<CaseView>(`/cases/${caseId}`)).body;

    const overdue = await open('SN-E2E-OVERDUE');
    const arriving = await open('SN-E2E-ARRIVING');
    for (const caseId of [overdue, arriving]) {
      await waitsFor(caseId, LABELLED);
      // Entered is not yet waiting: the label's state saves its label and its wait together.
      await eventually(async () => ((await waitingToken(caseId)) ? true : undefined));
    }
    const pickup = await open('SN-E2E-PICKUP', new Date((await clockNow()) + 12 * DAY_MS).toISOString());
    await waitsFor(pickup, 'Wait until carrier pickup');
    await advance(10 * DAY_MS);
    const tokenBefore = await waitingToken(arriving);
    expect(tokenBefore).toBeDefined();
    // One more case killed just after it opens: its first Lambda step is likely mid-flight.
    const midFlight = await open('SN-E2E-MIDFLIGHT');

    await kill();
    await startCloud();

    for (const caseId of [overdue, arriving]) {
      expect(await status(caseId)).toBe('RUNNING');
      expect(await currentState(caseId)).toBe(LABELLED);
    }
    expect(await waitingToken(arriving)).toBe(tokenBefore);
    expect(await currentState(pickup)).toBe('Wait until carrier pickup');

    // The token registered before the crash still resumes its step.
    expect(
      (
        await depot.post(`/cases/${arriving}/events`, {
          eventId: 'e2e-1',
          type: 'received',
          // On the cloud's clock: an event may not be dated before its case opened.
          occurredAt: new Date(await clockNow()).toISOString(),
        })
      ).body.outcome,
    ).toBe('applied');
    await waitsFor(arriving, 'Wait for depot diagnosis');

    // 10 days had passed before the crash: 3 more leave the 14-day deadline unmet, 1.5 more pass it.
    // The device was never sent: the customer is reminded (issue 12, journey 15), nobody escalated.
    const reminded = (kase: CaseView) => kase.timeline.some((entry) => entry.type === 'customer-reminded');
    await advance(3 * DAY_MS);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(reminded(await caseOf(overdue))).toBe(false);
    await advance(1.5 * DAY_MS);
    await eventually(
      async () => (reminded(await caseOf(overdue)) ? true : undefined),
      15_000,
      'the reminder',
    );
    expect((await caseOf(overdue)).escalationLevel).toBe(0);
    // The pickup was due 12 days after opening: the Wait kept its timestamp across the crash.
    await waitsFor(pickup, 'Wait for device at depot');

    await waitsFor(midFlight, LABELLED);
    for (const caseId of [overdue, arriving, midFlight]) {
      const kase = await caseOf(caseId);
      const types = kase.timeline.map((entry) => entry.type);
      for (const once of ['case-opened', 'entitlement-decided', 'label-issued']) {
        expect(
          types.filter((type) => type === once),
          `${caseId}: ${once}`,
        ).toHaveLength(1);
      }
      expect(kase.shipments).toHaveLength(1);
    }
    const arrived = await caseOf(arriving);
    expect(arrived.status).toBe('at-depot');
    expect(arrived.timeline.filter((entry) => entry.type === 'event-applied')).toHaveLength(1);
    expect(
      (await caseOf(overdue)).timeline.filter((entry) => entry.type === 'customer-reminded'),
    ).toHaveLength(1);
  }, 120_000);
});
