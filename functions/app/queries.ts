import { visibleTo } from '../domain/access.ts';
import { oneLine } from '../domain/address.ts';
import type { Actor, Case, Notification, TimelineEntry } from '../domain/case.ts';
import { openItems } from '../domain/custody.ts';
import { addressOf } from '../domain/customer-waits.ts';
import { NotFoundError } from '../domain/errors.ts';
import { ownerWork } from '../domain/escalation.ts';
import { currentWait } from '../domain/event-inbox.ts';
import type { CaseRepository } from '../domain/ports.ts';
import { mustGet, mustSee } from './change-case.ts';
import { randomSampleStart } from './ids.ts';

/** What the handlers read: a case as the caller may see it, work queues, reviews and device history. */

/** The case as `actor` may see it: a customer's own case, or any case of the brand for its other roles. */
export function getCaseQuery(
  brand: string,
  caseId: string,
  actor: Actor,
  repo: CaseRepository,
): Promise<Case> {
  return mustSee(repo, brand, caseId, actor);
}

/** How much of a case's timeline and notifications one read returns; earlier entries are paged. */
export const JOURNAL_PAGE = 200;

/**
 * The case as `actor` sees it on its page: its state, the latest entries of its timeline and of the
 * notices sent (each page oldest first), and where the earlier timeline entries end.
 */
export async function caseViewQuery(
  brand: string,
  caseId: string,
  actor: Actor,
  repo: CaseRepository,
  page: { timelineBefore?: number } = {},
) {
  const kase = await mustSee(repo, brand, caseId, actor);
  if (!kase.stored) throw new Error(`Case ${caseId} was read without its journals' place`);
  // The journals as of the state just read: a change committed meanwhile shows on the next read, whole.
  const { timeline, notifications } = await repo.journals(
    brand,
    caseId,
    {
      timeline: {
        limit: JOURNAL_PAGE,
        ...(page.timelineBefore === undefined ? {} : { before: page.timelineBefore }),
      },
      notifications: { limit: JOURNAL_PAGE },
    },
    kase.stored,
  );
  return {
    case: kase,
    timeline: timeline.entries as TimelineEntry[],
    notifications: notifications.entries as Notification[],
    timelineTotal: timeline.total,
    ...(timeline.before === undefined ? {} : { timelineBefore: timeline.before }),
  };
}

/** Every entry of a case's journal, oldest first, read a page at a time. */
async function wholeJournal(
  repo: CaseRepository,
  brand: string,
  caseId: string,
  journal: 'timeline' | 'notifications',
): Promise<never[]> {
  const pages: unknown[][] = [];
  let before: number | undefined;
  do {
    const page = await repo.journal(brand, caseId, journal, {
      limit: 1000,
      ...(before === undefined ? {} : { before }),
    });
    pages.unshift(page?.entries ?? []);
    before = page?.before;
  } while (before !== undefined);
  return pages.flat() as never[];
}

/** A reviewer's sample of the brand's cases: `size` cases from a random point of the brand's case list (P14). */
export async function reviewSampleQuery(brand: string, size: number, repo: CaseRepository) {
  const cases = await repo.sample(brand, size, randomSampleStart());
  return cases.map(sampled);
}

const sampled = (kase: Case) => ({
  caseId: kase.caseId,
  openedAt: kase.openedAt,
  status: kase.status,
  ...(kase.outcome ? { outcome: kase.outcome } : {}),
  links: { case: `/cases/${kase.caseId}`, export: `/cases/${kase.caseId}/export` },
});

/** How many of the brand's cases a stratified sample draws from: a random run of its fixed order. */
export const STRATIFIED_POOL = 500;

/**
 * A sample stratified by outcome (P14): from a random run of the brand's cases, one of each outcome in
 * turn (`open` for a case without one yet) until `size`, so a rare outcome is seen as often as a common
 * one. `strata` counts the sample's cases per outcome.
 */
