/**
 * Restart with N executions waiting on a task token (part of `npm run bench`): how long from the start
 * of LocalCloud.start on that data directory until GET /health answers 200 (serving), and until every
 * stored execution waits again, parked with its token answerable and its timer set (all resumed). Then
 * the same after a crash (the clean-stop record removed), where every parked wait also hands its token
 * out again behind the start (all redelivered). Printed, never asserted. The waiting step is the case workflow's shape (a .waitForTaskToken task that parks its
 * token in DynamoDB) on a machine of its own, so that N of them are quick to make.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DeleteItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { LocalCloud } from '../local/cloud.ts';
import { dynamoClient, startDynamo } from '../local/dynamo.ts';
import { JOURNAL_TABLE } from '../local/sfn/journal.ts';
import { ACCOUNT, type CfnTemplate, REGION, TemplateModel } from '../local/template.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface RestartFigures {
  waiting: number;
  seedSeconds: number;
  servingMs: number;
  allResumedMs: number;
  rssMb: number;
  /** After a crash: serving, all resumed, and all tokens handed out again. */
  crash: { servingMs: number; allResumedMs: number; allRedeliveredMs: number };
}

export async function restartBench(
  template: CfnTemplate,
  waiting: number,
  log = console.log,
): Promise<RestartFigures> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'fairfix-bench-restart-'));
  const ports = { dynamodb: await freePort(), stepFunctions: await freePort(), http: await freePort() };
  const table = new TemplateModel(template).tables[0]?.name as string;
  const machineArn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:bench-waiting`;
  const machine = {
    arn: machineArn,
    name: 'bench-waiting',
    roleArn: 'arn:aws:iam::000000000000:role/bench',
    definition: {
      StartAt: 'Park',
      States: {
        Park: {
          Type: 'Task',
          Resource: 'arn:aws:states:::dynamodb:putItem.waitForTaskToken',
          Parameters: {
            TableName: table,
            Item: {
              pk: { 'S.$': "States.Format('PARK#{}', $.id)" },
              sk: { S: 'TOKEN' },
              token: { 'S.$': '$$.Task.Token' },
            },
          },
          TimeoutSeconds: 30 * 86_400,
          End: true,
        },
      },
    },
  };
  const start = () =>
    LocalCloud.start({ template, dataDir, ports, stateMachines: [machine], parkWaits: true });
  try {
    const first = await start();
    const t0 = performance.now();
    let next = 0;
    let lastLog = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < waiting) {
          const i = next++;
          await first.engine.startExecution(machineArn, `waiting-${i}`, JSON.stringify({ id: i }));
          if (performance.now() - lastLog > 15_000) {
            lastLog = performance.now();
            log(`  seeding: ${i + 1} of ${waiting} started`);
          }
        }
      }),
    );
    // Every one waits on its token, and has parked it.
    const ddb = dynamoClient(first.urls.dynamodb);
    for (;;) {
      if (first.engine.parkedCount >= waiting) {
        let parked = 0;
        let after: Record<string, never> | undefined;
        do {
          const page = await ddb.send(
            new ScanCommand({
              TableName: table,
              Select: 'COUNT',
              FilterExpression: 'begins_with(pk, :park)',
              ExpressionAttributeValues: { ':park': { S: 'PARK#' } },
              ExclusiveStartKey: after,
            }),
          );
          parked += page.Count ?? 0;
          after = page.LastEvaluatedKey as typeof after;
        } while (after);
        if (parked >= waiting) break;
      }
      await pause(1000);
    }
    const seedSeconds = (performance.now() - t0) / 1000;
    await first.stop();
    log(`  seeded ${waiting} waiting executions in ${seedSeconds.toFixed(0)} s; restarting`);

    /** Starts again on the data directory, timing serving and every execution waiting again. */
    const restart = async () => {
      const restarted = performance.now();
      let servingMs = 0;
      const serving = (async () => {
        for (;;) {
          try {
            const response = await fetch(`http://127.0.0.1:${ports.http}/health`);
            await response.arrayBuffer();
            if (response.status === 200) {
              servingMs = performance.now() - restarted;
              return;
            }
          } catch {
            // Not listening yet.
          }
          await pause(5);
        }
      })();
      const cloud = await start();
      await serving;
      await cloud.engine.resumed;
      const allResumedMs = performance.now() - restarted;
      if (cloud.engine.recovery.resumed < waiting)
        throw new Error(`Only ${cloud.engine.recovery.resumed} of ${waiting} executions wait again`);
      await cloud.engine.redelivered;
      if (cloud.engine.parkedCount < waiting)
        throw new Error(`Only ${cloud.engine.parkedCount} of ${waiting} executions are parked again`);
      return { cloud, servingMs, allResumedMs, allRedeliveredMs: performance.now() - restarted };
    };

    const clean = await restart();
    const rssMb = process.memoryUsage().rss / 1_048_576;
    await clean.cloud.stop();
    // A crash leaves no record of a clean stop: remove it, as a SIGKILL would have left the journal.
    const store = await startDynamo(0, path.join(dataDir, 'dynamodb'));
    await dynamoClient(`http://127.0.0.1:${(store.address() as { port: number }).port}`).send(
      new DeleteItemCommand({
        TableName: JOURNAL_TABLE,
        Key: { pk: { S: 'CLEAN-STOP' }, sk: { S: 'CLEAN-STOP' } },
      }),
    );
    await new Promise((resolve) => store.close(resolve));
    log('  restarting after a (simulated) crash');
    const crashed = await restart();
    await crashed.cloud.stop();
    const { servingMs, allResumedMs } = clean;
    const crash = {
      servingMs: crashed.servingMs,
      allResumedMs: crashed.allResumedMs,
      allRedeliveredMs: crashed.allRedeliveredMs,
    };
    return { waiting, seedSeconds, servingMs, allResumedMs, rssMb, crash };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
