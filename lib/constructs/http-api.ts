import { RemovalPolicy } from 'aws-cdk-lib';
import {
  type CfnRoute,
  type CfnStage,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Operation } from '../../functions/api/operations.ts';
import { acceptFinding } from '../nag-acknowledgements.ts';
import { FairfixFunction } from './fairfix-function.ts';

export interface HttpApiProps {
  readonly operations: readonly Operation[];
  /** Who issues the JWTs (an OpenID Connect issuer URL) and for which audience. */
  readonly jwtIssuer: string;
  readonly jwtAudience: readonly string[];
}

/**
 * The HTTP API (API Gateway v2): one function per operation (shipping pdfkit beside the bundle when
 * the operation prints PDFs), a JWT authorizer on every route that names roles, and access logs.
 * Each route carries its operationId so the template describes the API.
 */
export class FairfixHttpApi extends Construct {
  readonly api: HttpApi;
  readonly functions = new Map<string, FairfixFunction>();

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    const authorizer = new HttpJwtAuthorizer('Jwt', props.jwtIssuer, {
      jwtAudience: [...props.jwtAudience],
      identitySource: ['$request.header.Authorization'],
    });
    this.api = new HttpApi(this, 'Api', {
      description: 'fairfix RMA API',
      defaultAuthorizer: authorizer,
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stage = this.api.defaultStage?.node.defaultChild as CfnStage;
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        routeKey: '$context.routeKey',
        status: '$context.status',
        latencyMs: '$context.responseLatency',
        tenant: '$context.authorizer.claims.tenant',
      }),
    };
    stage.defaultRouteSettings = { throttlingBurstLimit: 200, throttlingRateLimit: 100 };

    for (const op of props.operations) {
      const fn = new FairfixFunction(this, pascal(op.operationId), {
        entry: op.entry,
        description: op.summary,
        printsPdf: op.printsPdf ?? false,
      });
      this.functions.set(op.operationId, fn);
      const [route] = this.api.addRoutes({
        path: op.path,
        methods: [HttpMethod[op.method]],
        integration: new HttpLambdaIntegration(`${pascal(op.operationId)}Integration`, fn),
        ...(op.roles.length === 0 ? { authorizer: new HttpNoneAuthorizer() } : {}),
      });
      if (!route) throw new Error(`No route was created for ${op.operationId}`);
      (route.node.defaultChild as CfnRoute).operationName = op.operationId;
      if (op.roles.length === 0) {
        acceptFinding(
          route,
          'APIG4',
          `${op.method} ${op.path} is public by design: it reveals no brand's data.`,
        );
      }
    }
  }

  fn(operationId: string): FairfixFunction {
    const fn = this.functions.get(operationId);
    if (!fn) throw new Error(`No function for ${operationId}`);
    return fn;
  }
}

const pascal = (id: string) => id.charAt(0).toUpperCase() + id.slice(1);
