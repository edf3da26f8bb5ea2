/**
 * Memory per waiting case (part of `npm run bench`; issue 11): what a process holding N cases that
 * wait at the depot (parked) costs beyond one holding none. Printed, never asserted.
 *
 *   npm exec -- node --import tsx bench/waiting-memory.ts [N=1000]
 *
 * Each figure comes from a fresh process, because RSS is a high-water mark: a process that opened the
 * cases keeps the memory its allocator and LevelDB took while opening them (the first batch of cases
 * grows it by hundreds of KB a case, mostly glibc malloc arenas, which a fresh process holding the same
 * cases does not need). So:
 *  1. seed: a process opens N cases on a data directory, in two halves, and waits until each is parked
 *     (it prints how much it grew with each half: the high-water, not the cost of waiting);
 *  2. hold: a fresh process starts on that directory, resumes the N parked cases and is measured after
 *     GC; the same on a directory holding one case (the baseline). Per case = the difference / N.
 * Each hold runs twice and the figures are their mean. The figure includes everything the local cloud
 * keeps per waiting case, in one process as `npm start` runs it: the engine's parked entry and timer,
 * the mailbox's copy of each notice (the latest 2,000), dynalite's LevelDB (its block cache fills up to
 * 8 MB and then stays), and the allocator's share of them.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalCloud } from '../local/cloud.ts';

/** One process's memory after GC, in bytes. */
export interface Footprint {
  rss: number;
  heap: number;
  external: number;
}

export interface WaitingMemoryFigures {
  cases: number;
  /** Per waiting case, in bytes: fresh process with N parked minus fresh process with none. */
  perCase: Footprint;
  /** Growth of the process that opened them, per case, for the first and the second half. */
  opening: { first: Footprint; second: Footprint };
  /** Fresh processes' RSS, bytes: [baseline, with N] for each of the two holds. */
  holds: [number, number][];
}

const SELF = fileURLToPath(import.meta.url);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** Runs this file in a fresh Node with `--expose-gc` in `role`; answers the figures it prints. */
async function child<T>(role: 'seed' | 'hold', dataDir: string, cases: number): Promise<T> {
  const process_ = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', SELF, role, dataDir, String(cases)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  process_.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  const code = await new Promise((resolve) => process_.on('exit', resolve));
  const line = out.split('\n').find((l) => l.startsWith('BENCH_JSON '));
  if (code !== 0 || !line) throw new Error(`bench/waiting-memory.ts ${role} exited (${code}):\n${out}`);
  return JSON.parse(line.slice('BENCH_JSON '.length)) as T;
}

export async function waitingMemoryBench(cases: number, log = console.log): Promise<WaitingMemoryFigures> {
  const withCases = mkdtempSync(path.join(tmpdir(), 'fairfix-bench-memory-'));
  const baseline = mkdtempSync(path.join(tmpdir(), 'fairfix-bench-memory-0-'));
  try {
    const seeded = await child<{ before: Footprint; first: Footprint; second: Footprint }>(
      'seed',
      withCases,
      cases,
    );
    await child('seed', baseline, 0);
    log(`  seeded ${cases} waiting cases; holding them in fresh processes`);
    const holds: [Footprint, Footprint][] = [];
    for (let i = 0; i < 2; i++)
      holds.push([
        await child<Footprint>('hold', baseline, 0),
        await child<Footprint>('hold', withCases, cases),
      ]);
    const mean = (key: keyof Footprint) =>
      holds.reduce((sum, [none, many]) => sum + many[key] - none[key], 0) / holds.length / cases;
    const half = cases / 2;
    const grown = (from: Footprint, to: Footprint): Footprint => ({
      rss: (to.rss - from.rss) / half,
      heap: (to.heap - from.heap) / half,
      external: (to.external - from.external) / half,
    });
    return {
      cases,
      perCase: { rss: mean('rss'), heap: mean('heap'), external: mean('external') },
      opening: { first: grown(seeded.before, seeded.first), second: grown(seeded.first, seeded.second) },
      holds: holds.map(([none, many]) => [none.rss, many.rss]),
    };
  } finally {
    rmSync(withCases, { recursive: true, force: true });
    rmSync(baseline, { recursive: true, force: true });
  }
}

