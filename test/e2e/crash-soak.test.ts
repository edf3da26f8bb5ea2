import { describe, expect, inject, it } from 'vitest';
import { runSoak } from './soak/crash-soak.ts';

/**
 * The crash soak in small (`npm run soak` is the full one, docs/local-cloud.md "The crash soak"):
 * `local/main.ts` as its own process, about twenty cases driven through depot, pickup, visit and
 * return journeys, one SIGKILL at a random moment and a restart, and a few cases opened from the
 * instant the restarted cloud listens. FAIRFIX_SOAK_SEED repeats a run's kill moment and mix.
 */
describe('the crash soak, short', () => {
  it('loses nothing, repeats nothing, runs no execution twice, and ends every case where its journey ends', async () => {
    const seed = Number(process.env.FAIRFIX_SOAK_SEED ?? Date.now() % 1_000_000);
    const lines: string[] = [];
    const report = await runSoak({
      cases: 18,
      kills: 1,
      instant: 6,
      concurrency: 18,
      seed,
      stepTimeoutMs: 120_000,
      templatePath: inject('templatePath'),
      log: (line) => lines.push(line),
    });
    console.log([...lines, ...Object.entries(report.figures).map(([k, v]) => `  ${k}: ${v}`)].join('\n'));
    expect(report.violations, `seed ${seed}`).toEqual([]);
  }, 300_000);
});
