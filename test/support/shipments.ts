import type { ShipmentAddress, ShipmentRequest } from '../../functions/domain/ports.ts';
import { DEVICE_PARCEL } from '../../functions/domain/shipping.ts';

/** A customer in London and a depot in Brussels, for the carrier adapter's tests. */
export const ADA: ShipmentAddress = {
  name: 'Ada Example',
  street: ['7 Engine Lane', 'Flat 2'],
  postcode: 'E1 6AN',
  city: 'London',
  country: 'GB',
  phone: '+44 20 7946 0000',
};
export const DEPOT: ShipmentAddress = {
  name: 'Acme depot',
  street: ['1 Rue du Dépôt'],
  postcode: '1000',
  city: 'Brussels',
  country: 'BE',
};

/** A returnable ground shipment of a device from ADA to DEPOT, `overrides` aside. */
export const shipmentRequest = (
  reference: string,
  overrides: Partial<ShipmentRequest> = {},
): ShipmentRequest => ({
  reference,
  rma: 'RMA-7QK2M9XW4B1D',
  from: ADA,
  to: DEPOT,
  service: 'ground',
  box: false,
  returnLabel: true,
  parcel: DEVICE_PARCEL,
  ...overrides,
});
