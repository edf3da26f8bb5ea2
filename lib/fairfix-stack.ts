import { ArnFormat, CfnOutput, Duration, Lazy, Stack, type StackProps } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { type Operation, operations } from '../functions/api/operations.ts';
import { CarrierAccount } from './constructs/carrier-account.ts';
import { CaseWorkflow } from './constructs/case-workflow.ts';
import { DataTable } from './constructs/data-table.ts';
import { FairfixFunction } from './constructs/fairfix-function.ts';
import { FairfixHttpApi } from './constructs/http-api.ts';
import { KnownIssueDetector } from './constructs/known-issue-detector.ts';
import { Notifier } from './constructs/notifier.ts';
import { SignIn } from './constructs/sign-in.ts';
import { WebSite } from './constructs/web-site.ts';

export interface FairfixStackProps extends StackProps {
  /**
   * The OpenID Connect issuer of the API's tokens. Without one the stack creates a Cognito user pool.
   * @default the `fairfix:jwtIssuer` context value
   */
  readonly jwtIssuer?: string;
  /** The audience of the given issuer's access tokens. @default the `fairfix:jwtAudience` context value */
  readonly jwtAudience: string;
  /** The web app's client id at the given issuer, for its sign-in. @default the `fairfix:webClientId` context value */
  readonly webClientId?: string;
  /** The verified SES identity notices are sent from. @default the `fairfix:noticeFromAddress` context value */
  readonly noticeFromAddress?: string;
}

/** Everything fairfix runs on: the table, the case workflow, the HTTP API and the case event bus. */
export class FairfixStack extends Stack {
  readonly data: DataTable;
  readonly workflow: CaseWorkflow;
  readonly knownIssues: KnownIssueDetector;
  readonly http: FairfixHttpApi;
  readonly bus: EventBus;
  readonly web: WebSite;
  readonly notifier: Notifier;
  readonly carrier: CarrierAccount;
  /** The Cognito user pool, when no issuer was given. */
  readonly signIn?: SignIn;

  constructor(scope: Construct, id: string, props: FairfixStackProps) {
    super(scope, id, props);
    this.data = new DataTable(this, 'Data');
    const { table } = this.data;
    this.bus = new EventBus(this, 'CaseEvents', {
      description: 'Case events; notifications fan out from here.',
    });

    const caseStep = new FairfixFunction(this, 'CaseStep', {
      entry: 'functions/case-step/handler.ts',
      description:
        'Workflow steps: plan, labels, diagnosis, estimates, repair attempts, replacement, refund, close.',
      timeout: Duration.seconds(30),
      printsPdf: true,
    }).bindTable(table, 'readwrite');
    const awaitCaseEvent = new FairfixFunction(this, 'AwaitCaseEvent', {
      entry: 'functions/await-case-event/handler.ts',
      description: 'Workflow step: parks a task token on the case until the expected event arrives.',
    }).bindTable(table, 'readwrite');

    const stateMachineName = `${this.stackName}-case-workflow`;
    this.workflow = new CaseWorkflow(this, 'CaseWorkflow', {
      stateMachineName,
      caseStep,
      awaitCaseEvent,
    });
    const { stateMachine } = this.workflow;
    // Labels are bought in the workflow's steps; tracking webhooks are checked by their own route.
    this.carrier = new CarrierAccount(this, 'Carrier');
    this.carrier.bind(caseStep);
    // By formatted ARN, not by reference: the state machine already depends on these functions. Steps
    // answer a wait too: one that ends in a wait hands over an early event, or says there is none to wait for.
    for (const fn of [awaitCaseEvent, caseStep])
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
          resources: [
            this.formatArn({
              service: 'states',
              resource: 'stateMachine',
              resourceName: stateMachineName,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          ],
        }),
      );

