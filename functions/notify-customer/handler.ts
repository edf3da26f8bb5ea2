import * as z from 'zod';
import { requiredEnv } from '../adapters/aws-clients.ts';
import { DynamoCaseRepository } from '../adapters/case-repository.ts';
import { clock } from '../adapters/clock.ts';
import { DynamoPolicyRepository } from '../adapters/policy-repository.ts';
import { SesEmailSender } from '../adapters/ses-email.ts';
import { SnsSmsSender } from '../adapters/sns-sms.ts';
import { deliverNotice, type NotifierDeps } from '../app/deliver-notice.ts';
import { policyOf } from '../app/policies.ts';
import { logger } from '../shared/powertools.ts';

/** The `Notice queued` event the case bus's rule hands over (functions/adapters/case-bus.ts). */
const NoticeQueuedEvent = z.object({
  'detail-type': z.literal('Notice queued'),
  detail: z.object({ brand: z.string(), caseId: z.string(), noticeId: z.string() }),
});

let deps: NotifierDeps | undefined;
const policies = new DynamoPolicyRepository();
const notifierDeps = (): NotifierDeps =>
  (deps ??= {
    repo: new DynamoCaseRepository(),
    senders: { email: new SesEmailSender(), sms: new SnsSmsSender() },
    words: { portalUrl: requiredEnv('PORTAL_BASE_URL') },
    brandName: async (brand) => (await policyOf(policies, brand)).displayName,
    retry: {
      attempts: Number(process.env.NOTICE_SEND_ATTEMPTS ?? 3),
      baseMs: Number(process.env.NOTICE_RETRY_BASE_MS ?? 200),
    },
    now: clock.now,
  });

/** Delivers one queued notice to the customer (email by SES v2, SMS by SNS) and records how it went. */
export const handler = async (event: unknown): Promise<{ outcome: string }> => {
  const { detail } = NoticeQueuedEvent.parse(event);
  const outcome = await deliverNotice(detail, notifierDeps());
  logger.debug('Notice delivery', { ...detail, outcome });
  return { outcome };
};
