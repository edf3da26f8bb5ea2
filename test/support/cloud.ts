import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { inject } from 'vitest';
import { LocalCloud } from '../../local/cloud.ts';
import type { CfnTemplate } from '../../local/template.ts';

/** The template synthesized once for this run by the global setup. */
export function sharedTemplate(): CfnTemplate {
  return JSON.parse(readFileSync(inject('templatePath'), 'utf8'));
}

/**
 * A local cloud for one test file: in memory, on free ports, from the shared template. Its
 * functions' SDK clients are pointed at it through the standard AWS_ENDPOINT_URL_* variables, which
 * is why a file starts one cloud and keeps it. Waiting executions park, as by default; `parkWaits:
 * false` holds them in memory, as `FAIRFIX_PARK_WAITS=off` does.
 */
export function startTestCloud(clockScale = 1, options: { parkWaits?: boolean } = {}): Promise<LocalCloud> {
  return LocalCloud.start({
    template: sharedTemplate(),
    ports: { dynamodb: 0, stepFunctions: 0, http: 0 },
    clockScale,
    ...options,
  });
}

/** Polls `probe` until it returns something other than undefined, or fails after `ms`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  ms = 10_000,
  what = 'the condition',
): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`Timed out after ${ms} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** A port nothing listens on now, for a cloud that must keep its ports across restarts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
