import { createHash, randomUUID } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import type { LocalClock } from '../clock.ts';
import { ACCOUNT, REGION } from '../template.ts';
import { SfnApiError } from './errors.ts';
import { ExecutionRun, endDetails, historyTypeOfEnd } from './execution-run.ts';
import type { ExecutionRecord, Journal, Parking, Position, TokenRecord } from './journal.ts';
import { type Definition, type Normalized, normalize } from './normalize.ts';

/** Runs a Task's Resource (a Lambda function, a DynamoDB call...) with its resolved parameters. */
export interface Integrations {
  assertSupported(resource: string, where: string): void;
  invoke(resource: string, parameters: unknown): Promise<unknown>;
}

export interface Machine {
  arn: string;
  name: string;
  definition: Definition;
  roleArn: string;
  creationDate: number;
  normalized: Normalized;
  topLevel: Set<string>;
  compiled: Map<string, StateMachine>;
  /** The definition's hash: each execution records the one it started on, and runs on it to its end. */
  version: string;
  /** Set once this process has stored the definition in the journal, under its hash. */
  stored?: Promise<void>;
}

/** How many stored executions recovery resumes at once, each until its step runs again. */
const RECOVERY_CONCURRENCY = 32;
/** How many stored executions recovery reads in one request. */
const RECOVERY_BATCH = 100;
/** How many parked waits hand their tokens out again at once after a crash (behind live traffic). */
const REDELIVERY_CONCURRENCY = 8;

/**
 * Where the engine is in its life. `starting`: it does not yet know which executions the journal holds,
 * so it takes no work. `resuming`: every stored execution is claimed (a StartExecution cannot race its
 * recovery any more, a token answered meanwhile waits in the journal for its run) and they are being
 * resumed. `ready`: all resumed. `closed`: nothing new runs here.
 */
export type EnginePhase = 'starting' | 'resuming' | 'ready' | 'closed';

/** A stored execution recovery has claimed but not resumed yet: nothing else may start a run for it. */
class Claim {
  private letGoNow: () => void = () => {};
  /** Settles once whoever holds the claim lets go of it (a run, a parked wait, or nothing in its place). */
  readonly released = new Promise<void>((resolve) => {
    this.letGoNow = resolve;
  });
  constructor(readonly executionArn: string) {}
  letGo(): void {
    this.letGoNow();
  }
}

/**
 * A waiting execution the engine holds without a run: all it keeps is a timer for when it must wake.
 * An answer to its token (SendTask*) or the timer wakes it: a new run goes on from its position.
 */
class Parked {
  readonly cancel: () => void;
  constructor(
    readonly parking: Parking,
    clock: LocalClock,
    wake: () => void,
  ) {
    this.cancel = parking.wakeAt === undefined ? () => {} : clock.at(parking.wakeAt, wake);
  }
}

/**
 * A Step Functions engine for the synthesized state machines: aws-local-stepfunctions interprets
 * the ASL; this runner adds what it lacks. Every execution's position (top-level state, its input,
 * when it was entered), task tokens and history are journaled, so after a crash each execution
 * resumes where it was, waits keep their deadlines, and tokens stay valid. An execution has at most
 * one run in this process: the registry below holds it (or recovery's claim on it) until it ends. A
 * run that has to wait (on its token, or in a Wait state) parks: the registry then holds only its
 * timer, so thousands of waiting cases cost next to no memory.
 */
export class StepFunctionsEngine {
  private readonly machines = new Map<string, Machine>();
  /** Earlier definitions of the machines, by ARN and hash, for the executions that started on them. */
  private readonly versions = new Map<string, Machine>();
  private readonly runs = new Map<string, ExecutionRun | Claim | Parked>();
  private current: EnginePhase = 'starting';
  private recovering: Promise<number> | undefined;
  private resuming: Promise<void> = Promise.resolve();
  private redelivering: Promise<void> = Promise.resolve();
  /** Executions answered while claimed (recovery or a wake reading them): woken if they park. */
  private readonly answeredWhileClaimed = new Set<string>();
  /** Recovery's progress: executions the journal held as running, and how many run again. */
  readonly recovery = { stored: 0, resumed: 0 };
  /** Steps waiting on a token in this process; SendTask* calls reach them here. */
  readonly waiters = new Map<string, { settle: (record: TokenRecord) => void; heartbeat: () => void }>();
  constructor(
    readonly journal: Journal,
    readonly clock: LocalClock,
    readonly integrations: Integrations,
    /** Kept in the journal: tokens derived from it stay valid across restarts. */
    private readonly tokenSecret: string,
    /**
     * Whether a waiting execution parks (no run in memory) or waits in memory as a run, as it did before
     * parking; `FAIRFIX_PARK_WAITS=off` keeps it in memory in the local cloud.
     */
    readonly parksWaits = true,
  ) {}

