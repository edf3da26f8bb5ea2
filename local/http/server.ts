import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { PROJECT_ROOT } from '../../lib/constructs/fairfix-function.ts';
import { readBody } from '../body.ts';
import type { LocalFunctions } from '../functions.ts';
import { listen } from '../listen.ts';
import type { LocalRoute } from '../template.ts';
import type { DevTokens } from './dev-tokens.ts';

interface CompiledRoute extends LocalRoute {
  method: string;
  pattern: RegExp;
  names: string[];
}

/** Local-only endpoints (clock, tokens): not part of the template, never deployed. */
export type AdminHandler = (method: string, body: unknown) => Promise<{ status: number; body: unknown }>;

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
  admin: Record<string, AdminHandler>;
  now: () => number;
}): Promise<Server> {
  const routes = options.routes.map(compile);
  const server = createServer((request, response) => {
    void serve(request, response).catch((error) => {
      console.error(error);
      if (!response.headersSent)
        respond(response, { statusCode: 500, body: JSON.stringify({ message: 'Internal Server Error' }) });
    });
  });

  async function serve(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';
    const admin = url.pathname.startsWith('/_local/')
      ? options.admin[url.pathname.slice('/_local/'.length)]
      : undefined;
    if (admin) {
      const raw = (await readBody(request)).toString('utf8');
      let body: unknown = {};
      try {
        body = raw ? JSON.parse(raw) : {};
      } catch {
        return respond(response, json(400, { message: 'The body must be JSON' }));
      }
      const result = await admin(method, body);
      return respond(response, json(result.status, result.body));
    }
    const candidates = routes.filter((route) => route.pattern.test(url.pathname));
    const route = candidates.find((candidate) => candidate.method === method || candidate.method === 'ANY');
    if (!route) {
      if (method === 'GET' && candidates.length === 0) return serveStatic(url.pathname, response);
      return respond(response, json(candidates.length > 0 ? 405 : 404, { message: 'Not Found' }));
    }
    let claims: Record<string, unknown> | undefined;
    if (route.requiresJwt) {
      const header = request.headers.authorization ?? '';
      const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
      claims = token ? options.tokens.verify(token) : undefined;
      // What API Gateway's JWT authorizer answers: the function never runs.
      if (!claims)
        return respond(response, {
          ...json(401, { message: 'Unauthorized' }),
          headers: { 'www-authenticate': 'Bearer' },
        });
    }
    const body = await readBody(request, 10 * 1_048_576);
    const event = toEvent(request, url, route, body, claims, options.now());
    const result = await options.functions.invoke(route.functionLogicalId, event).catch((error: Error) => {
      console.error(`Function ${route.functionLogicalId} failed:`, error.message);
      return json(500, { message: 'Internal Server Error' });
    });
    respond(response, normalizeResult(result));
  }

  return listen(server, options.port, 'FAIRFIX_HTTP_PORT');
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
  if (!file.startsWith(WEB_ROOT + path.sep)) return respond(response, json(404, { message: 'Not Found' }));
  try {
    const content = await readFile(file);
    response.writeHead(200, {
      'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'content-length': content.length,
    });
    response.end(content);
  } catch {
    respond(response, json(404, { message: 'Not Found' }));
  }
}
