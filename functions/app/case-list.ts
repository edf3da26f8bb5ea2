import { visibleTo } from '../domain/access.ts';
import type { Actor, Case, CaseStatus } from '../domain/case.ts';
import { ownerWork } from '../domain/escalation.ts';
import type { CaseRepository } from '../domain/ports.ts';
import { caseLine } from './queries.ts';

/**
 * `GET /cases`: a list of cases, newest first, a page at a time. A customer lists their own cases;
 * the brand's other roles list the brand's. Either may narrow the list by filters.
 *
 * No index answers every combination of filters, so the list is read from the most selective source
 * that one filter names (a case id, a tracking number, a device's cases, an owner's queue, else the
 * brand's cases by opening time, bounded by the dates) and the other filters are checked on each case.
 * A page reads at most READ_BUDGET cases, so a request stays short however rare the matches: a page may
 * then hold fewer than `limit` cases and still have a `next`.
 */

export interface CaseFilters {
  readonly status?: CaseStatus;
  readonly owner?: string;
  readonly serial?: string;
  readonly rma?: string;
  readonly tracking?: string;
  /** Calendar days (UTC), both included. */
  readonly openedFrom?: string;
  readonly openedTo?: string;
}

/** How many cases one page reads at most to find those that match. */
export const READ_BUDGET = 500;

/** How many cases of one owner's queue the `owner` filter reads: a person's work, not the brand's. */
const OWNER_QUEUE_MAX = 1_000;

/** A case's place in the list, and the cursor that continues after it. */
const orderKey = (kase: Case) => `${kase.openedAt}#${kase.caseId}`;

/** Cases newest first, older than `before`; `before` in the answer continues where this batch stopped. */
type Source = (before: string | undefined, limit: number) => Promise<{ cases: Case[]; before?: string }>;

export async function listCasesQuery(
  brand: string,
  actor: Actor,
  query: CaseFilters & { before?: string; limit: number },
  repo: CaseRepository,
) {
  const { limit, before, ...filters } = query;
  const source =
    actor.role === 'customer' ? await ownCases(brand, actor, repo) : await brandSource(brand, filters, repo);
  if (!source) return { cases: [] };
  const matches = (kase: Case) => visibleTo(kase, actor) && matchesFilters(kase, filters);
  const shown: Case[] = [];
  let cursor = before;
  let read = 0;
  for (;;) {
    const batch = await source(cursor, Math.min(100, READ_BUDGET - read));
    read += batch.cases.length;
    for (const kase of batch.cases) {
      if (!matches(kase)) continue;
      // One match more than the page holds: there is a next page, after the last one shown.
      if (shown.length === limit) return page(shown, orderKey(shown[limit - 1] as Case));
      shown.push(kase);
    }
    if (!batch.before) return page(shown);
    cursor = batch.before;
    if (read >= READ_BUDGET) return page(shown, cursor);
  }
}

const page = (cases: Case[], next?: string) => ({ cases: cases.map(caseLine), ...(next ? { next } : {}) });

/** A customer's own cases: those under the email they last gave (filtered to theirs by `visibleTo`). */
async function ownCases(brand: string, actor: Actor, repo: CaseRepository): Promise<Source | undefined> {
  const onFile = await repo.customerOnFile(brand, actor.subject);
  if (!onFile) return undefined;
  return (before, limit) => repo.customerCases(brand, onFile.email, { limit, ...(before ? { before } : {}) });
}

/** The most selective source the filters name; the brand's cases by opening time when none does. */
async function brandSource(brand: string, filters: CaseFilters, repo: CaseRepository): Promise<Source> {
  const caseId =
    filters.rma ?? (filters.tracking ? await repo.caseOfTracking(brand, filters.tracking) : undefined);
  if (filters.rma || filters.tracking) {
    const kase = caseId ? await repo.get(brand, caseId) : undefined;
    return inMemory(kase ? [kase] : []);
  }
  if (filters.serial) {
    // A device's history is a few cases, read by the bySerial index; each is then read whole.
    const { cases } = await repo.deviceHistory(brand, filters.serial);
    const whole = await Promise.all(cases.map((kase) => repo.get(brand, kase.caseId)));
    return inMemory(whole.filter((kase) => kase !== undefined));
  }
  if (filters.owner) return inMemory(await repo.ownerQueue(brand, filters.owner, OWNER_QUEUE_MAX));
  const { from, to } = openedBounds(filters);
  return (before, limit) =>
    repo.brandCases(brand, {
      limit,
      ...(before ? { before } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
    });
}

/** A few cases already read, served newest first as if from an index. */
function inMemory(cases: Case[]): Source {
  const sorted = [...cases].sort((a, b) => (orderKey(a) < orderKey(b) ? 1 : -1));
  return async (before) => ({
    cases: sorted.filter((kase) => before === undefined || orderKey(kase) < before),
  });
}

/** The opening-time bounds of the dates: from the first day's start up to (not at) the day after the last. */
function openedBounds(filters: CaseFilters): { from?: string; to?: string } {
  const dayAfter = (day: string) => new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString();
  return {
    ...(filters.openedFrom ? { from: `${filters.openedFrom}T00:00:00.000Z` } : {}),
    ...(filters.openedTo ? { to: dayAfter(filters.openedTo) } : {}),
  };
}

function matchesFilters(kase: Case, filters: CaseFilters): boolean {
  const { from, to } = openedBounds(filters);
  return (
    (filters.status === undefined || kase.status === filters.status) &&
    (filters.owner === undefined || ownerWork(kase)?.owner === filters.owner) &&
    (filters.serial === undefined || kase.device.serial === filters.serial) &&
    (filters.rma === undefined || kase.caseId === filters.rma) &&
    (filters.tracking === undefined ||
      kase.shipments.some((shipment) => shipment.trackingNumber === filters.tracking)) &&
    (from === undefined || kase.openedAt >= from) &&
    (to === undefined || kase.openedAt < to)
  );
}
