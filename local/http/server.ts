import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type FieldError, problem } from '../../functions/api/problem.ts';
import { PROJECT_ROOT } from '../../lib/project.ts';
import { BodyTooLargeError, readBody } from '../body.ts';
import type { LocalFunctions } from '../functions.ts';
import { listen } from '../listen.ts';
import type { LocalRoute } from '../template.ts';
import type { DevIssuer } from './dev-issuer.ts';
import type { DevTokens } from './dev-tokens.ts';

interface CompiledRoute extends LocalRoute {
  method: string;
  pattern: RegExp;
  names: string[];
}

export interface AdminReply {
  status: number;
  /** JSON; a status of 400 or more makes it a problem (application/problem+json). */
  body: unknown;
}

/** Local-only endpoints (clock, tokens): not part of the template, never deployed. */
export interface AdminEndpoint {
  /** The methods it answers; others get 405 with these in Allow. */
  readonly methods: readonly string[];
  /** `body` is the request's JSON (undefined when empty); any JSON value, so check it. */
  handle(method: string, body: unknown): Promise<AdminReply>;
}

const MiB = 1_048_576;
/** API Gateway's payload limit (HTTP APIs): a larger body is refused with 413 before any function runs. */
const PAYLOAD_LIMIT = 10 * MiB;
/** The development endpoints take small JSON documents. */
const ADMIN_BODY_LIMIT = MiB;
/** Request line and headers together; more is refused with 431 (Node's own default, made explicit). */
export const MAX_HEADER_SIZE = 16_384;

const WEB_ROOT = path.join(PROJECT_ROOT, 'web');
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

