import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Clients, encountered, enteredStates, StepFunctions } from './clients.ts';
import {
  type CaseRun,
  drive,
  EXPECTED_OUTCOME,
  EXPECTED_SHIPMENTS,
  type JourneyContext,
  type Kind,
} from './journeys.ts';
import { CloudProcess, freePort } from './process.ts';

/**
 * The crash soak (issue 11, "Done when"): `local/main.ts` as its own process on a fresh data
 * directory; cases driven through depot, pickup, home-visit and return journeys by clients that retry
 * faithfully, while the process is SIGKILLed at random moments and started again; then cases opened
 * from the instant the last restart listens. Afterwards, through the public APIs only: nothing lost,
 * nothing twice, no execution run twice or FAILED, every case at its journey's end.
 */
export interface SoakOptions {
  /** Cases driven while the process is being killed. */
  cases: number;
  kills: number;
  /** Cases opened from the instant the cloud listens after the last restart. */
  instant: number;
  /** Journeys under way at once. */
  concurrency: number;
  seed: number;
  /** How long a journey waits for one step before it counts as stuck (ms). */
  stepTimeoutMs: number;
  /** Keep the data directory afterwards (its path is printed). */
  keep: boolean;
  /** A synthesized template each start serves (FAIRFIX_TEMPLATE); omitted, each start synthesizes. */
  templatePath?: string;
  log: (line: string) => void;
}

export const DEFAULTS: SoakOptions = {
  cases: 150,
  kills: 3,
  instant: 30,
  concurrency: 40,
  seed: Date.now() % 1_000_000,
  stepTimeoutMs: 240_000,
  keep: false,
  log: (line) => console.log(line),
};

export interface SoakReport {
  violations: string[];
  figures: Record<string, string | number>;
}

