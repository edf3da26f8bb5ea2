import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FairfixStack } from './fairfix-stack.ts';

export const STACK_ID = 'Fairfix';

export interface CreateAppOptions {
  /** Extra context, e.g. `aws:cdk:bundling-stacks: []` to skip bundling where only the template is needed. */
  readonly context?: Record<string, unknown>;
  readonly outdir?: string;
}

/** The fairfix app: what `cdk deploy` deploys, what the infra tests assert, what the local cloud runs. */
export function createApp(options: CreateAppOptions = {}): { app: App; stack: FairfixStack } {
  const app = new App({
    ...(options.outdir ? { outdir: options.outdir } : {}),
    context: {
      'fairfix:jwtIssuer': 'https://auth.example.com/',
      'fairfix:jwtAudience': 'fairfix',
      ...options.context,
    },
  });
  const stack = new FairfixStack(app, STACK_ID, {
    jwtIssuer: app.node.getContext('fairfix:jwtIssuer'),
    jwtAudience: app.node.getContext('fairfix:jwtAudience'),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
