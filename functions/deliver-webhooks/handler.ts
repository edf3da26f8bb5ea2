import * as z from 'zod';
import { DynamoCaseRepository } from '../adapters/case-repository.ts';
import { deliverNoticeToWebhooks } from '../app/webhooks.ts';
import { webhookDeps } from '../shared/webhook-deps.ts';

/** The `Notice queued` event the case bus's rule hands over (functions/adapters/case-bus.ts). */
const NoticeQueuedEvent = z.object({
  'detail-type': z.literal('Notice queued'),
  detail: z.object({ brand: z.string(), caseId: z.string(), noticeId: z.string() }),
});

let repo: DynamoCaseRepository | undefined;

/** Hands a case's notice to the brand's `case.notice` webhooks, signed; throws (to be retried) if one refused it. */
export const handler = async (event: unknown): Promise<{ delivered: number }> => {
  const { detail } = NoticeQueuedEvent.parse(event);
  repo ??= new DynamoCaseRepository();
  return deliverNoticeToWebhooks(detail, {
    ...webhookDeps(),
    repo,
    retry: {
      attempts: Number(process.env.WEBHOOK_SEND_ATTEMPTS ?? 3),
      baseMs: Number(process.env.WEBHOOK_RETRY_BASE_MS ?? 200),
    },
  });
};