/** mulberry32: a small seeded generator, so that a seed repeats the same kill moments and mix. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const KINDS: Kind[] = ['depot', 'visit', 'return', 'depot', 'visit', 'pickup'];
/** Requests a journey makes (opening, events, answers): the soak's measure of how far it is. */
const STEPS: Record<Kind, number> = { depot: 6, pickup: 6, visit: 6, return: 3 };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runSoak(given: Partial<SoakOptions> = {}): Promise<SoakReport> {
  const options = { ...DEFAULTS, ...given };
  const { log } = options;
  const rand = random(options.seed);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'fairfix-soak-'));
  const cloud = new CloudProcess(
    dataDir,
    { dynamodb: await freePort(), stepFunctions: await freePort(), http: await freePort() },
    options.templatePath,
  );
  const api = new Clients(cloud);
  const sfn = new StepFunctions(cloud);
  const run = Date.now().toString(36);
  const makeRun = (index: number, kind: Kind, instant: boolean): CaseRun => ({
    index,
    kind,
    key: `soak-${run}-${index}`,
    sub: `soak-customer-${index % 7}@acme.example`,
    instant,
    phase: 'not started',
    finished: false,
    problems: [],
  });
  const runs = Array.from({ length: options.cases }, (_, i) =>
    makeRun(i, KINDS[Math.floor(rand() * KINDS.length)] as Kind, false),
  );
  const instantRuns = Array.from({ length: options.instant }, (_, i) =>
    makeRun(options.cases + i, KINDS[i % KINDS.length] as Kind, true),
  );
  const totalSteps = runs.reduce((sum, r) => sum + STEPS[r.kind], 0);
  let steps = 0;
  const ctx: JourneyContext = {
    api,
    sfn,
    progressed: () => {
      steps++;
    },
    stepTimeoutMs: options.stepTimeoutMs,
    clockLock: { current: Promise.resolve() },
  };
  const figures: SoakReport['figures'] = {
    seed: options.seed,
    dataDir,
    template: options.templatePath ? 'synthesized once (FAIRFIX_TEMPLATE)' : 'synthesized on each start',
  };
  const violations: string[] = [];
  const started = Date.now();

  try {
    log(
      `Soak (seed ${options.seed}): ${runs.length} cases, ${options.kills} kills, ${instantRuns.length} instant cases; data in ${dataDir}`,
    );
    cloud.spawn();
    figures['first start: spawn to serving (ms)'] = await cloud.ready();

    // Kill moments: random points of the drive's progress (10% to 85% of its requests), each a random
    // instant after that point, so that kills land mid-request, mid-step, mid-recovery.
    const thresholds = Array.from({ length: options.kills }, () => 0.1 + rand() * 0.75).sort((a, b) => a - b);
    const instantDrives: Promise<void>[] = [];
    const killer = (async () => {
      for (const [k, threshold] of thresholds.entries()) {
        while (steps < threshold * totalSteps && runs.some((r) => !r.finished)) await pause(20);
        await pause(Math.floor(rand() * 1500));
        const at = Math.round((100 * steps) / totalSteps);
        await cloud.kill();
        log(`kill ${k + 1}: SIGKILL at ${at}% of the drive's requests (${steps}/${totalSteps})`);
        await pause(Math.floor(rand() * 300));
        cloud.spawn();
        if (k === thresholds.length - 1) {
          // Customers who were waiting: they open the instant the port accepts, retrying each 503.
          for (const instant of instantRuns) instantDrives.push(drive(instant, ctx));
        }
        const ms = await cloud.ready();
        figures[`restart ${k + 1}: spawn to serving (ms)`] = ms;
        log(`restart ${k + 1}: serving ${ms} ms after the spawn`);
      }
      if (options.kills === 0) for (const instant of instantRuns) instantDrives.push(drive(instant, ctx));
    })();

    let next = 0;
    const progress = setInterval(() => {
      const done = runs.filter((r) => r.finished).length + instantRuns.filter((r) => r.finished).length;
      log(`  ${Math.round((Date.now() - started) / 1000)} s: ${done} cases done, ${steps} requests answered`);
      if (encountered.recent.length > 0) log(`    last retried: ${encountered.recent.join(' | ')}`);
      encountered.recent.length = 0;
    }, 15_000);
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next < runs.length) {
          const item = runs[next++] as CaseRun;
          await drive(item, ctx);
        }
      }),
    );
    await killer;
    await Promise.all(instantDrives);
    clearInterval(progress);
    figures['drive (s)'] = Math.round((Date.now() - started) / 1000);
    if (!cloud.alive) throw new Error(`The cloud died:\n${cloud.output.join('')}`);

    const all = [...runs, ...instantRuns];
    violations.push(...(await verify(all, api, sfn, figures)));
    for (const r of all) for (const problem of r.problems) violations.push(`${label(r)}: ${problem}`);
    figures.cases = all.length;
    for (const kind of new Set(all.map((r) => r.kind)))
      figures[`cases: ${kind}`] = all.filter((r) => r.kind === kind).length;
    figures['requests that found the cloud down'] = encountered.unreachable;
    figures['503 answers (starting)'] = encountered.unavailable;
    figures['other 5xx answers (retried)'] = encountered.serverErrors;
    for (const sample of encountered.serverErrorSamples) log(`  5xx: ${sample}`);
    figures['total (s)'] = Math.round((Date.now() - started) / 1000);
    return { violations, figures };
  } catch (error) {
    violations.push(`The soak could not finish: ${(error as Error).stack ?? String(error)}`);
    return { violations, figures };
  } finally {
    await cloud.kill();
    if (violations.length > 0) {
      // Everything the cloud printed, each start's output marked, for whoever looks into it.
      const file = path.join(tmpdir(), `fairfix-soak-${options.seed}-cloud.log`);
      writeFileSync(file, cloud.output.join(''));
      log(`What the cloud printed: ${file}`);
    }
    if (options.keep) log(`Data kept in ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

const label = (r: CaseRun) => `${r.kind}${r.instant ? ' (instant)' : ''} case ${r.caseId ?? r.key}`;

interface Exported {
  case: {
    status: string;
    outcome?: string;
    shipments: { direction: 'to-depot' | 'to-customer'; trackingNumber: string; labelDocumentId: string }[];
    notifications: { text: string; to: string; channel: string }[];
    timeline: { type: string; summary: string; by: string }[];
  };
}

/** Everything the soak promises, checked through the APIs a client has. */
async function verify(
  all: CaseRun[],
  api: Clients,
  sfn: StepFunctions,
  figures: SoakReport['figures'],
): Promise<string[]> {
  const violations: string[] = [];
  const agent = { role: 'agent', sub: 'agent@acme.example' };

  // Lost: an opening that never got a case, or a case the cloud does not know.
  // Twice: an execution per case, and none the soak did not open (a retried opening that opened another).
  const executions = await sfn.executions();
  const byName = new Map<string, string[]>();
  for (const execution of executions)
    byName.set(execution.name, [...(byName.get(execution.name) ?? []), execution.status]);
  const known = new Set(all.map((r) => r.caseId).filter(Boolean));
  let lost = 0;
  let failed = 0;
  for (const r of all) {
    if (!r.caseId) {
      lost++;
      violations.push(`${label(r)}: lost, its opening was never answered with a case`);
      continue;
    }
    const statuses = byName.get(r.caseId) ?? [];
    if (statuses.length !== 1) violations.push(`${label(r)}: ${statuses.length} executions`);
    if (statuses.includes('FAILED')) failed++;
    if (statuses[0] !== 'SUCCEEDED')
      violations.push(`${label(r)}: execution ${statuses.join(', ') || 'missing'}`);
  }
  for (const name of byName.keys())
    if (!known.has(name))
      violations.push(`execution ${name}: a case no client opened (an opening run twice?)`);

  let duplicated = 0;
  let twice = 0;
  let entered = 0;
  let wrongEnd = 0;
  let detoured = 0;
  for (const r of all) {
    if (!r.caseId) continue;
    const answer = await api.request<Exported>('GET', `/cases/${r.caseId}/export`, { as: agent });
    if (answer.status !== 200) {
      lost++;
      violations.push(`${label(r)}: lost, its export answers ${answer.status}`);
      continue;
    }
    const kase = answer.body.case;
    if (kase.status !== 'closed' || kase.outcome !== EXPECTED_OUTCOME[r.kind]) {
      wrongEnd++;
      violations.push(
        `${label(r)}: ends ${kase.status}/${kase.outcome}, expected closed/${EXPECTED_OUTCOME[r.kind]}`,
      );
    }
    // No deadline of these journeys passes (the soak moves the clock by minutes, its deadlines are hours
    // and days) and no step fails: an escalation or a hand-over is a wait a kill ended early or a step it
    // failed, even on a case that then reached its end.
    const detours = kase.timeline.filter((e) => e.type === 'escalated' || e.type === 'handed-to-person');
    if (detours.length > 0) {
      detoured++;
      violations.push(
        `${label(r)}: ${detours.map((e) => `${e.type}: ${e.summary.slice(0, 200)}`).join('; ')}`,
      );
    }
    const found: string[] = [];
    for (const direction of ['to-depot', 'to-customer'] as const) {
      // Fewer is a case short of its end (reported as such); more is a label issued twice.
      const labels = kase.shipments.filter((s) => s.direction === direction);
      if (labels.length > EXPECTED_SHIPMENTS[r.kind][direction])
        found.push(`${labels.length} ${direction} labels`);
    }
    found.push(
      ...repeated(
        kase.notifications.map((n) => `${n.channel}|${n.to}|${n.text}`),
        'notice',
      ),
    );
    found.push(
      ...repeated(
        kase.timeline.map((e) => `${e.type}|${e.by}|${e.summary}`),
        'timeline entry',
      ),
    );
    if (found.length > 0) {
      duplicated++;
      violations.push(`${label(r)}: duplicated ${found.join('; ')}`);
    }

    // Run twice: the execution's history, as GetExecutionHistory gives it, enters each state at most
    // once on these journeys (no deadline passes, nothing is retried by the workflow).
    const history = await sfn.history(r.caseId);
    const names = enteredStates(history);
    entered += names.length;
    const counts = new Map<string, number>();
    for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
    const over = [...counts].filter(([, count]) => count > 1).map(([name, count]) => `"${name}" ×${count}`);
    const starts = history.filter((event) => event.type === 'ExecutionStarted').length;
    if (starts !== 1) over.push(`ExecutionStarted ×${starts}`);
    if (over.length > 0) {
      twice++;
      violations.push(`${label(r)}: run twice, history enters ${over.join(', ')}`);
    }
  }
  Object.assign(figures, {
    'lost cases': lost,
    'cases with duplicated labels/notices/timeline entries': duplicated,
    'executions run twice': twice,
    'FAILED executions': failed,
    'cases not at their expected end': wrongEnd,
    'cases escalated or handed to a person': detoured,
    'states entered (all histories)': entered,
  });
  return violations;
}

function repeated(keys: string[], what: string): string[] {
  const seen = new Map<string, number>();
  for (const key of keys) seen.set(key, (seen.get(key) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([key, n]) => `${what} ×${n}: ${key.slice(0, 120)}`);
}
