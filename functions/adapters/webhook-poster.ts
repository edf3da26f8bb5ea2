import { createHmac } from 'node:crypto';
import type { WebhookPoster } from '../domain/ports.ts';
import type { StoredWebhook, WebhookMessage } from '../domain/webhooks.ts';

/**
 * The Standard Webhooks signature: `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body`, keyed by
 * the secret's bytes (the base64 after `whsec_`).
 */
export function signature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** POSTs a signed message to a webhook's URL, over the network, as any receiver expects it. */
export class HttpWebhookPoster implements WebhookPoster {
  constructor(private readonly timeoutMs = 5_000) {}

  async post(hook: StoredWebhook, message: WebhookMessage): Promise<{ status: number; error?: string }> {
    const body = JSON.stringify({ type: message.type, timestamp: message.timestamp, data: message.data });
    // Seconds since the epoch, as the convention says: the sending time, so receivers can refuse replays.
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const response = await fetch(hook.url, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'fairfix-webhooks/1',
          'webhook-id': message.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signature(hook.secret, message.id, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await response.body?.cancel();
      return { status: response.status };
    } catch (error) {
      return { status: 0, error: error instanceof Error ? error.message : String(error) };
    }
  }
}
