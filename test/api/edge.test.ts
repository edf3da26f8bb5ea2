import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud.ts';
import { ApiClient, opening } from '../support/api.ts';
import { startTestCloud } from '../support/cloud.ts';

/**
 * The HTTP edge (issue 11, findings 6 and 7): whatever arrives, the answer is a problem (RFC 9457,
 * application/problem+json) with a 4xx status, never a 500 or a stack trace; and the development
 * endpoints under /_local/ refuse junk without changing anything.
 */
let cloud: LocalCloud;
let agent: ApiClient;

beforeAll(async () => {
  cloud = await startTestCloud();
  agent = ApiClient.as(cloud, 'acme', 'agent');
});
afterAll(() => cloud?.stop());

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: Record<string, unknown> | undefined;
}

async function send(path: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(cloud.urls.http + path, init);
  const text = await response.text();
  let body: Record<string, unknown> | undefined;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body };
}

/** A request written to the socket as is, for what fetch refuses to send; the raw answer. */
function raw(request: string): Promise<string> {
  const { port } = new URL(cloud.urls.http);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(request));
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

const bearer = (role = 'agent') => ({
  authorization: `Bearer ${cloud.tokens.issue({ tenant: 'acme', role, sub: `${role}@acme.example` })}`,
});

const pointers = (answer: Answer) =>
  ((answer.body?.errors ?? []) as { pointer: string }[]).map((error) => error.pointer).sort();

function expectProblem(answer: Answer, status: number) {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.headers.get('content-type')).toBe('application/problem+json');
  expect(answer.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status });
  expect(answer.text).not.toMatch(/at .+\.[jt]s:\d+/);
}

