import * as z from 'zod';

/**
 * Brand webhooks (issue 15): a brand registers a URL for the event types it wants and is told a
 * signing secret once; each delivery follows the Standard Webhooks convention (webhook-id,
 * webhook-timestamp, webhook-signature), so receivers verify it with existing libraries. Only http(s)
 * URLs, and where the deployment says so (on AWS), none on a private or loopback address.
 */

export const WebhookEventType = z.enum(['case.notice']);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

/** What an admin sends to register a webhook. */
export const WebhookRequest = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'an http or https URL' }).max(2048),
    eventTypes: z.array(WebhookEventType).min(1).max(10),
    description: z.string().trim().max(200).optional(),
  })
  .strict();
export type WebhookRequest = z.infer<typeof WebhookRequest>;

/** A registered webhook as the API shows it: never its secret, after the answer that created it. */
export const Webhook = z.object({
  webhookId: z.string(),
  url: z.string(),
  eventTypes: z.array(WebhookEventType),
  description: z.string().optional(),
  createdAt: z.string(),
});
export type Webhook = z.infer<typeof Webhook>;

/** As stored: with the secret deliveries are signed with (`whsec_` and base64 of its bytes). */
export const StoredWebhook = Webhook.extend({ brand: z.string(), secret: z.string().startsWith('whsec_') });
export type StoredWebhook = z.infer<typeof StoredWebhook>;

/** A message as a webhook receives it: the Standard Webhooks payload shape. */
export interface WebhookMessage {
  /** The same for every retry of one message: receivers deduplicate by it. */
  readonly id: string;
  readonly type: WebhookEventType | 'webhook.test';
  readonly timestamp: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** Why a URL may not receive webhooks from this deployment, or undefined. */
export function refusedTarget(url: string, privateTargets: 'allow' | 'refuse'): string | undefined {
  if (privateTargets === 'allow') return undefined;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host)?.slice(1).map(Number);
  const isPrivate =
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host.endsWith('.internal') ||
    (v4 !== undefined &&
      (v4[0] === 10 ||
        v4[0] === 127 ||
        v4[0] === 0 ||
        (v4[0] === 169 && v4[1] === 254) ||
        (v4[0] === 172 && (v4[1] ?? 0) >= 16 && (v4[1] ?? 0) <= 31) ||
        (v4[0] === 192 && v4[1] === 168) ||
        (v4[0] === 100 && (v4[1] ?? 0) >= 64 && (v4[1] ?? 0) <= 127))) ||
    host === '::1' ||
    host === '::' ||
    /^f[cd][0-9a-f]{2}:/.test(host) ||
    /^fe80:/.test(host) ||
    host.startsWith('::ffff:');
  return isPrivate ? 'a private, loopback or link-local address cannot receive webhooks' : undefined;
}

/** The webhooks of a brand that want `type`. */
export const subscribers = (hooks: readonly StoredWebhook[], type: WebhookEventType) =>
  hooks.filter((hook) => hook.eventTypes.includes(type));

/** What the API shows of a stored webhook. */
export const shown = ({ secret: _secret, brand: _brand, ...hook }: StoredWebhook): Webhook => hook;
