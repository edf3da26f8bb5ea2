import { RemovalPolicy } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acceptFinding } from '../nag-acknowledgements.ts';

/**
 * The carrier account fairfix buys labels from and hears tracking from: a Secrets Manager secret
 * holding {"url", "apiKey", "webhookSecret"} (functions/adapters/carrier-account.ts reads it). The stack
 * creates it with a generated webhook secret and no API key: until an operator puts the account's API
 * key in it, labels come from the built-in local post. Functions that use it may read it, nothing more.
 */
export class CarrierAccount extends Construct {
  readonly secret: Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description:
        'fairfix carrier account (EasyPost-shaped API): {"url","apiKey","webhookSecret"}. Put the account’s API key in apiKey; give webhookSecret to the carrier’s webhook settings.',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ url: 'https://api.easypost.com', apiKey: '' }),
        generateStringKey: 'webhookSecret',
        excludePunctuation: true,
        passwordLength: 40,
      },
      // A deleted stack must not take the account's key with it unasked.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acceptFinding(
      this.secret,
      'SMG4',
      'A carrier’s API key is rotated in the carrier’s dashboard, not by a Lambda: the operator pastes the new key here (docs/carrier.md).',
    );
  }

  /** Lets `fn` read the account (read-only) and tells it where: FAIRFIX_CARRIER_SECRET_ARN. */
  bind(fn: LambdaFunction & IGrantable): void {
    this.secret.grantRead(fn);
    fn.addEnvironment('FAIRFIX_CARRIER_SECRET_ARN', this.secret.secretArn);
  }
}
