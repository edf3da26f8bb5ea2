import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EasyPostCarrier } from '../../functions/adapters/easypost-carrier.ts';
import { CarrierUnavailableError } from '../../functions/domain/errors.ts';
import { readBody } from '../../local/body.ts';
import { CarrierService } from '../../local/carrier-service.ts';
import { shipmentRequest } from '../support/shipments.ts';

/**
 * A carrier whose answer starts but never arrives whole: the headers come, then the connection drops,
 * or the rest of the body does not come in time. The crash soak (issue 11) found a depot case handed to
 * a person after a restart: in a process busy resuming its executions the carrier's headers came in
 * time and its body did not, and reading it failed with an error the workflow does not retry
 * (TimeoutError), so the first slow answer sent the case to the case desk. Any answer the adapter
 * cannot read whole is the carrier not answering (CarrierUnavailableError): the step retries, and only
 * an outage that lasts goes to a person (test/workflow/no-dead-ends.test.ts).
 *
 * The carrier here is the local carrier service behind a proxy that spoils the answers of one route.
 */
const API_KEY = 'local_test_key';
let service: CarrierService;
let proxy: Server;
let proxyUrl: string;
/** How the proxy spoils the answers to requests whose path matches `route`: none spoilt when unset. */
let spoil: { route: RegExp; how: 'cut' | 'stall' | 'garble' } | undefined;
/** Answers left hanging, to end when the test is over. */
const hanging = new Set<ServerResponse>();

async function forward(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
  const body = await readBody(incoming);
  const answer = await fetch(`${service.url}${incoming.url}`, {
    method: incoming.method ?? 'GET',
    headers: { ...(incoming.headers.authorization ? { authorization: incoming.headers.authorization } : {}) },
    ...(body.length > 0 ? { body: body.toString('utf8') } : {}),
  });
  // The label's URL names the service: through the proxy, so that the label's answer can be spoilt too.
  const text = Buffer.from(await answer.arrayBuffer());
  const bytes = answer.headers.get('content-type')?.includes('json')
    ? Buffer.from(text.toString('utf8').replaceAll(service.url, proxyUrl))
    : text;
  const fault = spoil?.route.test(incoming.url ?? '') ? spoil.how : undefined;
  if (fault === 'garble') {
    response.writeHead(answer.status, { 'content-type': 'application/json' }).end('{"object":"Shipm');
    return;
  }
  response.writeHead(answer.status, {
    'content-type': answer.headers.get('content-type') ?? 'application/octet-stream',
    'content-length': bytes.byteLength,
  });
  if (!fault) {
    response.end(bytes);
    return;
  }
  // Half the answer, then (once the adapter has had the headers) the connection drops, or nothing more comes.
  response.write(bytes.subarray(0, Math.floor(bytes.byteLength / 2)));
  hanging.add(response);
  if (fault === 'cut') setTimeout(() => response.socket?.destroy(), 50);
}

beforeAll(async () => {
  service = await CarrierService.start({
    port: 0,
    apiKey: API_KEY,
    webhookSecret: 'whsec-test',
    now: Date.now,
  });
  proxy = createServer((incoming, response) => {
    forward(incoming, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterEach(() => {
  spoil = undefined;
  for (const response of hanging) response.destroy();
  hanging.clear();
});
afterAll(async () => {
  proxy?.closeAllConnections();
  await new Promise((resolve) => proxy?.close(resolve));
  await service?.stop();
});

/** The adapter with a short wait for an answer, so that a stalled one is given up on soon. */
const carrier = () => new EasyPostCarrier({ url: proxyUrl, apiKey: API_KEY, timeoutMs: 500 });

describe('a carrier answer that does not arrive whole is the carrier not answering', () => {
  it('issues the label through the proxy when nothing is spoilt', async () => {
    const issued = await carrier().createShipment(shipmentRequest('acme/RMA-PROXIED00001/to-depot-device'));
    expect(issued.trackingNumber).toMatch(/^FFX\d{12}$/);
    expect(Buffer.from(issued.labelPdf.subarray(0, 5)).toString()).toBe('%PDF-');
  });

  for (const [route, what] of [
    [/^\/v2\/shipments$/, 'the shipment'],
    [/\/buy$/, 'the purchase'],
    [/^\/labels\//, 'the label'],
  ] as const) {
    it(`fails as an outage when ${what}'s answer is cut after its headers`, async () => {
      spoil = { route, how: 'cut' };
      await expect(carrier().createShipment(shipmentRequest(`acme/RMA-CUT/${what}`))).rejects.toThrow(
        CarrierUnavailableError,
      );
    });

    it(`fails as an outage when the rest of ${what}'s answer does not come in time`, async () => {
      spoil = { route, how: 'stall' };
      await expect(carrier().createShipment(shipmentRequest(`acme/RMA-STALLED/${what}`))).rejects.toThrow(
        CarrierUnavailableError,
      );
    });
  }

  it('fails as an outage when the answer is not the JSON the API speaks', async () => {
    spoil = { route: /^\/v2\/shipments$/, how: 'garble' };
    await expect(carrier().createShipment(shipmentRequest('acme/RMA-GARBLED00001/x'))).rejects.toThrow(
      CarrierUnavailableError,
    );
  });

  it('asks again after a cut answer and gets the same label: the step’s retry buys once', async () => {
    spoil = { route: /\/buy$/, how: 'cut' };
    await expect(carrier().createShipment(shipmentRequest('acme/RMA-RETRIED00001/x'))).rejects.toThrow(
      CarrierUnavailableError,
    );
    spoil = undefined;
    const again = await carrier().createShipment(shipmentRequest('acme/RMA-RETRIED00001/x'));
    const once = await carrier().createShipment(shipmentRequest('acme/RMA-RETRIED00001/x'));
    expect(again.trackingNumber).toBe(once.trackingNumber);
  });
});
