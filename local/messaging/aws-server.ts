import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readBody } from '../body.ts';
import { type Endpoint, listen } from '../listen.ts';

export interface WireRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface WireReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/**
 * A local AWS service endpoint: refuses an unsigned request as AWS does (the SDK always signs), reads
 * the body, and lets `handle` answer in the service's own protocol.
 */
export async function startAwsServer(
  port: number,
  variable: Endpoint,
  handle: (request: WireRequest) => Promise<WireReply> | WireReply,
  unsigned: () => WireReply,
): Promise<Server> {
  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    let reply: WireReply;
    try {
      const body = (await readBody(request, 1_048_576)).toString('utf8');
      reply = String(request.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')
        ? await handle({
            method: request.method ?? 'GET',
            path: new URL(request.url ?? '/', 'http://127.0.0.1').pathname,
            headers: request.headers,
            body,
          })
        : unsigned();
    } catch (error) {
      reply = {
        status: 500,
        contentType: 'application/json',
        body: JSON.stringify({ __type: 'InternalFailure', message: String(error) }),
      };
    }
    response.writeHead(reply.status, {
      'content-type': reply.contentType,
      'content-length': Buffer.byteLength(reply.body),
      'x-amzn-requestid': crypto.randomUUID(),
    });
    response.end(reply.body);
  });
  return listen(server, port, variable);
}
