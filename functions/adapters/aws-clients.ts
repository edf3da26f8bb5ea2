import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

// One client per service per process. Endpoints come from the standard AWS_ENDPOINT_URL_* variables,
// so the same code talks to AWS or to the local cloud without knowing which.
export const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});

/**
 * A client loaded on its first use, not at the function's cold start: most functions only read and
 * write cases, and each further SDK client is about a third more of their cold import (the DynamoDB
 * ones alone ≈ 270 ms, with Step Functions and EventBridge ≈ 410–740 ms, fresh Node 22 on 2 busy cores).
 * A function that does use it pays the same import, at that first use.
 */
export function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load();
    loaded.catch(() => {
      loaded = undefined;
    });
    return loaded;
  };
}

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set`);
  return value;
}
