import * as z from 'zod';
import { BrandPolicy } from '../domain/policy.ts';
import { type Operation, operations } from './operations.ts';

type JsonSchema = Record<string, unknown>;

const schema = (type: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _, ...rest } = z.toJSONSchema(type, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

function parameters(op: Operation) {
  const inPath = op.params ? Object.entries(op.params.shape) : [];
  const inHeader = op.headers ? Object.entries(op.headers.shape) : [];
  const inQuery = op.query ? Object.entries(op.query.shape) : [];
  return [
    ...inPath.map(([name, type]) => ({
      name,
      in: 'path',
      required: true,
      schema: schema(type as z.ZodType, 'input'),
    })),
    ...inQuery.map(([name, type]) => ({
      name,
      in: 'query',
      required: !(type as z.ZodType).safeParse(undefined).success,
      schema: schema(type as z.ZodType, 'input'),
    })),
    ...inHeader.map(([name, type]) => ({
      name,
      in: 'header',
      required: !(type as z.ZodType).safeParse(undefined).success,
      schema: schema(type as z.ZodType, 'input'),
    })),
  ];
}

function describe(op: Operation) {
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(op.roles.length > 0 ? { security: [{ bearer: [] }], 'x-fairfix-roles': op.roles } : { security: [] }),
    parameters: parameters(op),
    ...(op.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: schema(op.body, 'input') } },
          },
        }
      : {}),
    responses: Object.fromEntries(
      Object.entries(op.responses).map(([status, response]) => [
        status,
        {
          description: response.description,
          ...(response.schema
            ? {
                content: {
                  [Number(status) >= 400 ? 'application/problem+json' : 'application/json']: {
                    schema: schema(response.schema, 'output'),
                  },
                  ...('alsoAs' in response && response.alsoAs
                    ? { [response.alsoAs]: { schema: { type: 'string' } } }
                    : {}),
                },
              }
            : {}),
        },
      ]),
    ),
  };
}

/** The OpenAPI 3.1 document of every route, generated from the operations' zod schemas. */
export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations as readonly Operation[]) {
    paths[op.path] = { ...paths[op.path], [op.method.toLowerCase()]: describe(op) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'fairfix',
      version: '0.1.0',
      description:
        'Repair logistics and RMA workflow. Every error is an RFC 9457 problem listing every field at once.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      // A brand's policy, as PUT /brand/policy takes it and examples/brands/*.json hold it.
      schemas: { BrandPolicy: schema(BrandPolicy, 'input') },
    },
    paths,
  };
}
