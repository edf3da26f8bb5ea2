/**
 * One happy-path depot case, open to closed, driven through the HTTP API as its parties drive it:
 * label, delivery to the depot, diagnosis, repair, delivery back, closed. Shared by the bench (which
 * times it) and the budget test (which counts what it costs).
 */
import type { LocalCloud } from '../local/cloud.ts';

type View = {
  status: string;
  waitingFor?: { step: string };
  shipments: { direction: string; trackingNumber: string }[];
};

/**
 * What one poll of a case costs the store at its cheapest, in requests and read units: a case just
 * opened, waiting for the device, read once more (`meter` is reset before that read). A case's view
 * reads more as the case grows, never less, so subtracting `polls × this` from a metered lifecycle
 * leaves at most what the lifecycle itself asked of the store: an upper bound, never an undercount.
 */
export async function cheapestPoll(
  cloud: LocalCloud,
  meter: { reset(): void; counts: { requests: Record<string, number>; readUnits: number } },
  i: number,
): Promise<{ requests: number; readUnits: number }> {
  const driver = lifecycleDriver(cloud);
  const caseId = await driver.open(i);
  await driver.waitFor(caseId, (kase) => kase.waitingFor?.step === 'Wait for device at depot');
  meter.reset();
  await driver.waitFor(caseId, () => true);
  return {
    requests: Object.values(meter.counts.requests).reduce((sum, n) => sum + n, 0),
    readUnits: meter.counts.readUnits,
  };
}

export interface LifecycleDriver {
  /** Opens a case as a customer (the body of POST /cases for case number `i`). */
  open(i: number, extra?: Record<string, unknown>): Promise<string>;
  /** Runs case number `i` from open to closed; answers its id. */
  happy(i: number): Promise<string>;
  /** Waits until the case passes `test`, re-reading it with If-None-Match (304 while unchanged). */
  waitFor(caseId: string, test: (kase: View) => boolean): Promise<View>;
  /** GET /cases/{caseId} requests made so far (200 and 304). */
  readonly reads: number;
}

let eventId = 0;

export function lifecycleDriver(cloud: LocalCloud, pollMs = 5): LifecycleDriver {
  const as = (role: string) => ({
    'content-type': 'application/json',
    authorization: `Bearer ${cloud.tokens.issue({ tenant: 'acme', role, sub: 'bench' })}`,
  });
  const customer = as('customer');
  const depot = as('depot');
  const carrier = as('carrier');
  const post = async (path: string, body: unknown, headers = customer) => {
    const response = await fetch(`${cloud.urls.http}${path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    if (response.status >= 300)
      throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  const at = () => new Date(cloud.clock.now()).toISOString();
  let reads = 0;
  const cached = new Map<string, { etag: string; view: View }>();
  const view = async (caseId: string) => {
    const held = cached.get(caseId);
    reads++;
    const response = await fetch(`${cloud.urls.http}/cases/${caseId}`, {
      headers: { ...customer, ...(held ? { 'if-none-match': held.etag } : {}) },
    });
    if (response.status === 304 && held) return held.view;
    if (response.status !== 200) throw new Error(`GET /cases answered ${response.status}`);
    const fresh = { etag: response.headers.get('etag') ?? '', view: (await response.json()) as View };
    cached.set(caseId, fresh);
    return fresh.view;
  };
  const waitFor = async (caseId: string, test: (kase: View) => boolean) => {
    for (;;) {
      const kase = await view(caseId);
      if (test(kase)) return kase;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  };
  const waiting = (caseId: string, step: string) => waitFor(caseId, (kase) => kase.waitingFor?.step === step);
  const tracking = (kase: View, direction: string) =>
    kase.shipments.find((s) => s.direction === direction)?.trackingNumber;
  const open = async (i: number, extra: Record<string, unknown> = {}) => {
    const { caseId } = await post('/cases', {
      customer: {
        name: 'Bench',
        email: `bench${i}@example.com`,
        address: {
          street: ['1 Bench Street'],
          postcode: '62704',
          city: 'Springfield',
          region: 'IL',
          country: 'US',
        },
      },
      device: { serial: `SN-BENCH-${i}`, model: 'Cam 3', purchaseDate: '2026-06-01' },
      problem: { description: 'Benchmark case, ignore', category: 'hardware-fault' },
      ...extra,
    });
    return caseId as string;
  };
  const happy = async (i: number) => {
    const caseId = await open(i);
    const ready = await waiting(caseId, 'Wait for device at depot');
    const delivered = { status: 'delivered', occurredAt: at() };
    await post(
      '/carrier/events',
      { eventId: `c${++eventId}`, trackingNumber: tracking(ready, 'to-depot'), ...delivered },
      carrier,
    );
    await waiting(caseId, 'Wait for depot diagnosis');
    await post(
      `/cases/${caseId}/events`,
      {
        eventId: `d${++eventId}`,
        type: 'diagnosed',
        faultCode: 'PWR-01',
        cause: 'manufacturing-defect',
        covered: true,
        occurredAt: at(),
      },
      depot,
    );
    await waiting(caseId, 'Wait for repair attempt');
    await post(
      `/cases/${caseId}/events`,
      {
        eventId: `r${++eventId}`,
        type: 'repair-attempted',
        result: 'fixed',
        faultCode: 'PWR-01',
        occurredAt: at(),
      },
      depot,
    );
    const shipping = await waiting(caseId, 'Wait for delivery to customer');
    await post(
      '/carrier/events',
      {
        eventId: `c${++eventId}`,
        trackingNumber: tracking(shipping, 'to-customer'),
        status: 'delivered',
        occurredAt: at(),
      },
      carrier,
    );
    await waitFor(caseId, (kase) => kase.status === 'closed');
    return caseId;
  };
  return {
    open,
    happy,
    waitFor,
    get reads() {
      return reads;
    },
  };
}
