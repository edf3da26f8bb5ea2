import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClockStateError } from '../../local/clock.ts';
import { LocalCloud } from '../../local/cloud.ts';
import { dynamoClient } from '../../local/dynamo.ts';
import { JOURNAL_TABLE } from '../../local/sfn/journal.ts';
import { resetClock, startupBanner, whyItCouldNotStart } from '../../local/startup.ts';
import { ApiClient, opening } from '../support/api.ts';
import { sharedTemplate } from '../support/cloud.ts';

/**
 * A small shop running fairfix for real (issue 11, finding 6): FAIRFIX_DEV_ENDPOINTS=off leaves no
 * way to mint tokens or move the clock, and `npm start` prints no tokens; a data directory whose
 * saved clock cannot be read refuses to start with a message that says how out, not a stack trace.
 * Its own file: a cloud sets the process's AWS endpoints, so a file keeps to one at a time.
 */
const dataDir = mkdtempSync(path.join(tmpdir(), 'fairfix-devoff-'));
const copy = `${dataDir}-copy`;
const start = (dir: string) =>
  LocalCloud.start({
    template: sharedTemplate(),
    ports: { dynamodb: 0, stepFunctions: 0, http: 0 },
    dataDir: dir,
  });
let cloud: LocalCloud | undefined;

beforeAll(async () => {
  process.env.FAIRFIX_DEV_ENDPOINTS = 'off';
  cloud = await start(dataDir);
});
afterAll(async () => {
  await cloud?.stop();
  delete process.env.FAIRFIX_DEV_ENDPOINTS;
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(copy, { recursive: true, force: true });
});

describe('FAIRFIX_DEV_ENDPOINTS=off', () => {
  it('answers every /_local/ endpoint with a 404 problem', async () => {
    for (const [method, endpoint, body] of [
      ['POST', 'tokens', '{"tenant":"acme","role":"agent"}'],
      ['POST', 'clock', '{"advanceMs":1000}'],
      ['GET', 'clock', undefined],
      ['POST', 'carrier-events', '{}'],
      ['POST', 'carrier-outage', '{"down":true}'],
      // The development OpenID issuer goes with them.
      ['GET', 'oidc/.well-known/openid-configuration', undefined],
      ['POST', 'oidc/token', 'grant_type=authorization_code'],
    ] as const) {
      const response = await fetch(`${cloud?.urls.http}/_local/${endpoint}`, { method, body });
      expect(response.status, `${method} ${endpoint}`).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  it('serves no /config.json naming the development issuer: the site signs in with a pasted token', async () => {
    expect((await fetch(`${cloud?.urls.http}/config.json`)).status).toBe(404);
  });

  it('prints no development tokens, and says the endpoints are off', () => {
    const text = startupBanner(cloud as LocalCloud, { dataDir, elapsedMs: 1, devEndpoints: false });
    expect(text).not.toMatch(/eyJ/);
    expect(text).not.toContain('Development tokens');
    expect(text).toContain('FAIRFIX_DEV_ENDPOINTS=off');
  });

  it('with the endpoints on, says they mint tokens and move the clock, for development only', () => {
    const text = startupBanner(cloud as LocalCloud, { dataDir, elapsedMs: 1, devEndpoints: true });
    expect(text).toMatch(/eyJ/);
    expect(text).toMatch(/\/_local\/.*tokens.*clock.*development/is);
    expect(text).toContain('FAIRFIX_DEV_ENDPOINTS=off');
  });
});

describe('a data directory whose saved clock cannot be read', () => {
  it('does not start; the message names the directory and the ways out; --reset-clock keeps the cases', async () => {
    const running = cloud as LocalCloud;
    const customer = ApiClient.as(running, 'acme', 'customer');
    const opened = await customer.post('/cases', opening());
    expect(opened.status).toBe(201);
    // What POST /_local/clock {"advanceMs": 8.65e15} used to save: past the end of JavaScript's dates.
    await DynamoDBDocumentClient.from(dynamoClient(running.urls.dynamodb)).send(
      new PutCommand({
        TableName: JOURNAL_TABLE,
        Item: {
          pk: 'CLOCK',
          sk: 'CLOCK',
          state: { anchorReal: Date.now(), anchorVirtual: Date.now() + 8.65e15, scale: 1 },
        },
      }),
    );
    await running.stop();
    cloud = undefined;
    cpSync(dataDir, copy, { recursive: true });

    const failure = await start(dataDir).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ClockStateError);
    const message = whyItCouldNotStart(failure, dataDir);
    expect(message).toContain(dataDir);
    expect(message).toContain('npm start -- --reset-clock');
    expect(message).toContain('npm start -- --reset');
    expect(message).not.toMatch(/\n\s+at /);

    await resetClock(copy);
    cloud = await start(copy);
    expect(Math.abs(cloud.clock.now() - Date.now())).toBeLessThan(60_000);
    // Read from the table: the functions' SDK clients still point at the first cloud of this process.
    const { Item } = await DynamoDBDocumentClient.from(dynamoClient(cloud.urls.dynamodb)).send(
      new GetCommand({
        TableName: cloud.model.tables[0]?.name,
        Key: { pk: `T#acme#CASE#${opened.body.caseId}`, sk: 'CASE' },
      }),
    );
    expect(Item?.caseId).toBe(opened.body.caseId);
  });
});
