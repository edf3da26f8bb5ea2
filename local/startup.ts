import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PROJECT_ROOT } from '../lib/project.ts';
import { ClockStateError, MAX_SCALE, MIN_SCALE } from './clock.ts';
import type { LocalCloud } from './cloud.ts';
import { dynamoClient, startDynamo } from './dynamo.ts';
import { devEndpointsEnabled } from './http/admin.ts';
import { defaultSubject } from './http/dev-tokens.ts';
import { PortUnavailableError } from './listen.ts';
import { RuntimeVersionError } from './runtime.ts';
import { JOURNAL_TABLE } from './sfn/journal.ts';

/** A setting (environment variable) `npm start` cannot use: the message says which and what it takes. */
export class SettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingError';
  }
}

export interface Settings {
  dataDir: string;
  ports: { dynamodb: number; stepFunctions: number; http: number };
  clockScale?: number;
  devEndpoints: boolean;
  /**
   * FAIRFIX_TEMPLATE: a template `npm run synth` (or a test's setup) wrote earlier, served instead of
   * synthesizing the app on start, which costs seconds. For tests that start the cloud again and again.
   */
  templatePath?: string;
}

/** `npm start`'s settings from the environment. @throws SettingError naming the variable */
export function readSettings(env: NodeJS.ProcessEnv): Settings {
  const port = (name: string, fallback: number) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isInteger(value) || value < 0 || value > 65535)
      throw new SettingError(`${name} must be a port number, got ${env[name]}`);
    return value;
  };
  let clockScale: number | undefined;
  if (env.FAIRFIX_CLOCK_SCALE) {
    clockScale = Number(env.FAIRFIX_CLOCK_SCALE);
    if (!Number.isFinite(clockScale) || clockScale < MIN_SCALE || clockScale > MAX_SCALE)
      throw new SettingError(
        `FAIRFIX_CLOCK_SCALE must be a number from ${MIN_SCALE} to ${MAX_SCALE} (virtual ms per real ms), got ${env.FAIRFIX_CLOCK_SCALE}`,
      );
  }
  let devEndpoints: boolean;
  try {
    devEndpoints = devEndpointsEnabled(env);
  } catch (error) {
    throw new SettingError((error as Error).message);
  }
  return {
    dataDir: path.resolve(env.FAIRFIX_DATA_DIR ?? path.join(PROJECT_ROOT, '.fairfix', 'data')),
    ports: {
      dynamodb: port('FAIRFIX_DYNAMODB_PORT', 8000),
      stepFunctions: port('FAIRFIX_SFN_PORT', 8083),
      http: port('FAIRFIX_HTTP_PORT', 3000),
    },
    ...(clockScale === undefined ? {} : { clockScale }),
    devEndpoints,
    ...(env.FAIRFIX_TEMPLATE ? { templatePath: path.resolve(env.FAIRFIX_TEMPLATE) } : {}),
  };
}

/**
 * Why `npm start` could not start, in words a person acts on: what is wrong and the way out. No stack
 * trace: a port taken or a data directory it cannot use is not a bug to debug.
 */
export function whyItCouldNotStart(error: unknown, dataDir: string): string {
  const waysOut = [
    'Ways out:',
    '  npm start -- --reset-clock   restarts the clock at the real time and keeps every case',
    `  npm start -- --reset         deletes all local data in ${dataDir} and starts afresh`,
  ].join('\n');
  if (
    error instanceof PortUnavailableError ||
    error instanceof SettingError ||
    error instanceof RuntimeVersionError
  )
    return `fairfix could not start: ${error.message}`;
  if (error instanceof ClockStateError)
    return `fairfix could not start: the local clock saved in ${dataDir} cannot be used.\n${error.message}\n${waysOut}`;
  const message = error instanceof Error ? error.message : String(error);
  return `fairfix could not start: ${message}\nIf the data in ${dataDir} is damaged:\n${waysOut}\n(FAIRFIX_DEBUG=1 shows where it failed.)`;
}

/**
 * Forgets the saved clock of a data directory, keeping everything else: the next start runs the clock
 * from the real time. The way out of a clock moved where it cannot run.
 */
export async function resetClock(dataDir: string): Promise<void> {
  const server: Server = await startDynamo(0, path.join(dataDir, 'dynamodb'));
  const client = dynamoClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  try {
    await DynamoDBDocumentClient.from(client).send(
      new DeleteCommand({ TableName: JOURNAL_TABLE, Key: { pk: 'CLOCK', sk: 'CLOCK' } }),
    );
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  } finally {
    client.destroy();
    server.closeAllConnections?.();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** What `npm start` prints once up: where everything is, and (development endpoints on) tokens to try it. */
export function startupBanner(
  cloud: Pick<LocalCloud, 'urls' | 'clock' | 'tokens'>,
  options: { dataDir: string; elapsedMs: number; devEndpoints: boolean },
): string {
  const { urls, clock } = cloud;
  const demo = (tenant: string, role: string) =>
    cloud.tokens.issue({ tenant, role, sub: defaultSubject(tenant, role) });
  const head = `fairfix local cloud is up (${options.elapsedMs} ms), data in ${options.dataDir}

  HTTP API + web    ${urls.http}/            (health: /health, OpenAPI: /openapi.json)
  DynamoDB          ${urls.dynamodb}
  Step Functions    ${urls.stepFunctions}
  EventBridge, SES v2, SNS   ${urls.eventBridge}, ${urls.ses}, ${urls.sns}${options.devEndpoints ? `   (what is sent: ${urls.http}/_local/mailbox)` : ''}
  Carrier (EasyPost API)     ${urls.carrier}${options.devEndpoints ? `   (a tracking webhook: POST ${urls.carrier}/_dev/trackers/<tracking number> {"status":"delivered"})` : ''}
  Clock             ${new Date(clock.now()).toISOString()}, x${clock.scale}${options.devEndpoints ? '  (POST /_local/clock {"advanceMs": n})' : ''}
`;
  const dev = options.devEndpoints
    ? `
Development endpoints (/_local/*) mint tokens for any brand and role and move the clock: they are for
development only. Running fairfix for real? Start it with FAIRFIX_DEV_ENDPOINTS=off.

Development tokens (Authorization: Bearer <token>), valid 30 days:
  acme customer   ${demo('acme', 'customer')}
  acme depot      ${demo('acme', 'depot')}
  acme technician ${demo('acme', 'technician')}  (${defaultSubject('acme', 'technician')})
  globex agent    ${demo('globex', 'agent')}
More: POST ${urls.http}/_local/tokens {"tenant":"acme","role":"agent"}
The web app's "Sign in" runs OpenID Connect (code flow, PKCE) against the local issuer:
  ${urls.http}/_local/oidc/.well-known/openid-configuration
`
    : `
Development endpoints are off (FAIRFIX_DEV_ENDPOINTS=off): /_local/* answer 404, no tokens are minted
and the clock runs on its own.
`;
  const tail = `
AWS CLI: any credentials, --region us-east-1 --endpoint-url ${urls.dynamodb} (dynamodb) or ${urls.stepFunctions} (stepfunctions)
Stop with Ctrl-C; running cases resume on the next start. Reset all data: npm start -- --reset`;
  return head + dev + tail;
}
