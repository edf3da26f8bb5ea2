import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { FleetReport, FleetReports } from '../domain/known-issues.ts';
import type { NoticePublisher } from '../domain/ports.ts';
import { onFirstUse, requiredEnv } from './aws-clients.ts';

/** EventBridge's SDK and one client, loaded when a function first puts an event on the bus. */
const eventBridge = onFirstUse(async () => {
  const sdk = await import('@aws-sdk/client-eventbridge');
  return { sdk, client: new sdk.EventBridgeClient({}) };
});

/** PutEvents, failing loudly when the bus refuses any entry (`what` names them in the error). */
async function putEvents(entries: PutEventsRequestEntry[], what: string): Promise<void> {
  const { sdk, client } = await eventBridge();
  const answer = await client.send(new sdk.PutEventsCommand({ Entries: entries }));
  if (answer.FailedEntryCount) {
    const failed = answer.Entries?.find((entry) => entry.ErrorCode);
    throw new Error(`PutEvents refused ${what}: ${failed?.ErrorCode} ${failed?.ErrorMessage ?? ''}`);
  }
}

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
      await putEvents(entries, 'a notice');
    }
  }
}

/** The events of a case's reports to known-issue detection (lib/constructs/known-issue-detector.ts). */
export const REPORT_EVENT = {
  source: 'fairfix.cases',
  opened: 'Case opened',
  diagnosed: 'Case diagnosed',
} as const;

/**
 * The detail of a `Case opened` event (the symptom category the customer chose, `symptom`) or a `Case
 * diagnosed` one (the fault the depot found, `faultCode`): what detection counts, never the customer.
 */
export interface CaseReported {
  brand: string;
  caseId: string;
  model: string;
  firmware: string;
  symptom?: string;
  faultCode?: string;
  occurredAt: string;
}

/** Puts a case's reports on the case bus, for known-issue detection to count. */
export class CaseBusReports implements FleetReports {
  constructor(private readonly busName?: string) {}

  async reported({ brand, caseId, signal, occurredAt }: FleetReport): Promise<void> {
    const { model, firmware, what } = signal;
    const detail: CaseReported = {
      brand,
      caseId,
      model,
      firmware,
      ...(signal.kind === 'symptom' ? { symptom: what } : { faultCode: what }),
      occurredAt,
    };
    await putEvents(
      [
        {
          EventBusName: this.busName ?? requiredEnv('CASE_BUS_NAME'),
          Source: REPORT_EVENT.source,
          DetailType: signal.kind === 'symptom' ? REPORT_EVENT.opened : REPORT_EVENT.diagnosed,
          Detail: JSON.stringify(detail),
        },
      ],
      'a report',
    );
  }
}
