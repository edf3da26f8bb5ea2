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
  Pass,
  Result,
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
import type { StepName as CaseStepName } from '../../functions/app/workflow-steps.ts';
import { type Wait as CaseWait, type RemindCustomer, WAITS } from '../../functions/domain/waits.ts';
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
 * deliverySeconds, surveySeconds, ... }, pickupAt?, reopened? }`. Decisions live in the domain
 * (functions/domain/, one module per promise); this machine only orders the steps. Every waiting step waits on a task
 * token with the brand's SLA as its timeout; a passed deadline escalates the case one level and waits
 * again with the new owner's deadline (P7). After closing, it waits for the customer's survey (P10),
 * and for the follow-up a "no" opens.
 *
 * No step fails silently (P7): any error a step still has after its retries hands the case to a person
 * ("Hand the case to a person"), who decides how it goes on ("Wait for a person’s decision", escalating
 * on its deadline like any wait): where it stopped, a replacement, a refund, a repair elsewhere, or
 * closing with a published reason. A carrier's parcel exception, a replacement that cannot be supplied
 * and a complaint about a closed case (an execution of its own, started with `reopened`, whose plan step
 * finds the case reopened) go the same way.
 *
 * Each state entered is billed on AWS (issue 13): a decision is made by the step that runs anyway and
 * answers what comes next, rather than by a step or Choice of its own, and a step followed by a wait
 * (a label, then its parcel; closing, then the survey; the survey's answer, then its follow-up)
 * registers that wait itself, in one state, or answers it itself when its decision leaves nothing to
 * wait for (test/workflow/budget.test.ts, test/workflow/step-then-wait.test.ts).
 */
export class CaseWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  /** Every task, and the state the case resumes at when its person says so after it failed. */
  private readonly tasks: { task: LambdaInvoke; resumeAt: string }[] = [];
  /** What passing each wait's deadline runs, for a step that ends in that wait to share (stepThenWait). */
  private readonly deadlines = new Map<string, LambdaInvoke>();
  /** The waits on the customer and the step their deadline runs, wired once the steps they lead to exist. */
  private readonly customerDeadlines: {
    wait: CaseWait;
    onDeadline: RemindCustomer;
    task: LambdaInvoke;
    passed: LambdaInvoke;
  }[] = [];

  constructor(
    scope: Construct,
    id: string,
    private readonly props: CaseWorkflowProps,
  ) {
    super(scope, id);

    const plan = this.step('Decide coverage and path', {
      step: 'plan',
      answer: { route: '$.Payload.route' },
      at: '$.plan',
    });
    // The same label for a case opened with a carrier pickup, which the arrival's wait starts after.
    const shipForPickup = this.step('Issue prepaid label for the pickup', { step: 'shipToDepot' });
    const decided = { answer: { next: '$.Payload.next' }, at: '$.decision' } as const;
    const recordArrival = this.step('Record arrival at depot', {
      step: 'recordArrival',
      ...decided,
      after: WAITS.arrival,
    });
    const refund = this.step('Refund the return', { step: 'refund' });
    const applyDiagnosis = this.step('Decide on the diagnosis', {
      step: 'applyDiagnosis',
      ...decided,
      after: WAITS.diagnosis,
    });
    const applyAnswer = this.step('Apply the estimate answer', {
      step: 'applyEstimateAnswer',
      ...decided,
      after: WAITS.estimate,
    });
    const recordAttempt = this.step('Record repair attempt', {
      step: 'applyRepairAttempt',
      ...decided,
      after: WAITS.repair,
    });
    const orderReplacement = this.step('Order the replacement', { step: 'orderReplacement' });
    // Settles the customer's parts first (P5): while any is open, the answer is to wait for them.
    const close = this.step('Close the case', { step: 'close', ...decided });
    const offerVisit = this.step('Offer visit windows', { step: 'offerVisit', ...decided });
    const bookVisit = this.step('Book visit with a technician', {
      step: 'bookVisit',
      answer: { visitSeconds: '$.Payload.visitSeconds' },
      at: '$.visitTimer',
      after: WAITS.booking,
    });
    const endVisit = this.step('Apply visit outcome', { step: 'endVisit', ...decided, after: WAITS.visit });
    const visitOverdue = this.step('Record technician no-show', { step: 'visitOverdue', ...decided });
    const done = new Succeed(this, 'Case closed');

    // What passing a wait's deadline runs, for the waits that do not escalate.
    const onDeadline = {
      // A reminder the day before the visit, or a missed visit after its window and grace.
      visitTimer: this.step('Remind, or was the visit missed?', {
        step: 'visitTimer',
        answer: { next: '$.Payload.next', visitSeconds: '$.Payload.visitSeconds' },
        at: '$.visitTimer',
      }),
      recordNoSurveyAnswer: this.step('Record no survey answer', { step: 'recordNoSurveyAnswer' }),
    };
    const visitTimer = onDeadline.visitTimer;
    const noSurveyAnswer = onDeadline.recordNoSurveyAnswer;
    const applyDecision = this.step('Apply the person’s decision', {
      step: 'applyPersonDecision',
      ...decided,
      after: WAITS.decision,
    });
    const applyOfferAnswer = this.step('Apply the answer to the offer', {
      step: 'applyOfferAnswer',
      ...decided,
      after: WAITS.offer,
    });
    const waitFor = (wait: CaseWait) => this.waitFor(wait, onDeadline);
    const waitForArrival = waitFor(WAITS.arrival);
    const waitForDiagnosis = waitFor(WAITS.diagnosis);
    const waitForAnswer = waitFor(WAITS.estimate);
    const waitForRepair = waitFor(WAITS.repair);
    const waitForSurvey = waitFor(WAITS.survey);
    const waitForBooking = waitFor(WAITS.booking);
    const waitForVisit = waitFor(WAITS.visit);
    const waitForCustody = waitFor(WAITS.custody);
    const waitForDelivery = waitFor(WAITS.delivery);
    const waitForDecision = waitFor(WAITS.decision);
    const waitForOffer = waitFor(WAITS.offer);
    const waitForFollowUp = waitFor(WAITS.followUp);
    const waitForAddress = waitFor(WAITS.address);
    // Closing after the delivery, then the wait for the survey's answer, in one state (issue 13): handed
    // what ended the delivery's wait, closing registers the survey's wait when it closed the case; when
    // something is left (a parcel gone wrong, no parcel sent for want of an address, the customer's parts)
    // or nothing is (closed again), it answers that wait itself with its decision. The survey's window
    // passed, silence is recorded as after the plain wait.
    const closeOnDelivery = this.stepThenWait(
      'Close the case once delivered',
      { step: 'close', handed: { delivery: WAITS.delivery.keepAt } },
      WAITS.survey,
    );
    // The answer applied, then the follow-up a "no" opens, in one state: with no follow-up owed, the step
    // answers that wait itself, and the case is done either way.
    const applySurvey = this.stepThenWait(
      'Apply survey answer',
      { step: 'applySurveyAnswer', after: WAITS.survey },
      WAITS.followUp,
    );
    // A label, then the wait for its parcel, in one state (issue 13): the step registers the wait in the
    // same save. Its deadline is the wait's: passed, it goes where the wait's own goes, and a wait begun
    // again (reminded, escalated) is the plain one, so no step asks the carrier twice.
    const shipToDepot = this.stepThenWait('Issue prepaid label', { step: 'shipToDepot' }, WAITS.arrival);
    // Checks the address first: with none, nothing is shipped and the step answers its wait itself with
    // `{ address }`; closing after it then says the customer is asked for one.
    const shipBack = this.stepThenWait('Ship to the customer', { step: 'shipToCustomer' }, WAITS.delivery);
    const handToPerson = this.handToPerson();
    const nowhere = new Pass(this, 'The decision names no path', {
      result: Result.fromObject({
        state: 'Apply the person’s decision',
        failure: { Error: 'NoSuchPath', Cause: 'The decision names no path of the workflow.' },
      }),
      resultPath: '$.why',
    }).next(handToPerson);
    /** A path to a person for a reason the case states, or a parcel the carrier reports (`event`). */
    const toPerson = (name: string, state: string, event?: string) =>
      new Pass(this, name, {
        ...(event
          ? { parameters: { state, event: JsonPath.objectAt(event) } }
          : { result: Result.fromObject({ state }) }),
        resultPath: '$.why',
      }).next(handToPerson);

    // Nothing goes to the customer and no technician is sent without an address: the customer is asked.
    // Shipping checks it itself; a visit's check is a step of its own, before any window is offered.
    const addressKnown = Condition.booleanEquals('$.address.known', true);
    const forVisit = this.step('Is there an address for the visit?', {
      step: 'checkAddress',
      input: { for: 'visit' },
      answer: { known: '$.Payload.known', purpose: '$.Payload.purpose' },
      at: '$.address',
    });
    forVisit.next(
      new Choice(this, 'Can a technician be sent?').when(addressKnown, offerVisit).otherwise(waitForAddress),
    );
    const neededFor = (purpose: string) =>
      Condition.and(
        Condition.isPresent('$.address.purpose'),
        Condition.stringEquals('$.address.purpose', purpose),
      );
    waitForAddress.next(
      new Choice(this, 'Where was the address needed?')
        .when(neededFor('visit'), forVisit)
        .when(neededFor('ship-back'), shipBack)
        .otherwise(nowhere),
    );

    const pickupScheduled = Condition.isPresent('$.pickupAt');
    shipForPickup.next(
      new Wait(this, 'Wait until carrier pickup', { time: WaitTime.timestampPath('$.pickupAt') }).next(
        waitForArrival,
      ),
    );
    shipToDepot.next(recordArrival);
    // Paths that come to the depot later (after a visit, on a person's decision) ask about the pickup here.
    const toDepot = new Choice(this, 'Is a carrier pickup scheduled?')
      .when(pickupScheduled, shipForPickup)
      .otherwise(shipToDepot);

    const route = (name: string) => Condition.stringEquals('$.plan.route', name);
    plan.next(
      new Choice(this, 'Which service path?')
        // A complaint about a closed case reopens it in an execution of its own, which starts with its person.
        .when(route('complaint'), toPerson('A complaint reopened the case', 'Close the case'))
        .when(route('denied'), close)
        .when(route('instant-replacement'), orderReplacement)
        .when(route('on-site'), forVisit)
        .when(pickupScheduled, shipForPickup)
        .otherwise(shipToDepot),
    );
    // On site (P6): windows, a booked technician, the visit; then close, visit again, replace, or mail in.
    offerVisit.next(
      new Choice(this, 'Can a visit be offered?')
        .when(Condition.stringEquals('$.decision.next', 'mail-in'), toDepot)
        .otherwise(waitForBooking),
    );
    waitForBooking.next(bookVisit).next(waitForVisit).next(endVisit);
    const afterVisit = new Choice(this, 'After the visit?')
      .when(Condition.stringEquals('$.decision.next', 'close'), close)
      .when(Condition.stringEquals('$.decision.next', 'replace'), orderReplacement)
      .when(Condition.stringEquals('$.decision.next', 'mail-in'), toDepot)
      .otherwise(offerVisit);
    endVisit.next(afterVisit);
    visitTimer.next(
      new Choice(this, 'Did the technician come?')
        .when(Condition.stringEquals('$.visitTimer.next', 'no-show'), visitOverdue)
        .otherwise(waitForVisit),
    );
    visitOverdue.next(afterVisit);
    // Custody (P5): closing waits until every customer-owned part is settled.
    waitForCustody.next(close);
    // A carrier's exception ends the parcel's wait too: the step after it says so, and a person has it.
    const parcelWentWrong = Condition.stringEquals('$.decision.next', 'parcel-exception');
    waitForArrival.next(recordArrival);
    recordArrival.next(
      new Choice(this, 'After the arrival?')
        .when(
          parcelWentWrong,
          toPerson('A parcel to the depot went wrong', WAITS.arrival.state, '$.arrival.event'),
        )
        .when(Condition.stringEquals('$.decision.next', 'refund'), refund.next(close))
        .otherwise(waitForDiagnosis),
    );
    waitForDiagnosis.next(applyDiagnosis).next(
      new Choice(this, 'Is an estimate needed?')
        .when(Condition.stringEquals('$.decision.next', 'estimate'), waitForAnswer)
        // A fault that came back after a fix, at the brand's N failed repairs: replaced, not repaired (P4).
        .when(Condition.stringEquals('$.decision.next', 'replace'), orderReplacement)
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
    waitForDelivery.next(closeOnDelivery);
    shipBack.next(closeOnDelivery);
    const askForAddress = new Pass(this, 'Ask for an address to ship to', {
      result: Result.fromObject({ known: false, purpose: 'ship-back' }),
      resultPath: '$.address',
    }).next(waitForAddress);
    close.next(
      new Choice(this, 'Closed, or what is left?')
        .when(Condition.stringEquals('$.decision.next', 'custody'), waitForCustody)
        .when(Condition.stringEquals('$.decision.next', 'survey'), waitForSurvey)
        .otherwise(done),
    );
    // What ended closing's own wait, routed once: the survey's answer (the customer's event), or what
    // closing said instead of waiting (`next`), which the first rule keeps from being read on an answer.
    const closedSaid = (next: string) => Condition.stringEquals('$.survey.next', next);
    closeOnDelivery.next(
      new Choice(this, 'Survey answered, or what is left?')
        .when(Condition.isPresent('$.survey.event'), applySurvey)
        .when(closedSaid('address'), askForAddress)
        .when(
          closedSaid('parcel-exception'),
          toPerson('A parcel to the customer went wrong', WAITS.delivery.state, '$.delivery.event'),
        )
        .when(closedSaid('custody'), waitForCustody)
        .otherwise(done),
    );
    waitForSurvey.next(applySurvey);
    applySurvey.next(done);
    waitForFollowUp.next(done);
    noSurveyAnswer.next(done);

    // A person has the case: they decide how it goes on (P7).
    handToPerson.next(waitForDecision).next(applyDecision);
    const resume = new Choice(this, 'Where does the case go on?');
    const resumable = new Map(this.tasks.map(({ resumeAt }) => [resumeAt, this.taskNamed(resumeAt)]));
    // Steps since folded into others: a case handed to a person there before goes on where they went.
    resumable.set('Check customer-owned parts', close).set('Is there an address to ship to?', shipBack);
    for (const [name, state] of resumable) resume.when(Condition.stringEquals('$.why.state', name), state);
    resume.otherwise(nowhere);
    const decidedTo = (next: string) => Condition.stringEquals('$.decision.next', next);
    applyDecision.next(
      new Choice(this, 'What did the person decide?')
        .when(decidedTo('resume'), resume)
        .when(decidedTo('replace'), orderReplacement)
        .when(decidedTo('offer'), waitForOffer)
        .when(decidedTo('repair'), waitForRepair)
        .when(decidedTo('ship-to-depot'), toDepot)
        .when(decidedTo('ship-back'), shipBack)
        .when(decidedTo('close'), close)
        .otherwise(nowhere),
    );
    waitForOffer
      .next(applyOfferAnswer)
      .next(
        new Choice(this, 'Did the customer accept the offer?')
          .when(decidedTo('replace'), orderReplacement)
          .otherwise(toPerson('The customer declined the offer', 'Order the replacement')),
      );
    // A customer's deadline passed: they were reminded (or, a parcel the carrier has, it escalated) and
    // the wait goes on with its new deadline; or, after the grace period, the case settles as declared.
    for (const { wait, onDeadline, task, passed } of this.customerDeadlines) {
      const short = wait.state.replace(/^Wait for /, '');
      const outcome = (next: string) => Condition.stringEquals('$.customerDeadline.next', next);
      // The step's SLA map is the workflow's from now on: the wait's next timeout, or its own deadline again.
      const newDeadline = new Pass(this, `New deadline: ${short}`, {
        inputPath: '$.customerDeadline.sla',
        resultPath: '$.sla',
      });
      const after = new Choice(this, `After the deadline: ${short}?`).when(outcome('wait'), task);
      if ('thenClose' in onDeadline) {
        after.when(outcome('close'), close).when(outcome('ship-back'), shipBack);
      } else {
        after.when(outcome('person'), toPerson(`The customer did not answer: ${short}`, wait.state));
      }
      passed.next(newDeadline).next(after.otherwise(nowhere));
    }
    // Last, so that every step is known: any error after a step's retries hands the case to a person.
    for (const { task, resumeAt } of this.tasks) {
      const noted = new Pass(this, `Failed: ${task.stateId}`, {
        parameters: { state: resumeAt, failure: JsonPath.objectAt('$.failure') },
        resultPath: '$.why',
      }).next(handToPerson);
      task.addCatch(noted, { errors: [Errors.ALL], resultPath: '$.failure' });
    }

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(plan),
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

  /** One journey step (functions/case-step): a decision of the domain, or an action such as a label. */
  private step(name: string, options: StepOptions): LambdaInvoke {
    const task = retried(new LambdaInvoke(this, name, this.stepProps(options)));
    this.tasks.push({ task, resumeAt: name });
    return task;
  }

  /**
   * A step that ends in a wait, in one state: the step runs (functions/case-step) handed the wait, which
   * it registers on the case in the same save, as await-case-event would in a state of its own. The
   * wait's deadline is the state's timeout and its passing goes where the plain wait's does (a wait that
   * escalates or reminds is then begun again in the plain wait, so the step never runs twice for one
   * deadline); its event is kept where the plain wait keeps it. A step whose decision leaves nothing to
   * wait for (no address to ship to; closing that did not close) answers the wait itself with that
   * decision, in the same place, for the state after it to route (ownAnswers in workflow-steps.ts).
   */
  private stepThenWait(name: string, options: StepOptions, wait: CaseWait): LambdaInvoke {
    const { payload } = this.stepProps(options);
    const task = new LambdaInvoke(this, name, {
      lambdaFunction: this.props.caseStep,
      integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: TaskInput.fromObject({ ...payload?.value, wait: this.waitPayload(wait) }),
      taskTimeout: deadlineOf(wait),
      resultPath: wait.keepAt,
    });
    retried(task);
    this.tasks.push({ task, resumeAt: name });
    const onDeadline = this.deadlines.get(wait.state);
    if (!onDeadline) throw new Error(`"${wait.state}" has no deadline step for "${name}" to share`);
    task.addCatch(onDeadline, { errors: [Errors.TIMEOUT], resultPath: JsonPath.DISCARD });
    return task;
  }

  /** What a waiting step hands over to register its wait (functions/app/waiting.ts). */
  private waitPayload(wait: CaseWait) {
    return {
      step: wait.state,
      expect: [...wait.events],
      token: JsonPath.taskToken,
      enteredAt: JsonPath.stringAt('$$.State.EnteredTime'),
      execution: JsonPath.stringAt('$$.Execution.Name'),
    };
  }

  private stepProps(options: StepOptions) {
    const { step, answer, at, after, input, handed } = options;
    return {
      lambdaFunction: this.props.caseStep,
      payload: TaskInput.fromObject({
        brand: JsonPath.stringAt('$.brand'),
        caseId: JsonPath.stringAt('$.caseId'),
        step,
        ...input,
        ...(after ? { event: JsonPath.objectAt(`${after.keepAt}.event`) } : {}),
        ...Object.fromEntries(
          Object.entries(handed ?? {}).map(([key, path]) => [key, JsonPath.objectAt(path)]),
        ),
      }),
      ...(answer
        ? {
            resultSelector: Object.fromEntries(
              Object.entries(answer).map(([key, path]) => [key, JsonPath.stringAt(path)]),
            ),
            resultPath: at,
          }
        : { resultPath: JsonPath.DISCARD }),
    };
  }

  private taskNamed(name: string): LambdaInvoke {
    const found = this.tasks.find(({ task }) => task.stateId === name)?.task;
    if (!found) throw new Error(`No task named "${name}" to resume at`);
    return found;
  }

  /**
   * The case goes to a person: the step records who has it, why, and by when, tells the customer, and
   * answers the workflow's SLA map with how long the person has (`decisionSeconds`). Why is in `$.why`:
   * the state it stopped at and the error (from a catch), or a parcel the carrier reported. If the step
   * itself cannot run (the store is down), it tries again later: it is where every other failure goes.
   */
  private handToPerson(): LambdaInvoke {
    const task = new LambdaInvoke(this, 'Hand the case to a person', {
      lambdaFunction: this.props.caseStep,
      payloadResponseOnly: true,
      payload: TaskInput.fromObject({
        brand: JsonPath.stringAt('$.brand'),
        caseId: JsonPath.stringAt('$.caseId'),
        step: 'handToPerson' satisfies CaseStepName,
        why: JsonPath.objectAt('$.why'),
        enteredAt: JsonPath.stringAt('$$.State.EnteredTime'),
        sla: JsonPath.objectAt('$.sla'),
      }),
      resultPath: '$.sla',
    });
    retried(task).addRetry({
      errors: [Errors.ALL],
      interval: Duration.seconds(5),
      maxAttempts: 3,
      backoffRate: 2,
    });
    const later = new Wait(this, 'Wait, then hand the case to a person again', {
      time: WaitTime.duration(Duration.hours(1)),
    }).next(task);
    task.addCatch(later, { errors: [Errors.ALL], resultPath: JsonPath.DISCARD });
    return task;
  }

  /**
   * A step that waits for an event (a depot report, a carrier delivery, a customer's answer) on a
   * task token, with its deadline as timeout (functions/domain/waits.ts declares each). When the
   * deadline passes, the case goes one level up the escalation ladder, the customer is told who owns
   * it now, and the step waits again with that owner's deadline; or a step of its own runs.
   */
  private waitFor(
    wait: CaseWait,
    onDeadline: Record<'visitTimer' | 'recordNoSurveyAnswer', LambdaInvoke>,
  ): LambdaInvoke & INextable {
    const { state: name, deadline } = wait;
    const { token, ...registered } = this.waitPayload(wait);
    const task = new LambdaInvoke(this, name, {
      lambdaFunction: this.props.awaitCaseEvent,
      integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: TaskInput.fromObject({
        brand: JsonPath.stringAt('$.brand'),
        caseId: JsonPath.stringAt('$.caseId'),
        ...registered,
        taskToken: token,
      }),
      taskTimeout: deadlineOf(wait),
      resultPath: wait.keepAt,
    });
    this.tasks.push({ task, resumeAt: name });
    if ('remindCustomer' in wait.onDeadline) {
      // The entry time names this deadline: a step run again for the same one reminds (or settles) once.
      const passed = new LambdaInvoke(this, `Deadline passed: ${name.replace(/^Wait for /, '')}`, {
        lambdaFunction: this.props.caseStep,
        payloadResponseOnly: true,
        payload: TaskInput.fromObject({
          brand: JsonPath.stringAt('$.brand'),
          caseId: JsonPath.stringAt('$.caseId'),
          step: 'customerOverdue' satisfies CaseStepName,
          sla: JsonPath.objectAt('$.sla'),
          overdue: {
            step: name,
            what: wait.onDeadline.remindCustomer,
            enteredAt: JsonPath.stringAt('$$.State.EnteredTime'),
          },
        }),
        resultPath: '$.customerDeadline',
      });
      retried(passed);
      // Should it fail, the person who then has the case resumes at the wait itself.
      this.tasks.push({ task: passed, resumeAt: name });
      task.addCatch(passed, { errors: [Errors.TIMEOUT], resultPath: JsonPath.DISCARD });
      this.deadlines.set(name, passed);
      this.customerDeadlines.push({ wait, onDeadline: wait.onDeadline, task, passed });
      return task;
    }
    if ('run' in wait.onDeadline) {
      const run = onDeadline[wait.onDeadline.run];
      task.addCatch(run, { errors: [Errors.TIMEOUT], resultPath: JsonPath.DISCARD });
      this.deadlines.set(name, run);
      return task;
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
          what: wait.onDeadline.escalate,
          enteredAt: JsonPath.stringAt('$$.State.EnteredTime'),
          slaKey: deadline,
        },
      }),
      resultPath: '$.sla',
    });
    retried(escalate);
    // Should escalating fail, the person who then has the case resumes at the wait itself.
    this.tasks.push({ task: escalate, resumeAt: name });
    task.addCatch(escalate, { errors: [Errors.TIMEOUT], resultPath: JsonPath.DISCARD });
    this.deadlines.set(name, escalate);
    escalate.next(task);
    return task;
  }
}

/** What a journey step runs and what the workflow keeps of its answer. */
interface StepOptions {
  /** The step of functions/case-step to run. */
  readonly step: CaseStepName;
  /** What the workflow keeps of the step's answer (name: JSONPath into the answer)... */
  readonly answer?: Record<string, string>;
  /** ...and where in its state. */
  readonly at?: string;
  /** The wait this step follows: the step is handed the event that resumed it. */
  readonly after?: CaseWait;
  /** Fixed values the step is handed besides the case (what an address is needed for). */
  readonly input?: Record<string, string>;
  /** Parts of the workflow's state the step is handed whole (name: JSONPath). */
  readonly handed?: Record<string, string>;
}

/** A wait's deadline as a task's timeout: a brand's SLA, or a path a step before it answered. */
function deadlineOf(wait: CaseWait): Timeout {
  const { deadline } = wait;
  return Timeout.at(deadline.startsWith('$.') ? deadline : `$.sla.${deadline}`);
}

/**
 * Two writers raced for the case (an event and a step): the step reads it again and decides again. A
 * carrier that did not answer is asked again, briefly: a longer outage goes to a person.
 */
function retried(task: LambdaInvoke): LambdaInvoke {
  task.addRetry({
    errors: ['ConcurrentUpdateError'],
    interval: Duration.seconds(1),
    maxAttempts: 5,
    backoffRate: 2,
  });
  task.addRetry({
    errors: ['CarrierUnavailableError'],
    interval: Duration.seconds(1),
    maxAttempts: 2,
    backoffRate: 2,
  });
  return task;
}
