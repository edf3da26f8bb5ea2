import * as z from 'zod';
import { beginWait, type WaitRequest } from '../domain/event-inbox.ts';
import type { Change } from './change-case.ts';

/**
 * A wait as the workflow hands it over: the step's name as people see it, the events that end it, the
 * task token to answer, when the workflow entered the waiting state and which execution waits.
 * await-case-event registers it on its own; a step that ends in a wait (a label, then the parcel's
 * arrival) registers it in the same save as its own change (issue 13: one state, one write).
 */
export const WaitInput = z.object({
  step: z.string(),
  expect: z.array(z.string()).min(1),
  token: z.string().min(1),
  enteredAt: z.string().optional(),
  /** The execution that waits: a case's executions (a complaint's, say) each hold a wait of their own. */
  execution: z.string().optional(),
});

/**
 * The change with the case waiting as `wait` asks. An event that came early is handed to the wait once
 * the change is saved; the same token registered again (a retried or resumed step) changes nothing.
 */
export function waitAfter<R>(change: Change<R>, wait: WaitRequest, now: Date): Change<R> {
  const { case: waiting, deliver } = beginWait(change.case, wait, now);
  return { ...change, case: waiting, deliver: deliver && { token: wait.token, event: deliver } };
}