export async function stratifiedSampleQuery(brand: string, size: number, repo: CaseRepository) {
  const pool = await repo.sample(brand, STRATIFIED_POOL, randomSampleStart());
  const strata = new Map<string, Case[]>();
  for (const kase of pool) {
    const stratum = kase.outcome ?? 'open';
    strata.set(stratum, [...(strata.get(stratum) ?? []), kase]);
  }
  const picked: { kase: Case; stratum: string }[] = [];
  for (let round = 0; picked.length < size; round++) {
    const before = picked.length;
    for (const [stratum, cases] of [...strata].sort(([a], [b]) => a.localeCompare(b))) {
      const kase = cases[round];
      if (kase && picked.length < size) picked.push({ kase, stratum });
    }
    if (picked.length === before) break;
  }
  const counts: Record<string, number> = {};
  for (const { stratum } of picked) counts[stratum] = (counts[stratum] ?? 0) + 1;
  return {
    items: picked.map(({ kase, stratum }) => ({ ...sampled(kase), stratum })),
    strata: counts,
  };
}

/**
 * A page of the brand's cases opened within a period, each exported whole (the case, its timeline and
 * notices, links to its documents), for an auditor (P14); `cursor` is where the next page starts.
 */
export async function reviewExportQuery(
  brand: string,
  request: { from: string; to: string; limit: number; cursor?: string },
  repo: CaseRepository,
) {
  const page = await repo.casesOpened(
    brand,
    { from: request.from, to: request.to },
    { limit: request.limit, ...(request.cursor ? { after: request.cursor } : {}) },
  );
  const lines = [];
  // One case at a time: a page's journals are read in turn, not all at once, to keep the store calm.
  for (const kase of page.cases) lines.push(await exportLine(brand, kase, repo));
  return { lines, ...(page.after ? { cursor: page.after } : {}) };
}

async function exportLine(brand: string, stored: Case, repo: CaseRepository) {
  const {
    waiting: _w,
    otherWaits: _o,
    seenEventIds: _s,
    seenFingerprints: _f,
    pendingEvents: _p,
    stored: _j,
    ...kase
  } = stored;
  const [timeline, notifications, documents] = await Promise.all([
    wholeJournal(repo, brand, kase.caseId, 'timeline'),
    wholeJournal(repo, brand, kase.caseId, 'notifications'),
    repo.listDocuments(brand, kase.caseId),
  ]);
  return {
    case: { ...kase, timeline, notifications },
    documents: documents.map((document) => ({
      documentId: document.documentId,
      title: document.title,
      contentType: document.contentType,
      link: `/cases/${kase.caseId}/documents/${document.documentId}`,
    })),
  };
}

/** Everything a reviewer needs to judge a case, as one JSON document: the case, its custody and its documents (P14). */
export async function exportCaseQuery(brand: string, caseId: string, repo: CaseRepository) {
  const {
    waiting: _waiting,
    otherWaits: _others,
    seenEventIds: _seen,
    seenFingerprints: _said,
    pendingEvents: _pending,
    stored: _stored,
    ...kase
  } = await mustGet(repo, brand, caseId);
  const [timeline, notifications] = await Promise.all([
    wholeJournal(repo, brand, caseId, 'timeline'),
    wholeJournal(repo, brand, caseId, 'notifications'),
  ]);
  const documents = await repo.listDocuments(brand, caseId);
  return {
    case: { ...kase, timeline, notifications },
    documents: documents.map((document) => ({
      documentId: document.documentId,
      title: document.title,
      contentType: document.contentType,
      dataBase64: Buffer.from(document.data).toString('base64'),
    })),
  };
}

/** A person's or a ladder role's work: cases escalated to them, follow-ups they owe; earliest due first (P7, P10). */
export async function ownerQueueQuery(brand: string, owner: string, repo: CaseRepository, now: Date) {
  const cases = await repo.ownerQueue(brand, owner, 200);
  // The index holds exactly the cases with work for someone (see the repository's keys).
  return cases.flatMap((kase) => {
    const work = ownerWork(kase);
    if (!work) return [];
    const { kind, due, summary } = work;
    return [
      { caseId: kase.caseId, status: kase.status, work: kind, due, overdue: new Date(due) < now, summary },
    ];
  });
}

const LANES: Partial<Record<Case['status'], string>> = {
  opened: 'incoming',
  'awaiting-arrival': 'incoming',
  'at-depot': 'awaiting-diagnosis',
  'awaiting-estimate-answer': 'awaiting-customer',
  'in-repair': 'repair',
  'replacement-ordered': 'shipping',
  'shipping-to-customer': 'shipping',
};

