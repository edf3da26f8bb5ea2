import { createHash, createHmac } from 'node:crypto';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';

/**
 * A signed call to an AWS service whose SDK client fairfix does not bundle yet (SES v2, SNS,
 * EventBridge): the same wire protocol, SigV4 and endpoint rules the SDK client uses, so swapping in
 * `@aws-sdk/client-sesv2` / `client-sns` / `client-eventbridge` changes only the adapters that call
 * this. Endpoints come from the standard AWS_ENDPOINT_URL_<SERVICE> variables, as for every client.
 */

/** SigV4 asks for a hash constructor; node:crypto's SHA-256 and HMAC are that. */
class Sha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

const bytes = (data: SourceData): string | Uint8Array =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

const credentials = fromNodeProviderChain();
const region = () => process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';

export interface AwsService {
  /** The signing name: `ses` for SES v2, `sns`, `events`. */
  readonly signingName: string;
  /** The AWS_ENDPOINT_URL_<suffix> that points the SDK client elsewhere: `SESV2`, `SNS`, `EVENTBRIDGE`. */
  readonly endpointEnv: string;
  /** The service's host prefix on AWS: `email`, `sns`, `events`. */
  readonly hostPrefix: string;
}

export function endpointOf(service: AwsService): URL {
  const configured = process.env[`AWS_ENDPOINT_URL_${service.endpointEnv}`] ?? process.env.AWS_ENDPOINT_URL;
  return new URL(configured ?? `https://${service.hostPrefix}.${region()}.amazonaws.com`);
}

/** The service answered with an error: its code (`MessageRejected`, `Throttling`) and HTTP status. */
export class AwsServiceError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = code;
  }

  /** Throttling and 5xx are worth another try; a refused message is not. */
  get retryable(): boolean {
    return this.status >= 500 || this.status === 429 || /Throttl|TooManyRequests/.test(this.code);
  }
}

export async function signedRequest(
  service: AwsService,
  request: { method: 'POST' | 'GET'; path: string; headers: Record<string, string>; body: string },
): Promise<{ status: number; body: string }> {
  const endpoint = endpointOf(service);
  const signer = new SignatureV4({
    service: service.signingName,
    region: region(),
    credentials,
    sha256: Sha256,
  });
  const basePath = endpoint.pathname.replace(/\/$/, '');
  const signed = await signer.sign({
    method: request.method,
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
    path: `${basePath}${request.path}`,
    headers: { ...request.headers, host: endpoint.host },
    body: request.body,
    query: {},
  });
  const { host: _host, ...headers } = signed.headers;
  const response = await fetch(new URL(`${basePath}${request.path}`, endpoint), {
    method: request.method,
    headers,
    body: request.body,
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: await response.text() };
}
