import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { EasyPostEvent, EasyPostTracker } from '../functions/adapters/easypost-carrier.ts';
import { signEasyPostWebhook } from '../functions/adapters/easypost-carrier.ts';
import { localPost } from '../functions/adapters/local-carrier.ts';
import { renderShippingLabel } from '../functions/adapters/shipping-label.ts';
import { readBody } from './body.ts';
import { listen } from './listen.ts';

/**
 * The local carrier: a label service speaking the EasyPost-shaped API fairfix's carrier adapter calls
 * (functions/adapters/easypost-carrier.ts), so that locally the adapter's own code runs. It rates and
 * buys shipments, serves their 4x6 PDF labels, keeps trackers, and POSTs signed `tracker.updated`
 * webhooks to the registered URLs when told to (`track`, or POST /_dev/trackers/{code}) or, with
 * `trackEveryMs`, by itself: a bought parcel moves in transit, out for delivery, delivered.
 *
 * Its API answers only requests with its API key (HTTP Basic user name), and 503 while the development
 * endpoint /_local/carrier-outage has the local post down.
 */
export interface CarrierServiceOptions {
  readonly port: number;
  readonly apiKey: string;
  /** Signs every webhook it sends (EasyPost's X-Hmac-Signature). */
  readonly webhookSecret: string;
  readonly now: () => number;
  /** Moves each bought parcel one tracking status on, every so many real milliseconds. @default never */
  readonly trackEveryMs?: number;
  /** Whether POST /_dev/trackers/{code} is served (off with FAIRFIX_DEV_ENDPOINTS=off). @default true */
  readonly devEndpoints?: boolean;
}

const CARRIER = 'fairfix-local-post';

/** As EasyPost refuses a label without them: nothing is shipped without a zip (postcode) and a country. */
const Address = z.object({
  name: z.string().trim().min(1),
  street1: z.string().trim().min(1),
  street2: z.string().optional(),
  city: z.string('cannot be blank').trim().min(1, 'cannot be blank'),
  state: z.string().optional(),
  zip: z.string('cannot be blank').trim().min(1, 'cannot be blank'),
  country: z.string('cannot be blank').trim().length(2, 'must be an ISO 3166-1 alpha-2 code'),
  phone: z.string().optional(),
});
const ShipmentRequest = z.object({
  shipment: z.object({
    reference: z.string().min(1),
    is_return: z.boolean().optional(),
    from_address: Address,
    to_address: Address,
    parcel: z.object({
      weight: z.number().positive(),
      length: z.number().positive().optional(),
      width: z.number().positive().optional(),
      height: z.number().positive().optional(),
    }),
    options: z
      .object({
        label_format: z.string().optional(),
        print_custom_1: z.string().optional(),
        print_custom_2: z.string().optional(),
        print_custom_3: z.string().optional(),
      })
      .optional(),
  }),
});
const BuyRequest = z.object({ rate: z.object({ id: z.string() }) });
const TrackerRequest = z.object({ tracker: z.object({ tracking_code: z.string().min(1) }) });
const WebhookRequest = z.object({
  webhook: z.object({ url: z.url(), webhook_secret: z.string().optional() }),
});
/** A tracking update asked for on the development endpoint, in EasyPost's statuses. */
const TrackingUpdate = z.object({
  status: z.enum([
    'pre_transit',
    'in_transit',
    'out_for_delivery',
    'delivered',
    'available_for_pickup',
    'return_to_sender',
    'failure',
  ]),
  message: z.string().max(200).optional(),
  city: z.string().max(100).optional(),
});

type Shipment = z.infer<typeof ShipmentRequest>['shipment'] & {
  id: string;
  rates: { id: string; carrier: string; service: string; rate: string; delivery_days: number }[];
  tracking_code?: string;
  selected_rate?: Shipment['rates'][number];
  label?: Uint8Array;
  tracker?: EasyPostTracker;
  created_at: string;
};

/** What a webhook delivery answered, for the development endpoint and the tests. */
export interface WebhookDelivery {
  readonly url: string;
  readonly status: number;
  readonly body: unknown;
}

const OUNCES_TO_GRAMS = 28.349523125;
/** The order a parcel moves in, when the service moves it by itself. */
const PROGRESS = ['in_transit', 'out_for_delivery', 'delivered'] as const;

