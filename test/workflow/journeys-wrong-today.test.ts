import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud.ts';
import { ApiClient, nextId } from '../support/api.ts';
import { startTestCloud } from '../support/cloud.ts';
import { isoDaysAgo, Journey, opening } from '../support/journey.ts';
import { pdfText } from '../support/pdf.ts';

/**
 * Journeys of issue 12 that were wrong, each through the synthesized workflow on the local cloud: every
 * bad input is a 400 problem naming every field at once (P9). This file has its own cloud, so moving
 * its clock moves no other file's cases.
 */
let cloud: LocalCloud;
let journey: Journey;
let agent: ApiClient;

beforeAll(async () => {
  cloud = await startTestCloud();
  journey = new Journey(cloud);
  agent = ApiClient.as(cloud, 'acme', 'agent', 'agent-kim');
});
afterAll(() => cloud?.stop());

/** An out-of-warranty device at the depot, denied for OUT-OF-WARRANTY and waiting for the estimate answer. */
async function deniedOutOfWarranty() {
  const caseId = await journey.open(opening({ purchaseDate: isoDaysAgo(cloud.clock.now(), 4 * 365) }));
  await journey.toDepot(caseId);
  await journey.depotEvent(caseId, {
    type: 'diagnosed',
    faultCode: 'BAT-02',
    cause: 'wear',
    covered: false,
    estimate: [{ description: 'Battery', amountMinor: 4_900 }],
  });
  await journey.waitsFor(caseId, 'Wait for estimate answer');
  return caseId;
}

describe('a supersession with several errors (issue 12, journey 13; P8, P9)', () => {
  it('names every field error at once: an unknown reason code together with a too-short justification', async () => {
    const caseId = await deniedOutOfWarranty();
    const path = `/cases/${caseId}/decisions/coverage/supersessions`;
    const refused = await agent.post(path, {
      supersessionId: nextId('sup'),
      code: 'NOT-A-CODE',
      justification: 'no',
    });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.errors).toEqual(
      expect.arrayContaining([
        { pointer: '#/justification', detail: expect.any(String) },
        { pointer: '#/code', detail: expect.stringContaining('WEAR-AND-TEAR') },
      ]),
    );
    expect(refused.body.errors).toHaveLength(2);
    // Nothing changed: the denial keeps its reason.
    expect((await journey.get(caseId)).decisions).toEqual([
      expect.objectContaining({ code: 'OUT-OF-WARRANTY', status: 'live' }),
    ]);
  });
});

const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** The words of a PDF pdfkit printed: its content streams inflated, its hex-encoded strings decoded. */

