import { rmSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../lib/constructs/fairfix-function.ts';
import { LocalCloud } from './cloud.ts';
import { defaultSubject } from './http/dev-tokens.ts';
import { PortUnavailableError } from './listen.ts';

/** `npm start`: the local cloud on its default ports, its data under .fairfix/ (override by env). */
const env = process.env;
const dataDir = path.resolve(env.FAIRFIX_DATA_DIR ?? path.join(PROJECT_ROOT, '.fairfix', 'data'));
const port = (name: string, fallback: number) => {
  const value = Number(env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0 || value > 65535)
    throw new Error(`${name} must be a port number, got ${env[name]}`);
  return value;
};

if (process.argv.includes('--reset') || process.argv.includes('--reset-only')) {
  rmSync(dataDir, { recursive: true, force: true });
  console.log(`Removed all local data in ${dataDir}`);
  if (process.argv.includes('--reset-only')) process.exit(0);
}

const started = Date.now();
const cloud = await LocalCloud.start({
  dataDir,
  ports: {
    dynamodb: port('FAIRFIX_DYNAMODB_PORT', 8000),
    stepFunctions: port('FAIRFIX_SFN_PORT', 8083),
    http: port('FAIRFIX_HTTP_PORT', 3000),
  },
  ...(env.FAIRFIX_CLOCK_SCALE ? { clockScale: Number(env.FAIRFIX_CLOCK_SCALE) } : {}),
}).catch((error: unknown) => {
  // A port in use is the user's to fix: say which and how, without a stack trace.
  if (!(error instanceof PortUnavailableError)) throw error;
  console.error(`fairfix could not start: ${error.message}`);
  process.exit(1);
});

const demo = (tenant: string, role: string) =>
  cloud.tokens.issue({ tenant, role, sub: defaultSubject(tenant, role) });
console.log(`fairfix local cloud is up (${Date.now() - started} ms), data in ${dataDir}

  HTTP API + web    ${cloud.urls.http}/            (health: /health, OpenAPI: /openapi.json)
  DynamoDB          ${cloud.urls.dynamodb}
  Step Functions    ${cloud.urls.stepFunctions}
  Clock             ${new Date(cloud.clock.now()).toISOString()}, x${cloud.clock.scale}  (POST /_local/clock {"advanceMs": n})

Development tokens (Authorization: Bearer <token>), valid 30 days:
  acme customer   ${demo('acme', 'customer')}
  acme depot      ${demo('acme', 'depot')}
  acme technician ${demo('acme', 'technician')}  (${defaultSubject('acme', 'technician')})
  globex agent    ${demo('globex', 'agent')}
More: POST ${cloud.urls.http}/_local/tokens {"tenant":"acme","role":"agent"}

AWS CLI: any credentials, --region us-east-1 --endpoint-url ${cloud.urls.dynamodb} (dynamodb) or ${cloud.urls.stepFunctions} (stepfunctions)
Stop with Ctrl-C; running cases resume on the next start. Reset all data: npm start -- --reset`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    void cloud.stop().then(() => process.exit(0));
  });
}
