import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfiguredCarrier } from '../../functions/adapters/configured-carrier.ts';
import {
  carrierEventOf,
  EasyPostCarrier,
  type EasyPostEvent,
  easyPostAddress,
  verifyEasyPostWebhook,
} from '../../functions/adapters/easypost-carrier.ts';
import { localPost } from '../../functions/adapters/local-carrier.ts';
import { CarrierUnavailableError } from '../../functions/domain/errors.ts';
import { BrandPolicy as PolicySchema } from '../../functions/domain/policy.ts';
import { readBody } from '../../local/body.ts';
import { CarrierService } from '../../local/carrier-service.ts';
import { examplePolicy } from '../support/brands.ts';
import { eventually } from '../support/cloud.ts';
import { scanCode128 } from '../support/code128.ts';
import { imageRow, pdfImages, pdfText } from '../support/pdf.ts';
import { ADA, DEPOT, shipmentRequest } from '../support/shipments.ts';

/**
 * The EasyPost-shaped carrier adapter against the local carrier service (issue 15): the adapter's own
 * HTTP calls, the service's labels and its signed tracking webhooks, received by a server in this test.
 */
const API_KEY = 'local_test_key';
const SECRET = 'whsec-local-test';
let service: CarrierService;
let receiver: Server;
const received: { signature: string | undefined; body: string }[] = [];

