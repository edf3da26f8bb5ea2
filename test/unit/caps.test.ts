import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { operations } from '../../functions/api/operations.ts';

/**
 * Nothing a caller sends grows a case without bound (issue 11): every string of every request body has
 * a maximum length, and every list a maximum count, as the request's JSON Schema publishes them.
 */
type JsonSchema = {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  maxLength?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
};

function uncapped(schema: JsonSchema, at: string): string[] {
  const nested = [
    ...Object.entries(schema.properties ?? {}).flatMap(([key, child]) => uncapped(child, `${at}/${key}`)),
    ...(schema.items ? uncapped(schema.items, `${at}/items`) : []),
    ...[...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])].flatMap((child) =>
      uncapped(child, at),
    ),
    ...(typeof schema.additionalProperties === 'object'
      ? uncapped(schema.additionalProperties, `${at}/*`)
      : []),
  ];
  const types = [schema.type ?? []].flat();
  // Enumerations, and dates and times (a fixed shape), are bounded by what they are.
  const free =
    schema.enum === undefined &&
    schema.const === undefined &&
    !['date', 'date-time'].includes(schema.format ?? '');
  const open = [
    ...(free && types.includes('string') && schema.maxLength === undefined ? [`${at} (string)`] : []),
    ...(types.includes('array') && schema.maxItems === undefined ? [`${at} (array)`] : []),
  ];
  return [...open, ...nested];
}

describe('request bodies', () => {
  it('cap every string and every list', () => {
    const found = operations.flatMap((op) =>
      'body' in op && op.body
        ? uncapped(z.toJSONSchema(op.body as z.ZodType, { io: 'input' }) as JsonSchema, op.operationId)
        : [],
    );
    expect(found).toEqual([]);
  });

  it('cap an email at 254 characters, as the mail standards do', () => {
    const opening = operations.find((op) => op.operationId === 'openCase');
    const schema = z.toJSONSchema((opening as { body: z.ZodType }).body, { io: 'input' }) as JsonSchema;
    expect(schema.properties?.customer?.properties?.email?.maxLength).toBe(254);
  });
});
