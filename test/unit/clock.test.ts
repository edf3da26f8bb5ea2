import { describe, expect, it } from 'vitest';
import { LocalClock } from '../../local/clock.ts';

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
});