beforeAll(async () => {
  service = await CarrierService.start({ port: 0, apiKey: API_KEY, webhookSecret: SECRET, now: Date.now });
  receiver = createServer(async (incoming, response) => {
    received.push({
      signature: incoming.headers['x-hmac-signature'] as string | undefined,
      body: (await readBody(incoming)).toString('utf8'),
    });
    response.writeHead(204).end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  service.addWebhook(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`);
});
afterAll(async () => {
  await service?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});
afterEach(() => {
  localPost.down = false;
});

const carrier = () => new EasyPostCarrier({ url: service.url, apiKey: API_KEY });

describe('the carrier adapter against the local carrier service', () => {
  it('creates, buys and fetches a 4x6 label whose barcode scans back to the tracking number', async () => {
    const issued = await carrier().createShipment(shipmentRequest('acme/RMA-7QK2M9XW4B1D/to-depot-device'));
    expect(issued.carrier).toBe('fairfix-local-post');
    expect(issued.trackingNumber).toMatch(/^FFX\d{12}$/);
    const [barcode] = pdfImages(issued.labelPdf).filter((image) => !image.isMask);
    if (!barcode) throw new Error('The label has no barcode');
    expect(scanCode128((y) => imageRow(barcode, y), barcode.height)).toBe(issued.trackingNumber);
    const text = pdfText(issued.labelPdf);
    expect(text).toContain('RMA-7QK2M9XW4B1D');
    // Postcode and country on lines of their own, as the adapter sent them in parts.
    expect(text.split('\n')).toEqual(
      expect.arrayContaining(['Brussels', '1000', 'BELGIUM', 'E1 6AN', 'UNITED KINGDOM']),
    );
    // A return label: from the customer, to the depot (the API swaps a return's addresses; the adapter
    // gives them the outbound way round).
    expect(text.indexOf('Ada Example')).toBeLessThan(text.indexOf('SHIP TO'));
    expect(text.indexOf('SHIP TO')).toBeLessThan(text.indexOf('Acme depot'));
    expect(text).toContain('2.0 kg');
  });

  it('answers the shipment already bought for a reference: a retried step gets the same label, not a second', async () => {
    const first = await carrier().createShipment(shipmentRequest('acme/RMA-7QK2M9XW4B1D/to-customer-device'));
    const again = await carrier().createShipment(shipmentRequest('acme/RMA-7QK2M9XW4B1D/to-customer-device'));
    const other = await carrier().createShipment(
      shipmentRequest('acme/RMA-7QK2M9XW4B1D/to-customer-device-2'),
    );
    expect(again.trackingNumber).toBe(first.trackingNumber);
    expect(other.trackingNumber).not.toBe(first.trackingNumber);
  });

  it('buys the express rate for an express parcel to the customer, labelled depot → customer', async () => {
    const depot = DEPOT;
    const customer = ADA;
    const express = await carrier().createShipment(
      shipmentRequest('acme/RMA-EXPRESS00001/to-customer-device', {
        service: 'express',
        returnLabel: false,
        from: depot,
        to: customer,
      }),
    );
    const text = pdfText(express.labelPdf);
    expect(text).toContain('EXPRESS');
    expect(text).not.toContain('PREPAID RETURN');
    expect(text.indexOf('Acme depot')).toBeLessThan(text.indexOf('SHIP TO'));
    expect(text.indexOf('SHIP TO')).toBeLessThan(text.indexOf('Ada Example'));
  });

  it('refuses a wrong API key, and the adapter tells it as the carrier not answering', async () => {
    const wrong = new EasyPostCarrier({ url: service.url, apiKey: 'not-the-key' });
    await expect(wrong.createShipment(shipmentRequest('acme/RMA-WRONGKEY0001/x'))).rejects.toThrow(
      CarrierUnavailableError,
    );
    const response = await fetch(`${service.url}/v2/shipments`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(401);
  });

  it('names every invalid field of a shipment at once', async () => {
    const response = await fetch(`${service.url}/v2/shipments`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${API_KEY}:`).toString('base64')}` },
      body: JSON.stringify({
        shipment: { reference: 'r', from_address: {}, to_address: { name: 'x' }, parcel: {} },
      }),
    });
    expect(response.status).toBe(422);
    const fields = ((await response.json()) as { error: { errors: { field: string }[] } }).error.errors.map(
      (error) => error.field,
    );
    expect(fields).toEqual(
      expect.arrayContaining([
        'shipment.from_address.name',
        'shipment.to_address.street1',
        'shipment.parcel.weight',
      ]),
    );
  });

  it('sends the address in EasyPost’s parts, and refuses, as EasyPost does, one without a zip or a country', async () => {
    expect(easyPostAddress(ADA)).toEqual({
      name: 'Ada Example',
      street1: '7 Engine Lane',
      street2: 'Flat 2',
      city: 'London',
      zip: 'E1 6AN',
      country: 'GB',
      phone: '+44 20 7946 0000',
    });
    expect(easyPostAddress({ ...DEPOT, country: 'US', region: 'IL', postcode: '62704' })).toMatchObject({
      state: 'IL',
      zip: '62704',
      country: 'US',
    });
    const { zip: _zip, ...noZip } = easyPostAddress(ADA);
    const { country: _country, ...noCountry } = easyPostAddress(DEPOT);
    const response = await fetch(`${service.url}/v2/shipments`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${API_KEY}:`).toString('base64')}` },
      body: JSON.stringify({
        shipment: { reference: 'no-zip', to_address: noZip, from_address: noCountry, parcel: { weight: 70 } },
      }),
    });
    expect(response.status).toBe(422);
    const { error } = (await response.json()) as { error: { code: string; errors: { field: string }[] } };
    expect(error.code).toBe('PARAMETER.INVALID');
    expect(error.errors.map((e) => e.field)).toEqual(
      expect.arrayContaining(['shipment.to_address.zip', 'shipment.from_address.country']),
    );
    // Through the adapter, the refusal is the carrier's, told as it not answering: no label, no parcel.
    await expect(
      carrier().createShipment(
        shipmentRequest('acme/RMA-NOZIP0000001/x', { to: { ...DEPOT, postcode: '' } }),
      ),
    ).rejects.toThrow(CarrierUnavailableError);
  });

  it('fails as an outage while the local post is down', async () => {
    localPost.down = true;
    await expect(carrier().createShipment(shipmentRequest('acme/RMA-OUTAGE000001/x'))).rejects.toThrow(
      CarrierUnavailableError,
    );
  });

  it('tracks a parcel and POSTs a tracking webhook signed over its raw body', async () => {
    const issued = await carrier().createShipment(shipmentRequest('acme/RMA-TRACKED00001/to-depot-device'));
    const tracker = await carrier().track(issued.trackingNumber);
    expect(tracker).toMatchObject({
      object: 'Tracker',
      tracking_code: issued.trackingNumber,
      status: 'pre_transit',
    });

    // A development endpoint: no key needed, as the local cloud's /_local/*.
    const asked = await fetch(`${service.url}/_dev/trackers/${issued.trackingNumber}`, {
      method: 'POST',
      body: JSON.stringify({ status: 'delivered', city: 'Brussels' }),
    });
    expect(asked.status).toBe(200);
    const delivery = received.at(-1);
    if (!delivery) throw new Error('No webhook arrived');
    expect(verifyEasyPostWebhook(delivery.body, delivery.signature, SECRET)).toBe(true);
    expect(verifyEasyPostWebhook(delivery.body, delivery.signature, 'another-secret')).toBe(false);
    expect(
      verifyEasyPostWebhook(delivery.body.replace('delivered', 'in_transit'), delivery.signature, SECRET),
    ).toBe(false);
    expect(verifyEasyPostWebhook(delivery.body, undefined, SECRET)).toBe(false);

    const event = JSON.parse(delivery.body) as EasyPostEvent;
    expect(carrierEventOf(event)).toEqual({
      eventId: event.id,
      trackingNumber: issued.trackingNumber,
      status: 'delivered',
      occurredAt: expect.any(String),
      location: 'Brussels',
    });
    expect((await carrier().tracker(tracker.id)).status).toBe('delivered');
  });

  /** A carrier service that moves every bought parcel on by itself, a step each 50 ms. */
  const scheduledService = () =>
    CarrierService.start({
      port: 0,
      apiKey: API_KEY,
      webhookSecret: SECRET,
      now: Date.now,
      trackEveryMs: 50,
    });
  const listening = (server: Server) =>
    new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  it('moves a bought parcel on by itself when told to track on a schedule: in transit, out for delivery, delivered', async () => {
    const scheduled = await scheduledService();
    const heard: string[] = [];
    const hook = createServer(async (incoming, response) => {
      const body = (await readBody(incoming)).toString('utf8');
      if (verifyEasyPostWebhook(body, incoming.headers['x-hmac-signature'] as string, SECRET))
        heard.push((JSON.parse(body) as EasyPostEvent).result.status);
      response.writeHead(204).end();
    });
    await listening(hook);
    try {
      scheduled.addWebhook(`http://127.0.0.1:${(hook.address() as AddressInfo).port}/`);
      await new EasyPostCarrier({ url: scheduled.url, apiKey: API_KEY }).createShipment(
        shipmentRequest('acme/RMA-SCHEDULED001/x'),
      );
      await eventually(async () => (heard.includes('delivered') ? heard : undefined), 10_000, 'the delivery');
      expect(heard).toEqual(['in_transit', 'out_for_delivery', 'delivered']);
    } finally {
      await scheduled.stop();
      await new Promise((resolve) => hook.close(resolve));
    }
  });

  it('says so when a scheduled move cannot reach a webhook, rather than dropping it without a word', async () => {
    const scheduled = await scheduledService();
    const failing = createServer((_incoming, response) => response.writeHead(503).end());
    await listening(failing);
    const warnings: string[] = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation((...words: unknown[]) => {
      warnings.push(words.join(' '));
    });
    try {
      scheduled.addWebhook(`http://127.0.0.1:${(failing.address() as AddressInfo).port}/`);
      const label = await new EasyPostCarrier({ url: scheduled.url, apiKey: API_KEY }).createShipment(
        shipmentRequest('acme/RMA-UNHEARD0001/x'),
      );
      const warning = await eventually(
        async () => warnings.find((line) => line.includes(label.trackingNumber)),
        10_000,
        'a warning naming the parcel',
      );
      expect(warning).toContain('503');
    } finally {
      warn.mockRestore();
      await scheduled.stop();
      await new Promise((resolve) => failing.close(resolve));
    }
  });

  it('buys from the carrier account unless the brand’s policy chose the built-in local post', async () => {
    const before = { ...process.env };
    Object.assign(process.env, { FAIRFIX_CARRIER_URL: service.url, FAIRFIX_CARRIER_API_KEY: API_KEY });
    try {
      const configured = new ConfiguredCarrier();
      const bought = await configured.createShipment(
        shipmentRequest('acme/RMA-ACCOUNT00001/x', { carrier: 'account' }),
      );
      // The account knows the parcel it sold: it can follow it.
      expect((await carrier().track(bought.trackingNumber)).tracking_code).toBe(bought.trackingNumber);
      const local = await configured.createShipment(
        shipmentRequest('acme/RMA-LOCALPOST001/x', { carrier: 'local-post' }),
      );
      await expect(carrier().track(local.trackingNumber)).rejects.toThrow(CarrierUnavailableError);
      const [barcode] = pdfImages(local.labelPdf).filter((image) => !image.isMask);
      if (!barcode) throw new Error('The local post’s label has no barcode');
      expect(scanCode128((y) => imageRow(barcode, y), barcode.height)).toBe(local.trackingNumber);
    } finally {
      for (const key of ['FAIRFIX_CARRIER_URL', 'FAIRFIX_CARRIER_API_KEY'])
        if (before[key] === undefined) delete process.env[key];
        else process.env[key] = before[key];
    }
  });

  it('lets a policy choose only a carrier it knows, naming the field', () => {
    const policy = examplePolicy('acme');
    expect(PolicySchema.safeParse({ ...policy, carrier: 'local-post' }).success).toBe(true);
    const refused = PolicySchema.safeParse({ ...policy, carrier: 'pony-express' });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues.map((issue) => issue.path.join('/'))).toEqual(['carrier']);
  });
});
