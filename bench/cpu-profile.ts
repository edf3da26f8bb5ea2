/**
 * A workload to profile the local cloud's CPU with (issue 13): POST /cases at 20 concurrent, then full
 * happy-path lifecycles, in one process, after a warm-up (start, synthesis and first imports are not
 * profiled). It writes the V8 profile of the measured part; sum it by function and by package with
 * bench/profile-summary.ts:
 *
 *   npm exec -- node --import tsx bench/cpu-profile.ts [opens] [lifecycles] [out.cpuprofile]
 *   npm exec -- node --import tsx bench/profile-summary.ts out.cpuprofile
 *
 * It prints the CPU (user + system) per open and per lifecycle the process spent, the figures the
 * bench reports too, so one run gives both the where and the how much.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalCloud } from '../local/cloud.ts';
import { lifecycleDriver } from './lifecycle.ts';

const opens = Number(process.argv[2] ?? 300);
const lifecycles = Number(process.argv[3] ?? 40);
const out = process.argv[4] ?? 'fairfix.cpuprofile';

async function atOnce(total: number, concurrency: number, task: (i: number) => Promise<unknown>) {
  let next = 0;
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        await task(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return latencies[Math.min(latencies.length - 1, Math.floor(0.99 * latencies.length))] ?? 0;
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

const dataDir = mkdtempSync(path.join(tmpdir(), 'fairfix-profile-'));
const cloud = await LocalCloud.start({ dataDir, ports: { dynamodb: 0, stepFunctions: 0, http: 0 } });
try {
  const driver = lifecycleDriver(cloud);
  // Warm up: every function imported once, the policy cached, before anything is counted.
  await cloud.clock.setScale(3600);
  await driver.happy(90_000);
  await cloud.clock.setScale(1);

  const profiler = new Session();
  profiler.connect();
  // `-` for the output runs the workload unprofiled: the profiler's own CPU is left out of the figures.
  if (out !== '-') {
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  let cpu = process.cpuUsage();
  let t0 = performance.now();
  const p99 = await atOnce(opens, 20, (i) => driver.open(i));
  const openSeconds = (performance.now() - t0) / 1000;
  console.log(
    `POST /cases: ${opens} at 20 concurrent, ${(opens / openSeconds).toFixed(1)}/s, p99 ${p99.toFixed(0)} ms, ` +
      `${(cpuMs(cpu) / opens).toFixed(2)} ms CPU each`,
  );

  await cloud.clock.setScale(3600);
  cpu = process.cpuUsage();
  t0 = performance.now();
  await atOnce(lifecycles, 8, (i) => driver.happy(10_000 + i));
  const lifeSeconds = (performance.now() - t0) / 1000;
  console.log(
    `lifecycles: ${lifecycles} at 8 concurrent, ${(lifecycles / lifeSeconds).toFixed(2)}/s, ` +
      `${(cpuMs(cpu) / lifecycles).toFixed(1)} ms CPU each`,
  );
  if (out !== '-') {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(out, JSON.stringify(profile));
    console.log(`profile written to ${out}`);
  }
} finally {
  await cloud.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
