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
import { adminEndpoints } from './http/admin.ts';
import { DevTokens } from './http/dev-tokens.ts';
import { startHttpServer } from './http/server.ts';
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
