import { EventEmitter } from 'node:events';
import type { IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { HttpHandler } from '@smithy/core/protocols';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { HttpHandlerOptions, HttpRequest, HttpResponse } from '@smithy/types';

type Listener = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * The local services this process serves, by `host:port`. A request the SDK addresses to one of them
 * is handed to that server's request listener in this process: the same bytes, the same service code,
 * no socket, no HTTP parser on either end. The ports stay open for everyone else (the AWS CLI).
 */
const local = new Map<string, Server>();

/**
 * An AWS SDK v3 request handler (smithy's HttpHandler) that serves a request with the in-process
 * listener of the local service it is addressed to. Everything above the transport is the real SDK:
 * serialization, signing, retries, error parsing. Measured on the local cloud: the SDK's loopback HTTP
 * was ≈ 16% of server CPU plus the socket round trips of ≈ 100 calls per case lifecycle.
 */
export class InProcessHandler implements HttpHandler {
  readonly metadata = { handlerProtocol: 'in-process' };

  /** Whether a request is for a local service this process serves and can answer in-process. */
  static serves(request: HttpRequest): boolean {
    return local.get(`${request.hostname}:${request.port}`)?.listening === true;
  }

  async handle(request: HttpRequest, options?: HttpHandlerOptions): Promise<{ response: HttpResponse }> {
    const server = local.get(`${request.hostname}:${request.port}`);
    if (!server?.listening) {
      throw Object.assign(new Error(`connect ECONNREFUSED ${request.hostname}:${request.port}`), {
        code: 'ECONNREFUSED',
      });
    }
    if (options?.abortSignal?.aborted)
      throw Object.assign(new Error('Request aborted'), { name: 'AbortError' });
    const [listener] = server.listeners('request') as Listener[];
    if (!listener) throw new Error(`The local server on port ${request.port} has no request listener`);
    return { response: await dispatch(server, listener, request) };
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {}
}

const inProcess = new InProcessHandler();
let installed = false;

/**
 * Serves the SDK's requests to these local servers in-process, for every client in this process,
 * the functions' own included: they create their clients with the SDK's default handler, unaware of
 * where they run, and that default hands a request for a local server to {@link InProcessHandler}.
 * Any other request goes out over the network as before. Forgotten again by {@link forgetServers}.
 */
export function serveInProcess(...servers: Server[]): void {
  if (!installed) {
    installed = true;
    const network = NodeHttpHandler.prototype.handle;
    NodeHttpHandler.prototype.handle = function handle(this: NodeHttpHandler, request, options) {
      return InProcessHandler.serves(request)
        ? inProcess.handle(request, options)
        : network.call(this, request, options);
    };
  }
  for (const server of servers) {
    const { port } = server.address() as AddressInfo;
    for (const host of ['127.0.0.1', 'localhost']) local.set(`${host}:${port}`, server);
  }
}

export function forgetServers(...servers: Server[]): void {
  for (const [key, server] of local) if (servers.includes(server)) local.delete(key);
}

function dispatch(server: Server, listener: Listener, request: HttpRequest): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(request.query ?? {})) {
      for (const one of Array.isArray(value) ? value : [value]) if (one !== null) query.append(key, one);
    }
    const search = query.size > 0 ? `?${query}` : '';
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
    const body = toBuffer(request.body);
    headers['content-length'] ??= String(body.length);

    const incoming = Object.assign(new Readable({ read() {} }), {
      method: request.method,
      url: `${request.path}${search}`,
      headers,
      httpVersion: '1.1',
      socket: { remoteAddress: '127.0.0.1', encrypted: false },
    });
    if (body.length > 0) incoming.push(body);
    incoming.push(null);
    const response = new CapturedResponse((captured) => resolve(captured), reject);
    try {
      listener.call(server, incoming as unknown as IncomingMessage, response as unknown as ServerResponse);
    } catch (error) {
      reject(error);
    }
  });
}

function toBuffer(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new Error('The in-process transport takes string or byte bodies (the JSON protocols send those)');
}

/** The part of ServerResponse the local services use, answering the SDK when the body ends. */
class CapturedResponse extends EventEmitter {
  statusCode = 200;
  statusMessage = '';
  headersSent = false;
  writableEnded = false;
  private readonly headers = new Map<string, number | string | string[]>();
  private readonly chunks: Buffer[] = [];

  constructor(
    private readonly answer: (response: HttpResponse) => void,
    private readonly fail: (error: Error) => void,
  ) {
    super();
  }

  setHeader(name: string, value: number | string | string[]): this {
    this.headers.set(name.toLowerCase(), value);
    return this;
  }

  getHeader(name: string) {
    return this.headers.get(name.toLowerCase());
  }

  hasHeader(name: string): boolean {
    return this.headers.has(name.toLowerCase());
  }

  removeHeader(name: string): void {
    this.headers.delete(name.toLowerCase());
  }

  writeHead(status: number, reason?: string | OutgoingHttpHeaders, headers?: OutgoingHttpHeaders): this {
    this.statusCode = status;
    const fields = typeof reason === 'object' ? reason : headers;
    if (typeof reason === 'string') this.statusMessage = reason;
    for (const [name, value] of Object.entries(fields ?? {}))
      if (value !== undefined) this.setHeader(name, value);
    this.headersSent = true;
    return this;
  }

  write(chunk: string | Uint8Array): boolean {
    this.headersSent = true;
    this.chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk));
    return true;
  }

  end(chunk?: string | Uint8Array | (() => void), done?: () => void): this {
    if (this.writableEnded) return this;
    if (chunk !== undefined && typeof chunk !== 'function') this.write(chunk);
    this.writableEnded = true;
    this.headersSent = true;
    const body = Buffer.concat(this.chunks);
    const headers: Record<string, string> = {};
    for (const [name, value] of this.headers)
      headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
    this.answer({
      statusCode: this.statusCode,
      reason: this.statusMessage,
      headers,
      body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
    });
    queueMicrotask(() => {
      this.emit('finish');
      this.emit('close');
    });
    for (const callback of [chunk, done]) if (typeof callback === 'function') queueMicrotask(callback);
    return this;
  }

  /** What a server does to a request it cannot answer: the client sees the connection reset. */
  destroy(): this {
    if (!this.writableEnded) {
      this.writableEnded = true;
      this.fail(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    }
    return this;
  }
}
