import path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture, type CfnFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { acceptFinding, acknowledgeTableIndexes, logicalIdOf } from '../nag-acknowledgements.ts';
import { ENTRY_METADATA_KEY, PROJECT_ROOT } from '../project.ts';

export { ENTRY_METADATA_KEY, PROJECT_ROOT };

export interface FairfixFunctionProps
  extends Omit<NodejsFunctionProps, 'entry' | 'runtime' | 'architecture'> {
  /** The handler module, relative to the repository root, e.g. `functions/open-case/handler.ts`. */
  readonly entry: string;
  /**
   * It renders PDFs with pdfkit, which reads its font metrics from its own package files at run time:
   * pdfkit then ships as files beside the bundle instead of inside it, as does bwip-js (the label's
   * barcode), ≈ 120 KB minified that would take a bundle past its budget.
   */
  readonly printsPdf?: boolean;
}

export type TableAccess = 'read' | 'readwrite';

/**
 * A Lambda function with fairfix's defaults set once: Node.js 22 on ARM64, X-Ray tracing, ESM bundle
 * with source maps, a log group kept for a month, and the Powertools service name.
 */
export class FairfixFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: FairfixFunctionProps) {
    const { entry, environment, bundling, printsPdf, ...rest } = props;
    super(scope, id, {
      memorySize: 512,
      timeout: Duration.seconds(10),
      ...rest,
      entry: path.join(PROJECT_ROOT, entry),
      handler: 'handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      tracing: Tracing.ACTIVE,
      logGroup: new LogGroup(scope, `${id}Logs`, {
        retention: RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'fairfix',
        ...environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        sourceMap: true,
        minify: true,
        target: 'node22',
        // ESM bundles of CommonJS dependencies still call require(); give them one.
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        ...(printsPdf ? { nodeModules: ['pdfkit', 'bwip-js'] } : {}),
        ...bundling,
      },
    });
    (this.node.defaultChild as CfnFunction).addMetadata(ENTRY_METADATA_KEY, entry);
    acceptFinding(
      this,
      'L1',
      'Node.js 22 is pinned on purpose: the local cloud runs the same handlers on Node 22 (DESIGN.md).',
    );
    acceptFinding(
      this,
      'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'The basic execution role only lets the function write its own logs.',
    );
    acceptFinding(
      this,
      'IAM5[Resource::*]',
      'X-Ray PutTraceSegments/PutTelemetryRecords accept no narrower resource.',
    );
  }

  /** Grants access to the table and tells the function its name, in one call. */
  bindTable(table: ITableV2, accessMode: TableAccess): this {
    if (accessMode === 'read') table.grantReadData(this);
    else table.grantReadWriteData(this);
    this.addEnvironment('TABLE_NAME', table.tableName);
    acknowledgeTableIndexes(this, logicalIdOf(table));
    return this;
  }
}
