import { describe, expect, it } from 'vitest';
import {
  LIBRARY_TIMEOUT_CEILING,
  normalize,
  UnsupportedDefinitionError,
  WAIT_RESOURCE,
} from '../../local/sfn/normalize.ts';

const task = (extra: Record<string, unknown> = {}) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  End: true,
  ...extra,
});

describe('normalize', () => {
  it('refuses JSONata, which the library would silently ignore', () => {
    expect(() => normalize({ QueryLanguage: 'JSONata', StartAt: 'A', States: { A: task() } })).toThrow(
      UnsupportedDefinitionError,
    );
    expect(() => normalize({ StartAt: 'A', States: { A: task({ QueryLanguage: 'JSONata' }) } })).toThrow(
      /JSONata/,
    );
  });

  it('takes task timeouts away from the library and keeps them for the runner', () => {
    const { definition, steps } = normalize({
      StartAt: 'A',
      States: { A: task({ TimeoutSecondsPath: '$.sla', HeartbeatSeconds: 60 }) },
    });
    expect(definition.States.A).toMatchObject({ TimeoutSeconds: LIBRARY_TIMEOUT_CEILING });
    expect(definition.States.A).not.toHaveProperty('TimeoutSecondsPath');
    expect(definition.States.A).not.toHaveProperty('HeartbeatSeconds');
    expect(steps.get('A')).toMatchObject({
      kind: 'task',
      timeoutSecondsPath: '$.sla',
      heartbeatSeconds: 60,
      topLevel: true,
    });
  });

  it('gives tasks without a timeout the ceiling instead of the library’s 60 s default', () => {
    const { definition, steps } = normalize({ StartAt: 'A', States: { A: task() } });
    expect(definition.States.A).toMatchObject({ TimeoutSeconds: LIBRARY_TIMEOUT_CEILING });
    expect(steps.get('A')).not.toHaveProperty('timeoutSeconds');
  });

  it('turns Wait states into tasks the runner times on its clock', () => {
    const { definition, steps, types } = normalize({
      StartAt: 'W',
      States: { W: { Type: 'Wait', SecondsPath: '$.delay', InputPath: '$.x', Next: 'A' }, A: task() },
    });
    expect(definition.States.W).toMatchObject({
      Type: 'Task',
      Resource: WAIT_RESOURCE,
      InputPath: '$.x',
      Next: 'A',
    });
    expect(steps.get('W')).toEqual({ kind: 'wait', secondsPath: '$.delay', topLevel: true });
    expect(types.get('W')).toBe('Wait');
  });

  it('drops ResultPath "$" so it means the whole state, not a key named "$"', () => {
    const { definition } = normalize({
      StartAt: 'A',
      States: {
        A: task({ ResultPath: '$', Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$', Next: 'B' }] }),
        B: { Type: 'Pass', ResultPath: '$', End: true },
      },
    });
    expect(definition.States.A).not.toHaveProperty('ResultPath');
    expect(definition.States.A?.Catch).toEqual([{ ErrorEquals: ['States.ALL'], Next: 'B' }]);
    expect(definition.States.B).not.toHaveProperty('ResultPath');
  });

  it('marks states inside Parallel branches as nested', () => {
    const { steps } = normalize({
      StartAt: 'P',
      States: { P: { Type: 'Parallel', End: true, Branches: [{ StartAt: 'In', States: { In: task() } }] } },
    });
    expect(steps.get('In')).toMatchObject({ topLevel: false });
  });

  it('takes the execution timeout away from the library', () => {
    const { definition, executionTimeoutSeconds } = normalize({
      TimeoutSeconds: 3600,
      StartAt: 'A',
      States: { A: task() },
    });
    expect(definition).not.toHaveProperty('TimeoutSeconds');
    expect(executionTimeoutSeconds).toBe(3600);
  });
});
