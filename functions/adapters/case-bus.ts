import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { NoticePublisher } from '../domain/ports.ts';
import { requiredEnv } from './aws-clients.ts';

const events = new EventBridgeClient({});

/** The source and detail type of the events the notifier's rule matches (lib/constructs/notifier.ts). */
export const NOTICE_EVENT = { source: 'fairfix.cases', detailType: 'Notice queued' } as const;

/** The detail of a `Notice queued` event: which notice, never its words (they stay on the case). */
export interface NoticeQueued {
  brand: string;
  caseId: string;
  noticeId: string;
}

/** Puts `Notice queued` events on the case bus (EventBridge PutEvents). */
export class CaseBusNotices implements NoticePublisher {
  /** Named on first use: a function that only reads cases is never told the bus. */
  constructor(private readonly busName?: string) {}

  async queued(brand: string, caseId: string, noticeIds: readonly string[]): Promise<void> {
    // PutEvents takes at most 10 entries per call.
    for (let i = 0; i < noticeIds.length; i += 10) {
      const entries = noticeIds.slice(i, i + 10).map((noticeId) => ({
        EventBusName: this.busName ?? requiredEnv('CASE_BUS_NAME'),
        Source: NOTICE_EVENT.source,
        DetailType: NOTICE_EVENT.detailType,
        Detail: JSON.stringify({ brand, caseId, noticeId } satisfies NoticeQueued),
      }));
      const answer = await events.send(new PutEventsCommand({ Entries: entries }));
      if (answer.FailedEntryCount) {
        const failed = answer.Entries?.find((entry) => entry.ErrorCode);
        throw new Error(`PutEvents refused a notice: ${failed?.ErrorCode} ${failed?.ErrorMessage ?? ''}`);
      }
    }
  }
}
