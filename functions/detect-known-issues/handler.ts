import * as z from 'zod';
import { REPORT_EVENT } from '../adapters/case-bus.ts';
import { countReport } from '../app/known-issues.ts';
import type { FleetReport } from '../domain/known-issues.ts';
import { deps } from '../shared/deps.ts';
import { logger } from '../shared/powertools.ts';

/** A `Case opened` or `Case diagnosed` event the case bus's rule hands over (functions/adapters/case-bus.ts). */
const CaseReportedEvent = z.object({
  'detail-type': z.enum([REPORT_EVENT.opened, REPORT_EVENT.diagnosed]),
  detail: z.object({
    brand: z.string(),
    caseId: z.string(),
    model: z.string(),
    firmware: z.string(),
    symptom: z.string().optional(),
    faultCode: z.string().optional(),
    occurredAt: z.string(),
  }),
});

/** Counts one case's report towards the brand's known issues, and opens one when its threshold is reached. */
export const handler = async (event: unknown): Promise<{ issueId?: string }> => {
  const { 'detail-type': type, detail } = CaseReportedEvent.parse(event);
  const what = type === REPORT_EVENT.opened ? detail.symptom : detail.faultCode;
  if (what === undefined)
    throw new Error(
      `A "${type}" event without its ${type === REPORT_EVENT.opened ? 'symptom' : 'faultCode'}`,
    );
  const { brand, caseId, model, firmware, occurredAt } = detail;
  const report: FleetReport = {
    brand,
    caseId,
    signal: { kind: type === REPORT_EVENT.opened ? 'symptom' : 'fault', model, firmware, what },
    occurredAt,
  };
  const issue = await countReport(report, deps());
  logger.debug('Report counted', { brand, caseId, issueId: issue?.issueId });
  return issue ? { issueId: issue.issueId } : {};
};
