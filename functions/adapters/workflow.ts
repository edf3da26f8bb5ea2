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

  async start(caseId: string, input: object): Promise<void> {
    try {
      await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: caseId,
          input: JSON.stringify(input),
        }),
      );
    } catch (error) {
      // Same name and same input is answered with success by AWS; a different input is a real conflict.
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
