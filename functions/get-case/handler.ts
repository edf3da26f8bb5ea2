import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { getCaseQuery } from '../app/queries.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('getCase'), async ({ brand, actor, params }) => {
  // Task tokens and dedup bookkeeping are the workflow's business, never a caller's.
  const {
    waiting,
    seenEventIds: _seen,
    ...visible
  } = await getCaseQuery(brand, params.caseId, actor, deps().repo);
  const waitingFor =
    waiting && !waiting.delivered ? { waitingFor: { step: waiting.step, since: waiting.since } } : {};
  return { status: 200, body: { ...visible, ...waitingFor } };
});
