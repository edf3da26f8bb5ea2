import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  Errors,
  type INextable,
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
import { DynamoAttributeValue, DynamoUpdateItem, LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { CaseStepName } from '../../functions/domain/case-commands.ts';
import { acceptFinding, logicalIdOf } from '../nag-acknowledgements.ts';

export interface CaseWorkflowProps {
  /**
   * A fixed name lets functions the workflow invokes be granted task responses by ARN without a
   * reference to the state machine, which would be a circular dependency.
   */
  readonly stateMachineName: string;
  readonly table: ITableV2;
  /** Runs one decision or action of the journey (functions/case-step). */
  readonly caseStep: IFunction;
  /** Stores a step's task token on the case so an arriving event can resume it. */
  readonly awaitCaseEvent: IFunction;
}

/**
 * One Standard execution per case, the repair journey of PRODUCT.md P1-P4, P12, P13. Its input:
 * `{ brand, caseId, sla: { arrivalSeconds, diagnosisSeconds, estimateAnswerSeconds, repairSeconds,
 * deliverySeconds }, pickupAt? }`. Decisions live in the domain (functions/domain/journey.ts); this
 * machine only orders the steps. Every waiting step waits on a task token with the brand's SLA as its
 * timeout, and a passed deadline escalates the case one level and waits again (P7).
 */
export class CaseWorkflow extends Construct {
  readonly stateMachine: StateMachine;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: CaseWorkflowProps,
  ) {
    super(scope, id);

    const plan = this.step('Plan the case', 'plan', { route: '$.Payload.route' }, '$.plan');
    const shipToDepot = this.step('Issue prepaid label', 'shipToDepot');
    const recordArrival = this.step('Record arrival at depot', 'recordArrival');
    const refund = this.step('Refund the return', 'refund');
    const applyDiagnosis = this.step(
      'Apply diagnosis',
      'applyDiagnosis',
      { next: '$.Payload.next' },
      '$.decision',
      '$.diagnosis.event',
    );
    const applyAnswer = this.step(
      'Apply estimate answer',
      'applyEstimateAnswer',
      { next: '$.Payload.next' },
      '$.decision',
      '$.answer.event',
    );
    const recordAttempt = this.step(
      'Record repair attempt',
      'applyRepairAttempt',
      { next: '$.Payload.next' },
      '$.decision',
      '$.attempt.event',
    );
    const orderReplacement = this.step('Order replacement', 'orderReplacement');
    const shipBack = this.step('Ship device to customer', 'shipToCustomer');
    const close = this.step('Close case', 'close');

    const waitForArrival = this.waitFor(
      'Wait for device at depot',
      ['received', 'delivered-to-depot'],
      'arrivalSeconds',
      '$.arrival',
      'the device did not reach the depot',
    );
    const waitForDiagnosis = this.waitFor(
      'Wait for depot diagnosis',
      ['diagnosed'],
      'diagnosisSeconds',
      '$.diagnosis',
      'the depot did not diagnose the device',
    );
    const waitForAnswer = this.waitFor(
      'Wait for estimate answer',
      ['estimate-answered'],
      'estimateAnswerSeconds',
      '$.answer',
      'the estimate was not answered',
    );
    const waitForRepair = this.waitFor(
      'Wait for repair attempt',
      ['repair-attempted'],
      'repairSeconds',
      '$.attempt',
      'the depot did not report the repair',
    );
    const waitForDelivery = this.waitFor(
      'Wait for delivery to customer',
      ['delivered-to-customer'],
      'deliverySeconds',
      '$.delivery',
      'the device was not delivered',
    );

    const pickup = new Choice(this, 'Is a carrier pickup scheduled?')
      .when(
        Condition.isPresent('$.pickupAt'),
        new Wait(this, 'Wait until carrier pickup', { time: WaitTime.timestampPath('$.pickupAt') }).next(
          waitForArrival,
        ),
      )
      .otherwise(waitForArrival);

    const definition = plan.next(
      new Choice(this, 'Which service path?')
        .when(Condition.stringEquals('$.plan.route', 'denied'), close)
        .when(Condition.stringEquals('$.plan.route', 'instant-replacement'), orderReplacement)
        .otherwise(shipToDepot),
    );
    shipToDepot.next(pickup);
    waitForArrival
      .next(recordArrival)
      .next(
        new Choice(this, 'Is it a return?')
          .when(Condition.stringEquals('$.plan.route', 'return'), refund.next(close))
          .otherwise(waitForDiagnosis),
      );
    waitForDiagnosis
      .next(applyDiagnosis)
      .next(
        new Choice(this, 'Is an estimate needed?')
          .when(Condition.stringEquals('$.decision.next', 'estimate'), waitForAnswer)
          .otherwise(waitForRepair),
      );
    waitForAnswer
      .next(applyAnswer)
      .next(
        new Choice(this, 'Was the estimate approved?')
          .when(Condition.stringEquals('$.decision.next', 'repair'), waitForRepair)
          .otherwise(shipBack),
      );
    waitForRepair
      .next(recordAttempt)
      .next(
        new Choice(this, 'Fixed, retry or replace?')
          .when(Condition.stringEquals('$.decision.next', 'retry'), waitForRepair)
          .when(Condition.stringEquals('$.decision.next', 'replace'), orderReplacement)
          .otherwise(shipBack),
      );
    orderReplacement.next(shipBack);
    shipBack.next(waitForDelivery).next(close).next(new Succeed(this, 'Case closed'));

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
    for (const fn of [props.caseStep, props.awaitCaseEvent]) {
      acceptFinding(
        this.stateMachine,
        `IAM5[Resource::<${logicalIdOf(fn)}.Arn>:*]`,
        'Invoking versions and aliases of fairfix’s own workflow functions (the CDK LambdaInvoke default).',
      );
    }
  }

  /**
   * One journey step (functions/case-step). `select` picks what the workflow keeps of its answer and
   * `resultPath` where; `eventPath` hands it the event that resumed the previous waiting step.
   */
  private step(
    name: string,
    step: CaseStepName,
    select?: Record<string, string>,
    resultPath?: string,
    eventPath?: string,
  ): LambdaInvoke {
    const task = new LambdaInvoke(this, name, {
      lambdaFunction: this.props.caseStep,
      payload: TaskInput.fromObject({
        brand: JsonPath.stringAt('$.brand'),
        caseId: JsonPath.stringAt('$.caseId'),
        step,
        ...(eventPath ? { event: JsonPath.objectAt(eventPath) } : {}),
      }),
      ...(select
        ? {
            resultSelector: Object.fromEntries(
              Object.entries(select).map(([key, path]) => [key, JsonPath.stringAt(path)]),
            ),
            resultPath,
          }
        : { resultPath: JsonPath.DISCARD }),
    });
    // Two writers raced for the case (an event and this step): read it again and decide again.
    task.addRetry({
      errors: ['ConcurrentUpdateError'],
      interval: Duration.seconds(1),
      maxAttempts: 5,
      backoffRate: 2,
    });
    return task;
  }

  /**
   * A step that waits for an event (a depot report, a carrier delivery, a customer's answer) on a
   * task token, with the brand's SLA as timeout. When the deadline passes, the case goes one level
   * up the escalation ladder, with the reason on its timeline, and the step waits again.
   */
  private waitFor(
    name: string,
    expect: string[],
    sla: string,
    resultPath: string,
    overdue: string,
  ): LambdaInvoke & INextable {
    const wait = new LambdaInvoke(this, name, {
      lambdaFunction: this.props.awaitCaseEvent,
      integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: TaskInput.fromObject({
        brand: JsonPath.stringAt('$.brand'),
        caseId: JsonPath.stringAt('$.caseId'),
        step: name,
        expect,
        taskToken: JsonPath.taskToken,
      }),
      taskTimeout: Timeout.at(`$.sla.${sla}`),
      resultPath,
    });
    const escalate = new DynamoUpdateItem(this, `Escalate: ${name.replace(/^Wait for /, '')}`, {
      table: this.props.table,
      key: {
        pk: DynamoAttributeValue.fromString(
          JsonPath.format('T#{}#CASE#{}', JsonPath.stringAt('$.brand'), JsonPath.stringAt('$.caseId')),
        ),
        sk: DynamoAttributeValue.fromString('CASE'),
      },
      updateExpression:
        'ADD escalationLevel :one, version :one SET timeline = list_append(timeline, :entry), lastEscalationAt = :at',
      // Once per entry into this state: a step run again for the same entry (a resumed local execution
      // keeps its entry time) finds its escalation done and moves on instead of escalating twice.
      conditionExpression: 'attribute_not_exists(lastEscalationAt) OR lastEscalationAt <> :at',
      expressionAttributeValues: {
        ':one': DynamoAttributeValue.fromNumber(1),
        ':at': DynamoAttributeValue.fromString(JsonPath.stringAt('$$.State.EnteredTime')),
        ':entry': DynamoAttributeValue.fromList([
          DynamoAttributeValue.fromMap({
            at: DynamoAttributeValue.fromString(JsonPath.stringAt('$$.State.EnteredTime')),
            type: DynamoAttributeValue.fromString('escalated'),
            summary: DynamoAttributeValue.fromString(
              `Deadline passed: ${overdue} in time. The case was escalated one level.`,
            ),
            by: DynamoAttributeValue.fromString('system:workflow'),
          }),
        ]),
      },
      resultPath: JsonPath.DISCARD,
    });
    escalate.addCatch(wait, {
      errors: ['DynamoDB.ConditionalCheckFailedException'],
      resultPath: JsonPath.DISCARD,
    });
    wait.addCatch(escalate, { errors: [Errors.TIMEOUT], resultPath: JsonPath.DISCARD });
    escalate.next(wait);
    return wait;
  }
}
