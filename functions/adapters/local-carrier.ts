import { createHash } from 'node:crypto';
import { CarrierUnavailableError } from '../domain/errors.ts';
import type { Carrier, IssuedShipment, ShipmentRequest } from '../domain/ports.ts';
import { clock } from './clock.ts';
import { renderShippingLabel } from './shipping-label.ts';

/**
 * Whether the local carrier's label service answers. The local cloud's development endpoints can take
 * it down, to see what a carrier's outage does to cases (P7): exactly what a real one would, an error
 * from the label call. Nothing else in fairfix reads it.
 */
export const localPost = { down: false };

/**
 * The carrier fairfix uses where no carrier account is configured (FAIRFIX_CARRIER_URL unset): it issues
 * tracking numbers and real 4x6 inch PDF labels with the tracking number as Code 128 barcode. It is deterministic: the same
 * reference always gives the same tracking number, as a real label API's idempotency key would.
 */
export class LocalCarrier implements Carrier {
  readonly name = 'fairfix-local-post';

  async createShipment(request: ShipmentRequest): Promise<IssuedShipment> {
    if (localPost.down) throw new CarrierUnavailableError(this.name);
    const digits = BigInt(`0x${createHash('sha256').update(request.reference).digest('hex').slice(0, 15)}`)
      .toString()
      .padStart(12, '0')
      .slice(0, 12);
    const trackingNumber = `FFX${digits}`;
    return {
      carrier: this.name,
      trackingNumber,
      labelPdf: await renderShippingLabel({
        ...request,
        carrier: this.name,
        trackingNumber,
        weightGrams: request.parcel.weightGrams,
        date: clock.now().toISOString().slice(0, 10),
      }),
    };
  }
}
