import type { Case, NoticeChannel, NoticeDelivery, Notification } from './case.ts';
import { entry } from './timeline.ts';

/**
 * Notices reach people (issue 15). A notice is queued on the case by the change that decides it; the
 * notifier sends it and records here whether it left (sent) or reached nobody (failed). Delivery is
 * idempotent per notice: a notice already sent is never sent again, however often its event arrives.
 * A channel that fails falls back to the other contact the customer gave; a notice that reached
 * nobody is a timeline entry a person sees, saying who to reach and how.
 */

/** A notice's name: its moment, its place among the change's notices, and a digest of its words. */
export function noticeId(at: Date, index: number, text: string): string {
  // FNV-1a: two notices of one change differ by index; two changes in one millisecond by their words.
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return `N${at.getTime().toString(36)}-${index}-${hash.toString(36)}`;
}

/** The notice as queued: the delivery a new notice starts with. */
export function queued(notice: Notification, now: Date): NoticeDelivery {
  return {
    state: 'queued',
    channel: notice.channel,
    to: notice.to,
    updatedAt: now.toISOString(),
    attempts: 0,
  };
}

/** Whether a notice still needs sending: not when it already left (its event came again). */
export function needsSending(kase: Case, id: string): boolean {
  return kase.deliveries[id]?.state !== 'sent';
}

/** The customer's contacts a notice can go to, the notice's own channel first. */
export function routesFor(kase: Case, notice: Notification): { channel: NoticeChannel; to: string }[] {
  const routes = [{ channel: notice.channel, to: notice.to }];
  const { email, phone } = kase.customer;
  if (notice.channel === 'email' && phone) routes.push({ channel: 'sms', to: phone });
  if (notice.channel === 'sms' && email) routes.push({ channel: 'email', to: email });
  return routes;
}

export interface Attempted {
  readonly channel: NoticeChannel;
  readonly to: string;
  readonly attempts: number;
  readonly messageId?: string;
  readonly error?: string;
}

/** The notice left on `sent`'s channel. */
export function recordSent(
  kase: Case,
  notice: Notification & { id: string },
  sent: Attempted,
  now: Date,
): Case {
  const { messageId, ...rest } = sent;
  const delivery: NoticeDelivery = {
    ...rest,
    state: 'sent',
    updatedAt: now.toISOString(),
    ...(messageId ? { messageId } : {}),
    ...(sent.channel === notice.channel ? {} : { fallbackFrom: notice.channel }),
  };
  const fellBack = delivery.fallbackFrom
    ? [
        entry(
          now,
          'notice-fallback',
          `A message could not reach the customer by ${notice.channel} (${notice.to}); it was sent by ${sent.channel} to ${sent.to} instead.`,
          'system:notifier',
        ),
      ]
    : [];
  return {
    ...kase,
    deliveries: { ...kase.deliveries, [notice.id]: delivery },
    timeline: [...kase.timeline, ...fellBack],
  };
}

/** The notice reached nobody: every route failed. A person sees it on the case's timeline. */
export function recordFailed(
  kase: Case,
  notice: Notification & { id: string },
  last: Attempted,
  now: Date,
): Case {
  return {
    ...kase,
    deliveries: {
      ...kase.deliveries,
      [notice.id]: {
        state: 'failed',
        channel: last.channel,
        to: last.to,
        attempts: last.attempts,
        updatedAt: now.toISOString(),
        ...(last.error ? { error: last.error } : {}),
      },
    },
    timeline: [
      ...kase.timeline,
      entry(
        now,
        'notice-undelivered',
        `A message to the customer reached nobody: ${last.channel} to ${last.to} failed (${last.error ?? 'no reason given'}). The service team is to reach them another way with: "${notice.parts?.message ?? notice.text}"`,
        'system:notifier',
      ),
    ],
  };
}
