import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carrierAccount, forgetCarrierAccount } from '../../functions/adapters/carrier-account.ts';
import { LOCAL_CREDENTIALS } from '../../local/dynamo.ts';
import { LocalSecrets, startSecretsManager } from '../../local/secrets-manager.ts';
import { REGION, TemplateModel } from '../../local/template.ts';

/** The local Secrets Manager, called by the real SDK as the functions call it (issue 15). */
const model = new TemplateModel({
  Resources: {
    CarrierSecret: {
      Type: 'AWS::SecretsManager::Secret',
      Properties: {
        GenerateSecretString: {
          SecretStringTemplate: JSON.stringify({ url: 'https://api.easypost.com', apiKey: '' }),
          GenerateStringKey: 'webhookSecret',
        },
      },
    },
  },
});
let server: Server;
let client: SecretsManagerClient;
const secrets = new LocalSecrets(model, (logicalId, key) => `generated-${logicalId}-${key}`);
const arn = model.arnOf('CarrierSecret');

beforeAll(async () => {
  server = await startSecretsManager(secrets, 0);
  client = new SecretsManagerClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: REGION,
    credentials: LOCAL_CREDENTIALS,
  });
});
afterAll(() => new Promise((resolve) => server?.close(resolve)));

describe('the local Secrets Manager', () => {
  it('answers a secret as CloudFormation generated it, by ARN or by name', async () => {
    for (const id of [arn, model.physicalName('CarrierSecret')]) {
      const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: id }));
      expect(JSON.parse(SecretString ?? '')).toEqual({
        url: 'https://api.easypost.com',
        apiKey: '',
        webhookSecret: 'generated-CarrierSecret-webhookSecret',
      });
    }
  });

  it('refuses a secret that does not exist, as AWS does', async () => {
    await expect(client.send(new GetSecretValueCommand({ SecretId: 'nope' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('gives the carrier account nothing until an API key is put in it, then the account', async () => {
    const env = {
      FAIRFIX_CARRIER_SECRET_ARN: arn,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    };
    const saved = { ...process.env };
    Object.assign(process.env, env, {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    });
    try {
      expect(await carrierAccount(env)).toBeUndefined();
      // What an operator does once the carrier contract starts (docs/carrier.md), read after the cache.
      secrets.put(arn, { url: 'http://carrier.example', apiKey: 'EZAK-test', webhookSecret: 'whsec' });
      forgetCarrierAccount();
      expect(await carrierAccount(env)).toEqual({
        url: 'http://carrier.example',
        apiKey: 'EZAK-test',
        webhookSecret: 'whsec',
      });
    } finally {
      process.env = saved;
    }
  });
});
