import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrandPolicy, BrandPolicy as PolicySchema } from '../../functions/domain/policy.ts';

const EXAMPLES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../examples/brands');

/** A demo brand's policy as the repository ships it (examples/brands), checked by the schema. */
export function examplePolicy(brand: 'acme' | 'globex'): BrandPolicy {
  return PolicySchema.parse(JSON.parse(readFileSync(path.join(EXAMPLES, `${brand}.json`), 'utf8')));
}
