import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { useClockSource } from '../functions/adapters/clock.ts';
import { LocalClock } from './clock.ts';
import { createTables, dynamoClient, LOCAL_CREDENTIALS, startDynamo } from './dynamo.ts';
import { LocalEventBus } from './event-bus.ts';
import { LocalFunctions } from './functions.ts';
import { DevTokens, defaultSubject } from './http/dev-tokens.ts';
import { type AdminHandler, startHttpServer } from './http/server.ts';
import { startStepFunctionsServer } from './sfn/api.ts';
import { StepFunctionsEngine } from './sfn/engine.ts';
import { LocalIntegrations } from './sfn/integrations.ts';
import { Journal } from './sfn/journal.ts';
import { type CfnTemplate, REGION, synthesizeTemplate, TemplateModel } from './template.ts';

export interface LocalCloudOptions {
  /** Where dynalite keeps its files; omitted, everything lives in memory and is gone on stop. */
  readonly dataDir?: string;
  /** 0 picks a free port. @default 8000, 8083, 3000 */
  readonly ports?: { dynamodb?: number; stepFunctions?: number; http?: number };
  /** Virtual milliseconds per real millisecond, from now on. @default the persisted scale, else 1 */
  readonly clockScale?: number;
  /** A template synthesized earlier in this process (tests share one). @default synthesizes the app */
  readonly template?: CfnTemplate;
}

export interface LocalUrls {
  dynamodb: string;
  stepFunctions: string;
  http: string;
}

const url = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

/**
 * The whole of fairfix on one machine: the synthesized template's tables on dynalite, its state
 * machines on the durable engine, its HTTP routes on the same handlers. Functions use the real AWS
 * SDK, pointed here by the standard AWS_ENDPOINT_URL_* variables.
 */
export class LocalCloud {
  private constructor(
    readonly urls: LocalUrls,
    readonly model: TemplateModel,
    readonly clock: LocalClock,
    readonly engine: StepFunctionsEngine,
    readonly bus: LocalEventBus,
    readonly tokens: DevTokens,
    private readonly servers: Server[],
  ) {}

  static async start(options: LocalCloudOptions = {}): Promise<LocalCloud> {
    const model = new TemplateModel(options.template ?? synthesizeTemplate());
    const ports = { dynamodb: 8000, stepFunctions: 8083, http: 3000, ...options.ports };
    if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });

    const dynamoServer = await startDynamo(
      ports.dynamodb,
      options.dataDir && path.join(options.dataDir, 'dynamodb'),
    );
    const dynamoUrl = url(dynamoServer);
    const dynamo = dynamoClient(dynamoUrl);
    const journal = new Journal(dynamo);
    await journal.ensureTable();
    await createTables(dynamo, model.tables);

    const clock = new LocalClock(
      (await journal.loadClock()) ?? LocalClock.fresh(options.clockScale ?? 1),
      (state) => journal.saveClock(state),
    );
    if (options.clockScale !== undefined && options.clockScale !== clock.scale)
      await clock.setScale(options.clockScale);
    await journal.saveClock(clock.snapshot());
    useClockSource(() => clock.now());

    const secret = await journal.tokenSecret();
    const functions = new LocalFunctions(model);
    const bus = new LocalEventBus(() => clock.now());
    const engine = new StepFunctionsEngine(
      journal,
      clock,
      new LocalIntegrations(functions, dynamo, bus),
      secret,
    );
    for (const machine of model.stateMachines) engine.register(machine);
    const sfnServer = await startStepFunctionsServer(engine, ports.stepFunctions);

    Object.assign(process.env, {
      ...functions.environment(),
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamoUrl,
      AWS_ENDPOINT_URL_SFN: url(sfnServer),
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    });

    const tokens = new DevTokens(
      createHmac('sha256', secret).update('dev-tokens').digest('hex'),
      model.jwtAudience,
      () => clock.now(),
    );
    const httpServer = await startHttpServer({
      port: ports.http,
      routes: model.routes,
      functions,
      tokens,
      // The local carrier's webhooks call this very server, by the time anyone asks it to.
      admin: adminEndpoints(clock, tokens, () => url(httpServer)),
      now: () => clock.now(),
    });

    const cloud = new LocalCloud(
      { dynamodb: dynamoUrl, stepFunctions: url(sfnServer), http: url(httpServer) },
      model,
      clock,
      engine,
      bus,
      tokens,
      [httpServer, sfnServer, dynamoServer],
    );
    await engine.recover();
    return cloud;
  }

  /** Stops serving. Running executions stay RUNNING in the journal and resume on the next start. */
  async stop(): Promise<void> {
    await this.engine.close();
    this.clock.dispose();
    for (const server of this.servers) {
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
    }
  }
}

function adminEndpoints(
  clock: LocalClock,
  tokens: DevTokens,
  httpUrl: () => string,
): Record<string, AdminHandler> {
  const problem = (detail: string) => ({ status: 400, body: { message: detail } });
  return {
    clock: async (method, body) => {
      if (method === 'POST') {
        const { advanceMs, scale } = body as { advanceMs?: unknown; scale?: unknown };
        if (advanceMs === undefined && scale === undefined)
          return problem('Send advanceMs (a number of ms) and/or scale');
        try {
          if (scale !== undefined) await clock.setScale(Number(scale));
          if (advanceMs !== undefined) await clock.advance(Number(advanceMs));
        } catch (error) {
          return problem((error as Error).message);
        }
      }
      return { status: 200, body: { now: new Date(clock.now()).toISOString(), scale: clock.scale } };
    },
    /**
     * The local carrier reports a tracking update, as a real carrier's webhook would: signed in as the
     * brand's carrier, through the public route POST /carrier/events.
     */
    'carrier-events': async (method, body) => {
      if (method !== 'POST')
        return { status: 405, body: { message: 'POST {tenant, trackingNumber, status}' } };
      const { tenant, trackingNumber, status } = body as Record<string, unknown>;
      if (typeof tenant !== 'string' || typeof trackingNumber !== 'string' || typeof status !== 'string') {
        return problem(
          'Send tenant, trackingNumber and status (picked-up, in-transit, out-for-delivery, delivered, exception)',
        );
      }
      const token = tokens.issue({ tenant, role: 'carrier', sub: 'fairfix-local-post' });
      const response = await fetch(`${httpUrl()}/carrier/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          eventId: `local-post-${trackingNumber}-${status}-${clock.now()}`,
          trackingNumber,
          status,
          occurredAt: new Date(clock.now()).toISOString(),
          location: 'fairfix local post',
        }),
      });
      return { status: response.status, body: await response.json() };
    },
    tokens: async (method, body) => {
      if (method !== 'POST') return { status: 405, body: { message: 'POST {tenant, role, sub}' } };
      const { tenant, role, sub } = body as Record<string, unknown>;
      if (typeof tenant !== 'string' || typeof role !== 'string')
        return problem('Send tenant and role as strings');
      return {
        status: 201,
        body: {
          token: tokens.issue({
            tenant,
            role,
            sub: typeof sub === 'string' ? sub : defaultSubject(tenant, role),
          }),
        },
      };
    },
  };
}
