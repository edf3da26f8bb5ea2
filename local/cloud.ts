import { createHmac } from 'node:crypto';
import { mkdirSync, readdirSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { forgetCarrierAccount } from '../functions/adapters/carrier-account.ts';
import { useClockSource } from '../functions/adapters/clock.ts';
import { EXAMPLE_BRANDS, seedExampleBrands } from './brands.ts';
import { CarrierService } from './carrier-service.ts';
import { LocalClock } from './clock.ts';
import { createTables, dynamoClient, LOCAL_CREDENTIALS, startDynamo, untilActive } from './dynamo.ts';
import { LocalEventBus } from './event-bus.ts';
import { LocalFunctions } from './functions.ts';
import { adminEndpoints, devEndpointsEnabled } from './http/admin.ts';
import { DevIssuer } from './http/dev-issuer.ts';
import { DevTokens } from './http/dev-tokens.ts';
import { startHttpServer } from './http/server.ts';
import { forgetServers, serveInProcess } from './in-process-transport.ts';
import { LocalEventRules } from './messaging/event-rules.ts';
import { startEventBridge } from './messaging/eventbridge.ts';
import { Mailbox } from './messaging/mailbox.ts';
import { mailboxEndpoint } from './messaging/mailbox-endpoint.ts';
import { startSes } from './messaging/ses.ts';
import { startSns } from './messaging/sns.ts';
import { checkRuntime } from './runtime.ts';
import { LocalSecrets, startSecretsManager } from './secrets-manager.ts';
import { startStepFunctionsServer } from './sfn/api.ts';
import { StepFunctionsEngine } from './sfn/engine.ts';
import { LocalIntegrations } from './sfn/integrations.ts';
import { JOURNAL_TABLE, Journal } from './sfn/journal.ts';
import { type CfnTemplate, cachedTemplate, REGION, synthesizeTemplate, TemplateModel } from './template.ts';

export interface LocalCloudOptions {
  /** Where dynalite keeps its files; omitted, everything lives in memory and is gone on stop. */
  readonly dataDir?: string;
  /** 0 picks a free port. @default 8000, 8083, 3000; EventBridge, SES v2, SNS, the carrier and Secrets Manager on free ports */
  readonly ports?: {
    dynamodb?: number;
    stepFunctions?: number;
    http?: number;
    eventBridge?: number;
    ses?: number;
    sns?: number;
    carrier?: number;
    secretsManager?: number;
  };
  /** Virtual milliseconds per real millisecond, from now on. @default the persisted scale, else 1 */
  readonly clockScale?: number;
  /**
   * A template synthesized earlier in this process (tests share one). @default the one cached in
   * `dataDir` for the current sources (local/template.ts), else a fresh synthesis
   */
  readonly template?: CfnTemplate;
  /**
   * State machines besides the template's, registered before recovery so that their stored executions
   * resume too (the bench's). @default none
   */
  readonly stateMachines?: readonly Parameters<StepFunctionsEngine['register']>[0][];
  /** Whether waiting executions park instead of waiting in memory. @default true, unless FAIRFIX_PARK_WAITS=off */
  readonly parkWaits?: boolean;
}

export interface LocalUrls {
  dynamodb: string;
  stepFunctions: string;
  http: string;
  eventBridge: string;
  ses: string;
  sns: string;
  /** The local carrier's label API (EasyPost-shaped), which the carrier adapter calls. */
  carrier: string;
}

/** The messaging side of the cloud (issue 15): its bus's rules, the local SES and SNS, their mailbox. */
export interface LocalMessaging {
  readonly rules: LocalEventRules;
  readonly mailbox: Mailbox;
  readonly servers: { eventBridge: Server; ses: Server; sns: Server };
}

const url = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

/** `starting`: resuming stored executions; `ready`: serving; `stopping`: letting go of everything. */
export type CloudStatus = 'starting' | 'ready' | 'stopping';

/**
 * The whole of fairfix on one machine: the synthesized template's tables on dynalite, its state
 * machines on the durable engine, its HTTP routes on the same handlers. Functions use the real AWS
 * SDK, pointed here by the standard AWS_ENDPOINT_URL_* variables.
 *
 * It takes work only once it knows its executions. Every endpoint listens from the start, so that
 * /health can say "starting" and a client learns to come back (a closed port says nothing), but
 * until the engine has claimed every execution the journal holds, both APIs answer 503 with
 * Retry-After. Claimed, an execution cannot be started twice, and a token answered before its run is
 * back waits in the journal for it: so the cloud serves while the engine resumes them, a bounded
 * number at a time (engine.resumed settles when all run again).
 */
export class LocalCloud {
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly urls: LocalUrls,
    readonly model: TemplateModel,
    readonly clock: LocalClock,
    readonly engine: StepFunctionsEngine,
    readonly bus: LocalEventBus,
    readonly tokens: DevTokens,
    /** The servers behind `urls` (the bench meters the store's). */
    readonly servers: { http: Server; stepFunctions: Server; dynamodb: Server },
    readonly messaging: LocalMessaging,
    /** The local carrier: it issues labels and sends tracking webhooks (local/carrier-service.ts). */
    readonly carrier: CarrierService,
    /** The local Secrets Manager, holding the carrier account as the stack's secret does on AWS. */
    private readonly secretsServer: Server,
  ) {}

  /** What the local SES and SNS sent. */
  get mailbox(): Mailbox {
    return this.messaging.mailbox;
  }

  get status(): CloudStatus {
    if (this.stopping) return 'stopping';
    // Once the engine knows its executions it serves, while it resumes them (engine.recover()).
    return this.engine.phase === 'starting' ? 'starting' : 'ready';
  }

  static async start(options: LocalCloudOptions = {}): Promise<LocalCloud> {
    const model = new TemplateModel(
      options.template ??
        (options.dataDir ? await cachedTemplate(options.dataDir) : await synthesizeTemplate()),
    );
    checkRuntime(model.functions, process.versions.node);
    const ports = {
      dynamodb: 8000,
      stepFunctions: 8083,
      http: 3000,
      eventBridge: 0,
      ses: 0,
      sns: 0,
      carrier: 0,
      secretsManager: 0,
      ...options.ports,
    };
    if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });

    const dynamoServer = await startDynamo(
      ports.dynamodb,
      options.dataDir && path.join(options.dataDir, 'dynamodb'),
    );
    // This process's own SDK clients (functions, engine, journal) reach the store without a socket.
    serveInProcess(dynamoServer);
    const dynamoUrl = url(dynamoServer);
    const dynamo = dynamoClient(dynamoUrl);
    const journal = new Journal(dynamo);
    await journal.ensureTable();
    await untilActive(dynamo, [JOURNAL_TABLE]);
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
      options.parkWaits ?? process.env.FAIRFIX_PARK_WAITS !== 'off',
    );
    for (const machine of [...model.stateMachines, ...(options.stateMachines ?? [])])
      engine.register(machine);
    // A jump of the clock lands between steps, never inside one (LocalClock.settleBeforeChanges).
    clock.settleBeforeChanges(() => engine.settled());
    const now = () => clock.now();
    const mailbox = new Mailbox(options.dataDir);
    const rules = new LocalEventRules(model, functions, {
      now,
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    });
    rules.listen(bus);
    const messaging: LocalMessaging = {
      rules,
      mailbox,
      servers: {
        eventBridge: await startEventBridge(bus, model, ports.eventBridge),
        ses: await startSes(mailbox, ports.ses, now),
        sns: await startSns(mailbox, ports.sns, now),
      },
    };
    // The template's secrets hold what CloudFormation would generate (derived from this data's secret,
    // so they survive a restart). The carrier account's gets what an operator puts in it: here, the
    // local carrier service's URL and key; its generated webhookSecret is what the service signs with.
    const secrets = new LocalSecrets(model, (logicalId, key) =>
      createHmac('sha256', secret).update(`secret:${logicalId}:${key}`).digest('hex').slice(0, 40),
    );
    const [account] = secrets.withKey('apiKey');
    const carrierKey = `local_${createHmac('sha256', secret).update('carrier').digest('hex').slice(0, 24)}`;
    const carrier = await CarrierService.start({
      port: ports.carrier,
      apiKey: carrierKey,
      webhookSecret: account?.value.webhookSecret ?? '',
      now,
      devEndpoints: devEndpointsEnabled(),
      ...trackingSchedule(process.env.FAIRFIX_CARRIER_TRACK_EVERY_MS),
    });
    if (account)
      secrets.put(account.arn, {
        ...account.value,
        url: carrier.url,
        apiKey: carrierKey,
        name: 'fairfix-local-post',
      });
    const secretsServer = await startSecretsManager(secrets, ports.secretsManager);
    // Functions read the account afresh: an earlier cloud in this process had another carrier URL.
    forgetCarrierAccount();
    // Answers 503 until recovery has claimed the stored executions (engine.phase).
    const sfnServer = await startStepFunctionsServer(engine, ports.stepFunctions);
    serveInProcess(sfnServer);

    Object.assign(process.env, {
      ...functions.environment(),
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamoUrl,
      AWS_ENDPOINT_URL_SFN: url(sfnServer),
      AWS_ENDPOINT_URL_EVENTBRIDGE: url(messaging.servers.eventBridge),
      AWS_ENDPOINT_URL_SESV2: url(messaging.servers.ses),
      AWS_ENDPOINT_URL_SNS: url(messaging.servers.sns),
      AWS_ENDPOINT_URL_SECRETS_MANAGER: url(secretsServer),
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    });
    // The demo brands are data (examples/brands), seeded once: an admin's later versions are kept.
    const tableName = functions.environment().TABLE_NAME;
    if (tableName) await seedExampleBrands(dynamo, tableName, new Date(clock.now()));

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
      admin: {
        ...adminEndpoints(clock, tokens, () => url(httpServer)),
        ...(devEndpointsEnabled() ? { mailbox: mailboxEndpoint(mailbox) } : {}),
      },
      ...(devEndpointsEnabled() ? { issuer: new DevIssuer(tokens) } : {}),
      now: () => clock.now(),
    });
    // Notices link the portal: here, the web UI this very server serves. Webhook receivers run on
    // this machine, so private addresses are allowed (on AWS they are refused).
    process.env.PORTAL_BASE_URL = `${url(httpServer)}/`;
    process.env.WEBHOOK_PRIVATE_TARGETS = 'allow';
    // One carrier account serves every brand here: its tracking webhooks go to each example brand's route.
    for (const file of readdirSync(EXAMPLE_BRANDS).filter((name) => name.endsWith('.json')))
      carrier.addWebhook(`${url(httpServer)}/carrier/webhooks/${path.basename(file, '.json')}`);

    const cloud = new LocalCloud(
      {
        dynamodb: dynamoUrl,
        stepFunctions: url(sfnServer),
        http: url(httpServer),
        eventBridge: url(messaging.servers.eventBridge),
        ses: url(messaging.servers.ses),
        sns: url(messaging.servers.sns),
        carrier: carrier.url,
      },
      model,
      clock,
      engine,
      bus,
      tokens,
      { http: httpServer, stepFunctions: sfnServer, dynamodb: dynamoServer },
      messaging,
      carrier,
      secretsServer,
    );
    // Installed before the first request can arrive: listen() resolved in this very turn.
    serveOnlyWhenReady(httpServer, cloud);
    try {
      await engine.recover();
    } catch (error) {
      await cloud
        .stop()
        .catch((stopError: unknown) => console.error('Stopping after a failed start:', stopError));
      throw error;
    }
    return cloud;
  }

  /**
   * Stops serving. Running executions stay RUNNING in the journal and resume on the next start. In
   * order: the HTTP API takes no more work and finishes what it has; the engine lets go of every run
   * once its journal writes and calls are done; then the Step Functions API closes, then the database.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await closeServer(this.servers.http);
      await this.engine.close();
      // Deliveries under way finish before the services they call close.
      await this.messaging.rules.close();
      for (const server of Object.values(this.messaging.servers)) await closeServer(server);
      await this.carrier.stop();
      await closeServer(this.secretsServer);
      await closeServer(this.servers.stepFunctions);
      this.clock.dispose();
      await closeServer(this.servers.dynamodb);
      forgetServers(this.servers.stepFunctions, this.servers.dynamodb);
    })();
    return this.stopping;
  }
}

/** FAIRFIX_CARRIER_TRACK_EVERY_MS: how often the local carrier moves parcels by itself, if at all. */
function trackingSchedule(value: string | undefined): { trackEveryMs?: number } {
  if (!value) return {};
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 100)
    throw new Error(
      `FAIRFIX_CARRIER_TRACK_EVERY_MS must be a number of milliseconds, 100 or more, got "${value}"`,
    );
  return { trackEveryMs: ms };
}

