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
import { measure } from './measure.ts';

const opens = Number(process.argv[2] ?? 300);
const lifecycles = Number(process.argv[3] ?? 40);
const out = process.argv[4] ?? 'fairfix.cpuprofile';

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
  const opened = await measure(opens, 20, async (i) => {
    await driver.open(i);
  });
  console.log(
    `POST /cases: ${opens} at 20 concurrent, ${opened.perSecond.toFixed(1)}/s, p99 ${opened.p99.toFixed(0)} ms, ` +
      `${(cpuMs(cpu) / opens).toFixed(2)} ms CPU each`,
  );

  await cloud.clock.setScale(3600);
  cpu = process.cpuUsage();
  const lived = await measure(lifecycles, 8, async (i) => {
    await driver.happy(10_000 + i);
  });
  console.log(
    `lifecycles: ${lifecycles} at 8 concurrent, ${lived.perSecond.toFixed(2)}/s, ` +
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
