import { describe, expect, it } from 'vitest';
import type { PostalAddress } from '../../functions/domain/address.ts';
import type { Case } from '../../functions/domain/case.ts';
import { customerOverdue, needAddress } from '../../functions/domain/customer-waits.ts';
import { addressNeededFields, completeCustomer, openCase } from '../../functions/domain/intake.ts';
import { CaseOpening } from '../../functions/domain/schemas.ts';
import { shipmentLeg } from '../../functions/domain/shipping.ts';
import { WAITS } from '../../functions/domain/waits.ts';
import { examplePolicy } from '../support/brands.ts';

/** Waits on the customer (issue 12, journeys 7 and 15): the rules, without the workflow around them. */
const now = new Date('2026-11-22T10:00:00Z');
const acme = examplePolicy('acme');
const DAY = 86_400_000;
const later = (ms: number) => new Date(now.getTime() + ms);

function caseOf(address?: PostalAddress): Case {
  const opening = CaseOpening.parse({
    customer: { name: 'Ada', email: 'ada@example.com', ...(address ? { address } : {}) },
    device: { serial: 'SN1', model: 'Cam 3', purchaseDate: '2026-11-20' },
    problem: { description: 'Does not power on', category: 'does-not-power-on' },
  });
  const device = { serial: 'SN1', model: 'Cam 3', purchaseDate: '2026-11-20' };
  const kase = openCase(
    { ...opening, customer: completeCustomer(opening.customer, undefined) },
    { brand: 'acme', caseId: 'RMA-1' },
    device,
    [],
    acme,
    now,
    { role: 'customer', subject: 'ada' },
  );
  return {
    ...kase,
    status: 'awaiting-arrival',
    nextStep: { name: 'Send the device to the depot', deadline: 'x' },
  };
}

const arrival = (enteredAt: string) => ({ step: WAITS.arrival.state, enteredAt });

const ENGINE_LANE = { street: ['7 Engine Lane'], postcode: 'E1 6AN', city: 'London', country: 'GB' };

describe('a customer’s deadline (issue 12, journey 15)', () => {
  it('reminds once per deadline, then closes with the published reason when the grace period ends too', () => {
    const first = customerOverdue(caseOf(ENGINE_LANE), arrival('t1'), acme, later(14 * DAY));
    expect(first.next).toBe('wait');
    expect(first.waitSeconds).toBe(acme.sla.customerGraceSeconds);
    expect(first.case.reminder).toMatchObject({ step: WAITS.arrival.state, whatThen: expect.any(String) });
    expect(first.case.escalationLevel).toBe(0);
    // The same deadline again (a retried step): nothing more happens.
    const again = customerOverdue(first.case, arrival('t1'), acme, later(14 * DAY));
    expect(again.case).toBe(first.case);
    expect(again.next).toBe('wait');

    const closed = customerOverdue(first.case, arrival('t2'), acme, later(21 * DAY));
    expect(closed.next).toBe('close');
    expect(closed.waitSeconds).toBe(acme.sla.arrivalSeconds);
    expect(closed.case.decisions).toContainEqual(
      expect.objectContaining({ decision: 'closure', code: 'DEVICE-NOT-SENT', status: 'live' }),
    );
    expect(customerOverdue(closed.case, arrival('t2'), acme, later(21 * DAY)).case).toBe(closed.case);
  });

  it('escalates instead once a carrier scan shows the parcel moving', () => {
    const kase = caseOf(ENGINE_LANE);
    const moving: Case = {
      ...kase,
      shipments: [
        {
          shipmentId: 'to-depot-device',
          direction: 'to-depot',
          purpose: 'device',
          carrier: 'c',
          trackingNumber: 'FFX1',
          labelDocumentId: 'l',
          box: false,
          status: 'in-transit',
          updatedAt: now.toISOString(),
          packingList: [],
        },
      ],
    };
    const overdue = customerOverdue(moving, arrival('t1'), acme, later(14 * DAY));
    expect(overdue.next).toBe('wait');
    expect(overdue.case.escalationLevel).toBe(1);
    expect(overdue.case.reminder).toBeUndefined();
  });

  it('escalates a pickup the carrier did not make: the customer was not the one to send it', () => {
    const pickup = { ...caseOf(ENGINE_LANE), pickupAt: later(DAY).toISOString() };
    const overdue = customerOverdue(pickup, arrival('t1'), acme, later(15 * DAY));
    expect(overdue.case.escalationLevel).toBe(1);
    expect(overdue.case.reminder).toBeUndefined();
  });
});

