import { RemovalPolicy } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  Errors,
  IntegrationPattern,
  JsonPath,
  LogLevel,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  Timeout,
  Wait,
  WaitTime,
} from 'aws-cdk-lib/aws-stepfunctions';
import {
  DynamoAttributeValue,
  DynamoReturnValues,
  DynamoUpdateItem,
  LambdaInvoke,
} from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { acceptFinding, logicalIdOf } from '../nag-acknowledgements.ts';

export interface CaseWorkflowProps {
  /**
   * A fixed name lets functions the workflow invokes be granted task responses by ARN without a
   * reference to the state machine, which would be a circular dependency.
   */
  readonly stateMachineName: string;
  readonly table: ITableV2;
  /** Records the acknowledgement (next step, deadline, escalation path) on the case. */
  readonly acknowledgeCase: IFunction;
  /** Stores a step's task token on the case so an arriving event can resume it. */
  readonly awaitCaseEvent: IFunction;
}

/**
 * One Standard execution per case. Its input: `{ brand, caseId, sla: { arrivalSeconds }, pickupAt? }`.
 * Waiting steps wait on a task token with the brand's SLA as timeout; a passed deadline escalates.
 */
export class CaseWorkflow extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: CaseWorkflowProps) {
    super(scope, id);

    const caseKey = {
      pk: DynamoAttributeValue.fromString(
        JsonPath.format('T#{}#CASE#{}', JsonPath.stringAt('$.brand'), JsonPath.stringAt('$.caseId')),
      ),
      sk: DynamoAttributeValue.fromString('CASE'),
    };
    const timelineEntry = (type: string, summary: string) =>
      DynamoAttributeValue.fromList([
        DynamoAttributeValue.fromMap({
          at: DynamoAttributeValue.fromString(JsonPath.stringAt('$$.State.EnteredTime')),
          type: DynamoAttributeValue.fromString(type),
          summary: DynamoAttributeValue.fromString(summary),
          by: DynamoAttributeValue.fromString('system:workflow'),
        }),
      ]);

    const acknowledge = new LambdaInvoke(this, 'Acknowledge case', {
      lambdaFunction: props.acknowledgeCase,
      payload: TaskInput.fromObject({
        brand: JsonPath.stringAt('$.brand'),
        caseId: JsonPath.stringAt('$.caseId'),
      }),
      resultPath: JsonPath.DISCARD,
    });

    const pickupScheduled = new Choice(this, 'Is a carrier pickup scheduled?');
    const waitForPickup = new Wait(this, 'Wait until carrier pickup', {
      time: WaitTime.timestampPath('$.pickupAt'),
    });

    const waitForArrival = new LambdaInvoke(this, 'Wait for device at depot', {
      lambdaFunction: props.awaitCaseEvent,
      integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: TaskInput.fromObject({
        brand: JsonPath.stringAt('$.brand'),
        caseId: JsonPath.stringAt('$.caseId'),
        step: 'Wait for device at depot',
        expect: ['received'],
        taskToken: JsonPath.taskToken,
      }),
      taskTimeout: Timeout.at('$.sla.arrivalSeconds'),
      resultPath: '$.arrival',
    });

    // A passed deadline is never a dead end: the case goes one level up the ladder and waits again (P7).
    const escalate = new DynamoUpdateItem(this, 'Escalate overdue arrival', {
      table: props.table,
      key: caseKey,
      updateExpression: 'ADD escalationLevel :one, version :one SET timeline = list_append(timeline, :entry)',
      expressionAttributeValues: {
        ':one': DynamoAttributeValue.fromNumber(1),
        ':entry': timelineEntry(
          'escalated',
          'The device did not reach the depot by its deadline; the case was escalated one level.',
        ),
      },
      returnValues: DynamoReturnValues.UPDATED_NEW,
      resultSelector: { 'level.$': '$.Attributes.escalationLevel.N' },
      resultPath: '$.escalation',
    });

    const recordArrival = new DynamoUpdateItem(this, 'Record arrival at depot', {
      table: props.table,
      key: caseKey,
      updateExpression: 'SET #status = :atDepot, timeline = list_append(timeline, :entry) ADD version :one',
      expressionAttributeNames: { '#status': 'status' },
      expressionAttributeValues: {
        ':atDepot': DynamoAttributeValue.fromString('at-depot'),
        ':one': DynamoAttributeValue.fromNumber(1),
        ':entry': timelineEntry('status-changed', 'The device is at the depot.'),
      },
      resultPath: JsonPath.DISCARD,
    });

    waitForArrival.addCatch(escalate, { errors: [Errors.TIMEOUT], resultPath: '$.timeout' });
    escalate.next(waitForArrival);

    const definition = acknowledge.next(
      pickupScheduled
        .when(Condition.isPresent('$.pickupAt'), waitForPickup.next(waitForArrival))
        .otherwise(waitForArrival),
    );
    waitForArrival.next(recordArrival).next(new Succeed(this, 'Device at depot'));

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(definition),
      tracingEnabled: true,
      logs: {
        destination: new LogGroup(this, 'Logs', {
          retention: RetentionDays.THREE_MONTHS,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
        level: LogLevel.ALL,
        includeExecutionData: true,
      },
    });
    acceptFinding(
      this.stateMachine,
      'IAM5[Resource::*]',
      'X-Ray and CloudWatch Logs delivery actions accept no narrower resource.',
    );
    for (const fn of [props.acknowledgeCase, props.awaitCaseEvent]) {
      acceptFinding(
        this.stateMachine,
        `IAM5[Resource::<${logicalIdOf(fn)}.Arn>:*]`,
        'Invoking versions and aliases of fairfix’s own workflow functions (the CDK LambdaInvoke default).',
      );
    }
  }
}
