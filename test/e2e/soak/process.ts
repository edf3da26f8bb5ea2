import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The repository's root: `local/main.ts` runs from there, as `npm start` runs it. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface Ports {
  dynamodb: number;
  stepFunctions: number;
  http: number;
}

/** A port nothing listens on now; the cloud keeps it across restarts, as clients keep their URL. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * `npm start` as a process of its own (node with tsx's loader, one process: SIGKILL ends all of it),
 * on a data directory and fixed ports, so that it can be killed and started again where it was.
 */
export class CloudProcess {
  private child: ChildProcess | undefined;
  /** What every start printed, for the report when something goes wrong. */
  readonly output: string[] = [];
  starts = 0;

  constructor(
    readonly dataDir: string,
    readonly ports: Ports,
    /** A template synthesized once for every start (FAIRFIX_TEMPLATE); omitted, each start synthesizes. */
    readonly templatePath?: string,
  ) {}

  get http(): string {
    return `http://127.0.0.1:${this.ports.http}`;
  }

  get stepFunctions(): string {
    return `http://127.0.0.1:${this.ports.stepFunctions}`;
  }

  /** Spawns the process and returns at once: clients find out when it serves, as real ones would. */
  spawn(): void {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null)
      throw new Error('The cloud is already running');
    const start = ++this.starts;
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        FAIRFIX_DATA_DIR: this.dataDir,
        FAIRFIX_DYNAMODB_PORT: String(this.ports.dynamodb),
        FAIRFIX_SFN_PORT: String(this.ports.stepFunctions),
        FAIRFIX_HTTP_PORT: String(this.ports.http),
        ...(this.templatePath ? { FAIRFIX_TEMPLATE: this.templatePath } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const record = (chunk: Buffer) => this.output.push(`[start ${start}] ${chunk.toString()}`);
    child.stdout?.on('data', record);
    child.stderr?.on('data', record);
    this.child = child;
  }

  /** Whether the process this object spawned last is still alive. */
  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGKILL: no handler runs, nothing is flushed, whatever was in flight is cut. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Resolves once GET /health answers 200; fails if the process exits first or after `ms`. */
  async ready(ms = 120_000): Promise<number> {
    const started = Date.now();
    while (Date.now() - started < ms) {
      if (!this.alive) throw new Error(`The cloud exited while starting:\n${this.output.join('')}`);
      try {
        const response = await fetch(`${this.http}/health`);
        await response.arrayBuffer();
        if (response.status === 200) return Date.now() - started;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`The cloud did not become ready within ${ms} ms:\n${this.output.join('')}`);
  }
}
