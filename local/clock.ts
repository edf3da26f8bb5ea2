import { z } from 'zod';

const YEAR_MS = 365.25 * 86_400_000;

/** The furthest one POST /_local/clock may move time at once. */
export const MAX_ADVANCE_MS = 10 * YEAR_MS;
/** How slow and how fast the clock may run: from a thousandth of real time to about 11.6 days a second. */
export const MIN_SCALE = 0.001;
export const MAX_SCALE = 1_000_000;
/**
 * Where the clock stops: 1000 years short of the last four-digit ISO 8601 year, so every deadline and
 * warranty computed from it is still a valid date (JavaScript's dates end at 275760; ISO's at 9999).
 */
export const MAX_TIME = Date.UTC(9000, 0, 1);

/** What the clock persists so time keeps counting across restarts: virtual time at a real instant, and the speed. */
const instant = z
  .number('not a number of milliseconds')
  .min(0, 'before 1970')
  .max(MAX_TIME, `past ${new Date(MAX_TIME).toISOString()}, where the clock stops`);
export const ClockState = z.object({
  anchorReal: instant,
  anchorVirtual: instant,
  scale: z.number('not a number').min(MIN_SCALE, `below ${MIN_SCALE}`).max(MAX_SCALE, `above ${MAX_SCALE}`),
});
export type ClockState = z.infer<typeof ClockState>;

/** The persisted clock is not one this clock can run from (say, moved past the end of dates). */
export class ClockStateError extends Error {
  constructor(state: unknown, problems: string) {
    super(`The saved local clock cannot be read (${JSON.stringify(state)}: ${problems}).`);
    this.name = 'ClockStateError';
  }
}

/** Why a change cannot be made whatever the time is, if it cannot. */
function refusal({ advanceMs = 0, scale }: { advanceMs?: number; scale?: number }): RangeError | undefined {
  if (!Number.isFinite(advanceMs) || advanceMs < 0)
    return new RangeError('The clock only moves forward: give a positive number of ms');
  if (advanceMs > MAX_ADVANCE_MS)
    return new RangeError(`The clock moves at most ${MAX_ADVANCE_MS} ms (10 years) at once`);
  if (scale !== undefined && (!Number.isFinite(scale) || scale < MIN_SCALE || scale > MAX_SCALE))
    return new RangeError(`The clock scale must be a number from ${MIN_SCALE} to ${MAX_SCALE}`);
  return undefined;
}

interface Timer {
  deadline: number;
  resolve: () => void;
}

const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * The local cloud's time. SLAs are days long; tests and demos need them in milliseconds, so time can
 * run faster (`scale`) or jump (`advance`). Every Wait state, task timeout and function sees this clock,
 * and deadlines are stored as virtual epoch milliseconds, so they survive a restart unchanged.
 */
export class LocalClock {
  /**
   * Every sleeper, behind one Node timer for the earliest deadline: a Node timer each cost about 1.3 KB
   * of heap, and every parked case keeps a sleeper (its deadline) for days.
   */
  private readonly timers = new Set<Timer>();
  private handle: NodeJS.Timeout | undefined;
  /** The deadline (virtual epoch ms) `handle` fires for; infinite when it is not set. */
  private armedFor = Number.POSITIVE_INFINITY;
  /** Changes one at a time, each persisted before it applies. */
  private changes: Promise<unknown> = Promise.resolve();
  private state: ClockState;
  /** What a change waits for before it applies (see settleBeforeChanges). */
  private settle: () => Promise<void> = async () => {};

  /** @throws ClockStateError when `state` (as persisted) is not a clock this can run. */
  constructor(
    state: ClockState,
    private readonly persist: (state: ClockState) => Promise<void> = async () => {},
  ) {
    const checked = ClockState.safeParse(state);
    if (!checked.success)
      throw new ClockStateError(
        state,
        checked.error.issues
          .map((issue) => `${issue.path.join('.') || 'state'}: ${issue.message}`)
          .join('; '),
      );
    this.state = checked.data;
  }

  static fresh(scale = 1): ClockState {
    const now = Date.now();
    return { anchorReal: now, anchorVirtual: now, scale };
  }

  now(): number {
    return Math.min(
      this.state.anchorVirtual + (Date.now() - this.state.anchorReal) * this.state.scale,
      MAX_TIME,
    );
  }

  get scale(): number {
    return this.state.scale;
  }

  snapshot(): ClockState {
    return { ...this.state };
  }

  /**
   * Moves time forward, by at most MAX_ADVANCE_MS and not past MAX_TIME; everything due by then fires.
   * The new time is persisted before it applies: if saving fails, the clock has not moved.
   */
  async advance(ms: number): Promise<number> {
    await this.adjust({ advanceMs: ms });
    return this.now();
  }

