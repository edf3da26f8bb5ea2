import { brandDeadline } from './business-time.ts';
import type { Case, Shipment } from './case.ts';
import { partsToReturn } from './custody.ts';
import { shippableAddress } from './customer-waits.ts';
import { isoAfter } from './dates.ts';
import { InvariantError } from './errors.ts';
import { advance } from './escalation.ts';
import type { BrandPolicy } from './policy.ts';
import type { IssuedShipment, Parcel, ShipmentAddress, ShipmentRequest } from './ports.ts';
import type { CarrierEvent, CaseEvent } from './schemas.ts';
import { entry } from './timeline.ts';

/**
 * Warranty shipping is always prepaid (P1): a label (and a box, on request) is issued within seconds
 * of approval, in each direction, and the carrier's tracking events flow back into the case.
 */

/** A prepaid label was issued (P1): the case now waits for the parcel, and the customer has the label. */
export function addShipment(kase: Case, shipment: Shipment, policy: BrandPolicy, now: Date): Case {
  if (kase.shipments.some((existing) => existing.shipmentId === shipment.shipmentId)) return kase;
  const shipped = {
    ...kase,
    shipments: [...kase.shipments, shipment],
    timeline: [
      ...kase.timeline,
      entry(
        now,
        'label-issued',
        `Prepaid ${shipment.direction} label ${shipment.trackingNumber} (${shipment.carrier})${shipment.box ? ', with a box' : ''}.`,
        'system:workflow',
      ),
    ],
  };
  const link = `/cases/${kase.caseId}/documents/${shipment.labelDocumentId}`;
  if (shipment.direction === 'to-depot') {
    const from = kase.pickupAt && new Date(kase.pickupAt) > now ? new Date(kase.pickupAt) : now;
    return advance(
      { ...shipped, status: kase.status === 'opened' ? 'awaiting-arrival' : kase.status },
      'Send the device to the depot',
      isoAfter(from, policy.sla.arrivalSeconds),
      now,
      `Your prepaid label is ready (tracking ${shipment.trackingNumber}): ${link}.${shipment.box ? ' A box is on its way.' : ''}`,
    );
  }
  const what = shipment.purpose === 'replacement' ? 'Your replacement' : 'Your device';
  return advance(
    { ...shipped, status: 'shipping-to-customer' },
    'Delivery to you',
    isoAfter(now, policy.sla.deliverySeconds),
    now,
    `${what} is on its way (tracking ${shipment.trackingNumber}).`,
  );
}

export function recordArrival(kase: Case, policy: BrandPolicy, now: Date): Case {
  if (kase.status !== 'awaiting-arrival' && kase.status !== 'opened') return kase;
  return advance(
    { ...kase, status: 'at-depot' },
    kase.route === 'return' ? 'Your refund' : 'Diagnosis at the depot',
    brandDeadline(now, policy.sla.diagnosisSeconds, policy),
    now,
    'Your device arrived at the depot.',
  );
}

/** A carrier update for one of the case's shipments: recorded on the shipment and the timeline. */
export function trackShipment(
  kase: Case,
  event: CarrierEvent,
  now: Date,
): { case: Case; caseEvent?: CaseEvent } {
  const shipment = kase.shipments.find((candidate) => candidate.trackingNumber === event.trackingNumber);
  if (!shipment) return { case: kase };
  const tracked: Case = {
    ...kase,
    shipments: kase.shipments.map((candidate) =>
      candidate === shipment
        ? { ...candidate, status: event.status, updatedAt: event.occurredAt }
        : candidate,
    ),
    timeline: [
      ...kase.timeline,
      entry(
        now,
        'shipment-tracked',
        `Shipment ${event.trackingNumber} (${shipment.direction}): ${event.status}${event.problem ? ` (${event.problem})` : ''}${event.location ? ` at ${event.location}` : ''}.`,
        `carrier:${shipment.carrier}`,
      ),
    ],
  };
  const base = { eventId: event.eventId, occurredAt: event.occurredAt, trackingNumber: event.trackingNumber };
  // Lost, damaged, returned: the step waiting for this parcel ends, and a person has the case (P7).
  if (event.status === 'exception') {
    return {
      case: tracked,
      caseEvent: {
        ...base,
        type: 'parcel-exception',
        problem: event.problem ?? 'other',
        ...(event.location ? { location: event.location } : {}),
      },
    };
  }
  if (event.status !== 'delivered') return { case: tracked };
  return {
    case: tracked,
    caseEvent:
      shipment.direction === 'to-depot'
        ? { ...base, type: 'delivered-to-depot' }
        : { ...base, type: 'delivered-to-customer' },
  };
}

