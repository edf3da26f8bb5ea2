/**
 * Prepares a synthesized ASL definition for aws-local-stepfunctions, covering its measured gaps
 * (DESIGN.md, "facts"): our runner enforces task timeouts and Wait states on the controllable clock,
 * so the library must never time out on its own, and `ResultPath: "$"` must mean "the whole state".
 */

type State = Record<string, unknown> & { Type: string };
export interface Definition {
  StartAt: string;
  States: Record<string, State>;
  TimeoutSeconds?: number;
  QueryLanguage?: string;
  [key: string]: unknown;
}

/** The resource our runner gives Wait states, which it turns into Tasks it can time on its clock. */
export const WAIT_RESOURCE = 'arn:fairfix:local:::wait';

/** Largest TimeoutSeconds the library's setTimeout does not overflow (2^31-1 ms). */
export const LIBRARY_TIMEOUT_CEILING = 2_147_483;

export interface TaskSpec {
  kind: 'task';
  resource: string;
  timeoutSeconds?: number;
  timeoutSecondsPath?: string;
  heartbeatSeconds?: number;
  heartbeatSecondsPath?: string;
  /** A top-level state is journaled and can be resumed at; a nested one restarts with its parent. */
  topLevel: boolean;
}
export interface WaitSpec {
  kind: 'wait';
  seconds?: number;
  secondsPath?: string;
  timestamp?: string;
  timestampPath?: string;
  topLevel: boolean;
}
export type StepSpec = TaskSpec | WaitSpec;

export interface Normalized {
  definition: Definition;
  /** Every Task (and former Wait) by state name, as the original definition described it. */
  steps: Map<string, StepSpec>;
  /** The original type of every state, for the execution history. */
  types: Map<string, string>;
  executionTimeoutSeconds?: number;
}

export class UnsupportedDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedDefinitionError';
  }
}

export function normalize(original: Definition): Normalized {
  const definition = structuredClone(original);
  const steps = new Map<string, StepSpec>();
  const types = new Map<string, string>();
  refuseJsonata(definition.QueryLanguage, 'the state machine');
  const executionTimeoutSeconds = definition.TimeoutSeconds;
  delete definition.TimeoutSeconds;
  normalizeStates(definition, true, steps, types);
  return { definition, steps, types, ...(executionTimeoutSeconds ? { executionTimeoutSeconds } : {}) };
}

function normalizeStates(
  machine: Definition,
  topLevel: boolean,
  steps: Map<string, StepSpec>,
  types: Map<string, string>,
) {
  for (const [name, state] of Object.entries(machine.States)) {
    if (types.has(name))
      throw new UnsupportedDefinitionError(
        `State name "${name}" is used twice; the local cloud needs unique names.`,
      );
    types.set(name, state.Type);
    refuseJsonata(state.QueryLanguage, `state "${name}"`);
    if (state.ResultPath === '$') delete state.ResultPath;
    for (const catcher of (state.Catch as Record<string, unknown>[] | undefined) ?? []) {
      if (catcher.ResultPath === '$') delete catcher.ResultPath;
    }
    if (state.Type === 'Task') {
      steps.set(name, {
        kind: 'task',
        resource: String(state.Resource),
        ...pick(state, { TimeoutSeconds: 'timeoutSeconds', TimeoutSecondsPath: 'timeoutSecondsPath' }),
        ...pick(state, {
          HeartbeatSeconds: 'heartbeatSeconds',
          HeartbeatSecondsPath: 'heartbeatSecondsPath',
        }),
        topLevel,
      } as TaskSpec);
      for (const key of ['TimeoutSeconds', 'TimeoutSecondsPath', 'HeartbeatSeconds', 'HeartbeatSecondsPath'])
        delete state[key];
      state.TimeoutSeconds = LIBRARY_TIMEOUT_CEILING;
    } else if (state.Type === 'Wait') {
      steps.set(name, {
        kind: 'wait',
        ...pick(state, {
          Seconds: 'seconds',
          SecondsPath: 'secondsPath',
          Timestamp: 'timestamp',
          TimestampPath: 'timestampPath',
        }),
        topLevel,
      } as WaitSpec);
      for (const key of ['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath']) delete state[key];
      Object.assign(state, {
        Type: 'Task',
        Resource: WAIT_RESOURCE,
        TimeoutSeconds: LIBRARY_TIMEOUT_CEILING,
      });
    } else if (state.Type === 'Parallel') {
      for (const branch of state.Branches as Definition[]) normalizeStates(branch, false, steps, types);
    } else if (state.Type === 'Map') {
      const processor = (state.ItemProcessor ?? state.Iterator) as Definition | undefined;
      if (processor) normalizeStates(processor, false, steps, types);
    }
  }
}

function refuseJsonata(language: unknown, where: string) {
  if (language === 'JSONata') {
    throw new UnsupportedDefinitionError(
      `${where} uses JSONata, which the local engine (aws-local-stepfunctions) silently ignores; fairfix workflows use JSONPath.`,
    );
  }
}

function pick(state: State, names: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(names)
      .filter(([from]) => state[from] !== undefined)
      .map(([from, to]) => [to, state[from]]),
  );
}
