/** What the clock persists so time keeps counting across restarts: virtual time at a real instant, and the speed. */
export interface ClockState {
  anchorReal: number;
  anchorVirtual: number;
  scale: number;
}

interface Timer {
  deadline: number;
  resolve: () => void;
  handle?: NodeJS.Timeout;
}

const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * The local cloud's time. SLAs are days long; tests and demos need them in milliseconds, so time can
 * run faster (`scale`) or jump (`advance`). Every Wait state, task timeout and function sees this clock,
 * and deadlines are stored as virtual epoch milliseconds, so they survive a restart unchanged.
 */
export class LocalClock {
  private readonly timers = new Set<Timer>();

  constructor(
    private state: ClockState,
    private readonly persist: (state: ClockState) => Promise<void> = async () => {},
  ) {}

  static fresh(scale = 1): ClockState {
    const now = Date.now();
    return { anchorReal: now, anchorVirtual: now, scale };
  }

  now(): number {
    return this.state.anchorVirtual + (Date.now() - this.state.anchorReal) * this.state.scale;
  }

  get scale(): number {
    return this.state.scale;
  }

  snapshot(): ClockState {
    return { ...this.state };
  }

  /** Moves time forward; everything due by then fires. */
  async advance(ms: number): Promise<number> {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError('The clock only moves forward: give a positive number of ms');
    this.state = { anchorReal: Date.now(), anchorVirtual: this.now() + ms, scale: this.state.scale };
    await this.persist(this.state);
    this.rearmAll();
    return this.now();
  }

  /** Changes how many virtual milliseconds pass per real one, from now on. */
  async setScale(scale: number): Promise<void> {
    if (!Number.isFinite(scale) || scale <= 0)
      throw new RangeError('The clock scale must be a positive number');
    this.state = { anchorReal: Date.now(), anchorVirtual: this.now(), scale };
    await this.persist(this.state);
    this.rearmAll();
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
      signal?.addEventListener('abort', onAbort, { once: true });
      this.timers.add(timer);
      this.arm(timer);
    });
  }

  /** Stops every pending timer (on shutdown); their sleepers never wake. */
  dispose(): void {
    for (const timer of this.timers) this.disarm(timer);
  }

  private arm(timer: Timer): void {
    clearTimeout(timer.handle);
    const remaining = timer.deadline - this.now();
    if (remaining <= 0) {
      timer.resolve();
      return;
    }
    // setTimeout overflows past 2^31-1 ms; long sleeps wake early and re-arm.
    const delay = Math.min(Math.ceil(remaining / this.state.scale), MAX_TIMEOUT_MS);
    timer.handle = setTimeout(() => this.arm(timer), delay);
  }

  private disarm(timer: Timer): void {
    clearTimeout(timer.handle);
    this.timers.delete(timer);
  }

  private rearmAll(): void {
    for (const timer of [...this.timers]) this.arm(timer);
  }
}