  /** Changes how many virtual milliseconds pass per real one, from now on (persisted first, as advance). */
  setScale(scale: number): Promise<void> {
    return this.adjust({ scale });
  }

  /**
   * Changes speed and/or moves forward as one change, persisted before it applies: both or neither.
   * @throws RangeError for an advance or a scale out of bounds, before anything changes
   */
  adjust(change: { advanceMs?: number; scale?: number }): Promise<void> {
    const refused = refusal(change);
    if (refused) return Promise.reject(refused);
    return this.change(() => {
      const { advanceMs = 0, scale = this.state.scale } = change;
      const anchorVirtual = this.now() + advanceMs;
      if (anchorVirtual > MAX_TIME)
        throw new RangeError(`The clock cannot pass ${new Date(MAX_TIME).toISOString()}`);
      return { anchorReal: Date.now(), anchorVirtual, scale };
    });
  }

  /**
   * Has every change wait for `settle` before it applies. The local cloud lets the workflows in motion
   * reach their next wait first (StepFunctionsEngine.settled): a step that computed a wait's length in
   * seconds before the jump, and whose wait began after it, would otherwise count those seconds from
   * the far side of the jump. A visit's reminder was saved, the clock jumped past the visit, and the
   * missed visit came days late (visits-custody.test.ts).
   */
  settleBeforeChanges(settle: () => Promise<void>): void {
    this.settle = settle;
  }

  /** Computes the next state after every earlier change, persists it, and only then applies it. */
  private change(next: () => ClockState): Promise<void> {
    const done = this.changes.then(async () => {
      await this.settle();
      const state = next();
      await this.persist(state);
      this.state = state;
      this.rearmAll();
    });
    // The caller hears of a failed change through `done`; the chain only must not stop at it.
    this.changes = done.catch(() => {});
    return done;
  }

  /** Resolves once virtual time reaches `deadline` (epoch ms), or when `signal` aborts (then it rejects). */
  sleepUntil(deadline: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer: Timer = { deadline, resolve: () => {} };
      const onAbort = () => {
        this.disarm(timer);
        reject(signal?.reason);
      };
      timer.resolve = () => {
        this.disarm(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      if (deadline <= this.now()) return timer.resolve();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.timers.add(timer);
      if (deadline < this.armedFor) this.armFor(deadline);
    });
  }

  /**
   * Calls `wake` once virtual time reaches `deadline` (epoch ms); answers a function that cancels it.
   * A parked execution keeps one for days: no promise and no AbortSignal, which cost it about 1 KB more.
   */
  at(deadline: number, wake: () => void): () => void {
    const timer: Timer = {
      deadline,
      resolve: () => {
        this.disarm(timer);
        wake();
      },
    };
    this.timers.add(timer);
    // Due already: woken on the next microtask, as a sleeper would be, never before this returns.
    if (deadline <= this.now()) queueMicrotask(() => this.timers.has(timer) && timer.resolve());
    else if (deadline < this.armedFor) this.armFor(deadline);
    return () => this.disarm(timer);
  }

  /** Stops every pending timer (on shutdown); their sleepers never wake. */
  dispose(): void {
    clearTimeout(this.handle);
    this.armedFor = Number.POSITIVE_INFINITY;
    this.timers.clear();
  }

  /** Sets the one Node timer to fire when virtual time reaches `deadline`. */
  private armFor(deadline: number): void {
    clearTimeout(this.handle);
    this.armedFor = deadline;
    // setTimeout overflows past 2^31-1 ms; a long sleep wakes early and re-arms.
    const delay = Math.min(Math.ceil((deadline - this.now()) / this.state.scale), MAX_TIMEOUT_MS);
    this.handle = setTimeout(() => this.wakeDue(), Math.max(delay, 0));
  }

  /** Wakes every sleeper whose deadline has come, earliest first, and arms for the next one. */
  private wakeDue(): void {
    clearTimeout(this.handle);
    this.armedFor = Number.POSITIVE_INFINITY;
    const now = this.now();
    const due: Timer[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const timer of this.timers) {
      if (timer.deadline <= now) due.push(timer);
      else next = Math.min(next, timer.deadline);
    }
    for (const timer of due.sort((a, b) => a.deadline - b.deadline)) timer.resolve();
    if (next < Number.POSITIVE_INFINITY) this.armFor(next);
  }

  private disarm(timer: Timer): void {
    this.timers.delete(timer);
    if (this.timers.size === 0) {
      clearTimeout(this.handle);
      this.armedFor = Number.POSITIVE_INFINITY;
    }
  }

  private rearmAll(): void {
    this.wakeDue();
  }
}