describe('every error of the edge is a problem', () => {
  it('answers an unknown route with 404', async () => {
    expectProblem(await send('/no-such-route'), 404);
    expectProblem(await send('/no-such-file.js'), 404);
    expectProblem(await send('/no-such-route', { method: 'POST', body: '{}' }), 404);
  });

  it('answers a known path with the wrong method with 405 and the methods it allows', async () => {
    const put = await send('/health', { method: 'PUT' });
    expectProblem(put, 405);
    expect(put.headers.get('allow')).toBe('GET');
    // GET /cases lists the customer's own cases (issue 16): DELETE is the method it does not take.
    const remove = await send('/cases', { method: 'DELETE', headers: bearer() });
    expectProblem(remove, 405);
    expect(remove.headers.get('allow')?.split(/,\s*/).sort()).toEqual(['GET', 'POST']);
  });

  it('answers a missing or bad token with 401 and a Bearer challenge', async () => {
    const none = await send('/queues/depot');
    expectProblem(none, 401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expectProblem(await send('/queues/depot', { headers: { authorization: 'Bearer a.b.c' } }), 401);
  });

  it('answers a malformed percent-encoding in the path with 400, with or without a token', async () => {
    expectProblem(await send('/cases/%E0%A4%A', { headers: bearer() }), 400);
    expectProblem(await send('/cases/%E0%A4%A'), 400);
    expectProblem(await send('/devices/%ZZ/history', { headers: bearer() }), 400);
  });

  it('answers a body over API Gateway’s 10 MiB with 413 naming the limit', async () => {
    const huge = JSON.stringify(opening({ note: 'x'.repeat(10 * 1_048_576) }));
    const answer = await send('/cases', {
      method: 'POST',
      headers: { ...bearer('customer'), 'content-type': 'application/json' },
      body: huge,
    });
    expectProblem(answer, 413);
    expect(answer.body?.detail).toContain('10 MiB');
  });

  it('answers 413 for a body over the limit sent without a length (chunked)', async () => {
    const chunk = new Uint8Array(1_048_576).fill(0x20);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 11) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const answer = await send('/cases', {
      method: 'POST',
      headers: { ...bearer('customer'), 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expectProblem(answer, 413);
  });

  it('answers headers over the limit with 431', async () => {
    expectProblem(await send('/health', { headers: { 'x-huge': 'h'.repeat(20_000) } }), 431);
  });

  it('answers a request HTTP cannot parse with 400', async () => {
    const answer = await raw('GET /health HTTP/1.1\r\nHost: x\r\nnot a header\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer.toLowerCase()).toContain('content-type: application/problem+json');
    expect(answer).toContain('"status":400');
  });

  it('keeps a request target that is not a path from reaching a route', async () => {
    const answer = await raw('GET //evil.example/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 404 /);
    expect(answer.toLowerCase()).toContain('content-type: application/problem+json');
  });
});

describe('/_local/clock', () => {
  const clockNow = async () => Date.parse((await send('/_local/clock')).body?.now as string);
  const post = (body: string) => send('/_local/clock', { method: 'POST', body });

  it('refuses an advance past 10 years or the end of dates, and does not move', async () => {
    const before = await clockNow();
    for (const advanceMs of [8.65e15, 1e20, 11 * 365 * 86_400_000]) {
      const answer = await post(JSON.stringify({ advanceMs }));
      expectProblem(answer, 400);
      expect(answer.body?.errors).toEqual([{ pointer: '#/advanceMs', detail: expect.any(String) }]);
    }
    expect((await clockNow()) - before).toBeLessThan(5_000);
    expect((await agent.get('/queues/depot')).status).toBe(200);
  });

  it('lists every field error at once', async () => {
    const answer = await post(JSON.stringify({ advanceMs: -5, scale: 1e300 }));
    expectProblem(answer, 400);
    expect(pointers(answer)).toEqual(['#/advanceMs', '#/scale']);
  });

  it('refuses a body that is not an object of known fields, or says nothing to do', async () => {
    for (const body of ['null', '[]', '"soon"', '42', 'true', '{}', '{"advancems": 5}', '{"advanceMs": "5"}'])
      expectProblem(await post(body), 400);
    expectProblem(await post('{"advanceMs": '), 400);
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const answer = await post(JSON.stringify({ advanceMs: 1, pad: 'x'.repeat(1_048_576) }));
    expectProblem(answer, 413);
    expect(answer.body?.detail).toContain('1 MiB');
  });

  it('moves by a sane advance and scale, and says where it is', async () => {
    const before = await clockNow();
    const answer = await post(JSON.stringify({ advanceMs: 60_000, scale: 1 }));
    expect(answer.status).toBe(200);
    expect(Date.parse(answer.body?.now as string) - before).toBeGreaterThanOrEqual(60_000);
    // The API still answers after the move (finding 6: a bricked clock answered 500/401 to everything).
    expect((await agent.get('/queues/depot')).status).toBe(200);
  });

  it('answers a method it does not take with 405 and Allow', async () => {
    const answer = await send('/_local/clock', { method: 'DELETE' });
    expectProblem(answer, 405);
    expect(answer.headers.get('allow')).toBe('GET, POST');
  });

  it('answers an unknown development endpoint with 404', async () => {
    expectProblem(await send('/_local/nothing-here'), 404);
  });
});

describe('/_local/tokens', () => {
  const post = (body: string) => send('/_local/tokens', { method: 'POST', body });

  it('lists every field error at once: the brand, a known role, the subject', async () => {
    const answer = await post(JSON.stringify({ tenant: 'ACME Corp', role: 'king', sub: 5 }));
    expectProblem(answer, 400);
    expect(pointers(answer)).toEqual(['#/role', '#/sub', '#/tenant']);
  });

  it('refuses a body that is not an object, or is not JSON', async () => {
    for (const body of ['null', '[]', '"acme"', '7', '', '{"tenant":']) expectProblem(await post(body), 400);
  });

  it('mints a token that the API accepts', async () => {
    const answer = await post(JSON.stringify({ tenant: 'acme', role: 'depot' }));
    expect(answer.status).toBe(201);
    const depot = ApiClient.withToken(cloud.urls.http, answer.body?.token as string);
    expect((await depot.get('/queues/depot')).status).toBe(200);
  });

  it('answers GET with 405 and Allow: POST', async () => {
    const answer = await send('/_local/tokens');
    expectProblem(answer, 405);
    expect(answer.headers.get('allow')).toBe('POST');
  });
});

describe('/_local/carrier-events', () => {
  it('refuses junk with every field error at once', async () => {
    const answer = await send('/_local/carrier-events', { method: 'POST', body: 'null' });
    expectProblem(answer, 400);
    const fields = await send('/_local/carrier-events', {
      method: 'POST',
      body: JSON.stringify({ tenant: 'acme', status: 'teleported' }),
    });
    expectProblem(fields, 400);
    expect(pointers(fields)).toEqual(['#/status', '#/trackingNumber']);
  });
});
