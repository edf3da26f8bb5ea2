import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedTemplate } from '../support/cloud.ts';

/** Notices reach people (issue 15): the bus's rule, the notifier, its dead letters and who may announce. */
let template: Template;
type Resource = { Properties: Record<string, unknown>; Metadata?: Record<string, unknown> };
const byEntry = (entry: string) =>
  Object.entries(template.findResources('AWS::Lambda::Function')).find(
    ([, fn]) => (fn as Resource).Metadata?.['fairfix:entry'] === entry,
  );

/** The notifier's dead-letter queue (the known-issue detector has its own). */
const notifierQueue = () =>
  Object.keys(template.findResources('AWS::SQS::Queue')).find((id) => id.startsWith('Notifier'));

beforeAll(() => {
  template = Template.fromJSON(sharedTemplate() as never);
});

describe('the notifier and the webhook deliverer', () => {
  it.each(['functions/notify-customer/handler.ts', 'functions/deliver-webhooks/handler.ts'])(
    '%s takes every `Notice queued` event of the case bus, retried and dead-lettered',
    (entry) => {
      const [functionId] = byEntry(entry) ?? [];
      expect(functionId).toBeDefined();
      const [busId] = Object.keys(template.findResources('AWS::Events::EventBus'));
      const queueId = notifierQueue();
      template.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: { Ref: busId },
        EventPattern: { source: ['fairfix.cases'], 'detail-type': ['Notice queued'] },
        Targets: Match.arrayWith([
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [functionId, 'Arn'] },
            RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 8 }),
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
          }),
        ]),
      });
      // What the function itself fails on, after Lambda's retries, goes to the same queue.
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: functionId },
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
      });
      template.hasResourceProperties('AWS::SQS::Queue', {
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 14 * 24 * 3600,
      });
    },
  );
  it('raises an alarm as soon as one event is dead-lettered', () => {
    const queueId = notifierQueue();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
    });
  });

  it('may send email only from the sender’s own SES identities, and knows the portal and the sender', () => {
    const [, notifier] = byEntry('functions/notify-customer/handler.ts') ?? [];
    const [roleId] = ((notifier as Resource).Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'];
    const variables = (notifier as Resource).Properties.Environment as { Variables: Record<string, unknown> };
    expect(variables.Variables).toMatchObject({
      NOTICE_FROM_ADDRESS: 'notices@fairfix.example',
      PORTAL_BASE_URL: expect.anything(),
      TABLE_NAME: expect.anything(),
    });
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify((policy as Resource).Properties.Roles).includes(`"${roleId}"`),
    );
    const statements = policies.flatMap(
      (policy) =>
        ((policy as Resource).Properties.PolicyDocument as { Statement: Record<string, unknown>[] })
          .Statement,
    );
    const ses = statements.find((statement) => statement.Action === 'ses:SendEmail');
    const resources = JSON.stringify(ses?.Resource);
    expect(resources).toContain('identity/notices@fairfix.example');
    expect(resources).toContain('identity/fairfix.example');
    expect(resources).not.toContain('"*"');
  });

  it('lets every function that changes cases announce notices on the bus, and tells it the bus', () => {
    const [busId] = Object.keys(template.findResources('AWS::Events::EventBus'));
    const functions = Object.entries(template.findResources('AWS::Lambda::Function')) as [string, Resource][];
    const announcing = functions.filter(([, fn]) =>
      JSON.stringify(fn.Properties.Environment ?? {}).includes('CASE_BUS_NAME'),
    );
    for (const entry of [
      'functions/open-case/handler.ts',
      'functions/case-step/handler.ts',
      'functions/await-case-event/handler.ts',
      'functions/record-carrier-event/handler.ts',
    ])
      expect(announcing.map(([, fn]) => fn.Metadata?.['fairfix:entry'])).toContain(entry);
    const grants = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(grants).toContain(
      `"Action":"events:PutEvents","Effect":"Allow","Resource":{"Fn::GetAtt":["${busId}`,
    );
  });
});
