import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ENTRY_METADATA_KEY, PROJECT_ROOT, STACK_ID } from '../lib/project.ts';
import { LOCAL_ISSUER } from './http/dev-tokens.ts';

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
 * The context the local cloud synthesizes with: no bundling, and the local cloud itself as the JWT
 * issuer (as a deployment names its issuer; without one the stack would create a Cognito user pool).
 */
export const LOCAL_SYNTH_CONTEXT = { 'aws:cdk:bundling-stacks': [], 'fairfix:jwtIssuer': LOCAL_ISSUER };

/**
 * Synthesizes the CDK app in this process, without bundling (the local cloud runs the handler
 * sources), and returns the stack's CloudFormation template: the one the deployment uses. The CDK is
 * imported here, on demand: importing it is most of a synthesis's 4-5 s.
 */
export async function synthesizeTemplate(): Promise<CfnTemplate> {
  const { createApp, synthesizeChecked } = await import('../lib/app.ts');
  const outdir = mkdtempSync(path.join(tmpdir(), 'fairfix-synth-'));
  try {
    const { app } = createApp({ outdir, context: LOCAL_SYNTH_CONTEXT });
    return synthesizeChecked(app).getStackByName(STACK_ID).template as CfnTemplate;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Where a data directory keeps the template it last synthesized, with the hash of its sources. */
export const TEMPLATE_CACHE_FILE = 'template.json';

/**
 * The template for the sources as they are now: the one cached in `dataDir` if it was synthesized
 * from the very same sources, else a fresh synthesis, cached for the next start.
 */
export async function cachedTemplate(dataDir: string): Promise<CfnTemplate> {
  const file = path.join(dataDir, TEMPLATE_CACHE_FILE);
  const sources = templateSourcesHash();
  if (existsSync(file)) {
    try {
      const cached = JSON.parse(readFileSync(file, 'utf8')) as { sources?: string; template?: CfnTemplate };
      if (cached.sources === sources && cached.template) return cached.template;
    } catch {
      // A torn or foreign file: synthesize again and write it anew.
    }
  }
  const template = await synthesizeTemplate();
  mkdirSync(dataDir, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify({ sources, template }));
  renameSync(temporary, file);
  return template;
}

/**
 * A hash of everything the synthesized template is made from: every module the CDK app imports
 * (lib/ and the parts of functions/ it reads, such as the operation list), the functions' entries, the
 * web assets it deploys, cdk.json and the locked dependency versions (aws-cdk-lib among them).
 */
export function templateSourcesHash(root = PROJECT_ROOT): string {
  const hash = createHash('sha256');
  const files = new Set<string>();
  const pending = [path.join(root, 'lib', 'app.ts')];
  for (let file = pending.pop(); file; file = pending.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const [, specifier] of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = path.resolve(path.dirname(file), specifier as string);
      if (target.endsWith('.ts') && existsSync(target)) pending.push(target);
    }
  }
  const entries = readdirSync(path.join(root, 'functions'), { withFileTypes: true })
    .filter((dir) => dir.isDirectory() && existsSync(path.join(root, 'functions', dir.name, 'handler.ts')))
    .map((dir) => `functions/${dir.name}/handler.ts`);
  const web = existsSync(path.join(root, 'web'))
    ? readdirSync(path.join(root, 'web'), {
        recursive: true,
        withFileTypes: true,
      })
        .filter((entry) => entry.isFile())
        .map((entry) => path.join(entry.parentPath, entry.name))
    : [];
  const extra = ['cdk.json', 'package-lock.json'].map((name) => path.join(root, name)).filter(existsSync);
  for (const file of [...[...files, ...web].sort(), ...extra]) {
    hash.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  hash.update(entries.sort().join('\n'));
  hash.update(JSON.stringify(LOCAL_SYNTH_CONTEXT));
  return hash.digest('hex');
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
  /** Lambda's runtime for it, as the template names it (`nodejs22.x`). */
  runtime: string;
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
            runtime: String(props.Runtime ?? ''),
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
      case 'AWS::SecretsManager::Secret':
        return `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}`;
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
    if (
      type === 'AWS::StepFunctions::StateMachine' ||
      type === 'AWS::IAM::Policy' ||
      type === 'AWS::SecretsManager::Secret'
    )
      return this.arnOf(name);
    return this.physicalName(name);
  }
}
