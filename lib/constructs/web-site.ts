import { Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { Operation } from '../../functions/api/operations.ts';
import { acceptFinding } from '../nag-acknowledgements.ts';
import { PROJECT_ROOT } from './fairfix-function.ts';

export interface WebSiteProps {
  readonly api: HttpApi;
  /** The API's routes: CloudFront sends their paths to the API, everything else to the site's bucket. */
  readonly operations: readonly Operation[];
  /**
   * The sign-in the web app uses, written as the site's /config.json (see web/lib/oidc.js): the OpenID
   * Connect issuer, the app's client id there, which token the API is sent, and a sign-out page when
   * the issuer's discovery names none. Without it the site signs in only with a pasted token.
   */
  readonly signIn?: Record<string, string>;
}

/**
 * The customer portal and depot console on AWS: web/ in a private S3 bucket behind CloudFront, which
 * also forwards the API's paths to the HTTP API, so the pages call it on their own origin as they do
 * on the local cloud.
 */
export class WebSite extends Construct {
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: WebSiteProps) {
    super(scope, id);
    const logs = new Bucket(this, 'Logs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // CloudFront writes its standard logs with ACLs.
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: Duration.days(90) }],
    });
    acceptFinding(logs, 'S1', 'This is the access-log bucket itself; logging it into itself would loop.');
    const site = new Bucket(this, 'Site', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'site/',
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });

    const apiDomain = Fn.select(2, Fn.split('/', props.api.apiEndpoint));
    const apiOrigin = new HttpOrigin(apiDomain, { protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY });
    const apiBehavior = {
      origin: apiOrigin,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      // Everything but the Host header: the API needs the Authorization header and the query string.
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    };
    const prefixes = [...new Set(props.operations.map((op) => `/${op.path.split('/')[1]}`))];

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'fairfix web and API',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(site),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      },
      additionalBehaviors: Object.fromEntries(
        prefixes.flatMap((prefix) => [
          [prefix, apiBehavior],
          [`${prefix}/*`, apiBehavior],
        ]),
      ),
    });
    acceptFinding(
      this.distribution,
      'CFR1',
      'A warranty service is for customers wherever they are: no geo restriction.',
    );
    acceptFinding(
      this.distribution,
      'CFR2',
      'WAF is a per-account choice with its own cost; the API is throttled and authenticated.',
    );
    acceptFinding(
      this.distribution,
      'CFR4',
      'The default CloudFront domain allows TLS 1.2 minimum only with a custom certificate; add one per brand domain.',
    );

    new BucketDeployment(this, 'Deploy', {
      sources: [
        Source.asset(`${PROJECT_ROOT}/web`),
        ...(props.signIn ? [Source.jsonData('config.json', props.signIn)] : []),
      ],
      destinationBucket: site,
      distribution: this.distribution,
    });
    // CDK's own deployment and auto-delete handlers, not ours.
    const stack = Stack.of(this);
    for (const child of stack.node.findAll()) {
      if (
        /Custom::CDKBucketDeployment|Custom::S3AutoDeleteObjects|CustomCDKBucketDeployment|CustomS3AutoDeleteObjects/.test(
          child.node.path,
        )
      ) {
        acceptFinding(
          child,
          'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          'CDK’s own deployment handler: writes only its logs.',
        );
        acceptFinding(
          child,
          'IAM5[Resource::*]',
          'CDK’s own deployment handler needs the bucket’s objects and the distribution’s invalidations.',
        );
        acceptFinding(child, 'L1', 'CDK’s own deployment handler: its runtime is CDK’s choice.');
        for (const wildcard of [
          'Action::s3:Abort*',
          'Action::s3:DeleteObject*',
          'Action::s3:GetBucket*',
          'Action::s3:GetObject*',
          'Action::s3:List*',
          `Resource::<${Stack.of(this).getLogicalId(site.node.defaultChild as never)}.Arn>/*`,
          'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
        ]) {
          acceptFinding(
            child,
            `IAM5[${wildcard}]`,
            'CDK’s deployment handler copies web/ from the asset bucket into the site bucket, replacing what was there.',
          );
        }
      }
    }
  }
}
