import { createHmac, timingSafeEqual } from 'node:crypto';
import { CarrierUnavailableError } from '../domain/errors.ts';
import type { Carrier, IssuedShipment, Parcel, ShipmentAddress, ShipmentRequest } from '../domain/ports.ts';
import type { CarrierEvent } from '../domain/schemas.ts';
import { logger } from '../shared/powertools.ts';

/**
 * A carrier account reached through an EasyPost-shaped label API (https://docs.easypost.com): create a
 * shipment from addresses and a parcel, buy its cheapest rate of the service asked for, fetch the
 * label as PDF; trackers follow the parcel and come back as signed `tracker.updated` webhooks. Locally
 * the same calls go to local/carrier-service.ts; on AWS to EasyPost itself (or any API of this shape).
 */
export interface EasyPostAccount {
  /** The API's root, e.g. https://api.easypost.com (without /v2). */
  readonly url: string;
  readonly apiKey: string;
  /** The carrier's name as people read it in a case's problems. @default easypost */
  readonly name?: string;
  /** How long one request may take to be answered whole, its body included. @default 8000 */
  readonly timeoutMs?: number;
}

/** The parts of EasyPost's objects fairfix reads. */
interface EasyPostRate {
  readonly id: string;
  readonly carrier: string;
  readonly service: string;
  readonly rate: string;
  readonly delivery_days?: number | null;
}
interface EasyPostShipment {
  readonly id: string;
  readonly reference?: string;
  readonly rates: readonly EasyPostRate[];
  readonly tracking_code?: string | null;
  readonly selected_rate?: EasyPostRate | null;
  readonly postage_label?: { label_url?: string; label_pdf_url?: string | null } | null;
  readonly tracker?: { id: string } | null;
}
export interface EasyPostTracker {
  readonly object: 'Tracker';
  readonly id: string;
  readonly tracking_code: string;
  readonly carrier: string;
  /** pre_transit, in_transit, out_for_delivery, delivered, return_to_sender, failure, unknown... */
  readonly status: string;
  readonly status_detail?: string;
  readonly updated_at?: string;
  readonly tracking_details?: readonly {
    readonly status: string;
    readonly message?: string;
    readonly datetime: string;
    readonly tracking_location?: { city?: string | null; country?: string | null; zip?: string | null };
  }[];
}
/** A webhook's body: an Event whose result is the object that changed. */
export interface EasyPostEvent {
  readonly object: 'Event';
  readonly id: string;
  readonly description: string;
  readonly created_at?: string;
  readonly result: EasyPostTracker;
}

const GRAMS_PER_OUNCE = 28.349523125;
const CM_PER_INCH = 2.54;

/** EasyPost rates parcels in ounces and inches. */
function easyPostParcel(parcel: Parcel) {
  const round = (value: number) => Math.round(value * 10) / 10;
  return {
    weight: round(parcel.weightGrams / GRAMS_PER_OUNCE),
    length: round(parcel.lengthCm / CM_PER_INCH),
    width: round(parcel.widthCm / CM_PER_INCH),
    height: round(parcel.heightCm / CM_PER_INCH),
  };
}

/**
 * An address as EasyPost's Address object takes it (docs.easypost.com, Addresses): two street lines,
 * the city, the state, the zip (any country's postcode), the ISO country code, and a phone some
 * services need. The parts map one to one: fairfix never ships to an address it cannot so split.
 */
export function easyPostAddress(address: ShipmentAddress) {
  const [street1 = '', street2] = address.street;
  return {
    name: address.name,
    street1,
    ...(street2 ? { street2 } : {}),
    city: address.city,
    ...(address.region ? { state: address.region } : {}),
    zip: address.postcode,
    country: address.country,
    ...(address.phone ? { phone: address.phone } : {}),
  };
}

/** The rate that fits the service: express takes the fastest, ground the cheapest. */
function chooseRate(
  rates: readonly EasyPostRate[],
  service: ShipmentRequest['service'],
): EasyPostRate | undefined {
  const byPrice = [...rates].sort((a, b) => Number(a.rate) - Number(b.rate));
  if (service === 'ground') return byPrice[0];
  return [...byPrice].sort((a, b) => (a.delivery_days ?? 99) - (b.delivery_days ?? 99))[0];
}

export class EasyPostCarrier implements Carrier {
  readonly name: string;

  private readonly timeoutMs: number;

