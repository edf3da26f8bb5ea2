import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { LocalFunctions } from '../functions.ts';
import { StateError } from './errors.ts';
import { WAIT_RESOURCE } from './normalize.ts';

/** Events put on an event bus by a Task; the notifications issue subscribes here. */
export interface EventSink {
  put(entries: unknown[]): Promise<string[]>;
}

const DYNAMO = {
  getItem: GetItemCommand,
  putItem: PutItemCommand,
  updateItem: UpdateItemCommand,
  deleteItem: DeleteItemCommand,
} as const;

const base = (resource: string) => resource.replace(/\.(waitForTaskToken|sync(:2)?)$/, '');

/**
 * The service integrations the local cloud runs, by Resource, as Step Functions would call them:
 * Lambda (optimized and direct ARN), DynamoDB's item calls, EventBridge PutEvents.
 */
export class LocalIntegrations {
  constructor(
    private readonly functions: LocalFunctions,
    private readonly dynamo: DynamoDBClient,
    private readonly events: EventSink,
  ) {}

  assertSupported(resource: string, where: string): void {
    if (resource.endsWith('.sync') || resource.endsWith('.sync:2')) {
      throw new Error(`${where} uses the .sync pattern (${resource}), which the local cloud does not run`);
    }
    const target = base(resource);
    const supported =
      target === WAIT_RESOURCE ||
      target === 'arn:aws:states:::lambda:invoke' ||
      target === 'arn:aws:states:::events:putEvents' ||
      (target.startsWith('arn:aws:states:::dynamodb:') && target.slice(26) in DYNAMO) ||
      this.functions.find(target) !== undefined;
    if (!supported) throw new Error(`${where} uses ${resource}, which the local cloud does not run`);
  }

  async invoke(resource: string, parameters: unknown): Promise<unknown> {
    const target = base(resource);
    const params = parameters as Record<string, unknown>;
    if (target === 'arn:aws:states:::lambda:invoke') {
      const payload = await this.functions.invoke(String(params.FunctionName), params.Payload ?? {});
      return { ExecutedVersion: '$LATEST', Payload: payload ?? null, StatusCode: 200 };
    }
    if (target === 'arn:aws:states:::events:putEvents') {
      const ids = await this.events.put((params.Entries as unknown[]) ?? []);
      return { Entries: ids.map((EventId) => ({ EventId })), FailedEntryCount: 0 };
    }
    if (target.startsWith('arn:aws:states:::dynamodb:')) {
      const Command = DYNAMO[target.slice(26) as keyof typeof DYNAMO] as unknown as new (
        input: unknown,
      ) => GetItemCommand;
      try {
        const { $metadata: _, ...output } = await this.dynamo.send(new Command(params));
        return output;
      } catch (error) {
        // Step Functions names DynamoDB's errors DynamoDB.<Exception>.
        throw new StateError(`DynamoDB.${(error as Error).name}`, (error as Error).message);
      }
    }
    return this.functions.invoke(target, parameters);
  }
}