describe('event times (issue 12, journey 8; P5, P9)', () => {
  it('refuses an event dated in the future or before the case opened, naming occurredAt with the body’s other errors', async () => {
    const caseId = await journey.open(opening());
    const opened = Date.parse((await journey.get(caseId)).openedAt);
    await journey.toDepot(caseId);
    const future = await journey.depotEvent(caseId, {
      type: 'diagnosed',
      faultCode: 'PWR-01',
      cause: 'manufacturing-defect',
      covered: true,
      occurredAt: iso(cloud.clock.now() + 60 * MINUTE),
    });
    expect(future.status).toBe(400);
    expect(future.body.errors).toEqual([
      { pointer: '#/occurredAt', detail: expect.stringContaining('future') },
    ]);

    const early = await journey.depotEvent(caseId, {
      type: 'diagnosed',
      cause: 'manufacturing-defect',
      covered: true,
      occurredAt: iso(opened - 60 * MINUTE),
    });
    expect(early.status).toBe(400);
    expect(early.body.errors).toEqual(
      expect.arrayContaining([
        { pointer: '#/faultCode', detail: expect.any(String) },
        { pointer: '#/occurredAt', detail: expect.stringContaining('before the case was opened') },
      ]),
    );
    expect(early.body.errors).toHaveLength(2);

    // A carrier's scan is checked too; a few minutes of clock difference are allowed.
    const kase = await journey.get(caseId);
    const scan = await journey.carrier.post('/carrier/events', {
      eventId: nextId('carrier'),
      trackingNumber: journey.tracking(kase, 'to-depot'),
      status: 'in-transit',
      occurredAt: iso(cloud.clock.now() + 30 * MINUTE),
    });
    expect(scan.status).toBe(400);
    expect(scan.body.errors).toEqual([
      { pointer: '#/occurredAt', detail: expect.stringContaining('future') },
    ]);
    const skewed = await journey.depotEvent(caseId, {
      type: 'diagnosed',
      faultCode: 'PWR-01',
      cause: 'manufacturing-defect',
      covered: true,
      occurredAt: iso(cloud.clock.now() + 2 * MINUTE),
    });
    expect(skewed.status).toBe(202);
    // Nothing refused reached the case.
    expect((await journey.waitsFor(caseId, 'Wait for repair attempt')).diagnosis?.faultCode).toBe('PWR-01');
  });

  it('refuses a destruction dated before the customer chose it; the certificate states the case’s own record', async () => {
    const caseId = await journey.open(opening({ model: 'Cam 4' }));
    await journey.toDepot(caseId);
    await journey.depotEvent(caseId, {
      type: 'part-removed',
      description: 'SD card 64 GB',
      category: 'memory-card',
      serial: 'SD-7731',
    });
    const [card] = (await journey.get(caseId)).custody;
    await cloud.clock.advance(30 * MINUTE);
    const choice = { choiceId: nextId('choice'), parts: 'return', data: 'destroy' };
    expect((await journey.customer.post(`/cases/${caseId}/custody/choices`, choice)).status).toBe(201);
    const chosenAt = (await journey.get(caseId)).custodyChoice?.at as string;

    const backdated = await journey.depotEvent(caseId, {
      type: 'part-destroyed',
      itemId: card?.itemId,
      method: 'shredded',
      occurredAt: iso(Date.parse(chosenAt) - 10 * MINUTE),
    });
    expect(backdated.status).toBe(400);
    expect(backdated.body.errors).toEqual([
      { pointer: '#/occurredAt', detail: expect.stringContaining('chose') },
    ]);
    expect((await journey.get(caseId)).custody[0]?.status).toBe('held');

    await cloud.clock.advance(5 * MINUTE);
    const destroyedAt = iso(cloud.clock.now() - MINUTE);
    const destroyed = await journey.depotEvent(caseId, {
      type: 'part-destroyed',
      itemId: card?.itemId,
      method: 'shredded',
      occurredAt: destroyedAt,
      performedBy: 'Dana Depot',
    });
    expect(destroyed.status).toBe(202);
    const item = (await journey.get(caseId)).custody[0];
    expect(item?.chain.at(-1)).toMatchObject({ at: destroyedAt, what: 'destroyed (shredded)' });
    const response = await fetch(
      `${cloud.urls.http}/cases/${caseId}/documents/${item?.certificateDocumentId}`,
      {
        headers: {
          authorization: `Bearer ${cloud.tokens.issue({ tenant: 'acme', role: 'customer', sub: 'customer@acme.example' })}`,
        },
      },
    );
    expect(response.status).toBe(200);
    const text = pdfText(Buffer.from(await response.arrayBuffer()));
    // The case's own record, in the brand's local time (acme is in Europe/Brussels), never as ISO UTC.
    const brussels = (iso: string) =>
      new Intl.DateTimeFormat('en-GB', {
        dateStyle: 'full',
        timeStyle: 'short',
        timeZone: 'Europe/Brussels',
      }).format(new Date(iso));
    expect(text).toContain(brussels(destroyedAt));
    expect(text).toContain(brussels(chosenAt));
    expect(text).not.toContain(destroyedAt);
    expect(Date.parse(destroyedAt)).toBeGreaterThan(Date.parse(chosenAt));
    // Numbered on the case, people by name (the customer chose, the named technician destroyed), no ids.
    expect(text).toContain(`No. ${caseId}-D1`);
    expect(text).toContain('Dana Depot');
    expect(text).toContain((await journey.get(caseId)).customer.name);
    expect(text).not.toMatch(/(customer|depot):/);
    expect(text).toContain('NIST SP 800-88 Rev. 1, Destroy (shred)');
    expect(text).toContain('Signature: Dana Depot');
  });
});

