import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { policyItem } from '../functions/adapters/policy-keys.ts';
import { BrandPolicy } from '../functions/domain/policy.ts';
import { PROJECT_ROOT } from '../lib/constructs/fairfix-function.ts';
import { seededTechnicians } from './http/dev-tokens.ts';

/** The demo brands the repository ships: one policy document per file. */
export const EXAMPLE_BRANDS = path.join(PROJECT_ROOT, 'examples', 'brands');

/**
 * Seeds each example brand as version 1 of its policy, on the local cloud's first start: a brand that
 * has a version 1 already (seeded before, or created through the API) is left as it is, so a restart
 * never undoes an admin's change. A file that does not pass the schema stops the start, with its errors.
 */
export async function seedExampleBrands(client: DynamoDBClient, tableName: string, at: Date): Promise<void> {
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  for (const file of readdirSync(EXAMPLE_BRANDS)
    .filter((name) => name.endsWith('.json'))
    .sort()) {
    const parsed = BrandPolicy.safeParse(JSON.parse(readFileSync(path.join(EXAMPLE_BRANDS, file), 'utf8')));
    if (!parsed.success)
      throw new Error(
        `examples/brands/${file} is not a valid policy:\n${JSON.stringify(parsed.error.issues, null, 2)}`,
      );
    const technician = parsed.data.technicians[0];
    if (technician) seededTechnicians.set(parsed.data.brand, technician.id);
    const item = policyItem({
      version: 1,
      savedBy: `examples/brands/${file}`,
      savedAt: at.toISOString(),
      policy: parsed.data,
    });
    try {
      await documents.send(
        new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
