import type { LocalFunction } from './template.ts';

/** The local cloud runs on a Node.js older than the Lambda runtime its functions declare. */
export class RuntimeVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuntimeVersionError';
  }
}

/**
 * Refuses to serve functions on an older Node.js than the runtime the template gives them: they run in
 * this process, as Lambda's runtime would run them, and on Node.js 20 the workflow hangs without an
 * error (seen on this project's machines). `npm start`, `npm test` and the other scripts run the
 * project's own Node.js 22, a devDependency; the machine's may be older.
 * @throws RuntimeVersionError saying which Node.js is needed and how to get it
 */
export function checkRuntime(functions: Pick<LocalFunction, 'runtime'>[], nodeVersion: string): void {
  const running = Number(nodeVersion.split('.')[0]);
  const needed = Math.max(
    0,
    ...functions.map(({ runtime }) => Number(/^nodejs(\d+)\./.exec(runtime)?.[1] ?? 0)),
  );
  if (running >= needed) return;
  throw new RuntimeVersionError(
    `the functions run on Lambda's nodejs${needed}.x runtime and need Node.js ${needed} or later here; ` +
      `this is Node.js ${nodeVersion}. Start fairfix through npm (npm start, npm test, npm run ...), ` +
      `which runs the project's own Node.js ${needed}, or run a script with npm exec -- node ...`,
  );
}
