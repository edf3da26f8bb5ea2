import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { NOTICE_EVENT } from '../../functions/adapters/case-bus.ts';
import { acceptFinding } from '../nag-acknowledgements.ts';
import { FairfixFunction } from './fairfix-function.ts';

export interface NotifierProps {
  readonly bus: IEventBus;
  readonly table: ITableV2;
  /** The portal's absolute URL: every notice links the customer's case there. */
  readonly portalUrl: string;
  /** The verified SES identity notices are sent from. @default the `fairfix:noticeFromAddress` context value */
  readonly fromAddress: string;
}

/**
 * Notices reach people: `Notice queued` events on the case bus → a rule → the notifier, which sends
 * email by SES v2 and SMS by SNS and records the delivery on the case. An event the notifier cannot
 * take (it failed after its own retries and Lambda's) lands in a dead-letter queue, and an alarm
 * goes off as soon as one does.
 */
export class Notifier extends Construct {
  readonly fn: FairfixFunction;
  /** Hands each notice to the brand's `case.notice` webhooks, signed (Standard Webhooks). */
  readonly webhooks: FairfixFunction;
  readonly deadLetters: Queue;
  readonly alarm: Alarm;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: NotifierProps) {
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
      entry: 'functions/notify-customer/handler.ts',
      description:
        'Delivers queued case notices: email (SES v2), SMS (SNS); records sent or failed on the case.',
      // Three tries per channel with backoff, on two channels, and the case write.
      timeout: Duration.seconds(60),
      environment: { PORTAL_BASE_URL: props.portalUrl, NOTICE_FROM_ADDRESS: props.fromAddress },
      retryAttempts: 2,
      onFailure: new SqsDestination(this.deadLetters),
    }).bindTable(props.table, 'readwrite');

    const stack = Stack.of(this);
    const domain = props.fromAddress.split('@')[1] ?? props.fromAddress;
    this.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        // Only the sender's own identities: its address and its domain.
        resources: [props.fromAddress, domain].map((identity) =>
          stack.formatArn({
            service: 'ses',
            resource: 'identity',
            resourceName: identity,
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        ),
      }),
    );
    this.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['sns:Publish'],
        // SMS to a phone number is published to no topic: SNS accepts no narrower resource for it.
        resources: ['*'],
      }),
    );
    acceptFinding(
      this.fn,
      'IAM5[Resource::*]',
      'X-Ray accepts no narrower resource, nor does SNS Publish of an SMS to a phone number (no topic).',
    );
    acceptFinding(
      this.fn,
      `IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/${domain}]`,
      'The sender domain identity itself.',
    );

    this.webhooks = new FairfixFunction(this, 'Webhooks', {
      entry: 'functions/deliver-webhooks/handler.ts',
      description: 'Delivers case notices to the brand’s webhooks, signed per Standard Webhooks.',
      timeout: Duration.seconds(60),
      retryAttempts: 2,
      onFailure: new SqsDestination(this.deadLetters),
    }).bindTable(props.table, 'read');

    this.rule = new Rule(this, 'NoticeQueued', {
      eventBus: props.bus,
      description: 'Each notice a case queues goes to the notifier.',
      eventPattern: { source: [NOTICE_EVENT.source], detailType: [NOTICE_EVENT.detailType] },
      targets: [
        new LambdaFunction(this.fn, {
          deadLetterQueue: this.deadLetters,
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
        }),
        new LambdaFunction(this.webhooks, {
          deadLetterQueue: this.deadLetters,
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });

    this.alarm = new Alarm(this, 'UndeliveredNotices', {
      alarmDescription: 'A notice event could not be delivered: see the notifier dead-letter queue.',
      metric: this.deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /** Lets a function that changes cases announce the notices it queues: the bus's name and PutEvents. */
  bindPublisher(
    fn: IFunction & { addEnvironment(key: string, value: string): unknown },
    bus: IEventBus,
  ): void {
    bus.grantPutEventsTo(fn);
    fn.addEnvironment('CASE_BUS_NAME', bus.eventBusName);
  }
}