  get phase(): EnginePhase {
    return this.current;
  }

  /** Whether the execution has a run (or recovery's claim to one) in this process. */
  runsHere(executionArn: string): boolean {
    return this.runs.has(executionArn);
  }

  register(machine: {
    arn: string;
    name: string;
    definition: Record<string, unknown>;
    roleArn: string;
  }): void {
    this.machines.set(machine.arn, this.build(machine));
  }

  /** A machine ready to run: its definition normalized, its tasks supported, compiled from its start. */
  private build(machine: {
    arn: string;
    name: string;
    definition: Record<string, unknown>;
    roleArn: string;
  }): Machine {
    const definition = machine.definition as Definition;
    const normalized = normalize(definition);
    for (const [name, step] of normalized.steps) {
      if (step.kind === 'task')
        this.integrations.assertSupported(step.resource, `state "${name}" of ${machine.name}`);
    }
    const entry: Machine = {
      arn: machine.arn,
      name: machine.name,
      roleArn: machine.roleArn,
      definition,
      normalized,
      creationDate: this.clock.now(),
      topLevel: new Set(Object.keys(definition.States)),
      compiled: new Map(),
      version: createHash('sha256').update(JSON.stringify(definition)).digest('base64url'),
    };
    this.compiled(entry, definition.StartAt);
    return entry;
  }

  /**
   * The machine an execution runs on: the definition it started on, as on AWS, where an update of the
   * state machine never changes a running execution. A restart with changed sources registers a new
   * definition; executions started before it go on by theirs, read back from the journal. An
   * execution recorded before definitions were kept runs on the current one, as it always did.
   */
  private async machineOf(record: ExecutionRecord): Promise<Machine> {
    const current = this.machine(record.stateMachineArn);
    if (record.version === undefined || record.version === current.version) return current;
    const key = `${record.stateMachineArn}#${record.version}`;
    const known = this.versions.get(key);
    if (known) return known;
    const definition = await this.journal.definition(record.version);
    if (!definition) {
      console.error(
        `Execution ${record.executionArn} started on a definition the journal does not hold; it goes on by the current one.`,
      );
      return current;
    }
    const earlier = this.build({ ...current, definition: JSON.parse(definition) });
    this.versions.set(key, earlier);
    return earlier;
  }

  listMachines() {
    return [...this.machines.values()];
  }

  machine(arn: string): Machine {
    const machine = this.machines.get(arn);
    if (!machine) throw new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return machine;
  }

  /**
   * Resumes every execution the journal says is running: the durable half of the engine. Runs once,
   * before anything else may start work here. It resolves once every stored execution is claimed (from
   * then on a StartExecution of the same name finds it and starts nothing, and the APIs serve); they are
   * resumed behind it, a bounded number at a time, and `resumed` settles when all run again.
   */
  recover(): Promise<number> {
    if (this.current !== 'starting' || this.recovering)
      throw new Error('The engine recovers once, when it starts');
    this.recovering = this.claimStored();
    return this.recovering;
  }

  /**
   * Settles once every execution recovery claimed runs again or waits parked (its token answerable,
   * its timer set), or has ended.
   */
  get resumed(): Promise<void> {
    return this.resuming;
  }

  /**
   * After a start that followed a crash, settles once every parked wait has handed its token out again
   * (see redeliver); at once after a clean stop.
   */
  get redelivered(): Promise<void> {
    return this.redelivering;
  }

  /** How many executions wait here parked, without a run. */
  get parkedCount(): number {
    let parked = 0;
    for (const entry of this.runs.values()) if (entry instanceof Parked) parked++;
    return parked;
  }

