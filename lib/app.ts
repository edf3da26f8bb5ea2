import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FairfixStack } from './fairfix-stack.ts';
import { STACK_ID } from './project.ts';

export { STACK_ID };

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
      'fairfix:jwtAudience': 'fairfix',
      ...options.context,
    },
  });
  // Without `fairfix:jwtIssuer` the stack creates its own Cognito user pool to sign in with.
  const stack = new FairfixStack(app, STACK_ID, {
    jwtIssuer: app.node.tryGetContext('fairfix:jwtIssuer'),
    jwtAudience: app.node.getContext('fairfix:jwtAudience'),
    webClientId: app.node.tryGetContext('fairfix:webClientId'),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

interface ValidationReport {
  pluginReports: {
    pluginName: string;
    violations: { ruleName: string; severity: string; violatingConstructs: { constructPath: string }[] }[];
  }[];
}

/**
 * Synthesizes and fails on any cdk-nag finding, warnings included, that no acknowledgement (with its
 * reason) covers. CDK itself only fails on errors; we hold warnings to the same rule.
 */
export function synthesizeChecked(app: App): CloudAssembly {
  const assembly = app.synth();
  const file = path.join(assembly.directory, 'validation-report.json');
  if (!existsSync(file)) return assembly;
  const report = JSON.parse(readFileSync(file, 'utf8')) as ValidationReport;
  const findings = report.pluginReports.flatMap((plugin) =>
    plugin.violations.flatMap((violation) =>
      violation.violatingConstructs.map(
        (construct) => `${violation.ruleName} (${violation.severity}) at ${construct.constructPath}`,
      ),
    ),
  );
  if (findings.length > 0) {
    throw new Error(
      `Unacknowledged cdk-nag findings; fix them or acknowledge each with a reason:\n  ${findings.join('\n  ')}`,
    );
  }
  return assembly;
}