/** How long a stopping server waits for requests under way before it cuts their connections (ms). */
const CLOSE_GRACE_MS = 5_000;

/** Stops accepting connections, lets requests under way finish (for a while), then closes. */
async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // A kept-alive connection whose request has been answered is idle: let it go at once.
  const idle = setInterval(() => server.closeIdleConnections(), 20);
  const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
  server.closeIdleConnections();
  await closed;
  clearInterval(idle);
  clearTimeout(cut);
}

/**
 * Puts a gate before the HTTP API's own handler: while the cloud is starting or stopping, GET /health
 * answers 503 with the status (what a load balancer asks), and every other request 503 problem+json
 * with Retry-After; the request never reaches a function.
 */
function serveOnlyWhenReady(server: Server, cloud: LocalCloud): void {
  const handlers = server.listeners('request') as ((
    request: IncomingMessage,
    response: ServerResponse,
  ) => void)[];
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const status = cloud.status;
    if (status === 'ready') {
      for (const handler of handlers) handler.call(server, request, response);
      return;
    }
    request.resume();
    const { stored, resumed } = cloud.engine.recovery;
    const detail =
      status === 'starting'
        ? `fairfix is starting: it reads which executions it holds before it takes work (${resumed} of ${stored} resumed).`
        : 'fairfix is stopping.';
    const health = new URL(request.url ?? '/', 'http://127.0.0.1').pathname === '/health';
    const body = JSON.stringify(
      health
        ? { status, detail, time: new Date(cloud.clock.now()).toISOString() }
        : // The problem document the functions answer with (functions/api/problem.ts).
          {
            type: `https://fairfix.dev/problems/${status}`,
            title: 'Service Unavailable',
            status: 503,
            detail,
          },
    );
    response.writeHead(503, {
      'content-type': health ? 'application/json' : 'application/problem+json',
      'content-length': Buffer.byteLength(body),
      'retry-after': '1',
      'cache-control': 'no-store',
    });
    response.end(body);
  });
}
