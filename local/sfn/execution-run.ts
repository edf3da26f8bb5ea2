import { JSONPath } from 'jsonpath-plus';
import type { Machine, StepFunctionsEngine } from './engine.ts';
import { StateError, statesTimeoutError } from './errors.ts';
import type { ExecutionRecord, HistoryEvent, Journal, Parking, Position, TokenRecord } from './journal.ts';
import type { StepSpec, TaskSpec, WaitSpec } from './normalize.ts';

// The library has no $$.Task.Token nor $$.State.*: it reads these placeholders from the context
// object we give it, and each task swaps them for the real values before it runs.
const TOKEN = '@@fairfix:task-token@@';
const ENTERED_TIME = '@@fairfix:state-entered-time@@';
const STATE_NAME = '@@fairfix:state-name@@';

const iso = (ms: number) => new Date(ms).toISOString();

const INSTANT = new Set(['Choice', 'Pass', 'Succeed', 'Fail']);

/** One invocation of a top-level Task: the state entry it belongs to and which attempt it is. */
interface Invocation {
  position: Position;
  attempt: number;
}

/**
 * One execution, from its start or its journaled position to its end. Whatever it writes to the journal
 * is tried a few times (Journal); if a write still fails, the run stops here, says so in the log with the
 * execution's ARN, and leaves the execution RUNNING at its last saved position, to resume on the next
 * start. Nothing it starts is left without someone awaiting it.
 */
export class ExecutionRun {
  private readonly abort = new AbortController();
  private libraryAbort: (() => void) | undefined;
  private pendingHistory: HistoryEvent[] = [];
  private nextEventId: number;
  private position: Position | undefined;
  /**
   * The library announces each state entry and each retry as an event, then calls the task's handler.
   * The n-th call of a state's handler belongs to the n-th such event: that is how a handler learns
   * its entry (and so its deadline and token) without racing the event stream.
   */
  private readonly invocations = new Map<string, Invocation[]>();
  private readonly awaitingInvocation = new Map<string, Map<number, (invocation: Invocation) => void>>();
  private readonly calls = new Map<string, number>();
  private ending:
    | { status: 'ABORTED' | 'TIMED_OUT'; error?: string; cause?: string; stopDate: number }
    | undefined;
  private suspended = false;
  /** Where the run let go of its execution to wait without memory (see park()); the engine holds it then. */
  parked: Parking | undefined;
  /** The run has begun to park: it no longer ends the execution, whatever comes (a stop included). */
  lettingGo = false;
  /** An answer came for the token while the run was letting go: the engine wakes it at once. */
  wakeRequested = false;
  private readonly resumeFrom: Position | undefined;
  /** The parking this run was woken from, if the engine woke it. */
  private readonly wokenFrom: Parking | undefined;
  /** Whether history a killed run may have written past this run's start is known to be gone. */
  private trimmed: boolean;
  /** The journal failure that stopped this run, if one did. */
  private failure: unknown;
  /**
   * Journal requests and integration calls under way. The library lets go of a task's handler when the
   * run is aborted, but what the handler started still runs: closing waits for it.
   */
  private readonly pending = new Set<Promise<unknown>>();
  /** Settles when the run has ended (or let go of) the execution in the journal. */
  ended: Promise<void> = Promise.resolve();
  /** Settles when, besides, nothing the run started is under way. Never rejects. */
  done: Promise<void> = Promise.resolve();
  /**
   * Settles once the run is where it can wait: a step has handed its token out (or found it answered),
   * a Wait or a timeout is set on the clock, a task's call is made; or the run is over. Recovery counts
   * an execution resumed then. Never rejects.
   */
  readonly rearmed: Promise<void>;
  readonly markRearmed: () => void;
  /** How many times the run has come to rest at a wait (see moving). */
  rests = 0;
  /** Waits the run rests at now (more than one in Parallel or Map branches). */
  private resting = 0;
  private over = false;

