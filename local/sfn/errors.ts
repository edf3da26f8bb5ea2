import { StateMachine } from 'aws-local-stepfunctions';

/** An error the Step Functions API answers with; `type` is AWS's exception name, `status` its HTTP status. */
export class SfnApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

/** An error a state fails with, matched by name in Retry and Catch, as on AWS. */
export class StateError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

type ErrorClass = new () => Error;
let timeoutErrorClass: ErrorClass | undefined;

/**
 * The library matches `States.TaskFailed` against every task error except its own timeout class,
 * which it does not export. Our runner enforces timeouts on its own clock, so it borrows that class
 * (by letting a one-state machine time out once) to throw timeouts the library treats as timeouts.
 */
export async function statesTimeoutError(): Promise<Error> {
  if (!timeoutErrorClass) {
    const probe = new StateMachine(
      {
        StartAt: 'Probe',
        States: {
          Probe: { Type: 'Task', Resource: 'arn:fairfix:local:::probe', TimeoutSeconds: 0.001, End: true },
        },
      },
      { validationOptions: { noValidate: true } },
    );
    const run = probe.run(
      {},
      { overrides: { taskResourceLocalHandlers: { Probe: () => new Promise(() => {}) } } },
    );
    const failure = await run.result.then(
      () => undefined,
      (error: Error) => error.cause as Error,
    );
    if (failure?.name !== 'States.Timeout')
      throw new Error('Could not obtain the States.Timeout error class');
    timeoutErrorClass = failure.constructor as ErrorClass;
  }
  return new timeoutErrorClass();
}
