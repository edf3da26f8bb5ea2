import { describe, expect, it } from 'vitest';
import { type ClockState, ClockStateError, LocalClock, MAX_TIME } from '../../local/clock.ts';

describe('LocalClock', () => {
  it('runs faster by its scale', async () => {
    const clock = new LocalClock(LocalClock.fresh(1000));
    const before = clock.now();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(clock.now() - before).toBeGreaterThanOrEqual(15_000);
  });

  it('wakes a sleeper when advanced past its deadline, and not before', async () => {
    const clock = new LocalClock(LocalClock.fresh(1));
    const deadline = clock.now() + 3 * 86_400_000;
    let woke = false;
    const sleeping = clock.sleepUntil(deadline).then(() => {
      woke = true;
    });
    await clock.advance(86_400_000);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(woke).toBe(false);
    await clock.advance(2 * 86_400_000);
    await sleeping;
    expect(woke).toBe(true);
  });

  it('sleeps past the 2^31 ms setTimeout limit without firing early', async () => {
    const clock = new LocalClock(LocalClock.fresh(1));
    let woke = false;
    void clock.sleepUntil(clock.now() + 40 * 86_400_000).then(() => {
      woke = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(woke).toBe(false);
    clock.dispose();
  });

  it('wakes sleepers earliest first behind its one timer, and never a cancelled one', async () => {
    const clock = new LocalClock(LocalClock.fresh(1));
    const now = clock.now();
    const woke: string[] = [];
    void clock.sleepUntil(now + 3 * 86_400_000).then(() => woke.push('third'));
    const cancel = clock.at(now + 2 * 86_400_000, () => woke.push('cancelled'));
    clock.at(now + 2 * 86_400_000, () => woke.push('second'));
    clock.at(now + 86_400_000, () => woke.push('first'));
    clock.at(now + 30, () => woke.push('soon'));
    cancel();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(woke).toEqual(['soon']);
    await clock.advance(5 * 86_400_000);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(woke).toEqual(['soon', 'first', 'second', 'third']);
  });

  it('wakes a deadline already passed after `at` returns, not within it', async () => {
    const clock = new LocalClock(LocalClock.fresh(1));
    let woke = false;
    clock.at(clock.now() - 1, () => {
      woke = true;
    });
    expect(woke).toBe(false);
    await Promise.resolve();
    expect(woke).toBe(true);
  });

  it('keeps counting from its persisted state, as after a restart', () => {
    const state = { anchorReal: Date.now() - 1000, anchorVirtual: Date.UTC(2030, 0, 1), scale: 60 };
    const clock = new LocalClock(state);
    expect(clock.now()).toBeGreaterThanOrEqual(Date.UTC(2030, 0, 1) + 60_000);
  });

  it('rejects a sleeper when its signal aborts', async () => {
    const clock = new LocalClock(LocalClock.fresh(1));
    const abort = new AbortController();
    const sleeping = clock.sleepUntil(clock.now() + 60_000, abort.signal);
    abort.abort(new Error('stopped'));
    await expect(sleeping).rejects.toThrow('stopped');
  });

  it('refuses to move backwards', async () => {
    const clock = new LocalClock(LocalClock.fresh(1));
    await expect(clock.advance(-1)).rejects.toThrow(RangeError);
  });

  it('saves a change before applying it: when saving fails, time has not moved', async () => {
    const state = LocalClock.fresh(1);
    const clock = new LocalClock(state, async () => {
      throw new Error('disk full');
    });
    await expect(clock.advance(86_400_000)).rejects.toThrow('disk full');
    await expect(clock.setScale(60)).rejects.toThrow('disk full');
    expect(clock.snapshot()).toEqual(state);
  });

  it('applies a change only once what it settles first has settled, and refuses junk without waiting', async () => {
    const clock = new LocalClock(LocalClock.fresh(1));
    let settle = () => {};
    clock.settleBeforeChanges(() => new Promise<void>((resolve) => (settle = resolve)));
    const before = clock.now();
    const moving = clock.advance(86_400_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(clock.now() - before).toBeLessThan(86_400_000);
    await expect(clock.advance(-1)).rejects.toThrow(RangeError);
    settle();
    await moving;
    expect(clock.now() - before).toBeGreaterThanOrEqual(86_400_000);
  });

  it('moves at most 10 years at once, never past the end of ISO dates, and at a sane speed', async () => {
    const saved: ClockState[] = [];
    const clock = new LocalClock(LocalClock.fresh(1), async (state) => {
      saved.push(state);
    });
    const before = clock.snapshot();
    for (const ms of [8.65e15, 1e20, 10 * 366 * 86_400_000, Number.NaN])
      await expect(clock.advance(ms)).rejects.toThrow(RangeError);
    for (const scale of [0, -1, 1e300, 1e7, Number.POSITIVE_INFINITY])
      await expect(clock.setScale(scale)).rejects.toThrow(RangeError);
    expect(clock.snapshot()).toEqual(before);
    expect(saved).toEqual([]);
    const late = new LocalClock({ anchorReal: Date.now(), anchorVirtual: MAX_TIME - 1000, scale: 1 });
    await expect(late.advance(2000)).rejects.toThrow(RangeError);
    expect(new Date(late.now()).toISOString()).toMatch(/^\d{4}-/);
  });

  it('refuses, with a ClockStateError, a saved state it cannot run from', () => {
    const now = Date.now();
    for (const state of [
      { anchorReal: now, anchorVirtual: now + 8.65e15, scale: 1 },
      { anchorReal: now, anchorVirtual: now, scale: 0 },
      { anchorReal: now, anchorVirtual: 'soon', scale: 1 },
      {},
    ])
      expect(() => new LocalClock(state as ClockState)).toThrow(ClockStateError);
  });
});
