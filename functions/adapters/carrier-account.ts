import { onFirstUse } from './aws-clients.ts';
import type { EasyPostAccount } from './easypost-carrier.ts';

/** A carrier account: where its label API is, its API key, and the secret its webhooks are signed with. */
export interface CarrierAccount extends EasyPostAccount {
  readonly webhookSecret: string;
}

/** How long a secret read from Secrets Manager is used before it is read again (a rotated key is taken up). */
const SECRET_TTL_MS = 5 * 60_000;
const EASYPOST_URL = 'https://api.easypost.com';

/** Secrets Manager's SDK and one client, loaded when the secret is first read (a label to print). */
const secretsManager = onFirstUse(async () => {
  const sdk = await import('@aws-sdk/client-secrets-manager');
  return { sdk, client: new sdk.SecretsManagerClient({}) };
});
let cached: { account: CarrierAccount | undefined; until: number } | undefined;

/** Reads the account afresh next time (the local cloud, started again in one process, moved it). */
export function forgetCarrierAccount(): void {
  cached = undefined;
}

/**
 * The carrier account this deployment uses, or undefined when none is configured. In order:
 * - FAIRFIX_CARRIER_API_KEY (with FAIRFIX_CARRIER_URL and FAIRFIX_CARRIER_WEBHOOK_SECRET): an account
 *   given directly, for functions run outside the stack;
 * - FAIRFIX_CARRIER_SECRET_ARN: the stack's Secrets Manager secret (on AWS, and on the local cloud,
 *   which serves it) holding {"apiKey", "webhookSecret", "url", "name"}; until its apiKey is filled in,
 *   no carrier is configured.
 */
export async function carrierAccount(
  env: NodeJS.ProcessEnv = process.env,
): Promise<CarrierAccount | undefined> {
  if (env.FAIRFIX_CARRIER_API_KEY)
    return {
      url: env.FAIRFIX_CARRIER_URL ?? EASYPOST_URL,
      apiKey: env.FAIRFIX_CARRIER_API_KEY,
      webhookSecret: env.FAIRFIX_CARRIER_WEBHOOK_SECRET ?? '',
      ...(env.FAIRFIX_CARRIER_NAME ? { name: env.FAIRFIX_CARRIER_NAME } : {}),
    };
  const arn = env.FAIRFIX_CARRIER_SECRET_ARN;
  if (!arn) return undefined;
  if (cached && cached.until > Date.now()) return cached.account;
  const { sdk, client } = await secretsManager();
  const { SecretString } = await client.send(new sdk.GetSecretValueCommand({ SecretId: arn }));
  const stored = JSON.parse(SecretString ?? '{}') as Partial<CarrierAccount>;
  const account = stored.apiKey
    ? {
        url: stored.url || EASYPOST_URL,
        apiKey: stored.apiKey,
        webhookSecret: stored.webhookSecret ?? '',
        ...(stored.name ? { name: stored.name } : {}),
      }
    : undefined;
  cached = { account, until: Date.now() + SECRET_TTL_MS };
  return account;
}
