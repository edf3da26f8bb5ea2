import { Aws, CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRecovery,
  ClientAttributes,
  Mfa,
  OAuthScope,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { acceptFinding } from '../nag-acknowledgements.ts';
import { FairfixFunction } from './fairfix-function.ts';

export interface SignInProps {
  /** The site's address (`https://…/`): where Cognito sends the browser back after sign-in and sign-out. */
  readonly siteUrl: string;
  /** The hosted sign-in's domain prefix (`<prefix>.auth.<region>.amazoncognito.com`); unique per region. */
  readonly domainPrefix: string;
}

/**
 * The sign-in when no OpenID Connect issuer is given: a Cognito user pool whose users carry their brand
 * and role (custom attributes only an administrator sets), a trigger that puts them into the ID token
 * as the `tenant` and `role` claims the API reads, a public app client for the web app (authorization
 * code with PKCE, no secret) and the hosted sign-in pages.
 */
export class SignIn extends Construct {
  readonly pool: UserPool;
  readonly client: UserPoolClient;
  readonly domain: UserPoolDomain;

  constructor(scope: Construct, id: string, props: SignInProps) {
    super(scope, id);
    const claims = new FairfixFunction(this, 'Claims', {
      entry: 'functions/sign-in-claims/handler.ts',
      description: 'Cognito pre-token-generation: the user’s brand and role into the ID token.',
    });
    this.pool = new UserPool(this, 'Users', {
      // Staff and customers are invited by a brand's administrator, who sets their brand and role.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      customAttributes: {
        tenant: new StringAttribute({ minLen: 2, maxLen: 40, mutable: true }),
        role: new StringAttribute({ minLen: 1, maxLen: 20, mutable: true }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      lambdaTriggers: { preTokenGeneration: claims },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acceptFinding(
      this.pool,
      'COG2',
      'MFA is offered (authenticator app) but not required: customers sign in now and then to follow a repair.',
    );
    acceptFinding(
      this.pool,
      'COG8',
      'The Plus feature plan (threat protection) is a per-account cost choice; passwords are strong and MFA is offered.',
    );

    this.domain = this.pool.addDomain('HostedSignIn', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
    });
    this.client = this.pool.addClient('Web', {
      // A browser keeps no secret: PKCE proves the code's redeemer is the one who asked for it.
      generateSecret: false,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL],
        callbackUrls: [props.siteUrl],
        logoutUrls: [props.siteUrl],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      // Users may read their brand and role but never write them: else anyone could make themselves admin.
      // The list is not empty on purpose: a client with no write attributes listed may write them all.
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true })
        .withCustomAttributes('tenant', 'role'),
      writeAttributes: new ClientAttributes().withStandardAttributes({ fullname: true, locale: true }),
    });

    new CfnOutput(this, 'UserPoolId', { value: this.pool.userPoolId });
    new CfnOutput(this, 'SignInUrl', { value: this.domain.baseUrl() });
  }

  /** The issuer the API's JWT authorizer trusts: the pool's. */
  get issuer(): string {
    return this.pool.userPoolProviderUrl;
  }

  /** Cognito's sign-out page (its discovery document names no end_session_endpoint). */
  get logoutUrl(): string {
    return `${this.domain.baseUrl()}/logout`;
  }

  /** The hosted sign-in's default domain prefix: the stack's name and account, unique per region. */
  static defaultDomainPrefix(stackName: string): string {
    return `${stackName.toLowerCase()}-${Aws.ACCOUNT_ID}`;
  }
}
