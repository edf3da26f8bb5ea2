import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Access, operations } from '../../functions/api/operations.ts';
import { WAITS, type Wait } from '../../functions/domain/waits.ts';
import { createApp, synthesizeChecked } from '../../lib/app.ts';
import { examplePolicy } from '../support/brands.ts';
import { sharedTemplate } from '../support/cloud.ts';

let template: Template;
let definition: { StartAt: string; States: Record<string, Record<string, unknown>> };

/** A state that only waits (functions/await-case-event), not a step that ends in a wait it hands over. */
const plainWait = (state: Record<string, unknown>) =>
  String(state.Resource).includes('waitForTaskToken') &&
  (state.Parameters as { Payload?: { wait?: unknown } } | undefined)?.Payload?.wait === undefined;

beforeAll(() => {
  template = Template.fromJSON(sharedTemplate() as never);
  const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  const join = machine?.Properties.DefinitionString['Fn::Join'] as [string, unknown[]];
  // Tokens become placeholders: the test reads the structure, not the ARNs.
  definition = JSON.parse(join[1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join(join[0]));
});

describe('the table', () => {
  it('is on-demand, encrypted, point-in-time recoverable, with a TTL attribute and its six GSIs', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({ IndexName: 'bySerial' }),
        Match.objectLike({ IndexName: 'byCustomer' }),
        Match.objectLike({ IndexName: 'byQueue' }),
        Match.objectLike({ IndexName: 'byOwner' }),
        Match.objectLike({ IndexName: 'byBrand' }),
        Match.objectLike({ IndexName: 'byOpened' }),
      ]),
      Replicas: [
        Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
      ],
    });
  });

  it('projects into its indexes only keys (and the opening time the review export filters on)', () => {
    const [table] = Object.values(template.findResources('AWS::DynamoDB::GlobalTable'));
    const indexes = (table?.Properties?.GlobalSecondaryIndexes ?? []) as {
      IndexName: string;
      Projection: unknown;
    }[];
    const projections = Object.fromEntries(indexes.map((index) => [index.IndexName, index.Projection]));
    expect(projections).toEqual({
      bySerial: { ProjectionType: 'KEYS_ONLY' },
      byCustomer: { ProjectionType: 'KEYS_ONLY' },
      byQueue: { ProjectionType: 'KEYS_ONLY' },
      byOwner: { ProjectionType: 'KEYS_ONLY' },
      byBrand: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['openedAt'] },
      byOpened: { ProjectionType: 'KEYS_ONLY' },
    });
  });

  it('is kept when the stack is deleted: it holds customers’ records', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});

describe('the functions', () => {
  it('all run Node.js 22 on ARM64 with tracing and record their source entry', () => {
    const all = Object.entries(template.findResources('AWS::Lambda::Function'));
    // Besides ours, only CDK's deploy-time handlers (copying web/ to S3, emptying its bucket).
    const cdkOwn = all.filter(([id]) => /^Custom(CDKBucketDeployment|S3AutoDeleteObjects)/.test(id));
    expect(cdkOwn).toHaveLength(2);
    const functions = all.filter(([id]) => !cdkOwn.some(([own]) => own === id)).map(([, fn]) => fn);
    // One per operation, the workflow's two, the notifier, the webhook deliverer and the known-issue detector.
    expect(functions.length).toBe(operations.length + 5);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
      });
      expect(fn.Metadata['fairfix:entry']).toMatch(/^functions\/.+\/handler\.ts$/);
    }
  });
});

