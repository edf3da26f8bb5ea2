import type { Carrier, IssuedShipment, ShipmentRequest } from '../domain/ports.ts';
import { carrierAccount } from './carrier-account.ts';
import { EasyPostCarrier } from './easypost-carrier.ts';
import { LocalCarrier } from './local-carrier.ts';

// Apart from carrier-account.ts: the webhook route reads the account but prints nothing, and the local
// post would bring pdfkit and bwip-js (≈ 1 MB) into its bundle.
/**
 * The carrier a printing function uses: the configured account through its label API, or the built-in
 * local post (functions/adapters/local-carrier.ts) for a brand whose policy chose it, and wherever no
 * carrier is configured at all.
 */
export class ConfiguredCarrier implements Carrier {
  private readonly fallback = new LocalCarrier();

  async createShipment(request: ShipmentRequest): Promise<IssuedShipment> {
    const account = request.carrier === 'local-post' ? undefined : await carrierAccount();
    return (account ? new EasyPostCarrier(account) : this.fallback).createShipment(request);
  }
}
