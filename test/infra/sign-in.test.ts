import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp, synthesizeChecked } from '../../lib/app.ts';
import { STACK_ID } from '../../lib/project.ts';

/** Issue 16: the sign-in on AWS, with the issuer a deployment names, or the stack's own Cognito pool. */
function synthesize(context: Record<string, unknown> = {}): Template {
  const outdir = mkdtempSync(path.join(tmpdir(), 'fairfix-sign-in-'));
  const { app } = createApp({ outdir, context: { 'aws:cdk:bundling-stacks': [], ...context } });
  // cdk-nag included: every finding fixed or acknowledged with its reason.
  return Template.fromJSON(synthesizeChecked(app).getStackByName(STACK_ID).template);
}

/** The sources the site's deployment copies: web/, and /config.json when the sign-in is known. */
const deployedSources = (template: Template) =>
  Object.values(template.findResources('Custom::CDKBucketDeployment'))[0]?.Properties
    .SourceObjectKeys as unknown[];

describe('without an issuer: a Cognito user pool', () => {
  let template: Template;
  let poolId: string;
  let clientId: string;
  beforeAll(() => {
    template = synthesize();
    poolId = Object.keys(template.findResources('AWS::Cognito::UserPool'))[0] ?? '';
    clientId = Object.keys(template.findResources('AWS::Cognito::UserPoolClient'))[0] ?? '';
  }, 120_000);

  it('keeps brand and role as attributes only an administrator sets, put into the ID token by a trigger', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Schema: Match.arrayWith([
        Match.objectLike({ Name: 'tenant', AttributeDataType: 'String', Mutable: true }),
        Match.objectLike({ Name: 'role', AttributeDataType: 'String', Mutable: true }),
      ]),
      LambdaConfig: { PreTokenGeneration: Match.anyValue() },
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireSymbols: true }) },
    });
    const [trigger] = Object.values(template.findResources('AWS::Lambda::Function')).filter(
      (fn) => fn.Metadata?.['fairfix:entry'] === 'functions/sign-in-claims/handler.ts',
    );
    expect(trigger).toBeDefined();
  });

  it('gives the web app a public client: code flow (PKCE), the site as its only callback, no attribute it may write', () => {
    const [client] = Object.values(template.findResources('AWS::Cognito::UserPoolClient'));
    expect(client?.Properties).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      SupportedIdentityProviders: ['COGNITO'],
      WriteAttributes: ['locale', 'name'],
      CallbackURLs: [
        {
          'Fn::Join': [
            '',
            ['https://', { 'Fn::GetAtt': [expect.stringMatching(/^WebDistribution/), 'DomainName'] }, '/'],
          ],
        },
      ],
    });
    expect(client?.Properties.ReadAttributes).toEqual(
      expect.arrayContaining(['custom:tenant', 'custom:role']),
    );
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });

  it('points the API’s JWT authorizer at the pool, for the web app’s ID tokens', () => {
    const [authorizer] = Object.values(template.findResources('AWS::ApiGatewayV2::Authorizer'));
    const jwt = authorizer?.Properties.JwtConfiguration;
    expect(jwt.Audience).toEqual([{ Ref: clientId }]);
    expect(jwt.Issuer).toEqual({ 'Fn::GetAtt': [poolId, 'ProviderURL'] });
  });

  it('writes the site’s /config.json beside web/', () => {
    expect(deployedSources(template)).toHaveLength(2);
  });
});

describe('with an issuer given', () => {
  it('creates no user pool and trusts the issuer for the configured audience', () => {
    const template = synthesize({
      'fairfix:jwtIssuer': 'https://id.example.com/',
      'fairfix:webClientId': 'fairfix-web',
    });
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: { Audience: ['fairfix'], Issuer: 'https://id.example.com/' },
    });
    expect(deployedSources(template)).toHaveLength(2);
  }, 120_000);

  it('serves no /config.json without the web app’s client id: then a pasted token signs in', () => {
    const template = synthesize({ 'fairfix:jwtIssuer': 'https://id.example.com/' });
    expect(deployedSources(template)).toHaveLength(1);
  }, 120_000);
});
