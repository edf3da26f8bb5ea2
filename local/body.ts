import type { IncomingMessage } from 'node:http';

/** A body over the limit: the caller answers 413 naming `limit`. */
export class BodyTooLargeError extends RangeError {
  constructor(readonly limit: number) {
    super(`The body is larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Reads a request body, refusing one larger than `limit` bytes. A body over the limit is still read to
 * its end (and dropped), so that the client, still sending, gets the answer instead of a reset socket.
 */
export async function readBody(request: IncomingMessage, limit = 1_048_576): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  if (size > limit) throw new BodyTooLargeError(limit);
  return Buffer.concat(chunks);
}
