import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { REPORT_EVENT } from '../../functions/adapters/case-bus.ts';
import { acceptFinding } from '../nag-acknowledgements.ts';
import { FairfixFunction } from './fairfix-function.ts';

export interface KnownIssueDetectorProps {
  readonly bus: IEventBus;
  readonly table: ITableV2;
  /** The case workflow: an issue's withdrawal of an estimate answers the step waiting for its answer. */
  readonly stateMachine: IStateMachine;
}

/**
 * Known-issue detection (issue 17): `Case opened` and `Case diagnosed` events on the case bus → a rule
 * → the detector, which counts each report with one idempotent write and, at the brand's threshold,
 * opens the known issue and brings it to its cases. An event it cannot take (after its own retries and
 * Lambda's) lands in a dead-letter queue, and an alarm goes off as soon as one does.
 */
export class KnownIssueDetector extends Construct {
  readonly fn: FairfixFunction;
  readonly deadLetters: Queue;
  readonly alarm: Alarm;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: KnownIssueDetectorProps) {
    super(scope, id);
    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acceptFinding(
      this.deadLetters,
      'SQS3',
      'It is the dead-letter queue itself: nothing reads it but a person.',
    );

    this.fn = new FairfixFunction(this, 'Function', {
      entry: 'functions/detect-known-issues/handler.ts',
      description:
        'Counts case reports (opening symptom, depot fault) and opens known issues at the brand threshold.',
      // An issue that opens changes each of its cases (a few at a time) and may resume their workflows.
      timeout: Duration.seconds(60),
      environment: { CASE_WORKFLOW_ARN: props.stateMachine.stateMachineArn },
      retryAttempts: 2,
      onFailure: new SqsDestination(this.deadLetters),
    }).bindTable(props.table, 'readwrite');
    // A withdrawn estimate answers the wait for the customer's answer; nothing else of the workflow.
    props.stateMachine.grantTaskResponse(this.fn);

    this.rule = new Rule(this, 'CaseReported', {
      eventBus: props.bus,
      description: 'Each case report (opening symptom, depot fault) goes to known-issue detection.',
      eventPattern: {
        source: [REPORT_EVENT.source],
        detailType: [REPORT_EVENT.opened, REPORT_EVENT.diagnosed],
      },
      targets: [
        new LambdaFunction(this.fn, {
          deadLetterQueue: this.deadLetters,
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });

    this.alarm = new Alarm(this, 'UncountedReports', {
      alarmDescription: 'A case report could not be counted: see the known-issue detector dead-letter queue.',
      metric: this.deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