  /**
   * Settles once every run in motion now (calling a task, writing its journal, going from state to
   * state) has come to rest at its next wait, parked or ended; at the latest after `limitMs` of real
   * time (a Retry's interval or a slow task may hold a run longer). Runs that start meanwhile do not
   * hold it. The local clock waits for this before it jumps (LocalClock.settleBeforeChanges).
   */
  async settled(limitMs = 5_000): Promise<void> {
    const moving = [...this.runs.values()]
      .filter((entry): entry is ExecutionRun => entry instanceof ExecutionRun && entry.moving)
      .map((run) => ({ run, rests: run.rests }));
    const until = Date.now() + limitMs;
    const stillMoving = () => moving.some(({ run, rests }) => run.moving && run.rests === rests);
    while (stillMoving() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  /** Whether the execution waits here parked, without a run. */
  isParked(executionArn: string): boolean {
    return this.runs.get(executionArn) instanceof Parked;
  }

  private async claimStored(): Promise<number> {
    const clean = await this.journal.takeCleanStop();
    const stored = (await this.journal.runningIndex()).filter((entry) =>
      this.machines.has(entry.stateMachineArn),
    );
    if (this.current === 'closed') return 0;
    const claims = stored.map(({ executionArn }) => {
      const claim = new Claim(executionArn);
      this.runs.set(executionArn, claim);
      return claim;
    });
    this.recovery.stored = claims.length;
    this.current = 'resuming';
    const parkedWithTokens: string[] = [];
    this.resuming = this.resumeClaimed(claims, parkedWithTokens).then(
      () => {
        if (this.current === 'resuming') this.current = 'ready';
        if (!clean) this.redelivering = this.redeliver(parkedWithTokens);
      },
      (error: unknown) => {
        // The store failed past its retries: what is not resumed stays RUNNING, for the next start.
        console.error(
          `Recovery stopped with ${this.recovery.stored - this.recovery.resumed} executions not resumed; they resume on the next start:`,
          error,
        );
      },
    );
    return claims.length;
  }

  private async resumeClaimed(claims: Claim[], parkedWithTokens: string[]): Promise<void> {
    const batches: Claim[][] = [];
    for (let i = 0; i < claims.length; i += RECOVERY_BATCH) batches.push(claims.slice(i, i + RECOVERY_BATCH));
    // A batch is read while the one before resumes: reads and resumes overlap, each bounded.
    let reading = batches.length > 0 ? this.readClaimed(batches[0] as Claim[]) : undefined;
    for (let b = 0; b < batches.length; b++) {
      const { records, waiting } = await (reading as ReturnType<StepFunctionsEngine['readClaimed']>);
      reading = b + 1 < batches.length ? this.readClaimed(batches[b + 1] as Claim[]) : undefined;
      if (this.current === 'closed') return;
      const toRun: ExecutionRecord[] = [];
      for (const record of records) {
        const parking = record.position?.parked;
        // Parked, and its token still unanswered (or a timer only): parked again, no run needed.
        if (parking && (!parking.token || waiting.has(parking.token))) {
          if (this.runs.get(record.executionArn) instanceof Claim) this.rest(record.executionArn, parking);
          if (parking.token) parkedWithTokens.push(record.executionArn);
          this.recovery.resumed++;
        } else toRun.push(record);
      }
      await eachConcurrently(toRun, RECOVERY_CONCURRENCY, (record) => this.resumeOne(record));
    }
  }

  /**
   * After a crash, every parked wait hands its token out again, a few at a time behind live traffic:
   * the app may have recorded an answer and died before sending it (SendTaskSuccess), and handing the
   * token out again is how that answer reaches the execution (the case workflow's await-case-event
   * delivers it). Before parking, every resume did this; a parked wait is answerable meanwhile.
   */
  private async redeliver(executionArns: readonly string[]): Promise<void> {
    await eachConcurrently(executionArns, REDELIVERY_CONCURRENCY, async (executionArn) => {
      if (this.current === 'closed') return;
      const run = await this.wake(executionArn, true);
      // Until it has let go again (parked), or is running on: a slot per wait being handed out.
      await run?.done;
    });
  }

  /**
   * The claimed executions' records, and which tokens of the parked ones still wait; a claim with no
   * running execution behind it is let go.
   */
  private async readClaimed(batch: Claim[]) {
    const records = await this.journal.getExecutions(batch.map((claim) => claim.executionArn));
    const running = new Map(
      records.filter((record) => record.status === 'RUNNING').map((record) => [record.executionArn, record]),
    );
    for (const claim of batch) {
      if (running.has(claim.executionArn)) continue;
      // Ended (or never created) after it was indexed: the process died before it was unindexed. A start
      // of the same name meanwhile waits for the claim to go, and indexes its execution again.
      await this.journal.unindex(claim.executionArn);
      if (this.runs.get(claim.executionArn) === claim) this.runs.delete(claim.executionArn);
      claim.letGo();
      this.recovery.resumed++;
    }
    const tokens = [...running.values()].flatMap((record) => record.position?.parked?.token ?? []);
    const waiting = new Set(
      (await this.journal.getTokens(tokens))
        .filter((token) => token.status === 'WAITING')
        .map((token) => token.token),
    );
    return { records: [...running.values()], waiting };
  }

  private async resumeOne(record: ExecutionRecord): Promise<void> {
    const claim = this.runs.get(record.executionArn);
    const nextEventId = await this.resumedEventId(record);
    // Stopped while waiting here, or the engine closed: nothing to resume.
    if (!(claim instanceof Claim) || this.runs.get(record.executionArn) !== claim) {
      this.recovery.resumed++;
      return;
    }
    const machine = await this.machineOf(record);
    if (this.runs.get(record.executionArn) !== claim) {
      this.recovery.resumed++;
      return;
    }
    this.runs.delete(record.executionArn);
    const run = this.launch({ ...record, nextEventId }, machine, record.position, true);
    claim.letGo();
    await run?.rearmed;
    this.recovery.resumed++;
  }

  /**
   * The history id a resumed run continues at: where its position was written, not where the history
   * ends. A run writes a step's history before its position (and an end's before the status), so a
   * process killed between the two left events past the position; the resumed run goes through those
   * states again and writes their events again, under the same ids, instead of after them. Only a
   * journal from before positions knew their id needs the history read.
   */
  private async resumedEventId(record: ExecutionRecord): Promise<number> {
    if (!record.position) return 1;
    if (record.position.nextEventId !== undefined) return record.position.nextEventId;
    const last = await this.journal.history(record.executionArn, 1, true);
    return (last.events[0]?.id ?? 0) + 1;
  }

  async startExecution(stateMachineArn: string, name: string | undefined, input: string | undefined) {
    this.assertServing();
    const machine = this.machine(stateMachineArn);
    const executionName = name ?? randomUUID();
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(executionName)) {
      throw new SfnApiError('InvalidName', `Invalid Name: '${executionName}'`);
    }
    const inputText = input ?? '{}';
    try {
      JSON.parse(inputText);
    } catch {
      throw new SfnApiError(
        'InvalidExecutionInput',
        'Invalid State Machine Execution Input: the input is not JSON',
      );
    }
    // Its definition is in the journal before any execution that runs on it.
    machine.stored ??= this.journal
      .saveDefinition(machine.version, JSON.stringify(machine.definition))
      .catch((error: unknown) => {
        machine.stored = undefined;
        throw error;
      });
    await machine.stored;
    const record: ExecutionRecord = {
      executionArn: `arn:aws:states:${REGION}:${ACCOUNT}:execution:${machine.name}:${executionName}`,
      stateMachineArn,
      name: executionName,
      status: 'RUNNING',
      input: inputText,
      startDate: this.clock.now(),
      nextEventId: 1,
      version: machine.version,
    };
    const { created, record: stored } = await this.journal.createExecution(record);
    if (!created) {
      // As on AWS: the same name and input while running is the same start; anything else is a conflict.
      if (stored.status === 'RUNNING' && stored.input === inputText) return stored;
      throw new SfnApiError('ExecutionAlreadyExists', `Execution Already Exists: '${stored.executionArn}'`);
    }
    const claim = this.runs.get(record.executionArn);
    if (claim instanceof Claim) {
      // Recovery holds the name: a process died as it started this execution (indexed, not created), and
      // the client asks again. Run at once, the start found the name taken and ran nothing; and recovery,
      // having read the execution as never created, dropped its index entry (the crash soak's case that
      // was opened and never planned). Once recovery lets go, the execution is indexed again and runs.
      await claim.released;
      await this.journal.index(record);
    }
    this.launch(record, machine, undefined);
    return record;
  }

  async describeExecution(executionArn: string): Promise<ExecutionRecord> {
    const record = await this.journal.getExecution(executionArn);
    if (!record)
      throw new SfnApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return record;
  }

  async stopExecution(executionArn: string, error?: string, cause?: string): Promise<number> {
    this.assertServing();
    let record = await this.describeExecution(executionArn);
    const stopDate = this.clock.now();
    let entry = this.runs.get(executionArn);
    if (entry instanceof ExecutionRun) {
      await entry.stop(error, cause, stopDate);
      if (!entry.lettingGo) return stopDate;
      // The run was letting go (parking) as the stop came: once it has, it is ended as parked below.
      await entry.done;
      entry = this.runs.get(executionArn);
      record = await this.describeExecution(executionArn);
    }
    // Parked, or claimed by recovery but not resumed yet: it never will be.
    if (entry instanceof Parked) entry.cancel();
    if (entry) this.runs.delete(executionArn);
    if (entry instanceof Claim) entry.letGo();
    if (record.status === 'RUNNING') await this.abortWithoutRun(record, { error, cause, stopDate });
    return stopDate;
  }

  /** Ends an execution that has no run here (parked, or not resumed yet), as its run would have. */
  private async abortWithoutRun(
    record: ExecutionRecord,
    stop: Pick<ExecutionRecord, 'error' | 'cause' | 'stopDate'>,
  ): Promise<void> {
    const end = { status: 'ABORTED' as const, ...stop };
    const id = await this.resumedEventId(record);
    await this.journal.appendHistory(record.executionArn, [
      {
        id,
        previousEventId: id - 1,
        timestamp: stop.stopDate as number,
        type: historyTypeOfEnd(end.status),
        ...endDetails(end),
      },
    ]);
    if (!(await this.journal.finishExecution(record, end))) return;
    const token = record.position?.parked?.token;
    if (token) await this.journal.completeToken(token, { status: 'CLOSED' });
  }

  async sendTaskSuccess(token: string, output: string): Promise<void> {
    this.assertServing();
    try {
      JSON.parse(output);
    } catch {
      throw new SfnApiError('InvalidOutput', 'Invalid Output: the output is not JSON');
    }
    await this.completeToken(token, { status: 'SUCCEEDED', output });
  }

  async sendTaskFailure(token: string, error?: string, cause?: string): Promise<void> {
    this.assertServing();
    await this.completeToken(token, {
      status: 'FAILED',
      error: error ?? 'States.TaskFailed',
      cause: cause ?? '',
    });
  }

  async sendTaskHeartbeat(token: string): Promise<void> {
    this.assertServing();
    const record = await this.waitingToken(token);
    this.waiters.get(record.token)?.heartbeat();
  }

  /**
   * Stops running executions without ending them: the journal keeps them RUNNING for the next start.
   * Resolves once every run has let go, with its journal writes and the calls it made finished, so the
   * database may close after it. Executions started after this resume on the next start.
   */
  async close(): Promise<void> {
    this.current = 'closed';
    // A recovery under way resumes nothing more now; its reads finish before the database closes.
    await Promise.allSettled([this.recovering]);
    const runs = [...this.runs.values()].filter((run) => run instanceof ExecutionRun);
    for (const run of runs) run.suspend();
    // A resume under way finishes what it started (its reads) and launches nothing more.
    await Promise.allSettled([this.resuming, this.redelivering]);
    for (const entry of this.runs.values()) {
      if (entry instanceof Parked) entry.cancel();
      // A start waiting on a claim goes on (and runs nothing: the engine is closed).
      if (entry instanceof Claim) entry.letGo();
    }
    await Promise.all(runs.map((run) => run.done));
    // Every run has let go with its writes made: no answer can be half-delivered, so the next start
    // need not hand the parked waits' tokens out again (see redeliver).
    await this.journal.markCleanStop().catch((error: unknown) => {
      console.error(
        'The engine could not record that it stopped cleanly; the next start checks every wait:',
        error,
      );
    });
  }

  /** A token is unguessable and names where it belongs, so a resumed step derives the same one. */
  tokenFor(executionArn: string, seq: number, state: string, attempt: number): string {
    const digest = createHash('sha256')
      .update(`${this.tokenSecret}|${executionArn}|${seq}|${state}|${attempt}`)
      .digest('base64url');
    return `${digest}.${Buffer.from(`${seq}|${attempt}`).toString('base64url')}`;
  }

  compiled(machine: Machine, startAt: string): StateMachine {
    let compiled = machine.compiled.get(startAt);
    if (!compiled) {
      // The definition was validated from its own StartAt; from another one, earlier states look unreachable.
      const resumed = startAt !== machine.definition.StartAt;
      compiled = new StateMachine({ ...machine.normalized.definition, StartAt: startAt } as never, {
        validationOptions: resumed ? { noValidate: true } : { checkArn: false, checkPaths: false },
      });
      machine.compiled.set(startAt, compiled);
    }
    return compiled;
  }

  private async waitingToken(token: string): Promise<TokenRecord> {
    if (!/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]+$/.test(token))
      throw new SfnApiError('InvalidToken', 'Invalid Token');
    const record = await this.journal.getToken(token);
    if (!record) throw new SfnApiError('TaskDoesNotExist', 'Task Does Not Exist');
    if (record.status === 'TIMED_OUT') throw new SfnApiError('TaskTimedOut', 'Task Timed Out');
    if (record.status !== 'WAITING') throw new SfnApiError('TaskDoesNotExist', 'Task Does Not Exist');
    return record;
  }