  constructor(
    private readonly engine: StepFunctionsEngine,
    private readonly machine: Machine,
    private readonly record: ExecutionRecord,
    resumeFrom: Position | undefined,
    resumed: boolean,
    /**
     * Whether a step resumed while waiting on its token hands it out again. Yes after a crash: an answer
     * recorded by the app but never sent reaches the run that way. No when the engine wakes a run it
     * parked: the step had handed the token out before the run let go.
     */
    private readonly handOutAgain = true,
  ) {
    this.nextEventId = record.nextEventId;
    this.trimmed = !resumed;
    // Woken from where it was parked: the position goes on without the parking, which was that wait's.
    const { parked, ...position } = resumeFrom ?? {};
    this.resumeFrom = resumeFrom && (position as Position);
    this.wokenFrom = parked;
    let mark = () => {};
    this.rearmed = new Promise<void>((resolve) => {
      mark = resolve;
    });
    this.markRearmed = mark;
  }

  /**
   * Whether the run is between waits: calling a task, writing the journal, going from one state to the
   * next. Resting, it waits on a token or a Wait state's timer, and nothing else of it is under way.
   */
  get moving(): boolean {
    return !this.over && (this.resting === 0 || this.pending.size > 0);
  }

  /** Waits for `wait`, resting meanwhile (see moving). */
  private async rest<T>(wait: Promise<T>): Promise<T> {
    this.resting++;
    this.rests++;
    try {
      return await wait;
    } finally {
      this.resting--;
    }
  }

  begin(): void {
    this.ended = this.run();
    // A run that is over is as rearmed as it will be: the end (either way) settles `rearmed` too.
    this.done = this.ended.then(
      () => {
        this.over = true;
        this.markRearmed();
        return this.quiet();
      },
      (error: unknown) => {
        this.over = true;
        this.markRearmed();
        if (error !== this.failure)
          console.error(
            `Execution ${this.record.executionArn} stopped running here; it stays RUNNING in the journal and resumes on the next start:`,
            error,
          );
        return this.quiet();
      },
    );
  }

  private async run(): Promise<void> {
    const { clock } = this.engine;
    const startAt = this.resumeFrom?.state ?? this.machine.definition.StartAt;
    const input = this.resumeFrom ? this.resumeFrom.input : JSON.parse(this.record.input);
    if (!this.resumeFrom && this.nextEventId === 1) {
      this.event('ExecutionStarted', {
        executionStartedEventDetails: { input: this.record.input, roleArn: this.machine.roleArn },
      });
    }
    const run = this.engine.compiled(this.machine, startAt).run(input as never, {
      overrides: { taskResourceLocalHandlers: this.handlers() as never },
      context: {
        Execution: { Id: this.record.executionArn, Name: this.record.name, RoleArn: this.machine.roleArn },
        StateMachine: { Id: this.machine.arn, Name: this.machine.name },
        State: { EnteredTime: ENTERED_TIME, Name: STATE_NAME, RetryCount: 0 },
        Task: { Token: TOKEN },
      },
    });
    this.libraryAbort = run.abort;
    const consuming = this.consume(run.eventLogs as AsyncGenerator<LibraryEvent>).catch(this.unlessOwn);
    const { executionTimeoutSeconds } = this.machine.normalized;
    if (executionTimeoutSeconds) {
      clock.sleepUntil(this.record.startDate + executionTimeoutSeconds * 1000, this.abort.signal).then(
        () =>
          this.end({
            status: 'TIMED_OUT',
            error: 'States.Timeout',
            cause: 'The execution timed out',
            stopDate: clock.now(),
          }),
        this.unlessOwn,
      );
    }
    let outcome: Partial<ExecutionRecord>;
    try {
      const output = await run.result;
      outcome = { status: 'SUCCEEDED', output: JSON.stringify(output) };
    } catch (error) {
      const cause = (error as Error).cause as Error | undefined;
      outcome = this.ending ?? {
        status: 'FAILED',
        error: cause?.name ?? 'States.Runtime',
        cause: cause?.message ?? String(error),
      };
    }
    this.abort.abort();
    await consuming;
    if (this.suspended || this.failure) return;
    const end = { ...outcome, stopDate: this.ending?.stopDate ?? clock.now() } as Parameters<
      Journal['finishExecution']
    >[1];
    this.event(historyTypeOfEnd(end.status), endDetails(end));
    await this.flushHistory();
    await this.journaled(() => this.engine.journal.finishExecution(this.record, end));
  }

  /** Ends the execution as ABORTED; resolves once that is in the journal. */
  async stop(error: string | undefined, cause: string | undefined, stopDate: number): Promise<void> {
    this.end({ status: 'ABORTED', ...(error ? { error } : {}), ...(cause ? { cause } : {}), stopDate });
    await this.ended.catch(this.unlessOwn);
    if (this.failure)
      throw new Error(
        `Execution ${this.record.executionArn} could not be stopped: its journal could not be written`,
        { cause: this.failure },
      );
  }