function compile(route: LocalRoute): CompiledRoute {
  const [method = '', routePath = ''] = route.routeKey.split(' ');
  const names: string[] = [];
  const source = routePath
    .split('/')
    .map((segment) => {
      const param = /^\{(.+?)(\+?)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1] ?? '');
      return param[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return { ...route, method, pattern: new RegExp(`^${source}$`), names };
}

/**
 * API Gateway (HTTP API, payload 2.0) for the template's routes: the same handlers get the same
 * events, behind the same JWT check. Also serves the web UI and the local admin endpoints.
 */
export function startHttpServer(options: {
  port: number;
  routes: LocalRoute[];
  functions: LocalFunctions;
  tokens: DevTokens;
  admin: Record<string, AdminEndpoint>;
  /** The development OpenID issuer and the site's /config.json naming it; absent when dev endpoints are off. */
  issuer?: DevIssuer;
  now: () => number;
}): Promise<Server> {
  const routes = options.routes.map(compile);
  const server = createServer({ maxHeaderSize: MAX_HEADER_SIZE }, (request, response) => {
    void serve(request, response).catch((error) => {
      console.error(error);
      if (!response.headersSent) respond(response, internalError());
      else response.destroy();
    });
  });
  // What HTTP itself refuses (headers over the limit, a request it cannot parse) is a problem too.
  server.on('clientError', answerClientError);

  async function serve(request: IncomingMessage, response: ServerResponse) {
    const method = request.method ?? 'GET';
    const url = requestUrl(request.url);
    const badRequest = (detail: string) =>
      respond(response, problemResult(400, 'bad-request', 'Bad request', detail));
    if (!url) return badRequest('The request target must be a path, such as /cases.');
    if (!isWellEncoded(url.pathname))
      return badRequest(
        'The path has a malformed percent-encoding: every % must begin an escape of UTF-8, such as %20.',
      );
    if (options.issuer && (await options.issuer.serve(request, response, url))) return;
    if (url.pathname === '/_local' || url.pathname.startsWith('/_local/'))
      return serveAdmin(request, response, method, url.pathname.slice('/_local/'.length));

    const candidates = routes.filter((route) => route.pattern.test(url.pathname));
    const route = candidates.find((candidate) => candidate.method === method || candidate.method === 'ANY');
    if (!route) {
      if (candidates.length > 0)
        return respond(response, methodNotAllowed(method, [...new Set(candidates.map((c) => c.method))]));
      if (method === 'GET' || method === 'HEAD') return serveStatic(url.pathname, response);
      return respond(response, notFound());
    }
    // API Gateway refuses an oversized payload before anything else looks at the request.
    if (declaredLength(request) > PAYLOAD_LIMIT) return respond(response, tooLarge(PAYLOAD_LIMIT));
    let claims: Record<string, unknown> | undefined;
    if (route.requiresJwt) {
      const header = request.headers.authorization ?? '';
      const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
      claims = token ? options.tokens.verify(token) : undefined;
      // What API Gateway's JWT authorizer refuses: the function never runs.
      if (!claims)
        return respond(
          response,
          problemResult(401, 'unauthenticated', 'Unauthenticated', 'A valid bearer token is required.', {
            'www-authenticate': 'Bearer',
          }),
        );
    }
    const body = await readLimited(request, PAYLOAD_LIMIT);
    if (!body) return respond(response, tooLarge(PAYLOAD_LIMIT));
    const event = toEvent(request, url, route, body, claims, options.now());
    const result = await options.functions.invoke(route.functionLogicalId, event).catch((error: Error) => {
      console.error(`Function ${route.functionLogicalId} failed:`, error.message);
      return internalError();
    });
    respond(response, normalizeResult(result));
  }

  async function serveAdmin(
    request: IncomingMessage,
    response: ServerResponse,
    method: string,
    name: string,
  ) {
    const endpoint = Object.hasOwn(options.admin, name) ? options.admin[name] : undefined;
    if (!endpoint)
      return respond(
        response,
        problemResult(
          404,
          'not-found',
          'Not found',
          Object.keys(options.admin).length === 0
            ? 'The development endpoints are off (FAIRFIX_DEV_ENDPOINTS=off).'
            : `No development endpoint /_local/${name}; there are ${Object.keys(options.admin)
                .map((key) => `/_local/${key}`)
                .join(', ')}.`,
        ),
      );
    if (!endpoint.methods.includes(method))
      return respond(response, methodNotAllowed(method, endpoint.methods));
    if (declaredLength(request) > ADMIN_BODY_LIMIT) return respond(response, tooLarge(ADMIN_BODY_LIMIT));
    const raw = await readLimited(request, ADMIN_BODY_LIMIT);
    if (!raw) return respond(response, tooLarge(ADMIN_BODY_LIMIT));
    let body: unknown;
    try {
      body = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : undefined;
    } catch {
      return respond(response, invalid([{ pointer: '#', detail: 'The body must be a JSON document.' }]));
    }
    if (method === 'POST' && body === undefined)
      return respond(response, invalid([{ pointer: '#', detail: 'Send a JSON object.' }]));
    const result = await endpoint.handle(method, body);
    respond(
      response,
      result.status >= 400
        ? { ...json(result.status, result.body), headers: { 'content-type': PROBLEM } }
        : json(result.status, result.body),
    );
  }

  return listen(server, options.port, 'FAIRFIX_HTTP_PORT');
}

const PROBLEM = 'application/problem+json';

function problemResult(
  status: number,
  slug: string,
  title: string,
  detail: string,
  headers: Record<string, string> = {},
  errors?: FieldError[],
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: { 'content-type': PROBLEM, ...headers },
    body: JSON.stringify(problem(status, slug, title, detail, errors)),
  };
}

const notFound = () => problemResult(404, 'not-found', 'Not found', 'There is nothing at this path.');

const internalError = () =>
  problemResult(
    500,
    'internal',
    'Internal error',
    'Something went wrong on our side; see the local cloud’s log.',
  );

const invalid = (errors: FieldError[]) =>
  problemResult(
    400,
    'validation',
    'Your request has errors',
    `${errors.length} field(s) need attention; nothing was changed.`,
    {},
    errors,
  );

function methodNotAllowed(method: string, allowed: readonly string[]) {
  return problemResult(
    405,
    'method-not-allowed',
    'Method not allowed',
    `This path does not take ${method}; it takes ${allowed.join(', ')}.`,
    { allow: allowed.join(', ') },
  );
}

function tooLarge(limit: number) {
  return problemResult(
    413,
    'payload-too-large',
    'Payload too large',
    `The body is larger than ${limit / MiB} MiB (${limit} bytes), the most this endpoint takes.`,
  );
}

/**
 * The request target as a URL on this server, or undefined when it is not a path (origin-form). Parsed
 * against the origin by concatenation: `//host/x` is the path //host/x here, never another host.
 */
function requestUrl(target: string | undefined): URL | undefined {
  if (!target?.startsWith('/')) return undefined;
  try {
    return new URL(`http://127.0.0.1${target}`);
  } catch {
    return undefined;
  }
}

function isWellEncoded(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

function declaredLength(request: IncomingMessage): number {
  return Number(request.headers['content-length'] ?? 0) || 0;
}

/** The body, or undefined when it is over `limit` (it is still read to its end, and dropped). */
async function readLimited(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  try {
    return await readBody(request, limit);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return undefined;
    throw error;
  }
}

/**
 * Node's HTTP parser refused the request before any handler saw it: headers over MAX_HEADER_SIZE
 * (431), a request that is not HTTP (400), a request too slow to arrive (408). Answered as a problem
 * on the raw socket, then closed, as Node itself does with a bare status line.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  const pending = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || pending?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, slug, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [
          431,
          'header-fields-too-large',
          `The request line and headers are larger than ${MAX_HEADER_SIZE / 1024} KiB, the most this server takes.`,
        ]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request-timeout', 'The request did not arrive in time.']
        : [400, 'bad-request', 'The request is not valid HTTP/1.1.'];
  const body = JSON.stringify(problem(status, slug, STATUS_CODES[status] ?? 'Bad request', detail));
  // A HEAD request's answer has the headers of the body, not the body.
  const head = String((error as { rawPacket?: Buffer }).rawPacket ?? '').startsWith('HEAD ');
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: ${PROBLEM}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${head ? '' : body}`,
  );
}

function toEvent(
  request: IncomingMessage,
  url: URL,
  route: CompiledRoute,
  body: Buffer,
  claims: Record<string, unknown> | undefined,
  now: number,
): APIGatewayProxyEventV2 {
  const match = route.pattern.exec(url.pathname);
  const pathParameters = Object.fromEntries(
    route.names.map((name, i) => [name, decodeURIComponent(match?.[i + 1] ?? '')]),
  );
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.headers)) {
    if (value !== undefined && key !== 'cookie')
      headers[key] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
  const contentType = headers['content-type'] ?? '';
  const isText = body.length === 0 || /json|text|xml|x-www-form-urlencoded/.test(contentType);
  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(request.headers.cookie ? { cookies: request.headers.cookie.split(/;\s*/) } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(route.names.length > 0 ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: route.routeKey,
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
      ...(claims ? { authorizer: { jwt: { claims: claims as Record<string, string>, scopes: [] } } } : {}),
    },
    ...(body.length > 0 ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: !isText,
  } as APIGatewayProxyEventV2;
}

/** Payload 2.0: a result without statusCode is a JSON body with status 200. */
function normalizeResult(result: unknown): APIGatewayProxyStructuredResultV2 {
  if (result && typeof result === 'object' && 'statusCode' in result)
    return result as APIGatewayProxyStructuredResultV2;
  return json(200, result);
}

function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function respond(response: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const body = result.body
    ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8')
    : Buffer.alloc(0);
  const headers: Record<string, string | number | string[]> = {
    ...result.headers,
    'content-length': body.length,
  };
  if (result.cookies) headers['set-cookie'] = result.cookies;
  response.writeHead(result.statusCode ?? 200, headers);
  response.end(body);
}

async function serveStatic(pathname: string, response: ServerResponse): Promise<void> {
  const relative = pathname === '/' ? 'index.html' : pathname.slice(1);
  const file = path.resolve(WEB_ROOT, relative);
  if (!file.startsWith(WEB_ROOT + path.sep)) return respond(response, notFound());
  try {
    const content = await readFile(file);
    response.writeHead(200, {
      'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'content-length': content.length,
    });
    response.end(content);
  } catch {
    respond(response, notFound());
  }
}
