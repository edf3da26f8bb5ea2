import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readBody } from '../body.ts';
import { listen } from '../listen.ts';
import type { StepFunctionsEngine } from './engine.ts';
import { SfnApiError } from './errors.ts';
import type { ExecutionRecord } from './journal.ts';

type Params = Record<string, unknown>;

/** AWS's JSON protocol carries timestamps as epoch seconds. */
const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

const pageToken = (key: Record<string, unknown> | undefined) =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;

function fromPageToken(token: unknown): Record<string, unknown> | undefined {
  if (token === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8'));
  } catch {
    throw new SfnApiError('InvalidToken', 'Invalid nextToken');
  }
}

function required(params: Params, name: string): string {
  const value = params[name];
  if (typeof value !== 'string' || value.length === 0) {
    throw new SfnApiError('ValidationException', `1 validation error detected: '${name}' must not be null`);
  }
  return value;
}

function summary(record: ExecutionRecord) {
  return {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: seconds(record.startDate),
    stopDate: seconds(record.stopDate),
  };
}

/**
 * The Step Functions API (AWS JSON 1.0, `X-Amz-Target: AWSStepFunctions.<Operation>`), so the
 * unchanged @aws-sdk/client-sfn and the AWS CLI work against the local engine.
 */
export function stepFunctionsApi(
  engine: StepFunctionsEngine,
): Record<string, (params: Params) => Promise<unknown>> {
  return {
    ListStateMachines: async () => ({
      stateMachines: engine.listMachines().map((machine) => ({
        stateMachineArn: machine.arn,
        name: machine.name,
        type: 'STANDARD',
        creationDate: seconds(machine.creationDate),
      })),
    }),
    DescribeStateMachine: async (params) => {
      const machine = engine.machine(required(params, 'stateMachineArn'));
      return {
        stateMachineArn: machine.arn,
        name: machine.name,
        status: 'ACTIVE',
        definition: JSON.stringify(machine.definition),
        roleArn: machine.roleArn,
        type: 'STANDARD',
        creationDate: seconds(machine.creationDate),
        loggingConfiguration: { level: 'ALL', includeExecutionData: true },
        tracingConfiguration: { enabled: true },
      };
    },
    StartExecution: async (params) => {
      const record = await engine.startExecution(
        required(params, 'stateMachineArn'),
        params.name as string | undefined,
        params.input as string | undefined,
      );
      return { executionArn: record.executionArn, startDate: seconds(record.startDate) };
    },
    DescribeExecution: async (params) => {
      const record = await engine.describeExecution(required(params, 'executionArn'));
      return {
        ...summary(record),
        input: record.input,
        output: record.output,
        error: record.error,
        cause: record.cause,
      };
    },
    ListExecutions: async (params) => {
      const machine = engine.machine(required(params, 'stateMachineArn'));
      const limit = Math.min(Number(params.maxResults ?? 100) || 100, 1000);
      const filter = params.statusFilter as string | undefined;
      const executions: ReturnType<typeof summary>[] = [];
      let after = fromPageToken(params.nextToken);
      do {
        const page = await engine.journal.listExecutions(machine.arn, limit - executions.length, after);
        executions.push(...page.items.filter((item) => !filter || item.status === filter).map(summary));
        after = page.next;
      } while (after && executions.length < limit);
      return { executions, nextToken: pageToken(after) };
    },
    GetExecutionHistory: async (params) => {
      const executionArn = required(params, 'executionArn');
      await engine.describeExecution(executionArn);
      const limit = Math.min(Number(params.maxResults ?? 100) || 100, 1000);
      const page = await engine.journal.history(
        executionArn,
        limit,
        Boolean(params.reverseOrder),
        fromPageToken(params.nextToken),
      );
      return {
        events: page.events.map((event) => ({ ...event, timestamp: seconds(event.timestamp) })),
        nextToken: pageToken(page.next),
      };
    },
    StopExecution: async (params) => {
      const stopDate = await engine.stopExecution(
        required(params, 'executionArn'),
        params.error as string | undefined,
        params.cause as string | undefined,
      );
      return { stopDate: seconds(stopDate) };
    },
    SendTaskSuccess: async (params) => {
      await engine.sendTaskSuccess(required(params, 'taskToken'), required(params, 'output'));
      return {};
    },
    SendTaskFailure: async (params) => {
      await engine.sendTaskFailure(
        required(params, 'taskToken'),
        params.error as string | undefined,
        params.cause as string | undefined,
      );
      return {};
    },
    SendTaskHeartbeat: async (params) => {
      await engine.sendTaskHeartbeat(required(params, 'taskToken'));
      return {};
    },
  };
}

export function startStepFunctionsServer(engine: StepFunctionsEngine, port: number): Promise<Server> {
  const operations = stepFunctionsApi(engine);
  const server = createServer((request, response) => {
    handle(engine, operations, request, response).catch((error: unknown) => {
      // handle() answers every failure itself; this is for the answer that could not be written.
      console.error('The Step Functions API could not answer a request:', error);
      response.destroy();
    });
  });
  return listen(server, port, 'FAIRFIX_SFN_PORT');
}

async function handle(
  engine: StepFunctionsEngine,
  operations: ReturnType<typeof stepFunctionsApi>,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (engine.phase === 'starting') {
    // Until the engine knows which executions it holds, a start or a token could race their recovery.
    request.resume();
    const type = 'ServiceUnavailable';
    send(response, 503, { __type: type, message: 'The local engine is starting; retry shortly' }, type);
    return;
  }
  const target = String(request.headers['x-amz-target'] ?? '');
  const operation = target.startsWith('AWSStepFunctions.')
    ? operations[target.slice('AWSStepFunctions.'.length)]
    : undefined;
  try {
    if (!operation)
      throw new SfnApiError(
        'UnknownOperationException',
        `Unknown operation ${target || '(no X-Amz-Target)'}`,
      );
    const body = (await readBody(request)).toString('utf8');
    let params: Params;
    try {
      params = body ? JSON.parse(body) : {};
    } catch {
      throw new SfnApiError('SerializationException', 'The request body is not JSON');
    }
    send(response, 200, await operation(params));
  } catch (error) {
    if (error instanceof SfnApiError) {
      send(response, error.status, { __type: error.type, message: error.message }, error.type);
    } else {
      send(
        response,
        500,
        { __type: 'InternalFailure', message: 'The local engine failed; see its log' },
        'InternalFailure',
      );
      console.error(error);
    }
  }
}

function send(response: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': crypto.randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
    ...(status === 503 ? { 'retry-after': '1' } : {}),
  });
  response.end(text);
}