  /** The process is shutting down: let go of the execution without ending it. */
  suspend(): void {
    this.suspended = true;
    this.abort.abort(new Error('suspended'));
    this.libraryAbort?.();
  }

  /** Resolves when nothing this run started is under way. */
  private async quiet(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    const forget = () => this.pending.delete(work);
    work.then(forget, forget);
    return work;
  }

  /** A journal request of this run: if it fails (after the journal's own retries), the run stops here. */
  private async journaled<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await this.track(request());
    } catch (error) {
      this.fail(error);
      throw error;
    }
  }

  private fail(error: unknown): void {
    if (this.failure) return;
    this.failure = error;
    console.error(
      `Execution ${this.record.executionArn} stopped running here: ${(error as Error)?.message ?? String(error)}. ` +
        'It stays RUNNING in the journal at its last saved state, and resumes from there on the next start.',
    );
    this.abort.abort(error);
    this.libraryAbort?.();
  }

  /**
   * For promises nobody else awaits: what this run brought about itself (its abort, a journal failure
   * already reported) is expected; anything else is logged with the execution's ARN.
   */
  private readonly unlessOwn = (error: unknown): void => {
    if (error === this.failure || error === this.abort.signal.reason) return;
    console.error(`Execution ${this.record.executionArn}:`, error);
  };

  /** `work`, unless the run is aborted first: then the abort's reason. */
  private whileLive<T>(work: Promise<T>): Promise<T> {
    const { signal } = this.abort;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  private end(ending: NonNullable<ExecutionRun['ending']>): void {
    if (this.ending) return;
    this.ending = ending;
    this.abort.abort(new Error(ending.status));
    this.libraryAbort?.();
  }

  private handlers(): Record<string, (input: unknown) => Promise<unknown>> {
    const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [name, step] of this.machine.normalized.steps) {
      handlers[name] = (input) => {
        const running = this.runStep(name, step, input);
        // The library may call a step after this run has ended (an abort, a failed branch) and then
        // never await it: its refusal must not surface as an unhandled rejection, which ends the
        // process and every execution in it. Awaited, the promise still rejects as before.
        running.catch(() => {});
        return running;
      };
    }
    return handlers;
  }

  private async runStep(name: string, step: StepSpec, input: unknown): Promise<unknown> {
    const { clock } = this.engine;
    const invocation = step.topLevel ? await this.invocation(name) : undefined;
    this.assertLive();
    const enteredAt = invocation?.position.enteredAt ?? clock.now();
    if (step.kind === 'wait') {
      const deadline = waitDeadline(step, input, enteredAt);
      if (invocation) await this.park(invocation.position, { wakeAt: deadline });
      const sleeping = clock.sleepUntil(deadline, this.abort.signal);
      this.markRearmed();
      await this.rest(sleeping);
      return input;
    }
    const startedAt = await this.attemptStart(invocation);
    const parameters = swapPlaceholders(input, { [ENTERED_TIME]: iso(enteredAt), [STATE_NAME]: name });
    const rawInput = invocation?.position.input ?? input;
    if (!step.resource.endsWith('.waitForTaskToken')) {
      const calling = this.withTimeout(this.invoke(step.resource, parameters), step, rawInput, startedAt);
      this.markRearmed();
      return calling;
    }
    const { token, startedAt: begun } = await this.attemptToken(name, invocation, startedAt);
    const timeout = seconds(step.timeoutSeconds, step.timeoutSecondsPath, rawInput);
    const wait = {
      token,
      name,
      step,
      position: invocation?.position,
      startedAt: begun,
      parameters,
      rawInput,
    };
    return this.waitForToken({ ...wait, deadline: timeout ? begun + timeout * 1000 : undefined });
  }

  /**
   * The token of this attempt of a waiting step, and when the attempt began. A run resuming a step whose
   * attempt's token is closed (the attempt ended without an answer: its call failed, and the process
   * died before the Retry's next attempt was journaled) begins that next attempt, under a token of its
   * own: read as it was, the closed token failed the step as timed out, and the crash soak saw the
   * step's deadline Catch run (or its catch-all hand the case to a person) for a step a kill interrupted.
   * A token that timed out stays a timeout: its deadline passed.
   */
  private async attemptToken(
    name: string,
    invocation: Invocation | undefined,
    startedAt: number,
  ): Promise<{ token: string; startedAt: number }> {
    const { engine } = this;
    const tokenOf = (attempt: number) =>
      engine.tokenFor(this.record.executionArn, invocation?.position.seq ?? 0, name, attempt);
    const token = tokenOf(invocation?.attempt ?? 0);
    // Only the entry a run resumes at can meet a token an earlier process closed (later ones are new),
    // and not a wait the run was woken from: its parked token was open when it parked.
    if (!invocation || invocation.position !== this.resumeFrom || this.wokenFrom?.token === token)
      return { token, startedAt };
    const earlier = await this.journaled(() => engine.journal.getToken(token));
    if (earlier?.status !== 'CLOSED') return { token, startedAt };
    const attempt = invocation.attempt + 1;
    invocation.attempt = attempt;
    Object.assign(invocation.position, { taskStartedAt: engine.clock.now(), attempt });
    await this.savePosition(invocation.position);
    return { token: tokenOf(attempt), startedAt: invocation.position.taskStartedAt as number };
  }

  /**
   * When this attempt began: the first from the state's entry (already journaled), a retry from when
   * it begins (journaled now), so a resumed attempt's timeout keeps counting.
   */
  private async attemptStart(invocation: Invocation | undefined): Promise<number> {
    const { clock } = this.engine;
    if (!invocation) return clock.now();
    const { position, attempt } = invocation;
    if (attempt === 0) return position.enteredAt;
    if (position.taskStartedAt !== undefined && position.attempt === attempt) return position.taskStartedAt;
    Object.assign(position, { taskStartedAt: clock.now(), attempt });
    await this.savePosition(position);
    return position.taskStartedAt as number;
  }

  private async invoke(resource: string, parameters: unknown): Promise<unknown> {
    this.assertLive();
    return this.track(this.engine.integrations.invoke(resource, parameters));
  }

  /** After a stop or during shutdown no further side effect may happen. */
  private assertLive(): void {
    if (this.abort.signal.aborted)
      throw new StateError('States.Runtime', 'The execution is no longer running here');
  }

  private async waitForToken(wait: TokenWait): Promise<unknown> {
    const { token, name, step, position, startedAt, rawInput } = wait;
    const { engine } = this;
    let resolve: (record: TokenRecord) => void = () => {};
    const reply: Reply = { answered: new Promise((settle) => (resolve = settle)), lastBeat: startedAt };
    const settle = (record: TokenRecord) => {
      reply.answer = record;
      resolve(record);
    };
    engine.waiters.set(token, { settle, heartbeat: () => (reply.lastBeat = engine.clock.now()) });
    try {
      // The waiter is registered before the journal is read, so a completion racing a resume is never lost.
      const existing = await this.journaled(() => engine.journal.getToken(token));
      if (existing && existing.status !== 'WAITING') {
        this.markRearmed();
        return tokenResult(existing);
      }
      if (!existing) {
        await this.journaled(() =>
          engine.journal.putToken({
            token,
            executionArn: this.record.executionArn,
            seq: position?.seq ?? 0,
            state: name,
            status: 'WAITING',
          }),
        );
      }
      // The deadline is timed only once the token is on record: a timeout that fired while the token was
      // still being written found nothing to close, did not hold, and the wait never ended (a clock that
      // jumped past a visit just after its reminder left the missed visit unseen for ever).
      return await this.withTimeout(this.handOut(wait, reply), step, rawInput, startedAt, () =>
        this.closeToken(token, 'TIMED_OUT'),
      );
    } finally {
      engine.waiters.delete(token);
      // A wait that ends without an answer (stopped, failed) closes its token; on shutdown it stays open.
      if (!this.suspended && !this.failure)
        await this.journaled(() => engine.journal.completeToken(token, { status: 'CLOSED' }));
    }
  }

  /** Hands the recorded token out through the task's resource, then waits for its answer or parks. */
  private async handOut(wait: TokenWait, reply: Reply): Promise<unknown> {
    const { token, step, position, parameters, rawInput } = wait;
    // Also on resume: the step that hands the token out may not have finished before the crash, and
    // handing it out again is how an answer recorded but never sent (the process died between the
    // two) reaches the run: the case workflow's await-case-event delivers it again. The crash soak
    // caught a resume that skipped this: cases waited for ever with their event applied. A run the
    // engine woke from parking knows the step finished: it had handed the token out before parking.
    if (this.handOutAgain || this.wokenFrom?.token !== token)
      await this.invoke(step.resource, swapPlaceholders(parameters, { [TOKEN]: token }));
    this.markRearmed();
    const heartbeatSeconds = seconds(step.heartbeatSeconds, step.heartbeatSecondsPath, rawInput);
    // A wait on a heartbeat is timed by this run; any other waits parked, unless answered meanwhile.
    if (position && !heartbeatSeconds && !reply.answer)
      await this.park(position, { token, wakeAt: wait.deadline });
    const settled = this.whileLive(reply.answered);
    if (!heartbeatSeconds) return tokenResult(await this.rest(settled));
    return tokenResult(
      await this.rest(
        Promise.race([settled, this.heartbeatTimeout(token, heartbeatSeconds, () => reply.lastBeat)]),
      ),
    );
  }

  /**
   * Lets go of the execution where it waits, so that a waiting execution holds no memory here: the
   * position is saved as parked (with its token and when it must wake: the wait's deadline or the
   * execution's, whichever is first), the run ends without ending the execution, and the engine keeps
   * only a timer; an answer to the token or the timer wakes it with a new run from the position.
   * Returns without parking when the wait is already due: the run then waits as it would have.
   */
  private async park(position: Position, wait: Parking): Promise<void> {
    if (!this.engine.parksWaits) return;
    const { executionTimeoutSeconds } = this.machine.normalized;
    const executionDeadline = executionTimeoutSeconds
      ? this.record.startDate + executionTimeoutSeconds * 1000
      : undefined;
    const due = [wait.wakeAt, executionDeadline].filter((at): at is number => at !== undefined);
    const wakeAt = due.length > 0 ? Math.min(...due) : undefined;
    if ((wakeAt !== undefined && wakeAt <= this.engine.clock.now()) || this.abort.signal.aborted) return;
    // From here an answer finds no waiter: the engine wakes the execution instead (wakeRequested).
    if (wait.token) this.engine.waiters.delete(wait.token);
    const parking: Parking = { ...(wait.token ? { token: wait.token } : {}), ...(wakeAt ? { wakeAt } : {}) };
    // Nothing after this closes the token or ends the execution: the run only lets go.
    this.suspended = true;
    this.lettingGo = true;
    position.nextEventId = this.nextEventId;
    await this.flushHistory();
    await this.journaled(() =>
      this.engine.journal.savePosition(this.record.executionArn, { ...position, parked: parking }),
    );
    this.parked = parking;
    const reason = new Error('parked');
    this.abort.abort(reason);
    this.libraryAbort?.();
    throw reason;
  }

  private async heartbeatTimeout(
    token: string,
    heartbeatSeconds: number,
    lastBeat: () => number,
  ): Promise<never> {
    const { clock } = this.engine;
    while (lastBeat() + heartbeatSeconds * 1000 > clock.now()) {
      await clock.sleepUntil(lastBeat() + heartbeatSeconds * 1000, this.abort.signal);
    }
    // Answered first: the answer settles the wait.
    if (!(await this.closeToken(token, 'TIMED_OUT'))) return new Promise<never>(() => {});
    throw new StateError('States.HeartbeatTimeout', 'No heartbeat arrived within HeartbeatSeconds');
  }

  /**
   * Times the token out, unless it was answered first: the token's record decides which came first,
   * an answer or the deadline (a woken run reads its answer a moment after the clock may have passed
   * the deadline). Answers whether the timeout holds.
   */
  private closeToken(token: string, status: 'TIMED_OUT'): Promise<boolean> {
    return this.journaled(() => this.engine.journal.completeToken(token, { status }));
  }

  private async withTimeout(
    work: Promise<unknown>,
    step: TaskSpec,
    rawInput: unknown,
    startedAt: number,
    /** Whether the timeout holds (a token answered first does not time out). */
    onTimeout: () => Promise<boolean> = async () => true,
  ): Promise<unknown> {
    const timeout = seconds(step.timeoutSeconds, step.timeoutSecondsPath, rawInput);
    if (!timeout) return work;
    const timer = new AbortController();
    const stopTimer = () => timer.abort();
    this.abort.signal.addEventListener('abort', stopTimer, { once: true });
    const timedOut = this.engine.clock.sleepUntil(startedAt + timeout * 1000, timer.signal).then(
      async () => {
        if (!(await onTimeout())) return work;
        throw await statesTimeoutError();
      },
      () => new Promise<never>(() => {}),
    );
    try {
      return await Promise.race([work, timedOut]);
    } finally {
      stopTimer();
      this.abort.signal.removeEventListener('abort', stopTimer);
    }
  }

  private invocation(name: string): Promise<Invocation> {
    const index = this.calls.get(name) ?? 0;
    this.calls.set(name, index + 1);
    const known = this.invocations.get(name)?.[index];
    if (known) return Promise.resolve(known);
    return new Promise((resolve) => {
      const waiting = this.awaitingInvocation.get(name) ?? new Map();
      waiting.set(index, resolve);
      this.awaitingInvocation.set(name, waiting);
    });
  }

  private announce(name: string, invocation: Invocation): void {
    const list = this.invocations.get(name) ?? [];
    list.push(invocation);
    this.invocations.set(name, list);
    const resolve = this.awaitingInvocation.get(name)?.get(list.length - 1);
    if (resolve) {
      this.awaitingInvocation.get(name)?.delete(list.length - 1);
      resolve(invocation);
    }
  }

  private async consume(events: AsyncGenerator<LibraryEvent>): Promise<void> {
    let first = true;
    for await (const event of events) {
      const state = event.state;
      const original = state ? (this.machine.normalized.types.get(state.name) ?? state.type) : undefined;
      const topLevel =
        state !== undefined && this.machine.topLevel.has(state.name) && event.index === undefined;
      switch (event.type) {
        case 'StateEntered': {
          if (!state) break;
          const resumed =
            topLevel && first && this.resumeFrom?.state === state.name ? this.resumeFrom : undefined;
          // The state a run resumes in was entered before the restart, and its entry is in the history.
          if (!resumed)
            this.event(`${original}StateEntered`, {
              stateEnteredEventDetails: { name: state.name, input: JSON.stringify(state.input) },
            });
          if (!topLevel) break;
          first = false;
          const position: Position = resumed ?? {
            seq: (this.position?.seq ?? this.resumeFrom?.seq ?? 0) + 1,
            state: state.name,
            input: state.input,
            enteredAt: this.engine.clock.now(),
          };
          this.position = position;
          // Choice, Pass, Succeed and Fail take no time and touch nothing: a crash among them resumes
          // at the state before, which is idempotent. Everything else is a point to resume at.
          if (!resumed && !INSTANT.has(original ?? '')) await this.savePosition(position);
          this.announce(state.name, { position, attempt: resumed?.attempt ?? 0 });
          break;
        }
        case 'StateRetried':
          if (topLevel && this.position && state) {
            this.announce(state.name, {
              position: this.position,
              attempt: (this.invocations.get(state.name)?.at(-1)?.attempt ?? 0) + 1,
            });
          }
          break;
        case 'StateExited':
          if (state)
            this.event(`${original}StateExited`, {
              stateExitedEventDetails: { name: state.name, output: JSON.stringify(state.output) },
            });
          break;
        case 'StateFailed':
          if (state && original === 'Task') {
            const timedOut = event.Error === 'States.Timeout' || event.Error === 'States.HeartbeatTimeout';
            this.event(timedOut ? 'TaskTimedOut' : 'TaskFailed', {
              [timedOut ? 'taskTimedOutEventDetails' : 'taskFailedEventDetails']: {
                resourceType: 'local',
                resource: state.name,
                error: String(event.Error),
                cause: String(event.Cause ?? ''),
              },
            });
          }
          break;
      }
    }
  }

  private event(type: string, details: Record<string, unknown>): void {
    const id = this.nextEventId++;
    this.pendingHistory.push({
      id,
      previousEventId: id - 1,
      timestamp: this.engine.clock.now(),
      type,
      ...details,
    });
  }

  private async savePosition(position: Position): Promise<void> {
    if (this.suspended || this.ending || this.failure) return;
    // Every event so far is in the batch flushed below: a run resuming here continues after them.
    position.nextEventId = this.nextEventId;
    // The history first: a saved position implies its state's entry is stored, so a resumed run need not
    // write it again.
    await this.flushHistory();
    await this.journaled(() => this.engine.journal.savePosition(this.record.executionArn, position));
  }

  private async flushHistory(): Promise<void> {
    const events = this.pendingHistory;
    this.pendingHistory = [];
    if (events.length === 0) return;
    const { executionArn } = this.record;
    await this.journaled(() => this.engine.journal.appendHistory(executionArn, events));
    if (this.trimmed) return;
    // Resumed: the events just written replaced, id for id, those the killed run had written past the
    // position. Whatever of those is left beyond belongs to a way this run did not go again.
    this.trimmed = true;
    const lastId = (events.at(-1) as HistoryEvent).id;
    await this.journaled(() => this.engine.journal.trimHistory(executionArn, lastId));
  }
}

