import type { Case } from './case.ts';

/**
 * When a sender says something happened (P5, P9, P14): a depot's, a technician's or a carrier's
 * `occurredAt` is checked against our clock and against the case's own record before the event is
 * taken, so the timeline and the documents printed from it (a certificate of destruction) never
 * contradict themselves. A refused time is a field error on `#/occurredAt`, named with the request's
 * other errors.
 */

/** How far ahead of our clock a sender's clock may run: a few minutes of skew, not a date to come. */
export const CLOCK_SKEW_SECONDS = 5 * 60;

const POINTER = '#/occurredAt';

/**
 * What is wrong with an event's `occurredAt`, if anything: it may not be in the future (beyond the
 * skew), nor before the case opened, nor before the fact on the case it follows (a part's destruction
 * or return follows its removal; a destruction also follows the customer's choice to destroy it).
 * Without a case only the clock is checked. Anything not a time is the schema's to refuse.
 */
export function occurredAtErrors(
  kase: Case | undefined,
  event: unknown,
  now: Date,
): { pointer: string; detail: string }[] {
  const { occurredAt, type, itemId } = (event ?? {}) as Record<string, unknown>;
  if (typeof occurredAt !== 'string') return [];
  const at = Date.parse(occurredAt);
  if (Number.isNaN(at)) return [];
  if (at > now.getTime() + CLOCK_SKEW_SECONDS * 1000)
    return [
      {
        pointer: POINTER,
        detail: `${occurredAt} is in the future: it is ${now.toISOString()} now, and a clock may differ from ours by ${CLOCK_SKEW_SECONDS / 60} minutes at most.`,
      },
    ];
  if (!kase) return [];
  if (at < Date.parse(kase.openedAt))
    return [
      {
        pointer: POINTER,
        detail: `${occurredAt} is before the case was opened (${kase.openedAt}): give when it happened on this case.`,
      },
    ];
  const follows = factFollowed(kase, type, itemId);
  if (follows && at < Date.parse(follows.at))
    return [
      {
        pointer: POINTER,
        detail: `${occurredAt} is before ${follows.what} (${follows.at}), which it follows.`,
      },
    ];
  return [];
}

/** The latest fact on the case that an event must come after, where the case records one. */
function factFollowed(kase: Case, type: unknown, itemId: unknown): { what: string; at: string } | undefined {
  if ((type !== 'part-destroyed' && type !== 'part-returned') || typeof itemId !== 'string') return undefined;
  const item = kase.custody.find((candidate) => candidate.itemId === itemId);
  // An unknown item is a 404, a settled one answers as before: only a held item's next step is dated here.
  if (item?.status !== 'held') return undefined;
  const facts = [{ what: `${item.description} was removed`, at: item.chain[0]?.at ?? item.since }];
  const choice = kase.custodyChoice;
  if (type === 'part-destroyed' && choice?.data === 'destroy')
    facts.push({ what: 'the customer chose to have it destroyed', at: choice.at });
  return facts.reduce((latest, fact) => (Date.parse(fact.at) > Date.parse(latest.at) ? fact : latest));
}