describe('what each function is given', () => {
  // The local cloud runs all functions in one process with their environments merged, so a variable
  // or grant missing from one function would not show there: the template is checked here instead.
  const fnOf = (operationId: string) => {
    const route = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).find(
      (r) => r.Properties.OperationName === operationId,
    );
    const integration = template.findResources('AWS::ApiGatewayV2::Integration')[
      route?.Properties.Target['Fn::Join'][1][1].Ref
    ];
    const logicalId = integration?.Properties.IntegrationUri['Fn::GetAtt'][0] as string;
    return { logicalId, fn: template.findResources('AWS::Lambda::Function')[logicalId] };
  };
  const policyActionsOf = (logicalId: string) => {
    const role = template.findResources('AWS::Lambda::Function')[logicalId]?.Properties.Role['Fn::GetAtt'][0];
    return Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy) => policy.Properties.Roles.some((r: { Ref: string }) => r.Ref === role))
      .flatMap((policy) =>
        policy.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) =>
          [s.Action].flat(),
        ),
      );
  };

  const withAccess = (...access: Access[]) =>
    operations.filter((op) => access.includes(op.access)).map((op) => op.operationId);
  const READS_CASES = withAccess('read-cases');
  const READS_POLICY = withAccess('read-policy');
  const CHANGES_POLICY = withAccess('change-policy');
  const CHANGES_CASES = withAccess('change-cases', 'start-workflow', 'reopen-cases');
  const MANAGES_WEBHOOKS = withAccess('manage-webhooks');

  it('gives every route that reads cases or policies the table’s name and read access', () => {
    for (const id of [...READS_CASES, ...READS_POLICY, ...CHANGES_CASES, ...CHANGES_POLICY]) {
      const { logicalId, fn } = fnOf(id);
      expect(fn?.Properties.Environment.Variables.TABLE_NAME, id).toBeDefined();
      expect(policyActionsOf(logicalId), id).toContain('dynamodb:GetItem');
    }
  });

  it('lets every route that changes cases write them and start or resume their workflow', () => {
    for (const id of CHANGES_CASES) {
      const { logicalId, fn } = fnOf(id);
      expect(fn?.Properties.Environment.Variables.CASE_WORKFLOW_ARN, id).toBeDefined();
      const actions = policyActionsOf(logicalId);
      expect(actions, id).toContain('dynamodb:PutItem');
      expect(actions, id).toContain(id === 'openCase' ? 'states:StartExecution' : 'states:SendTaskSuccess');
    }
  });

  it('lets only opening a case, and a complaint reopening a closed one, start a workflow', () => {
    expect(withAccess('start-workflow')).toEqual(['openCase']);
    expect(withAccess('reopen-cases')).toEqual(['escalateCase']);
    const actions = policyActionsOf(fnOf('escalateCase').logicalId);
    expect(actions).toContain('states:StartExecution');
    expect(actions).toContain('states:SendTaskSuccess');
  });

  it('lets the admin’s route save policy versions, and start or resume no workflow', () => {
    expect(CHANGES_POLICY).toEqual(['putBrandPolicy']);
    const { logicalId, fn } = fnOf('putBrandPolicy');
    expect(fn?.Properties.Environment.Variables.CASE_WORKFLOW_ARN).toBeUndefined();
    const actions = policyActionsOf(logicalId);
    expect(actions).toContain('dynamodb:PutItem');
    expect(actions.filter((action) => action.startsWith('states:'))).toEqual([]);
  });

  it('gives routes that only read no write access, and routes that need no table no table', () => {
    for (const id of [...READS_CASES, ...READS_POLICY]) {
      const { logicalId, fn } = fnOf(id);
      expect(fn?.Properties.Environment.Variables.CASE_WORKFLOW_ARN, id).toBeUndefined();
      expect(policyActionsOf(logicalId), id).not.toContain('dynamodb:PutItem');
    }
    for (const id of withAccess('none')) {
      const { logicalId, fn } = fnOf(id);
      expect(fn?.Properties.Environment.Variables.TABLE_NAME, id).toBeUndefined();
      expect(
        policyActionsOf(logicalId).filter((action) => action.startsWith('dynamodb:')),
        id,
      ).toEqual([]);
    }
  });

  it('declares every POST route but the webhooks’ as changing cases, PUT as changing a policy, and every GET route as only reading', () => {
    const changes = new Set(CHANGES_CASES);
    expect(
      operations
        .filter((op) => op.access !== 'manage-webhooks')
        .filter((op) => (op.method === 'POST') !== changes.has(op.operationId)),
    ).toEqual([]);
    expect(operations.filter((op) => op.method === 'PUT').map((op) => op.operationId)).toEqual(
      CHANGES_POLICY,
    );
  });

  it('keeps the webhook routes to admins, with the table but no workflow, refusing private targets', () => {
    expect(MANAGES_WEBHOOKS.sort()).toEqual([
      'createWebhook',
      'deleteWebhook',
      'listWebhooks',
      'testWebhook',
    ]);
    for (const id of MANAGES_WEBHOOKS) {
      const op = operations.find((o) => o.operationId === id);
      expect(op?.roles, id).toEqual(['admin']);
      const { logicalId, fn } = fnOf(id);
      expect(fn?.Properties.Environment.Variables, id).toMatchObject({ WEBHOOK_PRIVATE_TARGETS: 'refuse' });
      expect(fn?.Properties.Environment.Variables.CASE_WORKFLOW_ARN, id).toBeUndefined();
      expect(
        policyActionsOf(logicalId).filter((a: string) => a.startsWith('states:')),
        id,
      ).toEqual([]);
    }
  });

  it('covers every route that is not public in one of the lists', () => {
    const listed = new Set<string>([
      ...READS_CASES,
      ...CHANGES_CASES,
      ...READS_POLICY,
      ...CHANGES_POLICY,
      ...MANAGES_WEBHOOKS,
    ]);
    expect(
      operations
        .filter((op) => op.roles.length > 0 && !listed.has(op.operationId))
        .map((op) => op.operationId),
    ).toEqual([]);
  });
});

