import { createHash } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2 } from 'aws-lambda';
import * as z from 'zod';
import type { Actor } from '../domain/case.ts';
import { DomainError } from '../domain/errors.ts';
import { logger } from '../shared/powertools.ts';
import type { Operation } from './operations.ts';
import { type FieldError, fieldErrors, type Problem, problem } from './problem.ts';

type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;

export interface Request<Op extends Operation> {
  readonly brand: string;
  readonly actor: Actor;
  readonly params: Infer<Op['params']>;
  readonly query: Infer<Op['query']>;
  readonly headers: Infer<Op['headers']>;
  readonly body: Infer<Op['body']>;
}

/** A status the operation declares, with a schema: its body is JSON that the schema describes. */
interface JsonReply<Status extends number, Body> {
  readonly status: Status;
  readonly body: Body;
  readonly headers?: Record<string, string>;
  readonly contentType?: never;
}

/** A status the operation declares without a schema: a document in its own content type, unchecked. */
interface DocumentReply<Status extends number> {
  readonly status: Status;
  /** JSON, or bytes (a Buffer) sent as they are with `contentType`. */
  readonly body: unknown;
  readonly headers?: Record<string, string>;
  readonly contentType?: string;
}

/** What the edge only serializes may be read-only, to any depth (a policy's catalogue, a case's arrays). */
type ReadOnlyDeep<T> = T extends readonly (infer Item)[]
  ? readonly ReadOnlyDeep<Item>[]
  : T extends object
    ? { readonly [Key in keyof T]: ReadOnlyDeep<T[Key]> }
    : T;

/** The same representation in the other content type its operation declares (`alsoAs`), as bytes. */
interface AlsoAsReply<Status extends number, ContentType extends string> {
  readonly status: Status;
  readonly body: Buffer;
  readonly headers?: Record<string, string>;
  /** The declared type, perhaps with parameters (`; charset=utf-8`). */
  readonly contentType: `${ContentType}${string}`;
}

type ReplyTo<Status extends number, Response> = Response extends {
  readonly schema: infer Schema extends z.ZodType;
}
  ?
      | JsonReply<Status, ReadOnlyDeep<z.output<Schema>>>
      | (Response extends { readonly alsoAs: infer Other extends string }
          ? AlsoAsReply<Status, Other>
          : never)
  : DocumentReply<Status>;

/**
 * What a handler may answer: one of the statuses its operation declares, with the body that status's
 * schema describes (as /openapi.json documents it), so a reply that does not match fails the type check.
 */
export type Reply<Op extends Operation = Operation> = {
  [Status in keyof Op['responses'] & number]: ReplyTo<Status, Op['responses'][Status]>;
}[keyof Op['responses'] & number];

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;

/** A brand's id, as tokens carry it and keys begin with it. */
export const Tenant = z
  .string('Give the brand as text.')
  .regex(/^[a-z0-9-]{2,40}$/, 'Give 2 to 40 lower-case letters, digits or -.');

/** The claims every fairfix token carries: the brand (tenant) it is valid for and the role on it. */
const Claims = z.object({ tenant: Tenant, role: z.string(), sub: z.string() });

/**
 * The edge of every route: authenticate and scope to one brand, validate everything at once,
 * call the one domain function, and answer problem+json for anything that is not a success.
 */
export interface HandlerOptions {
  /**
   * Checks that need the store (say, what is on file for a serial), run when the request has other
   * errors, so that every error is reported at once (P9).
   */
  readonly moreErrors?: (
    caller: { brand: string; actor: Actor },
    body: unknown,
    pathParameters: Record<string, string | undefined>,
  ) => Promise<FieldError[]>;
  /**
   * For a route no token reaches (its roles are empty), who calls, proved otherwise: a carrier's webhook
   * signature over the raw body. A problem (401) refuses the request before its body is even parsed.
   */
  readonly authenticate?: (request: {
    rawBody: string;
    headers: Record<string, string | undefined>;
    pathParameters: Record<string, string | undefined>;
  }) => Promise<{ brand: string; actor: Actor } | Problem>;
}

export function httpHandler<
  const Op extends Operation,
  // The handler's own type parameter, rather than `(request) => Promise<Reply<Op>>` directly: checked
  // against a type that depends on the `Op` still being inferred, its `status: 201` would widen to number.
  Handle extends (request: Request<Op>) => Promise<Reply<Op>>,
