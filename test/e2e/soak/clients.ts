import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import type { CloudProcess } from './process.ts';

/** What clients met while the cloud was killed and restarted: they retried each time. */
export const encountered = {
  /** Requests that found no one listening (the process was dead or not listening yet). */
  unreachable: 0,
  /** 503 "starting" answers (and any other 503). */
  unavailable: 0,
  /** 5xx other than 503: retried, but reported, as a client would see an error. */
  serverErrors: 0,
  serverErrorSamples: [] as string[],
  /** The last reasons a request was sent again, for a drive that does not progress. */
  recent: [] as string[],
};

function note(reason: string): void {
  encountered.recent.push(reason);
  if (encountered.recent.length > 5) encountered.recent.shift();
}

/** A client gives up a request the cloud has not answered for this long (ms): the soak reports it. */
const GIVE_UP_MS = 300_000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/**
 * The parties' HTTP clients. A request is retried faithfully until the cloud answers it with
 * something other than "not now": same method, path, body and headers (so the same event id and
 * Idempotency-Key), after a connection that failed, a 503, or a 5xx.
 */
export class Clients {
  private readonly tokens = new Map<string, Promise<string>>();

  constructor(private readonly cloud: CloudProcess) {}

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { as?: { role: string; sub: string }; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer<T>> {
    const giveUpAt = Date.now() + GIVE_UP_MS;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) await pause(Math.min(500, 25 * attempt));
      if (Date.now() > giveUpAt)
        throw new Error(
          `${method} ${path}: no answer in ${GIVE_UP_MS} ms; last: ${encountered.recent.at(-1)}`,
        );
      let response: Response;
      try {
        const token = options.as ? await this.token(options.as.role, options.as.sub) : undefined;
        response = await fetch(this.cloud.http + path, {
          method,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
            ...options.headers,
          },
          ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
          signal: AbortSignal.timeout(30_000),
        });
      } catch (error) {
        encountered.unreachable++;
        note(`${method} ${path}: ${(error as Error).message}`);
        continue;
      }
      let text: string;
      try {
        text = await response.text();
      } catch {
        // Cut mid-answer by a kill: the request may or may not have happened, so it is sent again.
        encountered.unreachable++;
        continue;
      }
      if (response.status === 503) {
        encountered.unavailable++;
        note(`${method} ${path}: 503`);
        continue;
      }
      if (response.status >= 500) {
        encountered.serverErrors++;
        if (encountered.serverErrorSamples.length < 10)
          encountered.serverErrorSamples.push(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
        continue;
      }
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
    }
  }

  /** A dev token from /_local/tokens, once per party: tokens stay valid across restarts. */
  token(role: string, sub: string): Promise<string> {
    const key = `${role}|${sub}`;
    let token = this.tokens.get(key);
    if (!token) {
      token = this.request<{ token: string }>('POST', '/_local/tokens', {
        body: { tenant: 'acme', role, sub },
      }).then((answer) => {
        if (answer.status !== 200 && answer.status !== 201)
          throw new Error(`No token: ${answer.status} ${JSON.stringify(answer.body)}`);
        return answer.body.token;
      });
      token.catch(() => this.tokens.delete(key));
      this.tokens.set(key, token);
    }
    return token;
  }

  /** The local clock, as GET /_local/clock tells it. */
  async clockNow(): Promise<number> {
    const answer = await this.request<{ now: string }>('GET', '/_local/clock');
    return Date.parse(answer.body.now);
  }

  async advanceClock(ms: number): Promise<void> {
    const answer = await this.request('POST', '/_local/clock', { body: { advanceMs: ms } });
    if (answer.status !== 200) throw new Error(`The clock did not move: ${JSON.stringify(answer.body)}`);
  }
}

/** The Step Functions API of the local cloud, as the AWS SDK sees it, each call retried across restarts. */
export class StepFunctions {
  private machineArn: string | undefined;

  constructor(private readonly cloud: CloudProcess) {}

  private client(): SFNClient {
    return new SFNClient({
      endpoint: this.cloud.stepFunctions,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  }

  private async retried<T>(call: (client: SFNClient) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const client = this.client();
      try {
        return await call(client);
      } catch (error) {
        const name = (error as Error).name;
        if (name === 'ExecutionDoesNotExist' || name === 'StateMachineDoesNotExist') throw error;
        if (attempt > 600) throw error;
        await pause(Math.min(500, 25 * (attempt + 1)));
      } finally {
        client.destroy();
      }
    }
  }

  async machine(): Promise<string> {
    this.machineArn ??= await this.retried(async (client) => {
      const { stateMachines } = await client.send(new ListStateMachinesCommand({}));
      const arn = stateMachines?.[0]?.stateMachineArn;
      if (!arn) throw new Error('No state machine');
      return arn;
    });
    return this.machineArn;
  }

  async arnOf(caseId: string): Promise<string> {
    return `${(await this.machine()).replace(':stateMachine:', ':execution:')}:${caseId}`;
  }

  async describe(caseId: string): Promise<DescribeExecutionCommandOutput> {
    const executionArn = await this.arnOf(caseId);
    return this.retried((client) => client.send(new DescribeExecutionCommand({ executionArn })));
  }

  /** Every event of the execution's history, through GetExecutionHistory's pages. */
  async history(caseId: string): Promise<HistoryEvent[]> {
    const executionArn = await this.arnOf(caseId);
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.retried((client) =>
        client.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 })),
      );
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return events;
  }

  /** Every execution of the case workflow: name and status. */
  async executions(): Promise<{ name: string; status: string }[]> {
    const stateMachineArn = await this.machine();
    const all: { name: string; status: string }[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.retried((client) =>
        client.send(new ListExecutionsCommand({ stateMachineArn, nextToken, maxResults: 1000 })),
      );
      for (const execution of page.executions ?? [])
        all.push({ name: execution.name as string, status: execution.status as string });
      nextToken = page.nextToken;
    } while (nextToken);
    return all;
  }
}

/** The names of the states an execution's history enters, in order. */
export const enteredStates = (events: HistoryEvent[]) =>
  events.flatMap((event) =>
    event.stateEnteredEventDetails?.name ? [event.stateEnteredEventDetails.name] : [],
  );
