import { Duration, RemovalPolicy } from 'aws-cdk-lib';
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
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { CaseStepName } from '../../functions/domain/case-commands.ts';
import { acceptFinding, logicalIdOf } from '../nag-acknowledgements.ts';

export interface CaseWorkflowProps {
  /**
   * A fixed name lets functions the workflow invokes be granted task responses by ARN without a
   * reference to the state machine, which would be a circular dependency.
   */
  readonly stateMachineName: string;
  /** Runs one decision or action of the journey (functions/case-step). */
  readonly caseStep: IFunction;
  /** Stores a step's task token on the case so an arriving event can resume it. */
  readonly awaitCaseEvent: IFunction;
}

/**
 * One Standard execution per case, the repair journey of PRODUCT.md P1-P4, P7, P10, P12, P13. Its
 * input: `{ brand, caseId, sla: { arrivalSeconds, diagnosisSeconds, estimateAnswerSeconds, repairSeconds,
 * deliverySeconds, surveySeconds }, pickupAt? }`. Decisions live in the domain
 * (functions/domain/journey.ts); this machine only orders the steps. Every waiting step waits on a task
 * token with the brand's SLA as its timeout; a passed deadline escalates the case one level and waits
 * again with the new owner's deadline (P7). After closing, it waits for the customer's survey (P10).
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
    const applySurvey = this.step(
      'Apply survey answer',
      'applySurveyAnswer',
      undefined,
      undefined,
      '$.survey.event',
    );
    const noSurveyAnswer = this.step('Record no survey answer', 'recordNoSurveyAnswer');
    const offerVisit = this.step(
      'Offer visit windows',
      'offerVisit',
      { next: '$.Payload.next' },
      '$.decision',
    );
    const bookVisit = this.step(
      'Book visit with a technician',
      'bookVisit',
      { visitSeconds: '$.Payload.visitSeconds' },
      '$.visitTimer',
      '$.booking.event',
    );
    const visitTimer = this.step(
      'Remind, or was the visit missed?',
      'visitTimer',
      { next: '$.Payload.next', visitSeconds: '$.Payload.visitSeconds' },
      '$.visitTimer',
    );
    const endVisit = this.step(
      'Apply visit outcome',
      'endVisit',
      { next: '$.Payload.next' },
      '$.decision',
      '$.visitEnd.event',
    );
    const visitOverdue = this.step(
      'Record technician no-show',
      'visitOverdue',
      { next: '$.Payload.next' },
      '$.decision',
    );
    const settleCustody = this.step(
      'Check customer-owned parts',
      'settleCustody',
      { open: '$.Payload.open' },
      '$.custody',
    );
    const done = new Succeed(this, 'Case closed');

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
    // After resolution the customer may say whether their needs were met; silence is recorded, not escalated.
    const waitForSurvey = this.waitFor(
      'Wait for survey answer',
      ['survey-answered'],
      'surveySeconds',
      '$.survey',
      noSurveyAnswer,
    );
    const waitForBooking = this.waitFor(
      'Wait for visit booking',
      ['visit-booked'],
      'bookingSeconds',
      '$.booking',
      'the customer did not choose a visit window',
    );
    // Its timer goes off the day before (a reminder) and after the window plus grace (a missed visit).
    const waitForVisit = this.waitFor(
      'Wait for visit',
      ['visit-signed-off', 'visit-no-show'],
      '$.visitTimer.visitSeconds',
      '$.visitEnd',
      visitTimer,
    );
    const waitForCustody = this.waitFor(
      'Wait for customer-owned parts',
      ['custody-changed'],
      'custodySeconds',
      '$.custodyChange',
      'the customer’s parts were not returned, destroyed on their choice or released',
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
        .when(Condition.stringEquals('$.plan.route', 'on-site'), offerVisit)
        .otherwise(shipToDepot),
    );
    // On site (P6): windows, a booked technician, the visit; then close, visit again, replace, or mail in.
    offerVisit.next(
      new Choice(this, 'Can a visit be offered?')
        .when(Condition.stringEquals('$.decision.next', 'mail-in'), shipToDepot)
        .otherwise(waitForBooking),
    );
    waitForBooking.next(bookVisit).next(waitForVisit).next(endVisit);
    const afterVisit = new Choice(this, 'After the visit?')
      .when(Condition.stringEquals('$.decision.next', 'close'), settleCustody)
      .when(Condition.stringEquals('$.decision.next', 'replace'), orderReplacement)
      .when(Condition.stringEquals('$.decision.next', 'mail-in'), shipToDepot)
      .otherwise(offerVisit);
    endVisit.next(afterVisit);
    visitTimer.next(
      new Choice(this, 'Did the technician come?')
        .when(Condition.stringEquals('$.visitTimer.next', 'no-show'), visitOverdue)
        .otherwise(waitForVisit),
    );
    visitOverdue.next(afterVisit);
    // Custody (P5): the case closes only when every customer-owned part is settled.
    settleCustody.next(
      new Choice(this, 'Are customer-owned parts settled?')
        .when(Condition.numberGreaterThan('$.custody.open', 0), waitForCustody)
        .otherwise(close),
    );
    waitForCustody.next(settleCustody);
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
    shipBack.next(waitForDelivery).next(settleCustody);
    close.next(waitForSurvey).next(applySurvey).next(done);
    noSurveyAnswer.next(done);

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
    return retriedOnConflict(task);
  }

  /**
   * A step that waits for an event (a depot report, a carrier delivery, a customer's answer) on a
   * task token, with the brand's SLA as timeout. When the deadline passes, the case goes one level
   * up the escalation ladder, the customer is told who owns it now, and the step waits again with
   * that owner's deadline.
   */
  private waitFor(
    name: string,
    expect: string[],
    /** The brand's SLA key (`diagnosisSeconds`: `$.sla.diagnosisSeconds`), or a JSONPath of its own. */
    sla: string,
    resultPath: string,
    /** What passing the deadline means (the case escalates), or the state that handles it instead. */
    overdue: string | LambdaInvoke,
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
      taskTimeout: Timeout.at(sla.startsWith('$.') ? sla : `$.sla.${sla}`),
      resultPath,
    });
    if (typeof overdue !== 'string') {
      wait.addCatch(overdue, { errors: [Errors.TIMEOUT], resultPath: JsonPath.DISCARD });
      return wait;
    }
    // The entry time names this escalation: a step run again for the same entry escalates once.
    // Its answer is the workflow's new SLA map, with the new owner's deadline for this step's wait.
    const escalate = new LambdaInvoke(this, `Escalate: ${name.replace(/^Wait for /, '')}`, {
      lambdaFunction: this.props.caseStep,
      payloadResponseOnly: true,
      payload: TaskInput.fromObject({
        brand: JsonPath.stringAt('$.brand'),
        caseId: JsonPath.stringAt('$.caseId'),
        step: 'escalateOverdue' satisfies CaseStepName,
        sla: JsonPath.objectAt('$.sla'),
        overdue: {
          step: name,
          what: overdue,
          enteredAt: JsonPath.stringAt('$$.State.EnteredTime'),
          slaKey: sla,
        },
      }),
      resultPath: '$.sla',
    });
    retriedOnConflict(escalate);
    wait.addCatch(escalate, { errors: [Errors.TIMEOUT], resultPath: JsonPath.DISCARD });
    escalate.next(wait);
    return wait;
  }
}

/** Two writers raced for the case (an event and a step): the step reads it again and decides again. */
function retriedOnConflict(task: LambdaInvoke): LambdaInvoke {
  task.addRetry({
    errors: ['ConcurrentUpdateError'],
    interval: Duration.seconds(1),
    maxAttempts: 5,
    backoffRate: 2,
  });
  return task;
}