describe('the carrier account (issue 15)', () => {
  const functions = () => template.findResources('AWS::Lambda::Function');
  const secretIdOf = () => Object.keys(template.findResources('AWS::SecretsManager::Secret'))[0] as string;
  /** The IAM statements given to a function's role. */
  const statementsOf = (logicalId: string) => {
    const role = functions()[logicalId]?.Properties.Role['Fn::GetAtt'][0];
    return Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy) => policy.Properties.Roles.some((r: { Ref: string }) => r.Ref === role))
      .flatMap(
        (policy) =>
          policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
      );
  };

  it('keeps the API key and webhook secret in one Secrets Manager secret, with a generated webhook secret, kept on delete', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: {
        GenerateSecretString: Match.objectLike({
          GenerateStringKey: 'webhookSecret',
          SecretStringTemplate: JSON.stringify({ url: 'https://api.easypost.com', apiKey: '' }),
        }),
      },
    });
  });

  it('lets only the workflow steps (labels) and the carrier webhook route read it, read-only, and tells them where', () => {
    const secretId = secretIdOf();
    const readers = Object.entries(functions())
      .filter(([, fn]) => fn.Properties.Environment?.Variables?.FAIRFIX_CARRIER_SECRET_ARN)
      .map(([logicalId, fn]) => {
        expect(fn.Properties.Environment.Variables.FAIRFIX_CARRIER_SECRET_ARN).toEqual({ Ref: secretId });
        return logicalId;
      });
    expect(readers).toHaveLength(2);
    expect(readers.some((id) => id.startsWith('CaseStep'))).toBe(true);
    for (const logicalId of Object.keys(functions())) {
      const actions = statementsOf(logicalId)
        .filter((statement) => JSON.stringify(statement.Resource).includes(secretId))
        .flatMap((statement) => [statement.Action].flat());
      if (readers.includes(logicalId))
        expect(actions.sort(), logicalId).toEqual([
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
        ]);
      else expect(actions, logicalId).toEqual([]);
    }
  });

  it('answers the carrier’s webhook without a JWT: its handler checks the signature instead', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'POST /carrier/webhooks/{brand}',
      AuthorizationType: 'NONE',
    });
  });
});

describe('the HTTP API', () => {
  it('has one route per operation, named by its operationId', () => {
    for (const op of operations) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `${op.method} ${op.path}`,
        OperationName: op.operationId,
        AuthorizationType: op.roles.length > 0 ? 'JWT' : 'NONE',
      });
    }
  });

  it('checks JWTs for the configured audience and logs access', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      // The local cloud's template names the local cloud as its issuer (see test/infra/sign-in.test.ts).
      JwtConfiguration: { Audience: ['fairfix'], Issuer: 'https://fairfix.local/' },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });
});