/** A covered repair of `faultCode` at the depot: the attempts as given, then back to the customer. */
async function repairedAfter(caseId: string, faultCode: string, results: string[]) {
  await journey.toDepot(caseId);
  await journey.depotEvent(caseId, {
    type: 'diagnosed',
    faultCode,
    cause: 'manufacturing-defect',
    covered: true,
  });
  for (const result of results) {
    await journey.waitsFor(caseId, 'Wait for repair attempt');
    await journey.depotEvent(caseId, { type: 'repair-attempted', result, faultCode });
  }
  return journey.deliverToCustomer(caseId);
}

describe('a fault that comes back after a fixed repair (issue 12, journey 9; P4)', () => {
  it('counts the fix as a failed repair within the brand’s window: at N the device is replaced, not repaired again', async () => {
    const serial = nextId('SN-BACK');
    const first = await journey.open(opening({ serial }));
    expect((await repairedAfter(first, 'PWR-07', ['not-fixed', 'not-fixed', 'fixed'])).outcome).toBe(
      'repaired',
    );
    await cloud.clock.advance(30 * 24 * 60 * MINUTE);

    // The same fault, 30 days later: the fix did not hold, so it is the third failed repair (acme: N = 3).
    const second = await journey.open({ ...opening(), device: { serial } });
    await journey.toDepot(second);
    await journey.depotEvent(second, {
      type: 'diagnosed',
      faultCode: 'PWR-07',
      cause: 'manufacturing-defect',
      covered: true,
    });
    const replaced = await journey.deliverToCustomer(second);
    expect(replaced.outcome).toBe('replaced');
    expect(replaced.repairAttempts).toEqual([]);
    expect(replaced.replacement).toMatchObject({ model: 'Cam 3', reason: '3 failed repairs' });
    expect(replaced.timeline.map((entry) => entry.summary).join('\n')).toMatch(/PWR-07 came back .* fixed/);
    const history = await journey.customer.get<{ failedRepairs: Record<string, number> }>(
      `/devices/${serial}/history`,
    );
    expect(history.body.failedRepairs).toEqual({ 'PWR-07': 3 });
  });

  it('does not count a fix whose fault came back after the brand’s window', async () => {
    const serial = nextId('SN-LATE');
    const first = await journey.open(opening({ serial }));
    await repairedAfter(first, 'PWR-08', ['not-fixed', 'fixed']);
    await cloud.clock.advance(91 * 24 * 60 * MINUTE);
    const second = await journey.open({ ...opening(), device: { serial } });
    await journey.toDepot(second);
    await journey.depotEvent(second, {
      type: 'diagnosed',
      faultCode: 'PWR-08',
      cause: 'manufacturing-defect',
      covered: true,
    });
    await journey.waitsFor(second, 'Wait for repair attempt');
    await journey.depotEvent(second, { type: 'repair-attempted', result: 'not-fixed', faultCode: 'PWR-08' });
    const retried = await journey.waitsFor(second, 'Wait for repair attempt');
    expect(retried.replacement).toBeUndefined();
    expect(retried.notifications.at(-1)?.text).toContain('2 of 3 failed attempts');
  });
});