/** Visits still to happen or to finish, earliest first: a technician's own, or every one for an agent (P6, P14). */
export async function visitQueueQuery(brand: string, actor: Actor, repo: CaseRepository) {
  const cases = await repo.queue(brand, 'depot', 200);
  return cases
    .flatMap((kase) =>
      kase.visits
        .filter((visit) => ['booked', 'checked-in', 'reported'].includes(visit.status))
        .filter((visit) => actor.role !== 'technician' || visit.technician.id === actor.subject)
        .map((visit) => ({
          caseId: kase.caseId,
          visitId: visit.visitId,
          status: visit.status,
          window: visit.window,
          technician: visit.technician,
          // What the technician needs at the door: who, where, what.
          // The placeholder earlier versions stored is no address: never on a technician's list.
          customer: {
            name: kase.customer.name,
            address: visitAddress(kase.customer),
            phone: kase.customer.phone,
          },
          device: kase.device,
          problem: kase.problem.description,
        })),
    )
    .sort((a, b) => a.window.start.localeCompare(b.window.start));
}

/** The depot's work: open cases, earliest deadline (so overdue) first, each in the lane it is in. */
export async function depotQueueQuery(brand: string, repo: CaseRepository, now: Date) {
  const cases = await repo.queue(brand, 'depot', 200);
  return cases.map((kase) => queueLine(kase, now));
}

/** One case in the depot's queue, with the step it waits at now. */
function queueLine(kase: Case, now: Date) {
  const waiting = currentWait(kase);
  return {
    caseId: kase.caseId,
    status: kase.status,
    // Whose device it is: the depot talks of "Ada's camera", not of a case number alone.
    customer: { name: kase.customer.name },
    device: kase.device,
    problem: { description: kase.problem.description, category: kase.problem.category },
    nextStep: kase.nextStep,
    overdue: new Date(kase.nextStep.deadline) < now,
    ...(waiting ? { waitingFor: waiting.step } : {}),
    lane: (LANES[kase.status] ?? 'other') as 'incoming',
  };
}

/**
 * A device's record, for staff and for the customers and technicians with a case on it (P14); to anyone
 * else a serial that exists answers exactly as one that does not, so guessing serials tells nothing.
 */
export async function deviceHistoryQuery(brand: string, serial: string, actor: Actor, repo: CaseRepository) {
  const history = await repo.deviceHistory(brand, serial);
  const original = history.replacementOf && (await repo.get(brand, history.replacementOf.caseId));
  const known =
    history.cases.some((kase) => visibleTo(kase, actor)) || (original ? visibleTo(original, actor) : false);
  if (!known) throw new NotFoundError(`device ${serial}`);
  return history;
}

/** A customer's whole history, for staff: every case under their email, newest first, a page at a time. */
export async function customerCasesQuery(
  brand: string,
  email: string,
  page: { before?: string; limit: number },
  repo: CaseRepository,
) {
  const { cases, before } = await repo.customerCases(brand, email, page);
  return { customer: email.toLowerCase(), cases: cases.map(caseLine), ...(before ? { next: before } : {}) };
}

/** A case as one line of a list of cases. */
export const caseLine = (kase: Case) => ({
  caseId: kase.caseId,
  openedAt: kase.openedAt,
  status: kase.status,
  ...(kase.outcome ? { outcome: kase.outcome } : {}),
  device: kase.device,
  problem: { description: kase.problem.description, category: kase.problem.category },
  nextStep: kase.nextStep,
});

/** The chain of custody of every part removed from the device (P5). */
export async function custodyQuery(brand: string, caseId: string, actor: Actor, repo: CaseRepository) {
  const kase = await mustSee(repo, brand, caseId, actor);
  return {
    caseId,
    ...(kase.custodyChoice ? { choice: kase.custodyChoice } : {}),
    open: openItems(kase).map((item) => item.itemId),
    items: kase.custody,
  };
}

/** The address a technician reads at the door: on one line, in parts or as it was once given. */
function visitAddress(customer: Case['customer']): string | undefined {
  const address = addressOf(customer);
  return address === undefined ? undefined : oneLine(address);
}