describe('the case workflow', () => {
  it('is a Standard state machine with logging ALL and X-Ray', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
      TracingConfiguration: { Enabled: true },
    });
  });

  it('waits for the device on a task token with the brand’s SLA, and handles States.Timeout as a wait on the customer', () => {
    const wait = definition.States['Wait for device at depot'];
    expect(wait).toMatchObject({
      Type: 'Task',
      Resource: expect.stringContaining(':states:::lambda:invoke.waitForTaskToken'),
      TimeoutSecondsPath: '$.sla.arrivalSeconds',
      Catch: [
        // Reminds a customer who has not sent it; escalates once the carrier has the parcel (issue 12, journey 15).
        { ErrorEquals: ['States.Timeout'], Next: 'Deadline passed: device at depot' },
        { ErrorEquals: ['States.ALL'], Next: 'Failed: Wait for device at depot' },
      ],
    });
    expect(wait?.Parameters).toMatchObject({
      Payload: {
        'taskToken.$': '$$.Task.Token',
        expect: ['received', 'delivered-to-depot', 'parcel-exception'],
      },
    });
  });

  it('waits for the survey after closing, and records silence instead of escalating it (P10)', () => {
    // Closing settles the customer's parts first (P5), and after a delivery hears of a parcel gone wrong.
    expect(definition.States['Close the case']?.Next).toBe('Closed, or what is left?');
    expect(definition.States['Closed, or what is left?']).toMatchObject({
      Choices: [
        { StringEquals: 'custody', Next: 'Wait for customer-owned parts' },
        { StringEquals: 'survey', Next: 'Wait for survey answer' },
      ],
      Default: 'Case closed',
    });
    // After a delivery, closing then waits for the survey in the same state (issue 13): what ends it, the
    // customer's answer or closing's own decision, is routed once.
    expect(definition.States['Close the case once delivered']).toMatchObject({
      Resource: expect.stringContaining(':states:::lambda:invoke.waitForTaskToken'),
      Parameters: {
        Payload: {
          step: 'close',
          'delivery.$': '$.delivery',
          wait: { step: 'Wait for survey answer', 'token.$': '$$.Task.Token' },
        },
      },
      TimeoutSecondsPath: '$.sla.surveySeconds',
      ResultPath: '$.survey',
      Next: 'Survey answered, or what is left?',
      Catch: [
        { ErrorEquals: ['States.Timeout'], Next: 'Record no survey answer' },
        { ErrorEquals: ['States.ALL'], Next: 'Failed: Close the case once delivered' },
      ],
    });
    expect(definition.States['Survey answered, or what is left?']).toMatchObject({
      Choices: [
        { Variable: '$.survey.event', IsPresent: true, Next: 'Apply survey answer' },
        { Variable: '$.survey.next', StringEquals: 'address', Next: 'Ask for an address to ship to' },
        {
          Variable: '$.survey.next',
          StringEquals: 'parcel-exception',
          Next: 'A parcel to the customer went wrong',
        },
        { Variable: '$.survey.next', StringEquals: 'custody', Next: 'Wait for customer-owned parts' },
      ],
      Default: 'Case closed',
    });
    expect(definition.States['Wait for customer-owned parts']?.Next).toBe('Close the case');
    expect(definition.States['Wait for survey answer']).toMatchObject({
      TimeoutSecondsPath: '$.sla.surveySeconds',
      Next: 'Apply survey answer',
      Catch: [
        { ErrorEquals: ['States.Timeout'], Next: 'Record no survey answer' },
        { ErrorEquals: ['States.ALL'], Next: 'Failed: Wait for survey answer' },
      ],
    });
    expect(definition.States['Record no survey answer']?.Next).toBe('Case closed');
    // A "no" opens a follow-up, which the step applying the answer then waits for in the same state (and
    // with none owed answers itself); overdue, it escalates and waits again in the plain wait.
    expect(definition.States['Apply survey answer']).toMatchObject({
      Parameters: {
        Payload: {
          step: 'applySurveyAnswer',
          'event.$': '$.survey.event',
          wait: { step: 'Wait for the follow-up', 'token.$': '$$.Task.Token' },
        },
      },
      ResultPath: '$.followUpOutcome',
      Next: 'Case closed',
      Catch: [
        { ErrorEquals: ['States.Timeout'], Next: 'Escalate: the follow-up' },
        { ErrorEquals: ['States.ALL'], Next: 'Failed: Apply survey answer' },
      ],
    });
    expect(definition.States['Wait for the follow-up']).toMatchObject({
      TimeoutSecondsPath: '$.sla.followUpSeconds',
      Next: 'Case closed',
      Catch: [
        { ErrorEquals: ['States.Timeout'], Next: 'Escalate: the follow-up' },
        { ErrorEquals: ['States.ALL'] },
      ],
    });
  });

  it('gives every waiting step an SLA, and an escalation that hands it the new owner’s deadline (the customer’s own waits remind instead)', () => {
    const onTimeout = (state: { Catch?: unknown }) => (state.Catch as { Next: string }[])[0]?.Next ?? '';
    const tokenWaits = Object.entries(definition.States).filter(
      ([name, state]) => plainWait(state) && name !== 'Wait for survey answer' && name !== 'Wait for visit',
    );
    const [onCustomer, waits] = [
      tokenWaits.filter(([, state]) => onTimeout(state).startsWith('Deadline passed: ')),
      tokenWaits.filter(([, state]) => !onTimeout(state).startsWith('Deadline passed: ')),
    ];
    expect(onCustomer.map(([name]) => name).sort()).toEqual(
      [
        'Wait for device at depot',
        'Wait for estimate answer',
        'Wait for visit booking',
        'Wait for the customer’s answer to the offer',
        'Wait for the customer’s address',
      ].sort(),
    );
    expect(waits.map(([name]) => name).sort()).toEqual(
      [
        'Wait for delivery to customer',
        'Wait for depot diagnosis',
        'Wait for repair attempt',
        'Wait for customer-owned parts',
        'Wait for a person’s decision',
        'Wait for the follow-up',
      ].sort(),
    );
    for (const [name, state] of waits) {
      expect(state.TimeoutSecondsPath).toMatch(/^\$\.sla\.\w+Seconds$/);
      const escalation = definition.States[(state.Catch as { Next: string }[])[0]?.Next ?? ''];
      expect(escalation?.Next).toBe(name);
      // The returned SLA replaces the old one; once per entry, named by the entry time.
      expect(escalation?.ResultPath).toBe('$.sla');
      expect(escalation?.Parameters).toMatchObject({
        step: 'escalateOverdue',
        'sla.$': '$.sla',
        overdue: {
          step: name,
          'enteredAt.$': '$$.State.EnteredTime',
          slaKey: (state.TimeoutSecondsPath as string).slice('$.sla.'.length),
        },
      });
    }
  });

  it('builds each wait exactly as functions/domain/waits.ts declares it, and no other', () => {
    const tokenWaits = Object.entries(definition.States).filter(([, state]) => plainWait(state));
    const declared: readonly Wait[] = Object.values(WAITS);
    expect(tokenWaits.map(([name]) => name).sort()).toEqual(declared.map((wait) => wait.state).sort());
    // A step that ends in a wait (issue 13) registers one of these, under the same name, timed the same,
    // kept in the same place, and its deadline goes where that wait's does.
    const stepsThenWaits = Object.entries(definition.States).filter(
      ([, state]) => String(state.Resource).includes('waitForTaskToken') && !plainWait(state),
    );
    expect(stepsThenWaits.map(([name]) => name).sort()).toEqual(
      [
        'Issue prepaid label',
        'Ship to the customer',
        'Close the case once delivered',
        'Apply survey answer',
      ].sort(),
    );
    for (const [name, state] of stepsThenWaits) {
      const registers = (state.Parameters as { Payload: { wait: { step: string } } }).Payload.wait;
      const wait = declared.find((declaredWait) => declaredWait.state === registers.step);
      const plain = definition.States[registers.step];
      expect(registers, name).toMatchObject({ expect: wait?.events, 'token.$': '$$.Task.Token' });
      expect(state.ResultPath, name).toBe(wait?.keepAt);
      expect(state.TimeoutSecondsPath, name).toBe(plain?.TimeoutSecondsPath);
      expect((state.Catch as unknown[])[0], name).toEqual((plain?.Catch as unknown[] | undefined)?.[0]);
    }
    for (const wait of declared) {
      const state = definition.States[wait.state];
      expect(state?.Parameters, wait.state).toMatchObject({
        Payload: { step: wait.state, expect: wait.events },
      });
      expect(state?.ResultPath, wait.state).toBe(wait.keepAt);
      const timeout = wait.deadline.startsWith('$.') ? wait.deadline : `$.sla.${wait.deadline}`;
      expect(state?.TimeoutSecondsPath, wait.state).toBe(timeout);
      const onTimeout = definition.States[(state?.Catch as { Next: string }[] | undefined)?.[0]?.Next ?? ''];
      if ('escalate' in wait.onDeadline) {
        expect(onTimeout?.Parameters, wait.state).toMatchObject({
          step: 'escalateOverdue',
          overdue: { what: wait.onDeadline.escalate },
        });
      } else if ('remindCustomer' in wait.onDeadline) {
        // A wait on the customer: reminded, then the wait again with its grace period; or settled.
        expect(onTimeout?.Parameters, wait.state).toMatchObject({
          step: 'customerOverdue',
          overdue: { step: wait.state, what: wait.onDeadline.remindCustomer },
        });
        // Its answer's SLA map is the workflow's from then on: the wait's grace period, or its own deadline again.
        const newDeadline = definition.States[onTimeout?.Next as string];
        expect(newDeadline, wait.state).toMatchObject({
          Type: 'Pass',
          InputPath: '$.customerDeadline.sla',
          ResultPath: '$.sla',
        });
        const after = definition.States[newDeadline?.Next as string] as {
          Choices: { StringEquals: string; Next: string }[];
          Default: string;
        };
        const branches = Object.fromEntries(
          after.Choices.map((choice) => [choice.StringEquals, choice.Next]),
        );
        expect(branches.wait, wait.state).toBe(wait.state);
        if ('thenClose' in wait.onDeadline) {
          expect(Object.keys(branches).sort(), wait.state).toEqual(['close', 'ship-back', 'wait']);
          expect(branches.close).toBe('Close the case');
          expect(branches['ship-back']).toBe('Ship to the customer');
          const code = wait.onDeadline.thenClose;
          expect(examplePolicy('acme').reasonCatalogue, code).toContainEqual(
            expect.objectContaining({ code, decision: 'closure' }),
          );
        } else {
          expect(Object.keys(branches).sort(), wait.state).toEqual(['person', 'wait']);
          const toPerson = definition.States[branches.person ?? ''];
          expect(toPerson, wait.state).toMatchObject({
            Type: 'Pass',
            Result: { state: wait.state },
            Next: 'Hand the case to a person',
          });
        }
      } else {
        expect(onTimeout?.Parameters, wait.state).toMatchObject({ Payload: { step: wait.onDeadline.run } });
      }
    }
  });

  it('hands the case to a person on any error a step still has after its retries, and no step is left out (P7)', () => {
    const tasks = Object.entries(definition.States).filter(([, state]) => state.Type === 'Task');
    const person = 'Hand the case to a person';
    for (const [name, state] of tasks.filter(([name]) => name !== person)) {
      const catchers = state.Catch as { ErrorEquals: string[]; Next: string; ResultPath: string }[];
      // States.ALL comes last, after any deadline's own catcher.
      expect(catchers.at(-1), name).toEqual({
        ErrorEquals: ['States.ALL'],
        Next: `Failed: ${name}`,
        ResultPath: '$.failure',
      });
      const noted = definition.States[`Failed: ${name}`];
      expect(noted, name).toMatchObject({ Type: 'Pass', ResultPath: '$.why', Next: person });
      expect((noted?.Parameters as { state: string } | undefined)?.state, name).toBe(
        /^(Escalate|Deadline passed): /.test(name)
          ? `Wait for ${name.replace(/^(Escalate|Deadline passed): /, '')}`
          : name,
      );
      // Whatever the person's decision, "resume" leads back to where the case stopped.
      const resumeAt = (noted?.Parameters as { state: string } | undefined)?.state;
      const choices = definition.States['Where does the case go on?']?.Choices as {
        StringEquals: string;
        Next: string;
      }[];
      expect(choices, name).toContainEqual({
        Variable: '$.why.state',
        StringEquals: resumeAt,
        Next: resumeAt,
      });
    }
    expect(definition.States[person]).toMatchObject({
      Parameters: { step: 'handToPerson', 'why.$': '$.why', 'enteredAt.$': '$$.State.EnteredTime' },
      ResultPath: '$.sla',
      Next: 'Wait for a person’s decision',
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Wait, then hand the case to a person again' }],
    });
    expect(definition.States['Wait, then hand the case to a person again']).toMatchObject({
      Type: 'Wait',
      Next: person,
    });
  });

  it('lets a person’s decision lead anywhere the journey goes on from', () => {
    const decide = definition.States['What did the person decide?'];
    expect(
      ((decide?.Choices ?? []) as { StringEquals: string; Next: string }[]).map((c) => [
        c.StringEquals,
        c.Next,
      ]),
    ).toEqual([
      ['resume', 'Where does the case go on?'],
      ['replace', 'Order the replacement'],
      ['offer', 'Wait for the customer’s answer to the offer'],
      ['repair', 'Wait for repair attempt'],
      ['ship-to-depot', 'Is a carrier pickup scheduled?'],
      // Nothing is shipped to the customer without an address (issue 12, journey 7): the step checks.
      ['ship-back', 'Ship to the customer'],
      ['close', 'Close the case'],
    ]);
    // A carrier's exception ends the parcel's wait; the step after it says so, and a person has it at once.
    expect(definition.States['Wait for device at depot']?.Next).toBe('Record arrival at depot');
    expect(definition.States['Record arrival at depot']).toMatchObject({
      Parameters: { Payload: { step: 'recordArrival', 'event.$': '$.arrival.event' } },
      Next: 'After the arrival?',
    });
    expect(definition.States['After the arrival?']).toMatchObject({
      Choices: [
        { StringEquals: 'parcel-exception', Next: 'A parcel to the depot went wrong' },
        { StringEquals: 'refund', Next: 'Refund the return' },
      ],
      Default: 'Wait for depot diagnosis',
    });
    // A complaint's execution finds its case reopened when it plans, and goes to a person.
    expect(definition.StartAt).toBe('Decide coverage and path');
    expect((definition.States['Which service path?']?.Choices as unknown[] | undefined)?.[0]).toEqual({
      Variable: '$.plan.route',
      StringEquals: 'complaint',
      Next: 'A complaint reopened the case',
    });
    // A person may have had a case at a step since folded into another: "resume" goes on from there.
    const resume = definition.States['Where does the case go on?']?.Choices;
    expect(resume).toContainEqual({
      Variable: '$.why.state',
      StringEquals: 'Check customer-owned parts',
      Next: 'Close the case',
    });
    expect(resume).toContainEqual({
      Variable: '$.why.state',
      StringEquals: 'Is there an address to ship to?',
      Next: 'Ship to the customer',
    });
  });

  it('ships to the customer and offers a visit only after its address check (issue 12, journey 7)', () => {
    const into = (target: string) =>
      Object.entries(definition.States)
        .filter(([, state]) => {
          const choices = (state.Choices ?? []) as { Next: string }[];
          return (
            state.Next === target ||
            state.Default === target ||
            choices.some((choice) => choice.Next === target)
          );
        })
        .map(([name]) => name)
        .sort();
    // Shipping checks the address itself, then waits for the delivery in the same state (issue 13); with
    // no address it answers its own wait, closing says so, and the customer is asked before it ships.
    expect(definition.States['Ship to the customer']).toMatchObject({
      Resource: expect.stringContaining(':states:::lambda:invoke.waitForTaskToken'),
      Parameters: {
        Payload: {
          step: 'shipToCustomer',
          wait: { step: 'Wait for delivery to customer', 'token.$': '$$.Task.Token' },
        },
      },
      TimeoutSecondsPath: '$.sla.deliverySeconds',
      ResultPath: '$.delivery',
      Next: 'Close the case once delivered',
      Catch: [
        // Its deadline escalates as the plain wait's does, and the case waits again there: no second label.
        { ErrorEquals: ['States.Timeout'], Next: 'Escalate: delivery to customer' },
        { ErrorEquals: ['States.ALL'], Next: 'Failed: Ship to the customer' },
      ],
    });
    expect(definition.States['Escalate: delivery to customer']?.Next).toBe('Wait for delivery to customer');
    expect(definition.States['Ask for an address to ship to']).toMatchObject({
      Result: { known: false, purpose: 'ship-back' },
      ResultPath: '$.address',
      Next: 'Wait for the customer’s address',
    });
    expect(into('Offer visit windows')).toEqual(
      ['After the visit?', 'Can a technician be sent?', 'Where does the case go on?'].sort(),
    );
    expect(into('Wait for delivery to customer')).toEqual(
      ['Escalate: delivery to customer', 'Where does the case go on?'].sort(),
    );
  });

  it('uses Choice for the paths and a Wait for a scheduled pickup', () => {
    expect(definition.States['Which service path?']?.Type).toBe('Choice');
    expect(definition.States['Fixed, retry or replace?']?.Type).toBe('Choice');
    expect(definition.States['Wait until carrier pickup']).toMatchObject({
      Type: 'Wait',
      TimestampPath: '$.pickupAt',
      Next: 'Wait for device at depot',
    });
    // A case opened with a pickup gets its label, then waits for the pickup before the arrival's deadline runs.
    expect(definition.States['Which service path?']?.Choices).toContainEqual({
      Variable: '$.pickupAt',
      IsPresent: true,
      Next: 'Issue prepaid label for the pickup',
    });
    expect(definition.States['Issue prepaid label for the pickup']?.Next).toBe('Wait until carrier pickup');
    // The label and the wait for its parcel are one state (issue 13); a deadline passed goes where the
    // plain wait's does, and the case waits again in the plain wait, never asking for a second label.
    expect(definition.States['Issue prepaid label']).toMatchObject({
      Resource: expect.stringContaining(':states:::lambda:invoke.waitForTaskToken'),
      Parameters: { Payload: { step: 'shipToDepot', wait: { step: 'Wait for device at depot' } } },
      TimeoutSecondsPath: '$.sla.arrivalSeconds',
      ResultPath: '$.arrival',
      Next: 'Record arrival at depot',
      Catch: [
        { ErrorEquals: ['States.Timeout'], Next: 'Deadline passed: device at depot' },
        { ErrorEquals: ['States.ALL'], Next: 'Failed: Issue prepaid label' },
      ],
    });
    expect(definition.States['After the deadline: device at depot?']?.Choices).toContainEqual({
      Variable: '$.customerDeadline.next',
      StringEquals: 'wait',
      Next: 'Wait for device at depot',
    });
  });

  it('uses JSONPath only', () => {
    expect(JSON.stringify(definition)).not.toContain('JSONata');
  });
});

