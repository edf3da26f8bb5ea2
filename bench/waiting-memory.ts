/**
 * Memory held per waiting case: opens N cases on a local cloud (data on disk), waits until each one
 * waits (parked) for its device at the depot, then measures the process (after GC) before and after the
 * engine closes. Figures are printed, never asserted.
 *
 *   npm exec -- node --expose-gc --import tsx bench/waiting-memory.ts [N=300]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalCloud } from '../local/cloud.ts';

const N = Number(process.argv[2] ?? 300);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('Run with node --expose-gc');

async function settle(): Promise<{ rss: number; heap: number; external: number }> {
  for (let i = 0; i < 4; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss, heap: heapUsed, external };
}
const mb = (bytes: number) => (bytes / 1_048_576).toFixed(3);

const dataDir = mkdtempSync(path.join(tmpdir(), 'fairfix-memory-'));
const cloud = await LocalCloud.start({
  dataDir,
  ports: { dynamodb: 0, stepFunctions: 0, http: 0 },
  parkWaits: true,
});
try {
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
        problem: { description: 'Stopped powering on', category: 'does-not-power-on', symptoms: ['no LED'] },
      }),
    }).then((response) => response.text());
  // Warm up: functions loaded, machines compiled.
  await open(-1);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const before = await settle();

  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < N) await open(next++);
    }),
  );
  // Every case waits for its device, parked: the engine holds its timer, not its run.
  while (cloud.engine.parkedCount < N + 1) await new Promise((resolve) => setTimeout(resolve, 500));
  const waiting = await settle();
  await cloud.engine.close();
  const released = await settle();
  console.log(`${N} cases waiting at the depot, parked (Node ${process.version})
  per case, all in:               RSS ${mb((waiting.rss - before.rss) / N)} MB, JS heap ${mb((waiting.heap - before.heap) / N)} MB, external ${mb((waiting.external - before.external) / N)} MB
  held by the waiting runs alone: JS heap ${mb((waiting.heap - released.heap) / N)} MB, external ${mb((waiting.external - released.external) / N)} MB
  (RSS is not given back to the system after GC, so only heap and external show what the runs held)`);
} finally {
  await cloud.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
