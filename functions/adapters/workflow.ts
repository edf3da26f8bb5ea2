import type { Workflow } from '../domain/ports.ts';
import { onFirstUse, requiredEnv } from './aws-clients.ts';

/** Step Functions' SDK and one client, loaded when a workflow is first started or resumed. */
const stepFunctions = onFirstUse(async () => {
  const sdk = await import('@aws-sdk/client-sfn');
  return { sdk, client: new sdk.SFNClient({}) };
});

export class StepFunctionsWorkflow implements Workflow {
  constructor(private readonly stateMachineArn = requiredEnv('CASE_WORKFLOW_ARN')) {}

  async start(name: string, input: object): Promise<void> {
    const { sdk, client } = await stepFunctions();
    try {
      await client.send(
        new sdk.StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name,
          input: JSON.stringify(input),
        }),
      );
    } catch (error) {
      // The case's execution exists already (running, or finished on a late replay): nothing to start.
      // Its name is the case id and its input derives from the case, so it is this case's own.
      if (!(error instanceof sdk.ExecutionAlreadyExists)) throw error;
    }
  }

  async resume(token: string, output: object): Promise<boolean> {
    const { sdk, client } = await stepFunctions();
    try {
      await client.send(new sdk.SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }));
      return true;
    } catch (error) {
      if (
        error instanceof sdk.TaskDoesNotExist ||
        error instanceof sdk.TaskTimedOut ||
        error instanceof sdk.InvalidToken
      )
        return false;
      throw error;
    }
  }
}
