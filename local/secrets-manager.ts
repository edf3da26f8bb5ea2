import type { Server } from 'node:http';
import { startAwsServer, type WireReply } from './messaging/aws-server.ts';
import type { TemplateModel } from './template.ts';

const error = (status: number, type: string, message: string): WireReply => ({
  status,
  contentType: 'application/x-amz-json-1.1',
  body: JSON.stringify({ __type: type, message }),
});

/**
 * The template's Secrets Manager secrets, each with the value CloudFormation would generate for it
 * (its SecretStringTemplate with the generated key filled in by `generate`), then changed as an
 * operator would (`put`).
 */
export class LocalSecrets {
  private readonly values = new Map<string, string>();
  private readonly arns = new Map<string, string>();

  constructor(model: TemplateModel, generate: (logicalId: string, key: string) => string) {
    for (const [logicalId, resource] of Object.entries(model.template.Resources)) {
      if (resource.Type !== 'AWS::SecretsManager::Secret') continue;
      const generated = resource.Properties?.GenerateSecretString as
        | { SecretStringTemplate?: string; GenerateStringKey?: string }
        | undefined;
      const value = generated?.SecretStringTemplate
        ? JSON.stringify({
            ...JSON.parse(generated.SecretStringTemplate),
            ...(generated.GenerateStringKey
              ? { [generated.GenerateStringKey]: generate(logicalId, generated.GenerateStringKey) }
              : {}),
          })
        : String(resource.Properties?.SecretString ?? generate(logicalId, 'secret'));
      const arn = model.arnOf(logicalId);
      this.values.set(arn, value);
      // A secret is found by its ARN or its name, as on AWS.
      this.arns.set(model.physicalName(logicalId), arn);
      this.arns.set(arn, arn);
    }
  }

  /** The secrets whose JSON value has this key (the carrier account's has `apiKey`). */
  withKey(key: string): { arn: string; value: Record<string, string> }[] {
    return [...this.values].flatMap(([arn, value]) => {
      const parsed = JSON.parse(value) as Record<string, string>;
      return key in parsed ? [{ arn, value: parsed }] : [];
    });
  }

  put(arn: string, value: object): void {
    this.values.set(arn, JSON.stringify(value));
  }

  get(secretId: string): string | undefined {
    const arn = this.arns.get(secretId);
    return arn ? this.values.get(arn) : undefined;
  }
}

/**
 * The local Secrets Manager: GetSecretValue (JSON 1.1, `X-Amz-Target: secretsmanager.GetSecretValue`)
 * as @aws-sdk/client-secrets-manager sends it, so that functions read their secrets locally by the same
 * code as on AWS (AWS_ENDPOINT_URL_SECRETS_MANAGER).
 */
export function startSecretsManager(secrets: LocalSecrets, port: number): Promise<Server> {
  return startAwsServer(
    port,
    'FAIRFIX_SECRETS_MANAGER_PORT',
    ({ headers, body }) => {
      if (headers['x-amz-target'] !== 'secretsmanager.GetSecretValue')
        return error(
          400,
          'UnknownOperationException',
          'The local Secrets Manager serves GetSecretValue only',
        );
      let secretId: unknown;
      try {
        secretId = (JSON.parse(body) as { SecretId?: unknown }).SecretId;
      } catch {
        return error(400, 'SerializationException', 'The body is not JSON');
      }
      const value = typeof secretId === 'string' ? secrets.get(secretId) : undefined;
      if (value === undefined)
        return error(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
      return {
        status: 200,
        contentType: 'application/x-amz-json-1.1',
        body: JSON.stringify({ Name: secretId, SecretString: value, VersionStages: ['AWSCURRENT'] }),
      };
    },
    () => error(400, 'MissingAuthenticationTokenException', 'Missing Authentication Token'),
  );
}