>(op: Op, handle: Handle, options: HandlerOptions = {}) {
  return middy<Event, APIGatewayProxyResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      try {
        const identity = options.authenticate
          ? await options.authenticate({
              rawBody: rawBodyOf(event),
              headers: lowerCaseKeys(event.headers ?? {}),
              pathParameters: event.pathParameters ?? {},
            })
          : authorize(op, event);
        if ('status' in identity) return respond(identity.status, identity);
        const parsed = parseRequest(op, event);
        if ('invalid' in parsed) {
          const more = options.moreErrors
            ? await options.moreErrors(identity, parsed.json, event.pathParameters ?? {})
            : [];
          const named = new Set(parsed.invalid.map((error) => error.pointer));
          return respond(
            400,
            invalid([...parsed.invalid, ...more.filter((error) => !named.has(error.pointer))]),
          );
        }
        const reply: Reply = await handle({ ...identity, ...parsed } as Request<Op>);
        if (Buffer.isBuffer(reply.body)) {
          return {
            statusCode: reply.status,
            headers: { 'content-type': reply.contentType ?? 'application/octet-stream', ...reply.headers },
            body: reply.body.toString('base64'),
            isBase64Encoded: true,
          };
        }
        if (reply.status === 200 && 304 in op.responses)
          return conditional(reply.body, reply.headers, event.headers?.['if-none-match']);
        return respond(reply.status, reply.body, reply.headers);
      } catch (error) {
        if (error instanceof DomainError) {
          return respond(
            error.status,
            problem(error.status, error.type, error.title, error.message, error.errors),
          );
        }
        logger.error('Unhandled error', error as Error);
        return respond(
          500,
          problem(
            500,
            'internal',
            'Internal error',
            'Something went wrong on our side; nothing you sent was lost.',
          ),
        );
      }
    });
}

function authorize(op: Operation, event: Event): { brand: string; actor: Actor } | Problem {
  if (op.roles.length === 0) return { brand: '', actor: { role: 'anonymous', subject: 'anonymous' } };
  const claims = Claims.safeParse(event.requestContext.authorizer?.jwt?.claims);
  if (!claims.success)
    return problem(401, 'unauthenticated', 'Unauthenticated', 'A bearer token for a brand is required.');
  const { tenant, role, sub } = claims.data;
  if (!(op.roles as readonly string[]).includes(role)) {
    return problem(403, 'forbidden', 'Forbidden', `The role "${role}" may not call ${op.operationId}.`);
  }
  return { brand: tenant, actor: { role, subject: sub } };
}

/** Every part of the request checked against its schema; on errors, the parsed body is kept for more checks. */
type Parsed =
  | { invalid: FieldError[]; json: unknown }
  | { params: unknown; query: unknown; headers: unknown; body: unknown };

function parseRequest(op: Operation, event: Event): Parsed {
  const errors: FieldError[] = [];
  const part = (schema: z.ZodType | undefined, value: unknown, root: string) => {
    if (!schema) return undefined;
    const result = schema.safeParse(value, { reportInput: true });
    if (result.success) return result.data;
    errors.push(...fieldErrors(result.error, root));
    return undefined;
  };
  const params = part(op.params, event.pathParameters ?? {}, '#/path');
  const query = part(op.query, event.queryStringParameters ?? {}, '#/query');
  const headers = part(op.headers, lowerCaseKeys(event.headers ?? {}), '#/headers');
  let body: unknown;
  let json: unknown;
  if (op.body) {
    json = parseJson(rawBodyOf(event));
    if (json === invalidJson) {
      errors.push({ pointer: '#', detail: 'The body must be a JSON document.' });
    } else {
      body = part(op.body, json, '#');
    }
  }
  if (errors.length > 0) return { invalid: errors, json: json === invalidJson ? undefined : json };
  return { params, query, headers, body };
}

/** The body as the caller sent it (API Gateway may hand it over base64-encoded). */
function rawBodyOf(event: Event): string {
  return event.body
    ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8').toString('utf8')
    : '';
}

function invalid(errors: FieldError[]): Problem {
  return problem(
    400,
    'validation',
    'Your request has errors',
    `${errors.length} field(s) need attention; nothing was saved.`,
    errors,
  );
}

const invalidJson = Symbol('invalid JSON');

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return invalidJson;
  }
}

function lowerCaseKeys(headers: Record<string, string | undefined>) {
  return Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]));
}

/**
 * A representation with its ETag (a hash of what the caller would receive), or 304 and no body when
 * the caller already holds it (`If-None-Match`): the cheap way to wait for a change, for the portal's
 * polling and the bench's. Only for operations whose responses list 304.
 */
function conditional(
  body: unknown,
  headers: Record<string, string> = {},
  ifNoneMatch: string | undefined,
): APIGatewayProxyResultV2 {
  const json = JSON.stringify(body);
  const etag = `"${createHash('sha256').update(json).digest('base64url').slice(0, 27)}"`;
  const validators = { etag, 'cache-control': 'private, no-cache', ...headers };
  const held = (ifNoneMatch ?? '').split(',').map((tag) => tag.trim().replace(/^W\//, ''));
  if (held.includes(etag) || held.includes('*')) return { statusCode: 304, headers: validators };
  return { statusCode: 200, headers: { 'content-type': 'application/json', ...validators }, body: json };
}

function respond(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResultV2 {
  const isProblem = status >= 400;
  return {
    statusCode: status,
    headers: { 'content-type': isProblem ? 'application/problem+json' : 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}
