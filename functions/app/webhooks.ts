import { randomBytes, randomUUID } from 'node:crypto';
import type { Case } from '../domain/case.ts';
import { InvalidFieldError, NotFoundError } from '../domain/errors.ts';
import type { CaseRepository, WebhookPoster, WebhookStore } from '../domain/ports.ts';
import {
  refusedTarget,
  type StoredWebhook,
  shown,
  subscribers,
  type Webhook,
  type WebhookMessage,
  type WebhookRequest,
} from '../domain/webhooks.ts';

export interface WebhookDeps {
  readonly webhooks: WebhookStore;
  readonly poster: WebhookPoster;
  /** Whether URLs on private addresses may be registered: `refuse` on AWS, `allow` on the local cloud. */
  readonly privateTargets: 'allow' | 'refuse';
  readonly now: Date;
}

/** Registers a webhook and answers its secret: the only time anyone sees it. */
export async function createWebhook(
  brand: string,
  request: WebhookRequest,
  deps: WebhookDeps,
): Promise<Webhook & { secret: string }> {
  const refused = refusedTarget(request.url, deps.privateTargets);
  if (refused) throw new InvalidFieldError('#/url', refused);
  const hook: StoredWebhook = {
    brand,
    webhookId: `wh_${randomUUID().replaceAll('-', '')}`,
    url: request.url,
    eventTypes: request.eventTypes,
    ...(request.description ? { description: request.description } : {}),
    createdAt: deps.now.toISOString(),
    secret: `whsec_${randomBytes(32).toString('base64')}`,
  };
  await deps.webhooks.put(hook);
  return { ...shown(hook), secret: hook.secret };
}

export async function listWebhooks(brand: string, deps: Pick<WebhookDeps, 'webhooks'>): Promise<Webhook[]> {
  return (await deps.webhooks.list(brand)).map(shown);
}

export async function deleteWebhook(brand: string, webhookId: string, deps: Pick<WebhookDeps, 'webhooks'>) {
  if (!(await deps.webhooks.remove(brand, webhookId))) throw new NotFoundError(`webhook ${webhookId}`);
}

/** Sends a `webhook.test` message to one webhook now, and answers how its receiver took it. */
export async function testWebhook(brand: string, webhookId: string, deps: WebhookDeps) {
  const hook = (await deps.webhooks.list(brand)).find((h) => h.webhookId === webhookId);
  if (!hook) throw new NotFoundError(`webhook ${webhookId}`);
  const message: WebhookMessage = {
    id: `msg_test_${randomUUID().replaceAll('-', '')}`,
    type: 'webhook.test',
    timestamp: deps.now.toISOString(),
    data: { webhookId, brand },
  };
  const { status, error } = await deps.poster.post(hook, message);
  return {
    messageId: message.id,
    delivered: status >= 200 && status < 300,
    status,
    ...(error ? { error } : {}),
  };
}

/** Thrown when a webhook did not take a message after its retries: the event is retried, then dead-lettered. */
export class WebhookDeliveryError extends Error {
  constructor(failed: readonly string[]) {
    super(`Webhook deliveries failed: ${failed.join('; ')}`);
    this.name = 'WebhookDeliveryError';
  }
}

/**
 * A case's notice, to each of its brand's webhooks that want `case.notice`: signed, retried with
 * backoff. The message id is the notice's, so a receiver takes a redelivery once.
 */
export async function deliverNoticeToWebhooks(
  target: { brand: string; caseId: string; noticeId: string },
  deps: WebhookDeps & { repo: CaseRepository; retry?: { attempts: number; baseMs: number } },
): Promise<{ delivered: number }> {
  const hooks = subscribers(await deps.webhooks.list(target.brand), 'case.notice');
  if (hooks.length === 0) return { delivered: 0 };
  const kase = await deps.repo.get(target.brand, target.caseId);
  if (!kase) return { delivered: 0 };
  const message: WebhookMessage = {
    id: `msg_${target.noticeId}`,
    type: 'case.notice',
    timestamp: deps.now.toISOString(),
    data: noticeData(kase, target.noticeId),
  };
  const { attempts, baseMs } = deps.retry ?? { attempts: 3, baseMs: 200 };
  const failed: string[] = [];
  await Promise.all(
    hooks.map(async (hook) => {
      let last = '';
      for (let attempt = 1; attempt <= attempts; attempt++) {
        const { status, error } = await deps.poster.post(hook, message);
        if (status >= 200 && status < 300) return;
        last = error ?? `HTTP ${status}`;
        if (attempt < attempts)
          await new Promise((resolve) => setTimeout(resolve, baseMs * 2 ** (attempt - 1)));
      }
      failed.push(`${hook.webhookId}: ${last}`);
    }),
  );
  if (failed.length > 0) throw new WebhookDeliveryError(failed);
  return { delivered: hooks.length };
}

/** What a brand's system learns of a notice: the case, where it stands, what comes next. */
function noticeData(kase: Case, noticeId: string) {
  return {
    caseId: kase.caseId,
    noticeId,
    status: kase.status,
    nextStep: kase.nextStep,
    delivery: kase.deliveries[noticeId]?.state ?? 'queued',
  };
}