/**
 * One leg of a case's shipping: the shipment it already has, or what to ask the carrier for. A case
 * has one leg of each kind, so the leg names the shipment and a retried step asks for the same one; a
 * parcel the carrier lost is sent again on the leg's next attempt (`to-depot-device-2`).
 */
export function shipmentLeg(
  kase: Case,
  direction: Shipment['direction'],
  purpose: Shipment['purpose'],
  policy: BrandPolicy,
  attempt = 1,
): { existing: Shipment } | { shipmentId: string; request: ShipmentRequest } {
  const shipmentId = attempt > 1 ? `${direction}-${purpose}-${attempt}` : `${direction}-${purpose}`;
  const existing = kase.shipments.find((shipment) => shipment.shipmentId === shipmentId);
  if (existing) return { existing };
  const toDepot = direction === 'to-depot';
  const address = shippableAddress(kase.customer);
  // A label is never bought to an address without a postcode and a country: the workflow asks the
  // customer for one before any parcel to them (customer-waits.ts).
  if (!address && !toDepot)
    throw new InvariantError(
      `Case ${kase.caseId} has no address with a postcode and a country to send a parcel to; ask the customer for it.`,
    );
  const depot = policy.depotAddress;
  const customer: ShipmentAddress = address
    ? {
        ...address,
        name: address.name ?? kase.customer.name,
        ...((address.phone ?? kase.customer.phone) ? { phone: address.phone ?? kase.customer.phone } : {}),
      }
    : // A prepaid label to the depot before the customer gave an address: it names them care of the
      // depot, where an undeliverable parcel would be returned anyway.
      { ...depot, name: `${kase.customer.name} c/o ${depot.name}` };
  return {
    shipmentId,
    request: {
      reference: `${kase.brand}/${kase.caseId}/${shipmentId}`,
      rma: kase.caseId,
      from: toDepot ? customer : depot,
      to: toDepot ? depot : customer,
      // A replacement ordered without waiting on a person travels express too.
      service: kase.route === 'instant-replacement' ? 'express' : 'ground',
      box: toDepot && kase.boxNeeded,
      returnLabel: toDepot,
      ...(toDepot ? {} : { packingList: partsToReturn(kase).map((item) => item.description) }),
      parcel: DEVICE_PARCEL,
      ...(policy.carrier ? { carrier: policy.carrier } : {}),
    },
  };
}

/**
 * The parcel a device travels in: the box fairfix sends fits every model brands sell today, and a
 * carrier rates by the box's size as much as by its weight.
 */
export const DEVICE_PARCEL: Parcel = { weightGrams: 2000, lengthCm: 35, widthCm: 25, heightCm: 15 };

/** The attempt after a shipment's own, for the parcel that replaces it: `to-depot-device` is attempt 1. */
export const nextAttempt = (shipment: Shipment) => Number(/-(\d+)$/.exec(shipment.shipmentId)?.[1] ?? 1) + 1;

/** The shipment as the case records it, once the carrier issued its label. */
export function labelledShipment(
  shipmentId: string,
  direction: Shipment['direction'],
  purpose: Shipment['purpose'],
  kase: Case,
  issued: IssuedShipment,
  now: Date,
): Shipment {
  return {
    shipmentId,
    direction,
    purpose,
    carrier: issued.carrier,
    trackingNumber: issued.trackingNumber,
    labelDocumentId: `label-${shipmentId}`,
    box: direction === 'to-depot' && kase.boxNeeded,
    status: 'label-issued',
    updatedAt: now.toISOString(),
    packingList: [],
  };
}
