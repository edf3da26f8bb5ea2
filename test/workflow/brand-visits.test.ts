import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrandPolicy } from '../../functions/domain/policy.ts';
import type { LocalCloud } from '../../local/cloud.ts';
import { ApiClient, nextId } from '../support/api.ts';
import { examplePolicy } from '../support/brands.ts';
import { startTestCloud } from '../support/cloud.ts';
import { Journey, opening } from '../support/journey.ts';

/**
 * Issue 14: a brand set up through the API alone runs a home-visit journey with its own technicians, and
 * technicians are read from the current version of the policy, for cases opened before a change too.
 */
let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(() => cloud?.stop());

const amara = { id: 'tech-amara', name: 'Amara Osei', phone: '+44 20 7946 0001' };
const bruno = { id: 'tech-bruno', name: 'Bruno Keller', phone: '+44 20 7946 0002' };

describe('a brand created through the API, visiting homes', () => {
  it('sends its own technician, the one its current policy names, and closes the repaired case', async () => {
    const admin = ApiClient.as(cloud, 'homeco', 'admin');
    const document: BrandPolicy = {
      ...examplePolicy('acme'),
      brand: 'homeco',
      displayName: 'Homeco Screens',
      technicians: [amara],
    };
    const created = await admin.request('PUT', '/brand/policy', document, { 'if-none-match': '*' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    const journey = new Journey(cloud, 'homeco');
    const caseId = await journey.open(opening({ model: 'Vision 55', preferredService: 'on-site' }));
    const offered = await journey.waitsFor(caseId, 'Wait for visit booking');
    expect(offered).toMatchObject({ route: 'on-site', policyVersion: 1 });

    // Amara leaves before the visit is booked: the case, opened under version 1, gets Bruno.
    const saved = await admin.request(
      'PUT',
      '/brand/policy',
      { ...document, technicians: [bruno] },
      { 'if-match': created.headers.get('etag') ?? '' },
    );
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const booking = await journey.customer.post(`/cases/${caseId}/visits`, {
      bookingId: nextId('book'),
      windowId: offered.visitOffer?.windows[0]?.windowId,
    });
    expect(booking.status, JSON.stringify(booking.body)).toBe(202);
    const booked = await journey.waitsFor(caseId, 'Wait for visit');
    const visit = booked.visits.at(-1);
    expect(visit?.technician).toMatchObject({ id: bruno.id, name: bruno.name });

    const technician = ApiClient.as(cloud, 'homeco', 'technician', bruno.id);
    const path = `/cases/${caseId}/visits/${visit?.visitId}/events`;
    const report = (event: Record<string, unknown>) =>
      technician.post(path, {
        eventId: nextId('ev'),
        occurredAt: new Date(cloud.clock.now()).toISOString(),
        ...event,
      });
    expect((await report({ type: 'checked-in' })).status).toBe(202);
    expect((await report({ type: 'outcome', result: 'fixed', faultCode: 'TV-PWR' })).status).toBe(202);
    expect((await report({ type: 'signed-off', accepted: true, signedBy: 'Ada Lovelace' })).status).toBe(202);

    const closed = await journey.closed(caseId);
    expect(closed).toMatchObject({ brand: 'homeco', outcome: 'repaired', shipments: [] });
  });
});
