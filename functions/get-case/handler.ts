import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { caseViewQuery } from '../app/queries.ts';
import { openWaits } from '../domain/event-inbox.ts';
import { takenNow } from '../domain/waits.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('getCase'), async ({ brand, actor, params, query }) => {
  const view = await caseViewQuery(brand, params.caseId, actor, deps().repo, query);
  // Task tokens and dedup bookkeeping are the workflow's and the store's business, never a caller's.
  const {
    waiting: _waiting,
    otherWaits: _others,
    seenEventIds: _seen,
    seenFingerprints: _said,
    stored: _stored,
    ...visible
  } = view.case;
  const [current, ...others] = openWaits(view.case);
  const waitingFor = current ? { waitingFor: { step: current.step, since: current.since } } : {};
  // What a person's screen offers now: derived from the declared waits, never every form at every step;
  // with a complaint's execution beside the case's own, what either of them waits for.
  const takes = [...new Set([current, ...others].flatMap((wait) => takenNow(visible.status, wait?.step)))];
  const { timeline, notifications, timelineTotal } = view;
  const before = view.timelineBefore === undefined ? {} : { timelineBefore: view.timelineBefore };
  return {
    status: 200,
    body: { ...visible, timeline, notifications, timelineTotal, ...before, ...waitingFor, takes },
  };
});
