import type { NoticePublisher } from '../domain/ports.ts';
import { requiredEnv } from './aws-clients.ts';
import { AwsServiceError, signedRequest } from './aws-http.ts';

const EVENTBRIDGE = { signingName: 'events', endpointEnv: 'EVENTBRIDGE', hostPrefix: 'events' };

/** The source and detail type of the events the notifier's rule matches (lib/constructs/notifier.ts). */
export const NOTICE_EVENT = { source: 'fairfix.cases', detailType: 'Notice queued' } as const;

/** The detail of a `Notice queued` event: which notice, never its words (they stay on the case). */
export interface NoticeQueued {
  brand: string;
  caseId: string;
  noticeId: string;
}

/** Puts `Notice queued` events on the case bus (EventBridge PutEvents, JSON 1.1 protocol). */
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
      const response = await signedRequest(EVENTBRIDGE, {
        method: 'POST',
        path: '/',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
        body: JSON.stringify({ Entries: entries }),
      });
      const answer = JSON.parse(response.body || '{}') as {
        FailedEntryCount?: number;
        __type?: string;
        message?: string;
        Entries?: { ErrorCode?: string; ErrorMessage?: string }[];
      };
      if (response.status !== 200)
        throw new AwsServiceError(answer.__type ?? 'EventBridgeError', response.status, answer.message ?? '');
      if (answer.FailedEntryCount) {
        const failed = answer.Entries?.find((entry) => entry.ErrorCode);
        throw new AwsServiceError(failed?.ErrorCode ?? 'PutEventsFailed', 500, failed?.ErrorMessage ?? '');
      }
    }
  }
}