  private async completeToken(
    token: string,
    outcome: Pick<TokenRecord, 'status' | 'output' | 'error' | 'cause'>,
  ) {
    const record = await this.waitingToken(token);
    if (!(await this.journal.completeToken(token, outcome))) {
      throw new SfnApiError('TaskDoesNotExist', 'Task Does Not Exist');
    }
    const waiter = this.waiters.get(token);
    if (waiter) waiter.settle({ ...record, ...outcome });
    else void this.wake(record.executionArn);
  }

  /** Before recovery has claimed the stored executions, work could race it: the API answers 503. */
  private assertServing(): void {
    if (this.current === 'starting')
      throw new SfnApiError(
        'ServiceUnavailable',
        'The local engine is starting: it is reading which executions it holds',
        503,
      );
  }

  /**
   * Runs the execution here, unless it already runs (or is claimed, or parked) here, or the engine
   * closed. A run that parks leaves the execution parked here when it is done.
   */
  private launch(
    record: ExecutionRecord,
    machine: Machine,
    resumeFrom: Position | undefined,
    resumed = false,
    handOutAgain = true,
  ): ExecutionRun | undefined {
    const { executionArn } = record;
    if (this.runs.has(executionArn) || this.current === 'closed') return undefined;
    const run = new ExecutionRun(this, machine, record, resumeFrom, resumed, handOutAgain);
    this.runs.set(executionArn, run);
    // A run reads its token from the journal before it waits: it finds any answer itself.
    this.answeredWhileClaimed.delete(executionArn);
    run.begin();
    void run.done.then(() => {
      if (this.runs.get(executionArn) !== run) return;
      this.runs.delete(executionArn);
      if (!run.parked) return;
      this.rest(executionArn, run.parked);
      // Answered while the run let go: it found no waiter, and woke nothing yet.
      if (run.wakeRequested) void this.wake(executionArn);
    });
    return run;
  }

