import type { Case, NoticeChannel, Notification } from '../domain/case.ts';
import { type NoticeWords, wordsFor } from '../domain/notice-words.ts';
import { type Attempted, needsSending, recordFailed, recordSent, routesFor } from '../domain/notices.ts';
import type { CaseRepository, MessageSender } from '../domain/ports.ts';
import { mustGet, retryOnConflict } from './change-case.ts';

/** What delivering a notice needs: the case store, a sender per channel, and how to word and retry. */
export interface NotifierDeps {
  readonly repo: CaseRepository;
  readonly senders: Readonly<Record<NoticeChannel, MessageSender>>;
  readonly words: Omit<NoticeWords, 'channel' | 'brandName'>;
  /** The brand's name as its customers know it (its policy's display name). */
  readonly brandName: (brand: string) => Promise<string>;
  /** Tries per channel, and the wait before the first retry (doubled each time). @default 3, 200 ms */
  readonly retry?: { attempts: number; baseMs: number };
  readonly now: () => Date;
}

export type DeliveryOutcome = 'sent' | 'already-sent' | 'failed';

/**
 * Delivers one queued notice: once (a notice already sent is left alone), on the customer's channel,
 * retried with backoff, then on their other contact; what happened is recorded on the case, and a
 * notice that reached nobody is put before a person. Only recording the outcome can throw: then the
 * event is retried by its rule and, after that, dead-lettered.
 */
export async function deliverNotice(
  target: { brand: string; caseId: string; noticeId: string },
  deps: NotifierDeps,
): Promise<DeliveryOutcome> {
  const kase = await mustGet(deps.repo, target.brand, target.caseId);
  if (!needsSending(kase, target.noticeId)) return 'already-sent';
  const notice = await findNotice(deps.repo, kase, target.noticeId);
  let last: Attempted | undefined;
  for (const route of routesFor(kase, notice)) {
    last = await sendWithRetry(kase, notice, route, deps);
    if (last.messageId) {
      const sent = last;
      await record(deps, target, kase, (current) => recordSent(current, notice, sent, deps.now()));
      return 'sent';
    }
  }
  const failed = last ?? { ...notice, attempts: 0, error: 'no contact to send to' };
  await record(deps, target, kase, (current) => recordFailed(current, notice, failed, deps.now()));
  return 'failed';
}

async function sendWithRetry(
  kase: Case,
  notice: Notification,
  route: { channel: NoticeChannel; to: string },
  deps: NotifierDeps,
): Promise<Attempted> {
  const { attempts, baseMs } = deps.retry ?? { attempts: 3, baseMs: 200 };
  const message = wordsFor(kase, notice, {
    ...deps.words,
    brandName: await deps.brandName(kase.brand),
    channel: route.channel,
  });
  const sender = deps.senders[route.channel];
  let error = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const messageId = await sender.send({ ...message, ...route, tags: { caseId: kase.caseId } });
      return { ...route, attempts: attempt, messageId };
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
      const retryable = (caught as { retryable?: boolean }).retryable ?? true;
      if (!retryable) return { ...route, attempts: attempt, error };
      if (attempt < attempts)
        await new Promise((resolve) => setTimeout(resolve, baseMs * 2 ** (attempt - 1)));
    }
  }
  return { ...route, attempts, error };
}

/**
 * Records an outcome unless someone recorded it first (the same event, delivered twice). The first try
 * saves against the case as it was read before sending: a change since makes the save a conflict, and
 * the retry reads the case again.
 */
async function record(
  deps: NotifierDeps,
  target: { brand: string; caseId: string; noticeId: string },
  read: Case,
  change: (kase: Case) => Case,
): Promise<void> {
  let held: Case | undefined = read;
  await retryOnConflict(async () => {
    const current = held ?? (await mustGet(deps.repo, target.brand, target.caseId));
    held = undefined;
    if (!needsSending(current, target.noticeId)) return;
    await deps.repo.save(change(current), current.version);
  });
}

/**
 * The notice itself, from the case's notifications journal as the case was read, newest pages first.
 * A notice is queued by a change and delivered at once, so it is mostly still in that change's tail,
 * which the case item carries: then no page is read.
 */
async function findNotice(
  repo: CaseRepository,
  kase: Case,
  noticeId: string,
): Promise<Notification & { id: string }> {
  const recent = kase.stored?.tail.notifications.find((entry) => entry.id === noticeId);
  if (recent) return { ...recent, id: noticeId };
  let before: number | undefined;
  for (;;) {
    const page = await repo.journal(
      kase.brand,
      kase.caseId,
      'notifications',
      { limit: 100, ...(before === undefined ? {} : { before }) },
      kase.stored,
    );
    const found = (page?.entries as Notification[] | undefined)?.find((entry) => entry.id === noticeId);
    if (found) return { ...found, id: noticeId };
    if (page?.before === undefined) throw new Error(`Notice ${noticeId} is not on case ${kase.caseId}`);
    before = page.before;
  }
}