/** A Task waiting on its token: what it needs to hand the token out, wait, and park. */
/** What a token's wait hears back: the answer (once it comes) and the last heartbeat. */
interface Reply {
  answered: Promise<TokenRecord>;
  answer?: TokenRecord;
  lastBeat: number;
}

interface TokenWait {
  token: string;
  name: string;
  step: TaskSpec;
  /** The state entry it belongs to; none in a nested state, which never parks. */
  position: Position | undefined;
  startedAt: number;
  /** When the task times out, if it has a timeout. */
  deadline: number | undefined;
  parameters: unknown;
  rawInput: unknown;
}

interface LibraryEvent {
  type: string;
  index?: number;
  state?: { name: string; type: string; input: unknown; output?: unknown };
  Error?: unknown;
  Cause?: unknown;
}

function tokenResult(record: TokenRecord): unknown {
  if (record.status === 'SUCCEEDED') return JSON.parse(record.output ?? 'null');
  if (record.status === 'FAILED')
    throw new StateError(record.error ?? 'States.TaskFailed', record.cause ?? '');
  throw new StateError('States.Timeout', 'The task timed out');
}

function seconds(fixed: number | undefined, path: string | undefined, input: unknown): number | undefined {
  if (fixed !== undefined) return fixed;
  if (!path) return undefined;
  const value = Number(queryPath(path, input));
  if (!Number.isInteger(value) || value < 1) {
    throw new StateError(
      'States.Runtime',
      `${path} must point to a positive integer number of seconds; it gave ${value}`,
    );
  }
  return value;
}

