import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '../../local/dynamo.ts';
import { JOURNAL_TABLE } from '../../local/sfn/journal.ts';
import { ApiClient, nextId, opening } from '../support/api.ts';
import { eventually } from '../support/cloud.ts';
import { RestartableCloud } from '../support/restartable.ts';

/**
 * A restart with cases waiting, and customers opening cases from the first moment the cloud answers
 * (and again whenever it says "come back"). Before the fix, the HTTP API served while the engine was
 * still recovering, and recovery started a second run of executions opened meanwhile.
 */
const STORED = 20;
const FRESH = 30;
/** The history of finished executions a long-lived data directory holds (MB): recovery does not read it. */
const OLD_HISTORY_MB = 8;
/** A new case's label, then its wait for the device, in one state (issue 13). */
const DEPOT = 'Issue prepaid label';
let env: RestartableCloud;
let stored: string[] = [];
/** A customer's token, issued before the restart: it stays valid across it, as the journal keeps the secret. */
let token: string;

/** Old executions' history, as the engine writes it, straight into the journal table. */
async function oldHistory(megabytes: number): Promise<void> {
  const ddb = dynamoClient(`http://127.0.0.1:${env.ports.dynamodb}`);
  const payload = 'x'.repeat(4000);
  const items = Math.ceil((megabytes * 1_000_000) / 4100);
  for (let i = 0; i < items; i += 25) {
    await ddb.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [JOURNAL_TABLE]: Array.from({ length: Math.min(25, items - i) }, (_, j) => ({
            PutRequest: {
              Item: {
                pk: {
                  S: `HIST#arn:aws:states:us-east-1:000000000000:execution:old:${Math.floor((i + j) / 40)}`,
                },
                sk: { S: String((i + j) % 40).padStart(10, '0') },
                event: { M: { type: { S: 'TaskStateEntered' }, input: { S: payload } } },
              },
            },
          })),
        },
      }),
    );
  }
}

beforeAll(async () => {
  env = await RestartableCloud.create();
  const cloud = await env.start();
  const customer = ApiClient.as(cloud, 'acme', 'customer');
  token = cloud.tokens.issue({ tenant: 'acme', role: 'customer', sub: 'race@acme.example' });
  stored = await Promise.all(
    Array.from(
      { length: STORED },
      async () => (await customer.post('/cases', opening())).body.caseId as string,
    ),
  );
  await Promise.all((await env.caseArns()).map((arn) => env.waitsIn(arn, DEPOT)));
  await oldHistory(OLD_HISTORY_MB);
  await env.stop();
}, 120_000);

afterAll(() => env.dispose());

describe('a restart while customers open cases', () => {
  it('serves only once it knows what it had, and runs every execution once', async () => {
    const starting = env.start();
    const healthAnswers: { status: number; retryAfter: string | null; body: string }[] = [];
    const refused: { status: number; retryAfter: string | null }[] = [];
    const watchHealth = (async () => {
      for (;;) {
        try {
          const response = await fetch(`${env.http}/health`);
          const answer = { status: response.status, retryAfter: response.headers.get('retry-after') };
          healthAnswers.push({ ...answer, body: await response.text() });
          if (response.status === 200) break;
        } catch {
          // Not listening yet.
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();

    // The Step Functions API, asked from the first moment too, as the AWS CLI would.
    const sfnAnswers: { status: number; retryAfter: string | null; type: string | null }[] = [];
    const watchSfn = (async () => {
      for (;;) {
        try {
          const response = await fetch(`http://127.0.0.1:${env.ports.stepFunctions}`, {
            method: 'POST',
            headers: {
              'x-amz-target': 'AWSStepFunctions.ListStateMachines',
              'content-type': 'application/x-amz-json-1.0',
            },
            body: '{}',
          });
          await response.text();
          sfnAnswers.push({
            status: response.status,
            retryAfter: response.headers.get('retry-after'),
            type: response.headers.get('x-amzn-errortype'),
          });
          if (response.status === 200) break;
        } catch {
          // Not listening yet.
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();

    // Customers (and their retries) from the first moment the port accepts connections.
    const fresh: string[] = [];
    const openers = Array.from({ length: 10 }, async () => {
      while (fresh.length < FRESH) {
        try {
          const response = await fetch(`${env.http}/cases`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify(opening({ serial: nextId('SN-RACE') })),
          });
          const body = (await response.json()) as { caseId?: string };
          if (response.status === 201 && body.caseId) fresh.push(body.caseId);
          else refused.push({ status: response.status, retryAfter: response.headers.get('retry-after') });
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
      }
    });
    await Promise.all(openers);
    const cloud = await starting;
    await watchHealth;
    await watchSfn;

    const arns = await env.caseArns();
    expect(arns.length).toBeGreaterThanOrEqual(STORED + FRESH);
    await Promise.all(arns.map((arn) => env.waitsIn(arn, DEPOT)));
    // Some stored cases move on: the state each was resumed in is left once, as it was entered once.
    const depot = ApiClient.as(cloud, 'acme', 'depot');
    const customer = ApiClient.as(cloud, 'acme', 'customer');
    for (const caseId of stored.slice(0, 5)) {
      // The label's state registers the wait in the label's own save: entered is not yet waiting.
      await eventually(async () => {
        const kase = await customer.get<{ waitingFor?: { step: string } }>(`/cases/${caseId}`);
        return kase.body.waitingFor?.step === 'Wait for device at depot' ? true : undefined;
      });
      const response = await depot.post(`/cases/${caseId}/events`, {
        eventId: nextId('received'),
        type: 'received',
        occurredAt: new Date(cloud.clock.now()).toISOString(),
      });
      expect(response.body.outcome).toBe('applied');
      await env.waitsIn(await env.arnOf(caseId), 'Wait for depot diagnosis');
    }
    // Let a second run of any execution, if there were one, write its history.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await env.enteredTwice(arns), 'executions that entered a state twice').toEqual([]);

    // Until it had resumed every stored execution it said so, and refused the work it would have raced.
    expect(healthAnswers.at(-1)?.status).toBe(200);
    for (const answer of healthAnswers.slice(0, -1)) {
      expect(answer.status).toBe(503);
      expect(answer.retryAfter).toBeTruthy();
      expect(JSON.parse(answer.body)).toMatchObject({ status: 'starting' });
    }
    for (const answer of refused)
      expect(answer).toMatchObject({ status: 503, retryAfter: expect.any(String) });
    // How long it says so depends on the machine: claiming the stored executions is one query of the
    // running-execution index, however much history the journal holds (OLD_HISTORY_MB), so a fast
    // machine may answer 200 to the first /health that gets through.
    // The Step Functions API refuses only until the engine knows its executions.
    expect(sfnAnswers.at(-1)?.status).toBe(200);
    for (const answer of sfnAnswers.slice(0, -1))
      expect(answer).toEqual({ status: 503, retryAfter: '1', type: 'ServiceUnavailable' });
    console.log(
      `Answers while starting: ${healthAnswers.length - 1} from /health, ${sfnAnswers.length - 1} from Step Functions, ${refused.length} refused openings`,
    );
  }, 120_000);
});
