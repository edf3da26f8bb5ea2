import { visibleTo } from '../domain/access.ts';
import type { Actor, Case } from '../domain/case.ts';
import { CaseNotFoundError, ConcurrentUpdateError } from '../domain/errors.ts';
import { type Delivery, returnUndelivered } from '../domain/event-inbox.ts';
import type { CaseRepository } from '../domain/ports.ts';
import type { CaseEvent } from '../domain/schemas.ts';
import type { Deps } from './deps.ts';

/** The case a command works on; with an actor, it is read as that actor may see it. */
export interface CaseTarget {
  readonly brand: string;
  readonly caseId: string;
  readonly actor?: Actor;
  /** The inbox keys and request ids the change will ask about: the store says which it took before. */
  readonly seen?: readonly string[];
}

/** What one change decides: the case after it, the caller's answer, and an event for a waiting step. */
export interface Change<R> {
  readonly case: Case;
  readonly result: R;
  /** Handed to the workflow once the case is saved: the event resumes the step waiting with `token`. */
  readonly deliver?: Delivery | undefined;
}

/**
 * Read-change-save, the one recipe every command and workflow step follows: read the case, decide
 * (a function of the case, run again from a fresh read when another writer got there first), save
 * with the version read, then hand the event it decided on to the waiting step. No change, no write.
 */
export async function changeCase<R>(
  target: CaseTarget,
  deps: Deps,
  change: (kase: Case) => Change<R> | Promise<Change<R>>,
): Promise<{ case: Case; result: R }> {
  const { saved, result, deliver, noticed } = await retryOnConflict(async () => {
    const before = target.actor
      ? await mustSee(deps.repo, target.brand, target.caseId, target.actor, target.seen)
      : await mustGet(deps.repo, target.brand, target.caseId, target.seen);
    const after = await change(before);
    const saved = after.case === before ? before : await deps.repo.save(after.case, before.version);
    return { saved, result: after.result, deliver: after.deliver, noticed: after.case.notifications };
  });
  await announceNotices(saved, noticed, deps);
  if (deliver?.again) await deps.workflow.resume(deliver.token, { event: deliver.event });
  else if (deliver) await deliverEvent(saved, deliver.token, deliver.event, deps);
  return { case: saved, result };
}

/** changeCase for a change that only rewrites the case: answers the case as saved. */
export async function updateCase(
  target: CaseTarget,
  deps: Deps,
  change: (kase: Case) => Case | Promise<Case>,
): Promise<Case> {
  const { case: saved } = await changeCase(target, deps, async (kase) => ({
    case: await change(kase),
    result: undefined,
  }));
  return saved;
}

/**
 * Resumes the step waiting with `token`. When that wait ended before the event reached it (it timed
 * out, say), the event is not lost: the step waiting now takes it, or it is kept for the next one.
 */
export async function deliverEvent(kase: Case, token: string, event: CaseEvent, deps: Deps): Promise<void> {
  if (await deps.workflow.resume(token, { event })) return;
  await changeCase(kase, deps, (current) => ({
    ...returnUndelivered(current, event, token),
    result: undefined,
  }));
}

/**
 * Runs `attempt` again when another writer (the workflow, a depot, a carrier, the notifier recording a
 * delivery) changed the case between its read and its write: each decision is a function of the case,
 * and every effect in one is idempotent. Since the notifier writes each notice's delivery state on the
 * case, a step meets more of them: 8 quick tries ran out under load and the step fell back on the
 * workflow's Retry, seconds later (a visit's no-show was late in the full suite).
 */
export async function retryOnConflict<T>(attempt: () => Promise<T>, attempts = 20): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError) || i >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * Math.min(i, 10)));
    }
  }
}

export async function mustGet(
  repo: CaseRepository,
  brand: string,
  caseId: string,
  seen?: readonly string[],
): Promise<Case> {
  const kase = await repo.get(brand, caseId, seen);
  if (!kase) throw new CaseNotFoundError(caseId);
  return kase;
}

/** As mustGet, for a caller acting as `actor`: a case they may not see does not exist for them. */
export async function mustSee(
  repo: CaseRepository,
  brand: string,
  caseId: string,
  actor: Actor,
  seen?: readonly string[],
): Promise<Case> {
  const kase = await mustGet(repo, brand, caseId, seen);
  if (!visibleTo(kase, actor)) throw new CaseNotFoundError(caseId);
  return kase;
}

/**
 * Announces the notices a saved change queued. After the save, never before: a notice announced for a
 * change that did not commit would reach the customer. A crash in between leaves the notice queued on
 * the case, where a person sees it (functions/domain/notices.ts).
 */
export async function announceNotices(
  kase: Case,
  notices: readonly { id?: string | undefined }[],
  deps: Deps,
): Promise<void> {
  const ids = notices.flatMap((notice) => (notice.id ? [notice.id] : []));
  if (ids.length > 0 && deps.notices) await deps.notices.queued(kase.brand, kase.caseId, ids);
}