  constructor(private readonly account: EasyPostAccount) {
    this.name = account.name ?? 'easypost';
    this.timeoutMs = account.timeoutMs ?? 8_000;
  }

  async createShipment(request: ShipmentRequest): Promise<IssuedShipment> {
    const created = await this.call<EasyPostShipment>('POST', '/v2/shipments', {
      shipment: {
        reference: request.reference,
        // A return is given the outbound shipment's addresses (depot → customer), which the API itself
        // swaps (docs.easypost.com, Returns): so the label reads customer → depot.
        is_return: request.returnLabel,
        from_address: easyPostAddress(request.returnLabel ? request.to : request.from),
        to_address: easyPostAddress(request.returnLabel ? request.from : request.to),
        parcel: easyPostParcel(request.parcel),
        // The label's own lines: the RMA number, and what the parcel must hold besides the device.
        options: {
          label_format: 'PDF',
          label_size: '4x6',
          print_custom_1: request.rma,
          ...(request.packingList?.length
            ? { print_custom_2: `Parts: ${request.packingList.join('; ')}` }
            : {}),
          ...(request.box ? { print_custom_3: 'A shipping box is sent with this label' } : {}),
        },
      },
    });
    // An API that answers the shipment already bought for this reference (the local service does, as an
    // idempotency key would) is not asked to buy it again.
    const bought = created.tracking_code ? created : await this.buy(created, request.service);
    const labelUrl = bought.postage_label?.label_pdf_url ?? (await this.pdfLabel(bought.id));
    if (!bought.tracking_code || !labelUrl)
      throw this.unavailable(`shipment ${bought.id} has no tracking code or label`);
    const label = await this.fetch(labelUrl, { method: 'GET' });
    if (!label.ok) throw this.unavailable(`label download: HTTP ${label.status}`);
    return {
      carrier: bought.selected_rate?.carrier ?? this.name,
      trackingNumber: bought.tracking_code,
      labelPdf: label.body,
    };
  }

  /** Follows a parcel: its tracker's updates come back as `tracker.updated` webhooks. */
  track(trackingCode: string, carrier?: string): Promise<EasyPostTracker> {
    return this.call<EasyPostTracker>('POST', '/v2/trackers', {
      tracker: { tracking_code: trackingCode, ...(carrier ? { carrier } : {}) },
    });
  }

  tracker(trackerId: string): Promise<EasyPostTracker> {
    return this.call<EasyPostTracker>('GET', `/v2/trackers/${encodeURIComponent(trackerId)}`);
  }

  private async buy(shipment: EasyPostShipment, service: ShipmentRequest['service']) {
    const rate = chooseRate(shipment.rates, service);
    if (!rate) throw this.unavailable(`no rate for shipment ${shipment.id}`);
    return this.call<EasyPostShipment>('POST', `/v2/shipments/${encodeURIComponent(shipment.id)}/buy`, {
      rate: { id: rate.id },
    });
  }

