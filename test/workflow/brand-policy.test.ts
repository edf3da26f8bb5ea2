import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrandPolicy } from '../../functions/domain/policy.ts';
import type { LocalCloud } from '../../local/cloud.ts';
import { ApiClient, nextId } from '../support/api.ts';
import { examplePolicy } from '../support/brands.ts';
import { startTestCloud } from '../support/cloud.ts';
import { Journey, opening } from '../support/journey.ts';

/**
 * Issue 14 through the synthesized workflow: a brand created through the API runs a journey, and a
 * change to a policy leaves open cases on the version they opened under for what they were promised
 * (N, deadlines), while people and contacts change for every case at once.
 */
let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(() => cloud?.stop());

const DAY = 86_400;

/** A brand set up by its admin through the API alone, from a copy of acme's example policy. */
async function createBrand(brand: string, changes: Partial<BrandPolicy> = {}) {
  const admin = ApiClient.as(cloud, brand, 'admin', `admin@${brand}.example`);
  const document = { ...examplePolicy('acme'), brand, displayName: `${brand} Ltd`, ...changes };
  const created = await admin.request('PUT', '/brand/policy', document, { 'if-none-match': '*' });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return admin;
}

/** The admin changes the brand's policy, against the version they read. */
async function changePolicy(admin: ApiClient, change: (policy: BrandPolicy) => BrandPolicy) {
  const current = await admin.get<BrandPolicy>('/brand/policy');
  const saved = await admin.request('PUT', '/brand/policy', change(current.body), {
    'if-match': current.headers.get('etag') ?? '',
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
}

const secondsUntil = (deadline: string) => (Date.parse(deadline) - cloud.clock.now()) / 1000;

describe('a brand created through the API', () => {
  it('runs a full depot journey: label, arrival, diagnosis, repair, delivery, closing', async () => {
    await createBrand('newco', {
      catalogue: [
        ...examplePolicy('acme').catalogue,
        { model: 'Newco Phone 1', family: 'phone', tier: 1, inStock: true, priceMinor: 39_900 },
      ],
    });
    const journey = new Journey(cloud, 'newco');
    const caseId = await journey.open(opening({ model: 'Newco Phone 1' }));
    const waiting = await journey.waitsFor(caseId, 'Wait for device at depot');
    expect(waiting.shipments[0]).toMatchObject({ direction: 'to-depot', status: 'label-issued' });
    expect(waiting.policyVersion).toBe(1);
    await journey.toDepot(caseId);
    await journey.coveredRepair(caseId);
    const done = await journey.deliverToCustomer(caseId);
    expect(done).toMatchObject({ brand: 'newco', outcome: 'repaired', charges: [] });
    // Its public terms offer the model it added, to anyone.
    const terms = await ApiClient.withToken(cloud.urls.http).get('/brands/newco/policy');
    expect(terms.body.models).toContainEqual(expect.objectContaining({ model: 'Newco Phone 1' }));
  });

  it('cannot take a case before its admin has set it up', async () => {
    const response = await ApiClient.as(cloud, 'not-set-up', 'customer').post('/cases', opening());
    expect(response.status).toBe(404);
    expect(response.body.type).toMatch(/unknown-brand$/);
  });
});

describe('a change to a brand’s policy', () => {
  it('leaves an open case on the N and the deadlines it opened under; a case opened after gets the new ones', async () => {
    const admin = await createBrand('versioned');
    const journey = new Journey(cloud, 'versioned');
    const before = await journey.open(opening());
    await journey.waitsFor(before, 'Wait for device at depot');

    // Replace at the first failed repair, diagnose within a day: for cases opened from now on.
    await changePolicy(admin, (policy) => ({
      ...policy,
      replaceAfterFailedRepairs: 1,
      sla: { ...policy.sla, diagnosisSeconds: DAY },
    }));
    const after = await journey.open(opening());

    const [oldAtDepot, newAtDepot] = [await journey.toDepot(before), await journey.toDepot(after)];
    expect(oldAtDepot.policyVersion).toBe(1);
    expect(newAtDepot.policyVersion).toBe(2);
    expect(secondsUntil(oldAtDepot.nextStep.deadline)).toBeGreaterThan(2 * DAY);
    expect(secondsUntil(newAtDepot.nextStep.deadline)).toBeLessThanOrEqual(DAY);

    for (const caseId of [before, after]) {
      await journey.depotEvent(caseId, {
        type: 'diagnosed',
        faultCode: 'PWR-01',
        cause: 'manufacturing-defect',
        covered: true,
      });
      await journey.waitsFor(caseId, 'Wait for repair attempt');
      await journey.depotEvent(caseId, {
        type: 'repair-attempted',
        result: 'not-fixed',
        faultCode: 'PWR-01',
      });
    }
    // Opened when N was 3: one failed repair is tried again, not replaced.
    await journey.until(before, 'a second repair attempt', (kase) => kase.repairAttempts.length === 1);
    await journey.waitsFor(before, 'Wait for repair attempt');
    await journey.depotEvent(before, { type: 'repair-attempted', result: 'fixed', faultCode: 'PWR-01' });
    expect((await journey.deliverToCustomer(before)).outcome).toBe('repaired');
    // Opened when N was 1: replaced at the first.
    const replaced = await journey.deliverToCustomer(after);
    expect(replaced.outcome).toBe('replaced');
    expect(replaced.replacement?.reason).toMatch(/^1 failed repair/);
  });

  it('changes the contacts of every case at once, open ones included', async () => {
    const admin = await createBrand('recontact');
    const journey = new Journey(cloud, 'recontact');
    const caseId = await journey.open(opening());
    await journey.waitsFor(caseId, 'Wait for device at depot');

    await changePolicy(admin, (policy) => ({
      ...policy,
      escalationLadder: policy.escalationLadder.map((rung) => ({
        ...rung,
        contact: rung.contact.replace('@acme.example', '@recontact.example'),
      })),
    }));
    const escalated = await journey.customer.post(`/cases/${caseId}/escalations`, {
      escalationId: nextId('esc'),
      reason: 'Nobody has told me anything',
    });
    expect(escalated.status).toBe(201);
    expect(escalated.body.owner).toMatchObject({ contact: expect.stringMatching(/@recontact\.example$/) });
    // The case was promised under version 1, and still is.
    expect((await journey.get(caseId)).policyVersion).toBe(1);
  });
});

describe('a brand that works business hours', () => {
  it('does not escalate over a holiday: its diagnosis deadline counts only its working hours', async () => {
    // Day D at 20:00 UTC; the brand works 08:00-22:00 every day but D+1, a holiday.
    const HOUR_MS = 3_600_000;
    const now = cloud.clock.now();
    const dayStart = Date.parse(`${new Date(now).toISOString().slice(0, 10)}T00:00:00Z`);
    const evening = dayStart + 2 * 86_400_000 + 20 * HOUR_MS;
    const day = (offset: number) => new Date(evening + offset * 86_400_000).toISOString().slice(0, 10);
    await createBrand('office', {
      sla: { ...examplePolicy('acme').sla, diagnosisSeconds: 4 * 3_600 },
      businessHours: {
        timezone: 'UTC',
        days: [1, 2, 3, 4, 5, 6, 7],
        opens: '08:00',
        closes: '22:00',
        holidays: [day(1)],
      },
    });
    await cloud.clock.advance(evening - cloud.clock.now());
    const journey = new Journey(cloud, 'office');
    const caseId = await journey.open(opening());
    const atDepot = await journey.toDepot(caseId);
    // Two hours on D, none on the holiday, two on D+2: due D+2 at about 10:00, not D at midnight.
    expect(atDepot.nextStep.deadline.slice(0, 13)).toBe(`${day(2)}T10`);

    // The workflow's timer (4 hours of every second) fires at midnight; nobody is escalated on the holiday.
    await cloud.clock.advance(day1Noon(evening) - cloud.clock.now());
    // The timer fired and the step waits again (a new wait since), for the working time that is left.
    const onHoliday = await journey.until(
      caseId,
      'waiting again for the diagnosis after the timer fired',
      (kase) =>
        kase.waitingFor?.step === 'Wait for depot diagnosis' &&
        kase.waitingFor.since !== atDepot.waitingFor?.since,
    );
    expect(onHoliday.escalationLevel).toBe(0);

    // Past the deadline in working hours, the case escalates.
    await cloud.clock.advance(Date.parse(atDepot.nextStep.deadline) + 60_000 - cloud.clock.now());
    const escalated = await journey.until(
      caseId,
      'escalated after the working-hours deadline',
      (kase) => kase.escalationLevel === 1,
    );
    expect(escalated.escalation?.reason).toMatch(/Deadline passed/);
  });
});

const day1Noon = (evening: number) => evening + 16 * 3_600_000;
