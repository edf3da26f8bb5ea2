import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp, STACK_ID, synthesizeChecked } from '../lib/app.ts';
import { ENTRY_METADATA_KEY } from '../lib/constructs/fairfix-function.ts';

export const REGION = 'us-east-1';

/** Logical ids CDK gives its custom-resource singletons' functions. */
const CDK_HANDLER = /^(CustomCDKBucketDeployment|CustomS3AutoDeleteObjectsCustomResourceProvider)/;
export const ACCOUNT = '000000000000';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface Resource {
  Type: string;
  Properties?: Record<string, Json>;
  Metadata?: Record<string, Json>;
}
export interface CfnTemplate {
  Resources: Record<string, Resource>;
}

/**
 * Synthesizes the CDK app in this process, without bundling (the local cloud runs the handler
 * sources), and returns the stack's CloudFormation template: the one the deployment uses.
 */
export function synthesizeTemplate(): CfnTemplate {
  const outdir = mkdtempSync(path.join(tmpdir(), 'fairfix-synth-'));
  try {
    const { app } = createApp({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    return synthesizeChecked(app).getStackByName(STACK_ID).template as CfnTemplate;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export interface LocalTable {
  logicalId: string;
  name: string;
  keySchema: Json;
  attributeDefinitions: Json;
  globalSecondaryIndexes: Json;
}
export interface LocalFunction {
  logicalId: string;
  arn: string;
  entry: string;
  environment: Record<string, string>;
}
export interface LocalStateMachine {
  logicalId: string;
  name: string;
  arn: string;
  definition: Record<string, unknown>;
  roleArn: string;
}
export interface LocalRoute {
  routeKey: string;
  operationId: string | undefined;
  requiresJwt: boolean;
  functionLogicalId: string;
}

/**
 * What the local cloud serves, read from a synthesized template: tables, functions, state machines
 * and HTTP routes, with CloudFormation intrinsics resolved to local names and ARNs.
 */
export class TemplateModel {
  readonly tables: LocalTable[] = [];
  readonly functions: LocalFunction[] = [];
  readonly stateMachines: LocalStateMachine[] = [];
  readonly routes: LocalRoute[] = [];
  /** The audiences the template's JWT authorizer accepts. */
  readonly jwtAudience: string[] = [];

  constructor(readonly template: CfnTemplate) {
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      const props = resource.Properties ?? {};
      switch (resource.Type) {
        case 'AWS::DynamoDB::Table':
        case 'AWS::DynamoDB::GlobalTable':
          this.tables.push({
            logicalId,
            name: this.physicalName(logicalId),
            keySchema: props.KeySchema ?? null,
            attributeDefinitions: props.AttributeDefinitions ?? null,
            globalSecondaryIndexes: props.GlobalSecondaryIndexes ?? null,
          });
          break;
        case 'AWS::Lambda::Function': {
          const entry = resource.Metadata?.[ENTRY_METADATA_KEY];
          // CDK's own deploy-time handlers (copying web/ to S3, emptying buckets) have nothing to do here.
          if (entry === undefined && CDK_HANDLER.test(logicalId)) break;
          if (typeof entry !== 'string')
            throw new Error(`Function ${logicalId} has no ${ENTRY_METADATA_KEY} metadata`);
          const variables =
            (props.Environment as { Variables?: Record<string, Json> } | undefined)?.Variables ?? {};
          this.functions.push({
            logicalId,
            arn: this.arnOf(logicalId),
            entry,
            environment: Object.fromEntries(
              Object.entries(variables).map(([k, v]) => [k, String(this.resolve(v))]),
            ),
          });
          break;
        }
        case 'AWS::StepFunctions::StateMachine':
          this.stateMachines.push({
            logicalId,
            name: this.physicalName(logicalId),
            arn: this.arnOf(logicalId),
            definition: JSON.parse(String(this.resolve(props.DefinitionString ?? null))),
            roleArn: String(this.resolve(props.RoleArn ?? null)),
          });
          break;
        case 'AWS::ApiGatewayV2::Route': {
          const target = String(this.resolve(props.Target ?? null));
          const integration = template.Resources[target.replace(/^integrations\//, '')];
          const uri = String(this.resolve(integration?.Properties?.IntegrationUri ?? null));
          this.routes.push({
            routeKey: String(props.RouteKey),
            operationId: props.OperationName ? String(props.OperationName) : undefined,
            requiresJwt: props.AuthorizationType === 'JWT',
            functionLogicalId: uri.split(':').at(-1) ?? '',
          });
          break;
        }
        case 'AWS::ApiGatewayV2::Authorizer': {
          const audience = (props.JwtConfiguration as { Audience?: Json[] } | undefined)?.Audience ?? [];
          this.jwtAudience.push(...audience.map((a) => String(this.resolve(a))));
          break;
        }
      }
    }
  }

  /** The name a resource gets locally: its own name property, else its logical id. */
  physicalName(logicalId: string): string {
    const resource = this.template.Resources[logicalId];
    const props = resource?.Properties ?? {};
    const own = props.TableName ?? props.StateMachineName ?? props.FunctionName ?? props.Name;
    return own === undefined ? logicalId : String(this.resolve(own));
  }

  arnOf(logicalId: string): string {
    const type = this.template.Resources[logicalId]?.Type;
    const name = this.physicalName(logicalId);
    switch (type) {
      case 'AWS::Lambda::Function':
        return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        return `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;
      case 'AWS::StepFunctions::StateMachine':
        return `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
      case 'AWS::Events::EventBus':
        return `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${name}`;
      default:
        return `arn:aws:local:${REGION}:${ACCOUNT}:${logicalId}`;
    }
  }

  /** Resolves the intrinsics a CDK template uses for names and ARNs. */
  resolve(value: Json): Json {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value === null || typeof value !== 'object') return value;
    if ('Ref' in value) return this.ref(String(value.Ref));
    if ('Fn::GetAtt' in value) {
      const [logicalId, attribute] = value['Fn::GetAtt'] as [string, string];
      if (attribute === 'Arn' || attribute.endsWith('.Arn')) return this.arnOf(logicalId);
      return this.physicalName(logicalId);
    }
    if ('Fn::Join' in value) {
      const [separator, parts] = value['Fn::Join'] as [string, Json[]];
      return parts.map((part) => String(this.resolve(part))).join(separator);
    }
    if ('Fn::Select' in value) {
      const [index, list] = value['Fn::Select'] as [number, Json];
      return (this.resolve(list) as Json[])[Number(index)] ?? null;
    }
    if ('Fn::Split' in value) {
      const [separator, source] = value['Fn::Split'] as [string, Json];
      return String(this.resolve(source)).split(separator);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolve(v)]));
  }

  private ref(name: string): Json {
    switch (name) {
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::Region':
        return REGION;
      case 'AWS::AccountId':
        return ACCOUNT;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return STACK_ID;
    }
    const type = this.template.Resources[name]?.Type;
    if (!type) throw new Error(`Ref to unknown resource ${name}`);
    // Ref answers an ARN for these types and the physical name for the others, as CloudFormation does.
    if (type === 'AWS::StepFunctions::StateMachine' || type === 'AWS::IAM::Policy') return this.arnOf(name);
    return this.physicalName(name);
  }
}