  /** Labels are PNG unless asked otherwise: this converts the bought label to PDF. */
  private async pdfLabel(shipmentId: string): Promise<string | undefined> {
    const converted = await this.call<EasyPostShipment>(
      'GET',
      `/v2/shipments/${encodeURIComponent(shipmentId)}/label?file_format=PDF`,
    );
    return converted.postage_label?.label_pdf_url ?? undefined;
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: object): Promise<T> {
    const response = await this.fetch(new URL(path, this.account.url).href, {
      method,
      headers: {
        // EasyPost's API key is the user name of HTTP Basic authentication, with no password.
        authorization: `Basic ${Buffer.from(`${this.account.apiKey}:`).toString('base64')}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = new TextDecoder().decode(response.body);
    if (!response.ok) {
      // A carrier's refusal is told as an outage of the label call (the workflow retries it, then asks a
      // person), with the API's own words for the log, never its credentials.
      throw this.unavailable(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw this.unavailable(`${method} ${path}: an answer that is not JSON: ${text.slice(0, 300)}`);
    }
  }

  /** The error a person reads on the case, in plain words; what the API said goes to the log. */
  private unavailable(detail: string): CarrierUnavailableError {
    logger.warn('The carrier refused or did not answer', { carrier: this.name, detail });
    return new CarrierUnavailableError(this.name);
  }

  /**
   * One request, answered whole: its body is read within the same time limit and under the same
   * guard as its headers. An answer cut or stalled after its headers is the carrier not answering,
   * as no answer is: the step retries it. (Read outside the guard, the timeout's TimeoutError or a
   * dropped connection's TypeError reached the workflow as errors it does not retry, and the first
   * slow answer handed the case to a person: the crash soak's stuck depot case, issue 11.)
   */
  private async fetch(
    url: string,
    init: RequestInit,
  ): Promise<{ ok: boolean; status: number; body: Uint8Array }> {
    try {
      const response = await fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
      const body = new Uint8Array(await response.arrayBuffer());
      return { ok: response.ok, status: response.status, body };
    } catch (error) {
      throw this.unavailable((error as Error).message);
    }
  }
}

/**
 * Whether a webhook came from the carrier account: EasyPost signs the raw body with HMAC-SHA256 under
 * the webhook's secret (NFKD-normalized) and sends `X-Hmac-Signature: hmac-sha256-hex=<hex>`. Compared
 * in constant time, so that the comparison does not tell an attacker how much of a guess was right.
 */
export function verifyEasyPostWebhook(
  rawBody: string | Uint8Array,
  signature: string | undefined,
  secret: string,
): boolean {
  if (!signature || !secret) return false;
  const expected = Buffer.from(signEasyPostWebhook(rawBody, secret));
  const given = Buffer.from(signature.trim().toLowerCase());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The `X-Hmac-Signature` value of a body, as the carrier computes it. */
export function signEasyPostWebhook(rawBody: string | Uint8Array, secret: string): string {
  const hmac = createHmac('sha256', secret.normalize('NFKD')).update(rawBody).digest('hex');
  return `hmac-sha256-hex=${hmac}`;
}

/** The header EasyPost puts the signature in. */
export const EASYPOST_SIGNATURE_HEADER = 'x-hmac-signature';

/** The parts of a webhook's Event that {@link carrierEventOf} reads (the route checks them with zod). */
interface TrackerEvent {
  readonly id: string;
  readonly description: string;
  readonly created_at?: string | undefined;
  readonly result: {
    readonly object: string;
    readonly tracking_code?: string | undefined;
    readonly status?: string | undefined;
    readonly updated_at?: string | undefined;
    readonly tracking_details?:
      | readonly {
          readonly datetime: string;
          readonly tracking_location?: { city?: string | null; country?: string | null } | null | undefined;
        }[]
      | undefined;
  };
}

/** What fairfix understands of each tracker status; the others (pre_transit, unknown) move nothing. */
const STATUSES: Readonly<Record<string, Pick<CarrierEvent, 'status' | 'problem'>>> = {
  in_transit: { status: 'in-transit' },
  out_for_delivery: { status: 'out-for-delivery' },
  delivered: { status: 'delivered' },
  available_for_pickup: { status: 'out-for-delivery' },
  return_to_sender: { status: 'exception', problem: 'returned-to-sender' },
  failure: { status: 'exception', problem: 'other' },
  error: { status: 'exception', problem: 'other' },
  cancelled: { status: 'exception', problem: 'other' },
};

/**
 * A `tracker.updated` event as fairfix's carrier event, or undefined when it says nothing fairfix acts
 * on. Its id is the event's own, so a webhook delivered twice is applied once.
 */
export function carrierEventOf(event: TrackerEvent): CarrierEvent | undefined {
  if (event.description !== 'tracker.updated' || event.result?.object !== 'Tracker') return undefined;
  const tracker = event.result;
  const status = STATUSES[tracker.status ?? ''];
  if (!status || !tracker.tracking_code) return undefined;
  const detail = tracker.tracking_details?.at(-1);
  const place = detail?.tracking_location;
  const location = [place?.city, place?.country].filter(Boolean).join(', ').slice(0, 200);
  return {
    eventId: event.id,
    trackingNumber: tracker.tracking_code,
    ...status,
    occurredAt: firstTime(detail?.datetime, tracker.updated_at, event.created_at) ?? new Date().toISOString(),
    ...(location ? { location } : {}),
  };
}

/** The first of these that is a time, as ISO 8601 UTC: carriers write times in more than one format. */
function firstTime(...candidates: (string | null | undefined)[]): string | undefined {
  for (const candidate of candidates) {
    const at = candidate ? Date.parse(candidate) : Number.NaN;
    if (!Number.isNaN(at)) return new Date(at).toISOString();
  }
  return undefined;
}