function waitDeadline(step: WaitSpec, input: unknown, enteredAt: number): number {
  const secs = step.seconds ?? (step.secondsPath ? Number(queryPath(step.secondsPath, input)) : undefined);
  if (secs !== undefined) {
    if (!Number.isFinite(secs) || secs < 0)
      throw new StateError('States.Runtime', `Wait seconds must be a non-negative number, got ${secs}`);
    return enteredAt + secs * 1000;
  }
  const timestamp =
    step.timestamp ?? (step.timestampPath ? String(queryPath(step.timestampPath, input)) : undefined);
  const at = Date.parse(timestamp ?? '');
  if (Number.isNaN(at))
    throw new StateError('States.Runtime', `Wait timestamp is not an ISO-8601 time: ${timestamp}`);
  return at;
}

function queryPath(path: string, input: unknown): unknown {
  return JSONPath({ path, json: input as object, wrap: false });
}

function swapPlaceholders(value: unknown, swaps: Record<string, string>): unknown {
  if (typeof value === 'string') return swaps[value] ?? value;
  if (Array.isArray(value)) return value.map((item) => swapPlaceholders(item, swaps));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, swapPlaceholders(item, swaps)]),
    );
  }
  return value;
}

export function historyTypeOfEnd(status: string): string {
  return {
    SUCCEEDED: 'ExecutionSucceeded',
    FAILED: 'ExecutionFailed',
    ABORTED: 'ExecutionAborted',
    TIMED_OUT: 'ExecutionTimedOut',
  }[status] as string;
}

export function endDetails(end: Partial<ExecutionRecord>): Record<string, unknown> {
  switch (end.status) {
    case 'SUCCEEDED':
      return { executionSucceededEventDetails: { output: end.output } };
    case 'FAILED':
      return { executionFailedEventDetails: { error: end.error, cause: end.cause } };
    case 'ABORTED':
      return { executionAbortedEventDetails: { error: end.error, cause: end.cause } };
    default:
      return { executionTimedOutEventDetails: { error: end.error, cause: end.cause } };
  }
}
