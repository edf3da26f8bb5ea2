/**
 * `npm run bench`: figures for the local cloud on this machine, printed, never asserted.
 * Every throughput is shown beside the raw store throughput measured in the same run, as a ratio,
 * because the store is the local ceiling (docs/architecture.md, "Figures") and absolute numbers vary between machines.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { LocalCloud } from '../local/cloud.ts';
import { dynamoClient, LOCAL_CREDENTIALS } from '../local/dynamo.ts';
import { ACCOUNT, type CfnTemplate, REGION, synthesizeTemplate } from '../local/template.ts';
import { restartBench } from './restart.ts';

const CONCURRENCY = 16;

/** Runs `task` `total` times, `concurrency` at a time; answers per-second rate and latencies (ms). */
async function measure(total: number, concurrency: number, task: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        await task(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { perSecond: total / seconds, p50: at(0.5), p99: at(0.99) };
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function throughput(template: CfnTemplate): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'fairfix-bench-'));
  const cloud = await LocalCloud.start({
    template,
    dataDir,
    ports: { dynamodb: 0, stepFunctions: 0, http: 0 },
  });
  try {
    const ddb = dynamoClient(cloud.urls.dynamodb);
    const table = cloud.model.tables[0]?.name as string;
    const item = (i: number) => ({
      pk: { S: `BENCH#${i % 500}` },
      sk: { S: 'ITEM' },
      n: { N: String(i) },
      pad: { S: 'x'.repeat(200) },
    });

    const puts = await measure(3000, CONCURRENCY, async (i) => {
      await ddb.send(new PutItemCommand({ TableName: table, Item: item(i) }));
    });
    const gets = await measure(3000, CONCURRENCY, async (i) => {
      await ddb.send(
        new GetItemCommand({ TableName: table, Key: { pk: { S: `BENCH#${i % 500}` }, sk: { S: 'ITEM' } } }),
      );
    });
    const store = (puts.perSecond + gets.perSecond) / 2;
    const ratio = (perSecond: number) => `${fmt(perSecond / store, 3)} x raw store`;

    // A realistic multi-step machine: Choice, Pass, direct DynamoDB writes and reads, a Wait, a Map.
    const machineArn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:bench`;
    cloud.engine.register({
      arn: machineArn,
      name: 'bench',
      roleArn: 'arn:aws:iam::000000000000:role/bench',
      definition: {
        StartAt: 'Route',
        States: {
          Route: {
            Type: 'Choice',
            Choices: [{ Variable: '$.kind', StringEquals: 'repair', Next: 'Prepare' }],
            Default: 'Prepare',
          },
          Prepare: { Type: 'Pass', Parameters: { 'id.$': '$.id', 'parts.$': '$.parts' }, Next: 'Record' },
          Record: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:putItem',
            Parameters: {
              TableName: table,
              Item: { pk: { 'S.$': "States.Format('BENCHX#{}', $.id)" }, sk: { S: 'X' } },
            },
            ResultPath: null,
            Next: 'Parts',
          },
          Parts: {
            Type: 'Map',
            ItemsPath: '$.parts',
            ItemProcessor: { StartAt: 'Part', States: { Part: { Type: 'Pass', End: true } } },
            ResultPath: '$.parts',
            Next: 'Hold',
          },
          Hold: { Type: 'Wait', Seconds: 0, Next: 'Read' },
          Read: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:getItem',
            Parameters: {
              TableName: table,
              Key: { pk: { 'S.$': "States.Format('BENCHX#{}', $.id)" }, sk: { S: 'X' } },
            },
            ResultPath: '$.read',
            Next: 'Done',
          },
          Done: { Type: 'Succeed' },
        },
      },
    });
    const sfn = new SFNClient({
      endpoint: cloud.urls.stepFunctions,
      region: REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    const startBench = (name: string, i: number) =>
      sfn.send(
        new StartExecutionCommand({
          stateMachineArn: machineArn,
          name,
          input: JSON.stringify({ id: i, kind: 'repair', parts: [1, 2, 3] }),
        }),
      );
    const finished = async (executionArn: string) => {
      for (;;) {
        const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        if (status !== 'RUNNING') return;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    };
    // Throughput: start them all, then count completions now and then (polling each would load the store).
    const EXECUTIONS = 400;
    const t0 = performance.now();
    await measure(EXECUTIONS, CONCURRENCY, async (i) => {
      await startBench(`bench-${i}`, i);
    });
    for (;;) {
      const done = await sfn.send(
        new ListExecutionsCommand({
          stateMachineArn: machineArn,
          statusFilter: 'SUCCEEDED',
          maxResults: 1000,
        }),
      );
      if ((done.executions?.length ?? 0) >= EXECUTIONS) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const executions = { perSecond: EXECUTIONS / ((performance.now() - t0) / 1000) };
    // Latency: one execution at a time, start to SUCCEEDED.
    const latency = await measure(50, 1, async (i) => {
      const { executionArn } = await startBench(`latency-${i}`, i);
      await finished(executionArn as string);
    });
    const { events } = await sfn.send(
      new GetExecutionHistoryCommand({
        executionArn: `${machineArn.replace(':stateMachine:', ':execution:')}:bench-0`,
        maxResults: 1000,
      }),
    );
    const transitions = (events ?? []).filter((event) => event.type?.endsWith('StateEntered')).length;

    // One API route end to end: authorizer, handler, DynamoDB read.
    const token = cloud.tokens.issue({ tenant: 'acme', role: 'customer', sub: 'bench' });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const opened = await fetch(`${cloud.urls.http}/cases`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        customer: { name: 'Bench', email: 'bench@example.com' },
        device: { serial: 'SN-BENCH', model: 'Cam 3', purchaseDate: '2026-01-01' },
        problem: { description: 'Benchmark case, ignore', category: 'other' },
      }),
    });
    const { caseId } = (await opened.json()) as { caseId: string };
    const reads = await measure(2000, CONCURRENCY, async () => {
      const response = await fetch(`${cloud.urls.http}/cases/${caseId}`, { headers });
      if (response.status !== 200) throw new Error(`GET /cases answered ${response.status}`);
      await response.arrayBuffer();
    });

    // Cases through the HTTP API, as a customer opens them.
    const opening = (i: number, extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        customer: { name: 'Bench', email: `bench${i}@example.com` },
        device: { serial: `SN-BENCH-${i}`, model: 'Cam 3', purchaseDate: '2026-06-01' },
        problem: { description: 'Benchmark case, ignore', category: 'hardware-fault' },
        ...extra,
      });
    const post = async (path: string, body: string, as = headers) => {
      const response = await fetch(`${cloud.urls.http}${path}`, { method: 'POST', headers: as, body });
      if (response.status >= 300)
        throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as Record<string, unknown>;
    };
    const opens = await measure(300, CONCURRENCY, async (i) => {
      await post('/cases', opening(i));
    });

    // Full happy-path lifecycles: label, delivery to the depot, diagnosis, repair, delivery back, closed.
    const as = (role: string) => ({
      ...headers,
      authorization: `Bearer ${cloud.tokens.issue({ tenant: 'acme', role, sub: 'bench' })}`,
    });
    const depot = as('depot');
    const carrier = as('carrier');
    type View = {
      status: string;
      waitingFor?: { step: string };
      shipments: { direction: string; trackingNumber: string }[];
    };
    const view = async (caseId: string) =>
      (await (await fetch(`${cloud.urls.http}/cases/${caseId}`, { headers })).json()) as View;
    const waitFor = async (caseId: string, test: (kase: View) => boolean) => {
      for (;;) {
        const kase = await view(caseId);
        if (test(kase)) return kase;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    const waiting = (caseId: string, step: string) =>
      waitFor(caseId, (kase) => kase.waitingFor?.step === step);
    const trackingOf = (kase: View, direction: string) =>
      kase.shipments.find((s) => s.direction === direction)?.trackingNumber;
    let eventId = 0;
    const at = () => new Date(cloud.clock.now()).toISOString();
    const lifecycle = async (i: number) => {
      const { caseId } = (await post('/cases', opening(10_000 + i))) as { caseId: string };
      const ready = await waiting(caseId, 'Wait for device at depot');
      await post(
        '/carrier/events',
        JSON.stringify({
          eventId: `c${++eventId}`,
          trackingNumber: trackingOf(ready, 'to-depot'),
          status: 'delivered',
          occurredAt: at(),
        }),
        carrier,
      );
      await waiting(caseId, 'Wait for depot diagnosis');
      await post(
        `/cases/${caseId}/events`,
        JSON.stringify({
          eventId: `d${++eventId}`,
          type: 'diagnosed',
          faultCode: 'PWR-01',
          cause: 'manufacturing-defect',
          covered: true,
          occurredAt: at(),
        }),
        depot,
      );
      await waiting(caseId, 'Wait for repair attempt');
      await post(
        `/cases/${caseId}/events`,
        JSON.stringify({
          eventId: `r${++eventId}`,
          type: 'repair-attempted',
          result: 'fixed',
          faultCode: 'PWR-01',
          occurredAt: at(),
        }),
        depot,
      );
      const shipping = await waiting(caseId, 'Wait for delivery to customer');
      await post(
        '/carrier/events',
        JSON.stringify({
          eventId: `c${++eventId}`,
          trackingNumber: trackingOf(shipping, 'to-customer'),
          status: 'delivered',
          occurredAt: at(),
        }),
        carrier,
      );
      await waitFor(caseId, (kase) => kase.status === 'closed');
      return caseId;
    };
    await cloud.clock.setScale(3600);
    const lastCase: string[] = [];
    const lifecycles = await measure(40, 8, async (i) => {
      lastCase.push(await lifecycle(i));
    });
    const caseMachine = cloud.model.stateMachines[0]?.arn as string;
    const { events: caseEvents } = await sfn.send(
      new GetExecutionHistoryCommand({
        executionArn: `${caseMachine.replace(':stateMachine:', ':execution:')}:${lastCase[0]}`,
        maxResults: 1000,
      }),
    );
    const caseTransitions = (caseEvents ?? []).filter((event) => event.type?.endsWith('StateEntered')).length;
    const doa = await measure(20, 4, async (i) => {
      const purchaseDate = new Date(cloud.clock.now() - 2 * 86_400_000).toISOString().slice(0, 10);
      const { caseId } = (await post(
        '/cases',
        opening(20_000 + i, {
          device: { serial: `SN-DOA-${i}`, model: 'Cam 3', purchaseDate },
          problem: {
            description: 'Dead on arrival, bench',
            category: 'does-not-power-on',
            deadOnArrival: true,
          },
        }),
      )) as { caseId: string };
      await waitFor(caseId, (kase) => kase.status === 'shipping-to-customer');
    });
    await cloud.clock.setScale(1);

    console.log(`fairfix local cloud benchmarks (${new Date().toISOString()}, Node ${process.version}, concurrency ${CONCURRENCY}, data on disk)

  raw store (dynalite via AWS SDK)
    PutItem                        ${fmt(puts.perSecond)} /s   p50 ${fmt(puts.p50, 1)} ms  p99 ${fmt(puts.p99, 1)} ms
    GetItem                        ${fmt(gets.perSecond)} /s   p50 ${fmt(gets.p50, 1)} ms  p99 ${fmt(gets.p99, 1)} ms
    raw store (mean of the two)    ${fmt(store)} ops/s

  Step Functions API (7-state machine: Choice, Pass, DynamoDB put, Map, Wait, DynamoDB get)
    executions completed           ${fmt(executions.perSecond, 1)} /s   (${ratio(executions.perSecond)})
    state transitions/execution    ${transitions}
    state transitions              ${fmt(executions.perSecond * transitions)} /s   (${ratio(executions.perSecond * transitions)})
    start-to-finish, one at a time  p50 ${fmt(latency.p50, 1)} ms  p99 ${fmt(latency.p99, 1)} ms

  HTTP API: GET /cases/{caseId} (JWT check, handler, DynamoDB read)
    requests                       ${fmt(reads.perSecond)} /s   (${ratio(reads.perSecond)})
    latency                        p50 ${fmt(reads.p50, 1)} ms  p99 ${fmt(reads.p99, 1)} ms

  Cases (the RMA workflow, through the HTTP API as its parties use it)
    cases opened (POST /cases)     ${fmt(opens.perSecond, 1)} /s   (${ratio(opens.perSecond)})   p50 ${fmt(opens.p50, 1)} ms  p99 ${fmt(opens.p99, 1)} ms
    happy-path lifecycles          ${fmt(lifecycles.perSecond, 2)} /s   (8 at a time, clock x3600; open to closed p50 ${fmt(lifecycles.p50)} ms, p99 ${fmt(lifecycles.p99)} ms)
    state transitions/happy case   ${caseTransitions}   (each is billed on AWS Standard workflows)
    DOA open -> replacement shipped p50 ${fmt(doa.p50)} ms  p99 ${fmt(doa.p99)} ms   (promise P12: under 2 minutes)`);
  } finally {
    await cloud.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const { values } = parseArgs({
  options: { waiting: { type: 'string' }, only: { type: 'string' } },
});
const waiting = Number(values.waiting ?? 10_000);
if (!Number.isInteger(waiting) || waiting < 1) {
  console.error(`--waiting must be a whole number of executions, got ${values.waiting}`);
  process.exit(2);
}
if (values.only !== undefined && values.only !== 'restart' && values.only !== 'throughput') {
  console.error(`--only takes "restart" or "throughput", got ${values.only}`);
  process.exit(2);
}
// One synth for both parts: it costs seconds, and is not what either measures.
const template = synthesizeTemplate();
if (values.only !== 'restart') await throughput(template);
if (values.only !== 'throughput') {
  console.log(`\nrestart with ${fmt(waiting)} executions waiting on a task token (--waiting N)`);
  const restart = await restartBench(template, waiting);
  console.log(`  restart -> serving (GET /health 200)   ${fmt(restart.servingMs)} ms   (goal 2,000)
  restart -> all resumed                 ${fmt(restart.allResumedMs)} ms   (goal 5,000; each parked again on its token, its timer set)
  process RSS with them parked           ${fmt(restart.rssMb)} MB
  after a crash: serving / all resumed   ${fmt(restart.crash.servingMs)} / ${fmt(restart.crash.allResumedMs)} ms
  after a crash: all tokens handed out   ${fmt(restart.crash.allRedeliveredMs)} ms   (behind live traffic, 8 at a time)
  (seeding them took ${fmt(restart.seedSeconds)} s; the restart reads no history and finds them by an index, not a scan)`);
}
