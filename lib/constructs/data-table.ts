import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

/** The attribute DynamoDB deletes expired items by (idempotency records, drafts); epoch seconds. */
export const TTL_ATTRIBUTE = 'expiresAt';

/**
 * The one table of fairfix (single-table design).
 *
 * Every key begins with the tenant: `T#<brand>#...`, so no query can reach another brand's items.
 * - `pk`/`sk`: the item itself, e.g. a case is `pk = T#<brand>#CASE#<caseId>`, `sk = CASE`.
 * - GSI `bySerial` (`gsi1pk`/`gsi1sk`): the cases of one device, `T#<brand>#SERIAL#<serial>` by opening time.
 * - GSI `byCustomer` (`gsi2pk`/`gsi2sk`): the cases of one customer, `T#<brand>#CUSTOMER#<id>` by opening time.
 * - GSI `byQueue` (`gsi3pk`/`gsi3sk`): work queues, `T#<brand>#QUEUE#<queue>` by deadline (ISO-8601 UTC).
 * - GSI `byOwner` (`gsi4pk`/`gsi4sk`): cases escalated to or followed up by one owner,
 *   `T#<brand>#OWNER#<owner>` by due time.
 * - GSI `byBrand` (`gsi5pk`/`gsi5sk`): every case of a brand, `T#<brand>#CASES` in a fixed pseudo-random
 *   order (a hash of the case id), so a reviewer's sample starts at a random point.
 * - GSI `byOpened` (`gsi6pk`/`gsi6sk`): every case of a brand, `T#<brand>#CASES` by `<openedAt>#<caseId>`,
 *   so staff list the brand's cases newest first (`GET /cases`). Its keys never change after opening:
 *   a case is copied into it once.
 *
 * The indexes project keys only (byBrand also `openedAt`, which the review export filters on): a query
 * reads the items it finds from the table (functions/adapters/case-repository.ts, `whole`). A save
 * that changes no index key then writes no index copy; with ALL, 444 of a happy case's 560 write
 * units on AWS were copies into the (then) five indexes.
 */
export class DataTable extends Construct {
  readonly table: TableV2;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryptionV2.awsManagedKey(),
      timeToLiveAttribute: TTL_ATTRIBUTE,
      deletionProtection: true,
      // Cases hold customer-owned records: never deleted with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
      globalSecondaryIndexes: [
        gsi('bySerial', 'gsi1pk', 'gsi1sk'),
        gsi('byCustomer', 'gsi2pk', 'gsi2sk'),
        gsi('byQueue', 'gsi3pk', 'gsi3sk'),
        gsi('byOwner', 'gsi4pk', 'gsi4sk'),
        {
          ...gsi('byBrand', 'gsi5pk', 'gsi5sk'),
          projectionType: ProjectionType.INCLUDE,
          nonKeyAttributes: ['openedAt'],
        },
        gsi('byOpened', 'gsi6pk', 'gsi6sk'),
      ],
    });
  }
}

function gsi(indexName: string, pk: string, sk: string) {
  return {
    indexName,
    partitionKey: { name: pk, type: AttributeType.STRING },
    sortKey: { name: sk, type: AttributeType.STRING },
    projectionType: ProjectionType.KEYS_ONLY,
  };
}
