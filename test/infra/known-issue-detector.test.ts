import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedTemplate } from '../support/cloud.ts';

/**
 * Known-issue detection runs from the case events on the bus (issue 17): the rule, the detector, its
 * dead letters and alarm, and what it may do.
 */
let template: Template;
type Resource = { Properties: Record<string, unknown>; Metadata?: Record<string, unknown> };
const ENTRY = 'functions/detect-known-issues/handler.ts';

beforeAll(() => {
  template = Template.fromJSON(sharedTemplate() as never);
});

const detector = () => {
  const found = Object.entries(template.findResources('AWS::Lambda::Function')).find(
    ([, fn]) => (fn as Resource).Metadata?.['fairfix:entry'] === ENTRY,
  );
  if (!found) throw new Error(`no function for ${ENTRY}`);
  return found as [string, Resource];
};
const queue = () => {
  const id = Object.keys(template.findResources('AWS::SQS::Queue')).find((q) => q.startsWith('KnownIssues'));
  if (!id) throw new Error('no dead-letter queue of the detector');
  return id;
};
const statementsOf = (fn: Resource) => {
  const [roleId] = (fn.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify((policy as Resource).Properties.Roles).includes(`"${roleId}"`))
    .flatMap(
      (policy) =>
        ((policy as Resource).Properties.PolicyDocument as { Statement: Record<string, unknown>[] })
          .Statement,
    );
};

describe('the known-issue detector', () => {
  it('takes every `Case opened` and `Case diagnosed` event of the case bus, retried and dead-lettered', () => {
    const [functionId] = detector();
    const [busId] = Object.keys(template.findResources('AWS::Events::EventBus'));
    const queueId = queue();
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: busId },
      EventPattern: { source: ['fairfix.cases'], 'detail-type': ['Case opened', 'Case diagnosed'] },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [functionId, 'Arn'] },
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 8 }),
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
        }),
      ],
    });
    // No other rule hands it anything, and the notifier's rule does not take reports.
    const rules = Object.values(template.findResources('AWS::Events::Rule')) as Resource[];
    const targeting = rules.filter((rule) =>
      JSON.stringify(rule.Properties.Targets).includes(`"${functionId}"`),
    );
    expect(targeting).toHaveLength(1);
    // What the function itself fails on, after Lambda's retries, goes to the same queue.
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: functionId },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
    const [, queueResource] = Object.entries(template.findResources('AWS::SQS::Queue')).find(
      ([id]) => id === queueId,
    ) as [string, Resource];
    expect(queueResource.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });

  it('raises an alarm as soon as one report is dead-lettered', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue(), 'QueueName'] } }],
    });
  });

  it('may write the table, answer the case workflow’s waits and announce notices, and nothing else', () => {
    const [, fn] = detector();
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(variables).sort()).toEqual(
      expect.arrayContaining(['CASE_BUS_NAME', 'CASE_WORKFLOW_ARN', 'TABLE_NAME']),
    );
    const actions = statementsOf(fn).flatMap((statement) => [statement.Action].flat() as string[]);
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'states:SendTaskSuccess', 'events:PutEvents']),
    );
    // It opens no workflow, and sends nothing itself: the notifier does (sqs: its failures, to its dead letters).
    for (const refused of ['states:StartExecution', 'ses:SendEmail', 'sns:Publish'])
      expect(actions).not.toContain(refused);
    expect(
      actions.every((action) => /^(dynamodb|states|events|sqs|xray):/.test(action)),
      actions.join(),
    ).toBe(true);
  });
});
