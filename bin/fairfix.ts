import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FairfixStack } from '../lib/fairfix-stack.ts';

const app = new App();
new FairfixStack(app, 'Fairfix', {
  jwtIssuer: app.node.getContext('fairfix:jwtIssuer'),
  jwtAudience: app.node.getContext('fairfix:jwtAudience'),
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