export function describeWaitingMemory(figures: WaitingMemoryFigures): string {
  const { perCase, opening, holds } = figures;
  const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;
  return `  RSS per waiting case                   ${kb(perCase.rss)}   (goal 20 KB: ${perCase.rss <= 20 * 1024 ? 'met' : 'not met'})
  JS heap / external per waiting case    ${kb(perCase.heap)} / ${kb(perCase.external)}
  (a fresh process resuming ${figures.cases} parked cases minus one resuming one case, after GC, mean of ${holds.length}: ${holds.map(([none, many]) => `${mb(many)} - ${mb(none)}`).join(', ')};
   it includes the engine's parked entries, the mailbox's latest 2,000 notices, LevelDB's cache (up to 8 MB) and the allocator)
  growth of the process that opened them, per case: RSS ${kb(opening.first.rss)} for the first half, ${kb(opening.second.rss)} for the second
  (JS heap ${kb(opening.first.heap)} / ${kb(opening.second.heap)}): the allocator's high-water mark (docs/architecture.md, Figures), not what holding them costs`;
}

/** Memory after GC; the heap and external as Node reports them. */
async function settle(): Promise<Footprint> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('Run with node --expose-gc');
  for (let i = 0; i < 4; i++) {
    gc();
    await pause(250);
  }
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss, heap: heapUsed, external };
}

/** A child: `seed` opens `cases` cases (after one to warm up) and waits till they park; `hold` resumes them. */
async function runRole(role: string, dataDir: string, cases: number): Promise<unknown> {
  const cloud = await LocalCloud.start({
    dataDir,
    ports: { dynamodb: 0, stepFunctions: 0, http: 0 },
    parkWaits: true,
  });
  try {
    await cloud.engine.resumed;
    const parked = async (count: number) => {
      while (cloud.engine.parkedCount < count) await pause(200);
    };
    if (role === 'hold') {
      await parked(cases + 1);
      await pause(2000);
      return await settle();
    }
    const token = cloud.tokens.issue({ tenant: 'acme', role: 'customer', sub: 'memory@acme.example' });
    const open = (i: number) =>
      fetch(`${cloud.urls.http}/cases`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          customer: {
            name: 'Ada',
            email: 'ada@example.com',
            preferredChannel: 'email',
            address: { street: ['12 Row'], postcode: 'NW1 6XE', city: 'London', country: 'GB' },
          },
          device: {
            serial: `SN-MEM-${i}-${Date.now()}`,
            model: 'Cam 3',
            purchaseDate: '2026-03-01',
            firmware: '3.1.0',
          },
          problem: {
            description: 'Stopped powering on',
            category: 'does-not-power-on',
            symptoms: ['no LED'],
          },
        }),
      }).then(async (response) => {
        const body = await response.text();
        if (response.status !== 201) throw new Error(`POST /cases answered ${response.status}: ${body}`);
      });
    // Warm up: functions loaded, machines compiled; the baseline holds this one case.
    await open(-1);
    await parked(1);
    await pause(2000);
    const before = await settle();
    const half = Math.floor(cases / 2);
    let next = 0;
    const openUpTo = async (end: number) => {
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < end) await open(next++);
        }),
      );
      await parked(end + 1);
      return settle();
    };
    const first = await openUpTo(half);
    const second = await openUpTo(cases);
    return { before, first, second };
  } finally {
    await cloud.stop();
  }
}

if (process.argv[1] === SELF) {
  const [role, dataDir, count] = process.argv.slice(2);
  if ((role === 'seed' || role === 'hold') && dataDir) {
    console.log(`BENCH_JSON ${JSON.stringify(await runRole(role, dataDir, Number(count)))}`);
    process.exit(0);
  }
  const cases = Number(role ?? 1000);
  if (!Number.isInteger(cases) || cases < 2)
    throw new Error(`N must be a whole number of cases, 2 or more, got ${role}`);
  console.log(`memory per waiting case: ${cases} cases parked at the depot (Node ${process.version})`);
  console.log(describeWaitingMemory(await waitingMemoryBench(cases)));
}