export class CarrierService {
  private readonly shipments = new Map<string, Shipment>();
  private readonly byReference = new Map<string, string>();
  private readonly webhooks: { url: string; secret: string }[] = [];
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly server: Server,
    private readonly options: CarrierServiceOptions,
  ) {}

  static async start(options: CarrierServiceOptions): Promise<CarrierService> {
    let service: CarrierService | undefined;
    const server = createServer((request, response) => {
      service?.serve(request, response).catch((error: unknown) => {
        if (!response.headersSent)
          reply(response, 500, { error: { code: 'INTERNAL', message: String(error) } });
      });
    });
    await listen(server, options.port, 'FAIRFIX_CARRIER_PORT');
    service = new CarrierService(server, options);
    if (options.trackEveryMs) {
      service.timer = setInterval(
        () =>
          void service
            ?.moveParcels()
            .catch((error: unknown) => console.warn('Local carrier: moving parcels failed:', error)),
        options.trackEveryMs,
      );
      service.timer.unref();
    }
    return service;
  }

  /** What its webhooks are signed with: the account's webhook secret. */
  get webhookSecret(): string {
    return this.options.webhookSecret;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Where `tracker.updated` events go, as a carrier account's webhook setting says. */
  addWebhook(url: string, secret = this.options.webhookSecret): void {
    if (!this.webhooks.some((hook) => hook.url === url)) this.webhooks.push({ url, secret });
  }

  /** The parcel with this tracking code reaches `status`: its tracker changes and every webhook is told. */
  async track(trackingCode: string, update: z.infer<typeof TrackingUpdate>): Promise<WebhookDelivery[]> {
    const shipment = [...this.shipments.values()].find(
      (candidate) => candidate.tracking_code === trackingCode,
    );
    if (!shipment?.tracker) throw new RangeError(`No parcel has tracking code ${trackingCode}`);
    const at = new Date(this.options.now()).toISOString();
    const tracker: EasyPostTracker = {
      ...shipment.tracker,
      status: update.status,
      updated_at: at,
      tracking_details: [
        ...(shipment.tracker.tracking_details ?? []),
        {
          status: update.status,
          message: update.message ?? update.status.replaceAll('_', ' '),
          datetime: at,
          tracking_location: { city: update.city ?? 'Local sorting centre', country: null, zip: null },
        },
      ],
    };
    shipment.tracker = tracker;
    const event: EasyPostEvent = {
      object: 'Event',
      id: `evt_${randomUUID().replaceAll('-', '')}`,
      description: 'tracker.updated',
      created_at: at,
      result: tracker,
    };
    const body = JSON.stringify(event);
    return Promise.all(
      this.webhooks.map(async (hook) => {
        try {
          const response = await fetch(hook.url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-hmac-signature': signEasyPostWebhook(body, hook.secret),
            },
            body,
            signal: AbortSignal.timeout(10_000),
          });
          const text = await response.text();
          return { url: hook.url, status: response.status, body: text ? safeJson(text) : undefined };
        } catch (error) {
          return { url: hook.url, status: 0, body: (error as Error).message };
        }
      }),
    );
  }

  /** The trackers a schedule moves: each parcel not yet delivered, one status on. */
  private async moveParcels(): Promise<void> {
    for (const shipment of this.shipments.values()) {
      const tracker = shipment.tracker;
      if (!tracker || !shipment.tracking_code || tracker.status === 'delivered') continue;
      const next = PROGRESS[PROGRESS.indexOf(tracker.status as (typeof PROGRESS)[number]) + 1] ?? 'delivered';
      // As a carrier's dashboard would, say when a webhook could not be delivered: the case then waits
      // for a report that never came, until its deadline hands it to a person.
      const deliveries = await this.track(shipment.tracking_code, { status: next });
      for (const failed of deliveries.filter(({ status }) => status === 0 || status >= 500)) {
        console.warn(
          `Local carrier: ${failed.url} did not take parcel ${shipment.tracking_code} "${next}" (${failed.status || failed.body})`,
        );
      }
    }
  }

  stop(): Promise<void> {
    clearInterval(this.timer);
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const body = (await readBody(request, 1_048_576)).toString('utf8');
    const route = `${request.method} ${url.pathname}`;
    // Label files are fetched by URL without the key, as a real API's (pre-signed) label URLs are.
    const label = /^GET \/labels\/(shp_\w+)\.pdf$/.exec(route);
    if (label) {
      const pdf = this.shipments.get(label[1] as string)?.label;
      if (!pdf) return reply(response, 404, { error: { code: 'NOT_FOUND', message: 'No such label' } });
      response.writeHead(200, { 'content-type': 'application/pdf', 'content-length': pdf.byteLength });
      response.end(pdf);
      return;
    }
    // A development endpoint, as the local cloud's /_local/*: no key, off with FAIRFIX_DEV_ENDPOINTS=off.
    const devTrack = /^\/_dev\/trackers\/([\w-]+)$/.exec(url.pathname);
    if (request.method === 'POST' && devTrack && this.options.devEndpoints !== false) {
      const parsed = TrackingUpdate.safeParse(body ? safeJson(body) : {});
      if (!parsed.success) return invalid(response, parsed.error);
      try {
        return reply(response, 200, { deliveries: await this.track(devTrack[1] as string, parsed.data) });
      } catch (error) {
        if (error instanceof RangeError)
          return reply(response, 404, { error: { code: 'NOT_FOUND', message: error.message } });
        throw error;
      }
    }
    if (!this.authorized(request.headers.authorization))
      return reply(response, 401, {
        error: { code: 'APIKEY.INACTIVE', message: 'Give the API key as the Basic user name.' },
      });
    if (localPost.down)
      return reply(response, 503, {
        error: { code: 'SERVICE.UNAVAILABLE', message: 'The local post is down, as told.' },
      });

    const json = body ? safeJson(body) : {};
    const shipmentPath = /^\/v2\/shipments\/(shp_\w+)(\/buy|\/label)?$/.exec(url.pathname);
    if (route === 'POST /v2/shipments') return this.create(response, json);
    if (shipmentPath) {
      const shipment = this.shipments.get(shipmentPath[1] as string);
      if (!shipment)
        return reply(response, 404, { error: { code: 'NOT_FOUND', message: 'No such shipment' } });
      if (request.method === 'POST' && shipmentPath[2] === '/buy') return this.buy(response, shipment, json);
      if (request.method === 'GET') return reply(response, 200, this.view(shipment));
    }
    if (route === 'POST /v2/trackers') {
      const parsed = TrackerRequest.safeParse(json);
      if (!parsed.success) return invalid(response, parsed.error);
      const shipment = [...this.shipments.values()].find(
        (s) => s.tracking_code === parsed.data.tracker.tracking_code,
      );
      if (!shipment?.tracker)
        return reply(response, 404, { error: { code: 'NOT_FOUND', message: 'Unknown tracking code' } });
      return reply(response, 201, shipment.tracker);
    }
    const trackerPath = /^\/v2\/trackers\/(trk_\w+)$/.exec(url.pathname);
    if (request.method === 'GET' && trackerPath) {
      const tracker = [...this.shipments.values()].find((s) => s.tracker?.id === trackerPath[1])?.tracker;
      return tracker
        ? reply(response, 200, tracker)
        : reply(response, 404, { error: { code: 'NOT_FOUND', message: 'No such tracker' } });
    }
    if (route === 'POST /v2/webhooks') {
      const parsed = WebhookRequest.safeParse(json);
      if (!parsed.success) return invalid(response, parsed.error);
      this.addWebhook(parsed.data.webhook.url, parsed.data.webhook.webhook_secret);
      return reply(response, 201, { object: 'Webhook', url: parsed.data.webhook.url });
    }
    return reply(response, 404, {
      error: { code: 'NOT_FOUND', message: `The local carrier does not serve ${route}` },
    });
  }

  private authorized(header: string | undefined): boolean {
    const given = Buffer.from(String(header ?? ''));
    const expected = Buffer.from(`Basic ${Buffer.from(`${this.options.apiKey}:`).toString('base64')}`);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private create(response: ServerResponse, json: unknown) {
    const parsed = ShipmentRequest.safeParse(json);
    if (!parsed.success) return invalid(response, parsed.error);
    const request = parsed.data.shipment;
    // The same reference answers the same shipment, bought or not: a retried step never buys twice.
    const known = this.shipments.get(this.byReference.get(request.reference) ?? '');
    if (known) return reply(response, 200, this.view(known));
    const id = `shp_${hash(request.reference).slice(0, 24)}`;
    const shipment: Shipment = {
      ...request,
      id,
      rates: [
        {
          id: `rate_${id.slice(4, 16)}g`,
          carrier: CARRIER,
          service: 'Ground',
          rate: '6.90',
          delivery_days: 3,
        },
        {
          id: `rate_${id.slice(4, 16)}x`,
          carrier: CARRIER,
          service: 'Express',
          rate: '14.50',
          delivery_days: 1,
        },
      ],
      created_at: new Date(this.options.now()).toISOString(),
    };
    this.shipments.set(id, shipment);
    this.byReference.set(request.reference, id);
    reply(response, 201, this.view(shipment));
  }

  private async buy(response: ServerResponse, shipment: Shipment, json: unknown): Promise<void> {
    const parsed = BuyRequest.safeParse(json);
    if (!parsed.success) return invalid(response, parsed.error);
    if (shipment.tracking_code) return reply(response, 200, this.view(shipment));
    const rate = shipment.rates.find((candidate) => candidate.id === parsed.data.rate.id);
    if (!rate)
      return reply(response, 422, { error: { code: 'SHIPMENT.RATE.INVALID', message: 'No such rate' } });
    // Deterministic, as the built-in local post's: FFX and 12 digits from the shipment's reference.
    const digits = BigInt(`0x${hash(shipment.reference).slice(0, 15)}`)
      .toString()
      .padStart(12, '0')
      .slice(0, 12);
    const trackingCode = `FFX${digits}`;
    const address = (a: z.infer<typeof Address>) => ({
      name: a.name,
      street: [a.street1, ...(a.street2 ? [a.street2] : [])],
      postcode: a.zip,
      city: a.city,
      ...(a.state ? { region: a.state } : {}),
      country: a.country.toUpperCase(),
    });
    shipment.label = await renderShippingLabel({
      carrier: CARRIER,
      service: rate.service,
      trackingNumber: trackingCode,
      rma: shipment.options?.print_custom_1 ?? shipment.reference,
      // A return travels the other way than its addresses were given (EasyPost swaps them).
      from: address(shipment.is_return ? shipment.to_address : shipment.from_address),
      to: address(shipment.is_return ? shipment.from_address : shipment.to_address),
      weightGrams: Math.round(shipment.parcel.weight * OUNCES_TO_GRAMS),
      date: new Date(this.options.now()).toISOString().slice(0, 10),
      returnLabel: shipment.is_return ?? false,
      box: Boolean(shipment.options?.print_custom_3),
      ...(shipment.options?.print_custom_2
        ? { packingList: [shipment.options.print_custom_2.replace(/^Parts: /, '')] }
        : {}),
    });
    shipment.tracking_code = trackingCode;
    shipment.selected_rate = rate;
    shipment.tracker = {
      object: 'Tracker',
      id: `trk_${hash(trackingCode).slice(0, 24)}`,
      tracking_code: trackingCode,
      carrier: CARRIER,
      status: 'pre_transit',
      updated_at: new Date(this.options.now()).toISOString(),
      tracking_details: [],
    };
    reply(response, 200, this.view(shipment));
  }

  /** A shipment as the API shows it (its label bytes are behind its URL). */
  private view(shipment: Shipment) {
    const { label, ...rest } = shipment;
    const labelUrl = label ? `${this.url}/labels/${shipment.id}.pdf` : undefined;
    return {
      object: 'Shipment',
      ...rest,
      tracking_code: shipment.tracking_code ?? null,
      selected_rate: shipment.selected_rate ?? null,
      postage_label: labelUrl
        ? {
            object: 'PostageLabel',
            label_url: labelUrl,
            label_pdf_url: labelUrl,
            label_file_type: 'application/pdf',
          }
        : null,
      tracker: shipment.tracker ?? null,
    };
  }
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex');

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
  });
  response.end(json);
}

/** EasyPost's error shape, every field at once. */
function invalid(response: ServerResponse, error: z.ZodError): void {
  reply(response, 422, {
    error: {
      code: 'PARAMETER.INVALID',
      message: 'Some parameters are invalid.',
      errors: error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message })),
    },
  });
}
