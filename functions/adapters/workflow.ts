import {
  ExecutionAlreadyExists,
  InvalidToken,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import type { Workflow } from '../domain/ports.ts';
import { requiredEnv, sfn } from './aws-clients.ts';

export class StepFunctionsWorkflow implements Workflow {
  constructor(private readonly stateMachineArn = requiredEnv('CASE_WORKFLOW_ARN')) {}

  async start(name: string, input: object): Promise<void> {
    try {
      await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name,
          input: JSON.stringify(input),
        }),
      );
    } catch (error) {
      // The case's execution exists already (running, or finished on a late replay): nothing to start.
      // Its name is the case id and its input derives from the case, so it is this case's own.
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
    }
  }

  async resume(token: string, output: object): Promise<boolean> {
    try {
      await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }));
      return true;
    } catch (error) {
      if (error instanceof TaskDoesNotExist || error instanceof TaskTimedOut || error instanceof InvalidToken)
        return false;
      throw error;
    }
  }
}
