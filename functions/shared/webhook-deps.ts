import { clock } from '../adapters/clock.ts';
import { HttpWebhookPoster } from '../adapters/webhook-poster.ts';
import { DynamoWebhookStore } from '../adapters/webhook-store.ts';
import type { WebhookDeps } from '../app/webhooks.ts';

let adapters: Omit<WebhookDeps, 'now'> | undefined;

/** The webhook adapters, created once per process, and the current time. */
export function webhookDeps(): WebhookDeps {
  adapters ??= {
    webhooks: new DynamoWebhookStore(),
    poster: new HttpWebhookPoster(),
    privateTargets: process.env.WEBHOOK_PRIVATE_TARGETS === 'allow' ? 'allow' : 'refuse',
  };
  return { ...adapters, now: clock.now() };
}
