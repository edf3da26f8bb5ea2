import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** An accepted cdk-nag finding: the rule id as cdk-nag prints it, and why we accept it. */
export function acceptFinding(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions::AwsSolutions-${id}`, reason });
}

/** The table-wide findings of a function bound to the table, with the table's logical id resolved. */
export function acknowledgeTableIndexes(scope: IConstruct, tableArnRef: string): void {
  acceptFinding(
    scope,
    `IAM5[Resource::<${tableArnRef}.Arn>/index/*]`,
    'Queries the GSIs of fairfix’s own table (by serial, by customer, work queues); every key is tenant-prefixed.',
  );
}

export const logicalIdOf = (scope: IConstruct) =>
  Stack.of(scope).getLogicalId(scope.node.defaultChild as never);