describe('a denial that contradicts the entitlement (issue 12, journey 5; P2, P8)', () => {
  it('refuses ACCIDENTAL-DAMAGE on a case whose plan covers accidental damage, naming covered with the other errors', async () => {
    const caseId = await journey.open(
      opening({
        plan: 'accidental-damage',
        problem: { description: 'Dropped it on the stairs, screen cracked', category: 'damage' },
      }),
    );
    await journey.toDepot(caseId);
    const refused = await journey.depotEvent(caseId, {
      type: 'diagnosed',
      cause: 'accidental-damage',
      covered: false,
      estimate: [{ description: 'Screen', amountMinor: 12_900 }],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual(
      expect.arrayContaining([
        { pointer: '#/faultCode', detail: expect.any(String) },
        { pointer: '#/covered', detail: expect.stringContaining('accidental-damage plan') },
      ]),
    );
    expect(refused.body.errors).toHaveLength(2);
    const again = await journey.depotEvent(caseId, {
      type: 'diagnosed',
      faultCode: 'SCR-01',
      cause: 'accidental-damage',
      covered: false,
      estimate: [{ description: 'Screen', amountMinor: 12_900 }],
    });
    expect(again.body.errors).toEqual([
      { pointer: '#/covered', detail: expect.stringContaining('accidental-damage plan') },
    ]);
    await journey.depotEvent(caseId, {
      type: 'diagnosed',
      faultCode: 'SCR-01',
      cause: 'accidental-damage',
      covered: true,
    });
    const repairing = await journey.waitsFor(caseId, 'Wait for repair attempt');
    expect(repairing.decisions).toEqual([]);
    expect(repairing.diagnosis).toMatchObject({ covered: true });
  });

  it('covers an in-warranty device opened as “damage” once the depot finds a manufacturing defect', async () => {
    const caseId = await journey.open(
      opening({ problem: { description: 'The hinge snapped by itself', category: 'damage' } }),
    );
    await journey.toDepot(caseId);
    await journey.depotEvent(caseId, {
      type: 'diagnosed',
      faultCode: 'HNG-01',
      cause: 'manufacturing-defect',
      covered: true,
    });
    const repairing = await journey.waitsFor(caseId, 'Wait for repair attempt');
    expect(repairing.decisions).toEqual([]);
    expect(repairing.diagnosis).toMatchObject({ covered: true });
    expect(repairing.notifications.at(-1)?.text).toContain('the repair is free');
  });

  it('lets an agent overturn a denial: recorded with who and why, and the case goes on as covered', async () => {
    const caseId = await deniedOutOfWarranty();
    const path = `/cases/${caseId}/decisions/coverage/grants`;
    const justification = 'The receipt shows the device was bought 10 months ago; the battery is a defect';
    const invalid = await agent.post<{ errors: { pointer: string }[] }>(path, {
      grantId: '',
      justification: 'short',
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((error) => error.pointer).sort()).toEqual([
      '#/grantId',
      '#/justification',
    ]);
    expect((await journey.depot.post(path, { grantId: nextId('grant'), justification })).status).toBe(403);
    const granted = await agent.post(path, { grantId: nextId('grant'), justification });
    expect(granted.status).toBe(201);
    const repairing = await journey.waitsFor(caseId, 'Wait for repair attempt');
    expect(repairing.decisions).toEqual([
      expect.objectContaining({
        code: 'OUT-OF-WARRANTY',
        status: 'overturned',
        overturned: expect.objectContaining({ by: 'agent:agent-kim', justification }),
      }),
    ]);
    expect(repairing.estimate?.status).toBe('withdrawn');
    expect(repairing.diagnosis).toMatchObject({ covered: true });
    expect(repairing.notifications.map((notice) => notice.text).join('\n')).toContain(
      'We overturned our decision not to cover the repair (OUT-OF-WARRANTY)',
    );
    // Nothing left to overturn.
    expect((await agent.post(path, { grantId: nextId('grant'), justification })).status).toBe(409);
    await journey.depotEvent(caseId, { type: 'repair-attempted', result: 'fixed', faultCode: 'BAT-02' });
    const closed = await journey.deliverToCustomer(caseId);
    expect(closed.charges).toEqual([]);
    expect(closed.outcome).toBe('repaired');
  });
});

describe('a return’s refund (issue 12, journey 6; P9, P13)', () => {
  const today = () => new Date(cloud.clock.now()).toISOString().slice(0, 10);

  it('refuses a model the brand does not list at opening, naming its models with the other errors', async () => {
    const refused = await journey.customer.post<{ errors: { pointer: string; detail: string }[] }>('/cases', {
      ...opening({ model: 'Walkman', purchaseDate: today(), service: 'return', returnReason: 'unopened' }),
      problem: { description: 'short', category: 'other' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual(
      expect.arrayContaining([
        { pointer: '#/problem/description', detail: expect.any(String) },
        { pointer: '#/device/model', detail: expect.stringMatching(/Walkman.*Cam 3.*Dock/) },
      ]),
    );
    expect(refused.body.errors).toHaveLength(2);
    // Alone, it is refused all the same: nothing is opened that would be refunded 0.00.
    const alone = await journey.customer.post<{ errors: { pointer: string }[] }>(
      '/cases',
      opening({ model: 'Walkman', purchaseDate: today(), service: 'return', returnReason: 'unopened' }),
    );
    expect(alone.status).toBe(400);
    expect(alone.body.errors.map((error) => error.pointer)).toEqual(['#/device/model']);
  });

  it('refunds the purchase price given at opening, else the brand’s price for the model', async () => {
    const paid = await journey.open({
      ...opening({ service: 'return', returnReason: 'unopened' }),
      device: { serial: nextId('SN-DOCK'), model: 'Dock', purchaseDate: today(), purchasePriceMinor: 7_450 },
      problem: { description: 'Bought the wrong dock, never opened', category: 'other' },
    });
    const listed = await journey.open({
      ...opening({ model: 'Dock', purchaseDate: today(), service: 'return', returnReason: 'unopened' }),
      problem: { description: 'Bought the wrong dock, never opened', category: 'other' },
    });
    for (const [caseId, amountMinor] of [
      [paid, 7_450],
      [listed, 8_900],
    ] as const) {
      const waiting = await journey.waitsFor(caseId, 'Wait for device at depot');
      await journey.carrierEvent(journey.tracking(waiting, 'to-depot'), 'delivered');
      const done = await journey.closed(caseId);
      expect(done).toMatchObject({ outcome: 'refunded', refund: { amountMinor, currency: 'EUR' } });
    }
  });
});

describe('an accessory without a serial (issue 12, journey 12; P13)', () => {
  const today = () => new Date(cloud.clock.now()).toISOString().slice(0, 10);
  const dockReturn = () => ({
    ...opening({ service: 'return', returnReason: 'unfit' }),
    device: { model: 'Dock', purchaseDate: today() },
    problem: { description: 'The dock does not fit my camera', category: 'other' },
  });

  it('is returned and refunded when the brand sells the product without a serial', async () => {
    const headers = { 'idempotency-key': nextId('dock-no-serial') };
    const first = await journey.customer.post('/cases', dockReturn(), headers);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    // A retry of the same request is the same case: the serial the case is given is the request's own.
    const again = await journey.customer.post('/cases', dockReturn(), headers);
    expect(again).toMatchObject({ status: 200, body: { caseId: first.body.caseId } });
    const caseId = first.body.caseId as string;
    const waiting = await journey.waitsFor(caseId, 'Wait for device at depot');
    expect(waiting.device.serial).toMatch(/^NOSERIAL-/);
    await journey.carrierEvent(journey.tracking(waiting, 'to-depot'), 'delivered');
    const done = await journey.closed(caseId);
    expect(done).toMatchObject({ outcome: 'refunded', refund: { amountMinor: 8_900 } });
  });

  it('still needs the serial of a serialized product, named with the other errors', async () => {
    const refused = await journey.customer.post<{ errors: { pointer: string; detail: string }[] }>('/cases', {
      ...dockReturn(),
      device: { model: 'Cam 3', purchaseDate: today() },
      customer: { name: 'Ada', email: 'not-an-email' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual(
      expect.arrayContaining([
        { pointer: '#/customer/email', detail: expect.any(String) },
        { pointer: '#/device/serial', detail: expect.stringContaining('Dock') },
      ]),
    );
    expect(refused.body.errors).toHaveLength(2);
    const alone = await journey.customer.post<{ errors: { pointer: string }[] }>('/cases', {
      ...dockReturn(),
      device: { model: 'Cam 3', purchaseDate: today() },
    });
    expect(alone.status).toBe(400);
    expect(alone.body.errors.map((error) => error.pointer)).toEqual(['#/device/serial']);
  });
});

describe('auditors (issue 12, journey 14; P14)', () => {
  interface ExportLine {
    case: { caseId: string; openedAt: string; timeline: unknown[]; notifications: unknown[] };
    documents: { documentId: string; link: string }[];
  }

  it('export a period as NDJSON, a page at a time with a cursor, and every bad parameter is named at once', async () => {
    const reviewer = ApiClient.as(cloud, 'acme', 'reviewer');
    // A year on, three cases are opened; nothing before the period is exported.
    await cloud.clock.advance(365 * 24 * 60 * MINUTE);
    const from = iso(cloud.clock.now());
    const opened = [
      await journey.open(opening()),
      await journey.open(opening()),
      await journey.open(opening()),
    ];
    await journey.waitsFor(opened[2] as string, 'Wait for device at depot');
    const to = iso(cloud.clock.now());

    const seen: ExportLine[] = [];
    let next: string | undefined = `/reviews/export?from=${from}&to=${to}&limit=2`;
    let pages = 0;
    while (next) {
      const page: Awaited<ReturnType<typeof reviewer.get<ExportLine[]>>> =
        await reviewer.get<ExportLine[]>(next);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('application/x-ndjson');
      expect(page.body.length).toBeLessThanOrEqual(2);
      seen.push(...page.body);
      next = page.headers.get('link')?.match(/<([^>]+)>; rel="next"/)?.[1];
      pages++;
    }
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(seen.map((line) => line.case.caseId).sort()).toEqual([...opened].sort());
    const first = seen[0] as ExportLine;
    expect(first.case.timeline.length).toBeGreaterThan(1);
    expect(first.case.notifications.length).toBeGreaterThan(0);
    expect(first.documents).toContainEqual(
      expect.objectContaining({
        link: expect.stringMatching(new RegExp(`^/cases/${first.case.caseId}/documents/`)),
      }),
    );
    expect(JSON.stringify(seen)).not.toContain('token');

    const bad = await reviewer.get<{ errors: { pointer: string }[] }>(
      `/reviews/export?from=${to}&to=${from}&limit=0&cursor=somebody-elses`,
    );
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.errors.map((error) => error.pointer).sort()).toEqual([
      '#/query/cursor',
      '#/query/limit',
      '#/query/to',
    ]);
  });

  it('sample cases stratified by outcome: every outcome is represented', async () => {
    const reviewer = ApiClient.as(cloud, 'acme', 'reviewer');
    const sample = await reviewer.get<{
      items: { caseId: string; stratum: string }[];
      strata: Record<string, number>;
    }>('/reviews/sample?size=8&stratify=outcome');
    expect(sample.status).toBe(200);
    expect(sample.body.items).toHaveLength(8);
    // This file's cases ended refunded, replaced and repaired, and some are still open.
    for (const stratum of ['open', 'refunded', 'repaired', 'replaced'])
      expect(sample.body.strata[stratum], stratum).toBeGreaterThanOrEqual(1);
    const counts = Object.values(sample.body.strata);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(8);
    expect(new Set(sample.body.items.map((item) => item.caseId)).size).toBe(8);
  });
});