describe('the web site', () => {
  it('serves web/ from a private bucket through CloudFront, over HTTPS only', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
        Logging: Match.anyValue(),
      }),
    });
  });

  it('sends every API path to the HTTP API, uncached, so the pages call it on their own origin', () => {
    const [distribution] = Object.values(template.findResources('AWS::CloudFront::Distribution'));
    const behaviors = distribution?.Properties.DistributionConfig.CacheBehaviors as {
      PathPattern: string;
      AllowedMethods: string[];
    }[];
    const patterns = behaviors.map((behavior) => behavior.PathPattern);
    for (const op of operations) expect(patterns, op.path).toContain(`/${op.path.split('/')[1]}/*`);
    expect(behaviors.every((behavior) => behavior.AllowedMethods.includes('POST'))).toBe(true);
  });
});

describe('cdk-nag', () => {
  const outdir = () => mkdtempSync(path.join(tmpdir(), 'fairfix-nag-'));

  it('passes the app with every finding acknowledged', () => {
    const { app } = createApp({ outdir: outdir(), context: { 'aws:cdk:bundling-stacks': [] } });
    expect(() => synthesizeChecked(app)).not.toThrow();
  });

  it('fails the synth on an unacknowledged finding', () => {
    const { app, stack } = createApp({ outdir: outdir(), context: { 'aws:cdk:bundling-stacks': [] } });
    new Table(stack, 'Unprotected', { partitionKey: { name: 'id', type: AttributeType.STRING } });
    expect(() => synthesizeChecked(app)).toThrow(/AwsSolutions-DDB3 \(warning\) at Fairfix\/Unprotected/);
  });
});