describe('an address (issue 12, journey 7)', () => {
  it('is not made up: an opening without one has none, and the placeholder earlier versions stored counts as none', () => {
    expect(caseOf().customer.address).toBeUndefined();
    const onFile = {
      name: 'Ada',
      email: 'ada@example.com',
      preferredChannel: 'email' as const,
      address: 'Address on file',
    };
    expect(completeCustomer({}, onFile).address).toBeUndefined();
    expect(needAddress({ ...caseOf(), customer: onFile }, 'ship-back', acme, now).known).toBe(false);
  });

  it('is never missing from a label to the customer; a prepaid label to the depot goes care of the depot without one', () => {
    expect(() => shipmentLeg(caseOf(), 'to-customer', 'device', acme)).toThrow(
      /no address with a postcode and a country/,
    );
    const toDepot = shipmentLeg(caseOf(), 'to-depot', 'device', acme);
    expect('request' in toDepot && toDepot.request.from).toEqual({
      ...acme.depotAddress,
      name: `Ada c/o ${acme.depotAddress.name}`,
    });
    const shipped = shipmentLeg(caseOf(ENGINE_LANE), 'to-customer', 'device', acme);
    expect('request' in shipped && shipped.request.to).toEqual({ ...ENGINE_LANE, name: 'Ada' });
  });

  it('kept as one line of text (before issue 15) is shown to a technician, but no label is bought to it: the customer is asked again', () => {
    const legacy: Case = {
      ...caseOf(),
      customer: { ...caseOf().customer, address: '7 Engine Lane, London' },
    };
    expect(() => shipmentLeg(legacy, 'to-customer', 'device', acme)).toThrow(/postcode and a country/);
    expect(needAddress(legacy, 'visit', acme, now).known).toBe(true);
    const asked = needAddress(legacy, 'ship-back', acme, now);
    expect(asked.known).toBe(false);
    expect(asked.case.nextStep.name).toBe('Tell us where to send your device');
    expect(asked.case.notifications.at(-1)?.text).toContain('lacks a separate postcode and country');
    // Nor may a carrier be sent to collect from it: the opening must give the address in parts.
    const pickup = { pickupAt: later(DAY).toISOString() };
    expect(addressNeededFields(pickup, legacy.customer)).toEqual([
      { pointer: '#/customer/address', detail: expect.stringContaining('in parts') },
    ]);
    expect(addressNeededFields(pickup, { ...legacy.customer, address: ENGINE_LANE })).toEqual([]);
  });

  it('is asked for with the brand’s deadline, once, and given addresses kept for the wait serve once it is known', () => {
    const asked = needAddress(caseOf(), 'visit', acme, now);
    expect(asked.known).toBe(false);
    expect(asked.case.nextStep).toEqual({
      name: 'Tell us where the technician should come',
      deadline: later(acme.sla.addressSeconds * 1000).toISOString(),
    });
    expect(needAddress(asked.case, 'visit', acme, now).case).toBe(asked.case);
    const given: Case = {
      ...caseOf(ENGINE_LANE),
      pendingEvents: [
        { type: 'address-given', eventId: 'a1', occurredAt: now.toISOString(), address: ENGINE_LANE },
      ],
    };
    expect(needAddress(given, 'ship-back', acme, now)).toMatchObject({
      known: true,
      case: { pendingEvents: [] },
    });
  });
});