    // The site's address is known once the site is made; the pool's client only needs it at deploy time.
    const siteUrl = Lazy.string({
      produce: () => `https://${this.web.distribution.distributionDomainName}/`,
    });
    if (!props.jwtIssuer)
      this.signIn = new SignIn(this, 'SignIn', {
        siteUrl,
        domainPrefix: String(
          this.node.tryGetContext('fairfix:signInDomainPrefix') ?? SignIn.defaultDomainPrefix(this.stackName),
        ),
      });
    this.http = new FairfixHttpApi(this, 'Http', {
      operations: operations as readonly Operation[],
      // Cognito's ID tokens (which carry the brand and role) name the app client as their audience.
      ...(this.signIn
        ? { jwtIssuer: this.signIn.issuer, jwtAudience: [this.signIn.client.userPoolClientId] }
        : { jwtIssuer: props.jwtIssuer ?? '', jwtAudience: [props.jwtAudience] }),
    });
    // Each route is given what its access declares, and nothing more.
    const changers: FairfixFunction[] = [];
    for (const op of operations as readonly Operation[]) {
      const fn = this.http.fn(op.operationId);
      if (op.carrierAccount) this.carrier.bind(fn);
      switch (op.access) {
        case 'none':
          break;
        case 'read-policy':
        case 'read-cases':
          fn.bindTable(table, 'read');
          break;
        case 'change-policy':
          fn.bindTable(table, 'readwrite');
          break;
        case 'change-cases':
        case 'start-workflow':
        case 'reopen-cases':
          fn.bindTable(table, 'readwrite');
          changers.push(fn);
          fn.addEnvironment('CASE_WORKFLOW_ARN', stateMachine.stateMachineArn);
          // Opening starts a case's workflow; every other change may resume a step waiting for it; a
          // complaint about a closed case starts the execution that carries it.
          if (op.access !== 'change-cases') stateMachine.grantStartExecution(fn);
          if (op.access !== 'start-workflow') stateMachine.grantTaskResponse(fn);
          break;
        case 'manage-webhooks':
          fn.bindTable(table, 'readwrite');
          // On AWS no webhook may point into a private network (the local cloud allows its own receivers).
          fn.addEnvironment('WEBHOOK_PRIVATE_TARGETS', 'refuse');
          break;
        default:
          throw new Error(`Unknown access ${op.access satisfies never as string} of ${op.operationId}`);
      }
    }

    this.web = new WebSite(this, 'Web', {
      api: this.http.api,
      operations: operations as readonly Operation[],
      signIn: this.signIn
        ? {
            issuer: this.signIn.issuer,
            clientId: this.signIn.client.userPoolClientId,
            bearer: 'id_token',
            logoutUrl: this.signIn.logoutUrl,
            scope: 'openid email',
          }
        : props.webClientId
          ? { issuer: props.jwtIssuer ?? '', clientId: props.webClientId, bearer: 'access_token' }
          : undefined,
    });
    const portalUrl = `https://${this.web.distribution.distributionDomainName}/`;
    this.notifier = new Notifier(this, 'Notifier', {
      bus: this.bus,
      table,
      portalUrl,
      fromAddress:
        props.noticeFromAddress ??
        String(this.node.tryGetContext('fairfix:noticeFromAddress') ?? 'notices@fairfix.example'),
    });
    // Every function that changes a case may queue notices: it announces them on the bus.
    for (const fn of [caseStep, awaitCaseEvent, ...changers]) this.notifier.bindPublisher(fn, this.bus);
    // Known-issue detection counts the reports the workflow's steps put on the bus; an issue it opens
    // changes its cases, so it announces their notices too.
    this.knownIssues = new KnownIssueDetector(this, 'KnownIssues', { bus: this.bus, table, stateMachine });
    this.notifier.bindPublisher(this.knownIssues.fn, this.bus);

    new CfnOutput(this, 'WebUrl', { value: `https://${this.web.distribution.distributionDomainName}/` });
    new CfnOutput(this, 'ApiUrl', { value: this.http.api.apiEndpoint });
  }
}
