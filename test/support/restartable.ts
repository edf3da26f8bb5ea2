import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { LocalCloud } from '../../local/cloud.ts';
import { LOCAL_CREDENTIALS } from '../../local/dynamo.ts';
import { eventually, freePort, sharedTemplate } from './cloud.ts';

/**
 * A local cloud that can be stopped and started again on its data directory, in this process. It
 * keeps its ports: the functions' SDK clients, made once per process, then reach each new start too.
 */
export class RestartableCloud {
  cloud: LocalCloud | undefined;

  private constructor(
    readonly dataDir: string,
    readonly ports: {
      dynamodb: number;
      stepFunctions: number;
      http: number;
      eventBridge: number;
      ses: number;
      sns: number;
      carrier: number;
      secretsManager: number;
    },
  ) {}

  static async create(): Promise<RestartableCloud> {
    return new RestartableCloud(mkdtempSync(path.join(tmpdir(), 'fairfix-restartable-')), {
      dynamodb: await freePort(),
      stepFunctions: await freePort(),
      http: await freePort(),
      // The case bus, SES, SNS, the carrier and Secrets Manager too: a function's client points at the
      // port it first saw.
      eventBridge: await freePort(),
      ses: await freePort(),
      sns: await freePort(),
      carrier: await freePort(),
      secretsManager: await freePort(),
    });
  }

  /** Starts the cloud; the promise settles when it is ready, as LocalCloud.start's does. */
  start(): Promise<LocalCloud> {
    const starting = LocalCloud.start({
      template: sharedTemplate(),
      dataDir: this.dataDir,
      ports: this.ports,
    });
    return starting.then((cloud) => (this.cloud = cloud));
  }

  get live(): LocalCloud {
    if (!this.cloud) throw new Error('The cloud is not running');
    return this.cloud;
  }

  async stop(): Promise<void> {
    const cloud = this.cloud;
    this.cloud = undefined;
    await cloud?.stop();
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  get http(): string {
    return `http://127.0.0.1:${this.ports.http}`;
  }

  sfn(): SFNClient {
    return new SFNClient({
      endpoint: `http://127.0.0.1:${this.ports.stepFunctions}`,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
    });
  }

  async history(executionArn: string): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.sfn().send(
        new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }),
      );
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return events;
  }

  /** The case workflow's executions, newest first. */
  async caseArns(): Promise<string[]> {
    const machine = this.live.engine.listMachines()[0]?.arn as string;
    const { executions } = await this.sfn().send(
      new ListExecutionsCommand({ stateMachineArn: machine, maxResults: 1000 }),
    );
    return (executions ?? []).map((execution) => execution.executionArn as string);
  }

  async arnOf(caseId: string): Promise<string> {
    const arn = (await this.caseArns()).find((candidate) => candidate.endsWith(`:${caseId}`));
    if (!arn) throw new Error(`No execution for case ${caseId}`);
    return arn;
  }

  /** Resolves once the execution's last entered state is `state`. */
  waitsIn(executionArn: string, state: string): Promise<true> {
    return eventually(
      async () => (enteredStates(await this.history(executionArn)).at(-1) === state ? true : undefined),
      30_000,
      `${executionArn} to wait in "${state}"`,
    );
  }

  /** Executions whose history enters some state more than once, with those states. */
  async enteredTwice(arns: string[]): Promise<string[]> {
    const twice: string[] = [];
    for (const arn of arns) {
      const names = enteredStates(await this.history(arn));
      const repeated = names.filter((name, i) => names.indexOf(name) !== i);
      if (repeated.length > 0) twice.push(`${arn.split(':').at(-1)}: ${repeated.join(', ')}`);
    }
    return twice;
  }
}

export const enteredStates = (events: HistoryEvent[]) =>
  events.flatMap((event) =>
    event.stateEnteredEventDetails?.name ? [event.stateEnteredEventDetails.name] : [],
  );