  /** Holds a waiting execution without a run: only its timer, if it has a deadline. */
  private rest(executionArn: string, parking: Parking): void {
    if (this.current === 'closed') return;
    const held = this.runs.get(executionArn);
    this.runs.set(executionArn, new Parked(parking, this.clock, () => void this.wake(executionArn)));
    if (held instanceof Claim) held.letGo();
    if (this.answeredWhileClaimed.delete(executionArn)) void this.wake(executionArn);
  }

  /**
   * Wakes a parked execution (its token was answered, or its timer is due): a new run goes on from its
   * position, without handing its token out again unless asked (after a crash, see redeliver). A run
   * that is letting go is woken once it has. Never rejects: a journal that cannot be read leaves the
   * execution to the next start, and says so.
   */
  private async wake(executionArn: string, handOutAgain = false): Promise<ExecutionRun | undefined> {
    const entry = this.runs.get(executionArn);
    if (entry instanceof ExecutionRun) entry.wakeRequested = true;
    if (entry instanceof Claim) this.answeredWhileClaimed.add(executionArn);
    if (!(entry instanceof Parked)) return undefined;
    entry.cancel();
    // Held while its record is read: nothing else may start a run for it meanwhile.
    const claim = new Claim(executionArn);
    this.runs.set(executionArn, claim);
    try {
      const record = await this.journal.getExecution(executionArn);
      const nextEventId = record && (await this.resumedEventId(record));
      const machine = record && (await this.machineOf(record));
      if (this.runs.get(executionArn) !== claim) return undefined;
      this.runs.delete(executionArn);
      if (record?.status !== 'RUNNING' || nextEventId === undefined || !machine) return undefined;
      return this.launch({ ...record, nextEventId }, machine, record.position, true, handOutAgain);
    } catch (error) {
      if (this.runs.get(executionArn) === claim) this.runs.delete(executionArn);
      claim.letGo();
      console.error(
        `Execution ${executionArn} could not be woken; it stays RUNNING and resumes on the next start:`,
        error,
      );
      return undefined;
    }
  }
}

/**
 * Runs `work` on every item, at most `limit` at a time. After a failure no more start; it rejects with
 * the first failure once those under way have settled.
 */
async function eachConcurrently<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const failures: unknown[] = [];
  const worker = async () => {
    while (failures.length === 0 && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failures.length > 0) throw failures[0];
}
