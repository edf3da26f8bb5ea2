import type { Clients, StepFunctions } from './clients.ts';

/**
 * The journeys the soak drives, each as its parties would: the customer opens (with an
 * Idempotency-Key) and answers, the carrier reports the parcel, the depot and the technician report
 * their work. Each request is built once and sent again as it was whenever the cloud did not answer.
 */
export type Kind = 'depot' | 'pickup' | 'visit' | 'return';

export interface CaseRun {
  readonly index: number;
  readonly kind: Kind;
  /** The opening's Idempotency-Key, and the customer who sends it. */
  readonly key: string;
  readonly sub: string;
  /** Opened only once the cloud restarted for the last time, from the instant it listens. */
  readonly instant: boolean;
  caseId?: string;
  /** What the journey did last, for the report of a stuck one. */
  phase: string;
  finished: boolean;
  problems: string[];
  /** When each event happened, on the cloud's clock at its first sending: a retry sends the same time. */
  sentAt?: Record<string, string>;
}

/** How each journey ends: the case closed with this outcome, the execution SUCCEEDED. */
export const EXPECTED_OUTCOME: Record<Kind, string> = {
  depot: 'repaired',
  pickup: 'repaired',
  visit: 'repaired',
  return: 'refunded',
};

/** Parcels each journey's case ships (labels issued), by direction. */
export const EXPECTED_SHIPMENTS: Record<Kind, { 'to-depot': number; 'to-customer': number }> = {
  depot: { 'to-depot': 1, 'to-customer': 1 },
  pickup: { 'to-depot': 1, 'to-customer': 1 },
  visit: { 'to-depot': 0, 'to-customer': 0 },
  return: { 'to-depot': 1, 'to-customer': 0 },
};

interface CaseView {
  caseId: string;
  status: string;
  outcome?: string;
  waitingFor?: { step: string };
  shipments: { direction: 'to-depot' | 'to-customer'; trackingNumber: string }[];
  visitOffer?: { windows: { windowId: string }[] };
  visits: { visitId: string; technician: { id: string } }[];
}

export interface JourneyContext {
  api: Clients;
  sfn: StepFunctions;
  /** Called after each request a party made and the cloud answered: the soak's measure of progress. */
  progressed: () => void;
  /** How long a journey waits for a step before it is reported stuck (ms). */
  stepTimeoutMs: number;
  /** Serializes clock moves, so that two pickups do not both move the clock for the same wait. */
  clockLock: { current: Promise<void> };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const isoDaysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

function opening(run: CaseRun, pickupAt?: string) {
  const serial = `SN-SOAK-${run.key}`;
  const customer = {
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    preferredChannel: 'email',
    address: { street: ['12 Analytical Row'], postcode: 'NW1 6XE', city: 'London', country: 'GB' },
  };
  const problem = {
    description: 'Stopped powering on after the 3.1 update',
    category: 'does-not-power-on',
    symptoms: ['no LED'],
  };
  const device = (model: string, purchaseDate: string) => ({
    serial,
    model,
    purchaseDate,
    firmware: '3.1.0',
  });
  switch (run.kind) {
    case 'depot':
      return { customer, device: device('Cam 3', '2026-03-01'), problem };
    case 'pickup':
      return { customer, device: device('Cam 3', '2026-03-01'), problem, pickupAt };
    case 'visit':
      return { customer, device: device('Vision 55', '2026-03-01'), problem, preferredService: 'on-site' };
    case 'return':
      return {
        customer,
        device: device('Dock', isoDaysAgo(10)),
        problem: { description: 'Wrong dock for my model, never opened', category: 'other' },
        service: 'return',
        returnReason: 'unopened',
      };
  }
}

/** Drives one case from its opening to its end; a problem found on the way is recorded, not thrown. */
export async function drive(run: CaseRun, ctx: JourneyContext): Promise<void> {
  const { api } = ctx;
  const customer = { role: 'customer', sub: run.sub };
  const n = (what: string) => `${run.key}-${what}`;
  // An event's body is fixed at its first sending, occurredAt included: a retry is the same event. Its
  // time is the cloud's (events dated before their case opened, or in its future, are refused).
  run.sentAt ??= {};
  const sentAt = run.sentAt;
  const occurredAt = async (eventId: string) => {
    sentAt[eventId] ??= new Date(await api.clockNow()).toISOString();
    return sentAt[eventId];
  };

  const expect = (what: string, answer: { status: number; body: unknown }, ...statuses: number[]) => {
    if (!statuses.includes(answer.status))
      throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
    return answer;
  };
  const applied = (what: string, answer: { status: number; body: unknown }, also?: string) => {
    expect(what, answer, 202);
    const outcome = (answer.body as { outcome?: string }).outcome;
    // "duplicate": the first sending was applied, but its answer was cut by a kill.
    if (outcome !== undefined && outcome !== 'applied' && outcome !== 'duplicate' && outcome !== also)
      throw new Error(`${what}: outcome ${outcome}`);
    ctx.progressed();
  };

  const get = async () => {
    const answer = await api.request<CaseView>('GET', `/cases/${run.caseId}`, { as: customer });
    return expect('GET case', answer, 200).body as CaseView;
  };
  const until = async (what: string, test: (kase: CaseView) => boolean) => {
    run.phase = `waiting: ${what}`;
    const deadline = Date.now() + ctx.stepTimeoutMs;
    for (;;) {
      const kase = await get();
      if (test(kase)) return kase;
      if (Date.now() > deadline)
        throw new Error(
          `stuck: ${what} (status ${kase.status}, waiting for ${kase.waitingFor?.step ?? 'nothing'})`,
        );
      await pause(250);
    }
  };
  const waitsFor = (step: string) => until(step, (kase) => kase.waitingFor?.step === step);
  const carrier = async (trackingNumber: string, eventId: string) =>
    api.request('POST', '/carrier/events', {
      as: { role: 'carrier', sub: 'carrier@acme.example' },
      body: { eventId, trackingNumber, status: 'delivered', occurredAt: await occurredAt(eventId) },
    });
  const depot = async (event: Record<string, unknown>) =>
    api.request('POST', `/cases/${run.caseId}/events`, {
      as: { role: 'depot', sub: 'depot@acme.example' },
      body: { occurredAt: await occurredAt(String(event.eventId)), ...event },
    });
  const tracking = (kase: CaseView, direction: 'to-depot' | 'to-customer') => {
    const shipment = kase.shipments.find((candidate) => candidate.direction === direction);
    if (!shipment) throw new Error(`no ${direction} shipment`);
    return shipment.trackingNumber;
  };

  try {
    run.phase = 'opening';
    let pickupAt: string | undefined;
    if (run.kind === 'pickup') pickupAt = new Date((await api.clockNow()) + 10 * 60_000).toISOString();
    const opened = expect(
      'opening',
      await api.request<{ caseId: string }>('POST', '/cases', {
        as: customer,
        body: opening(run, pickupAt),
        headers: { 'idempotency-key': run.key },
      }),
      201,
      200,
    );
    run.caseId = (opened.body as { caseId: string }).caseId;
    ctx.progressed();

    if (run.kind === 'pickup') {
      // The Wait keeps its timestamp across kills; the clock is moved past it once the case waits there.
      run.phase = 'waiting: Wait until carrier pickup';
      const deadline = Date.now() + ctx.stepTimeoutMs;
      for (;;) {
        const names = (await ctx.sfn.history(run.caseId))
          .map((event) => event.stateEnteredEventDetails?.name)
          .filter(Boolean);
        if (names.includes('Wait until carrier pickup')) break;
        if (Date.now() > deadline) throw new Error('stuck: never waited for the carrier pickup');
        await pause(250);
      }
      const moved = ctx.clockLock.current.then(async () => {
        if ((await api.clockNow()) < Date.parse(pickupAt as string)) await api.advanceClock(11 * 60_000);
      });
      ctx.clockLock.current = moved.catch(() => {});
      await moved;
    }

    if (run.kind === 'visit') {
      const offered = await waitsFor('Wait for visit booking');
      const windowId = offered.visitOffer?.windows[0]?.windowId;
      run.phase = 'booking';
      applied(
        'booking',
        await api.request('POST', `/cases/${run.caseId}/visits`, {
          as: customer,
          body: { bookingId: n('book'), windowId },
        }),
      );
      const booked = await waitsFor('Wait for visit');
      const visit = booked.visits.at(-1);
      if (!visit) throw new Error('no visit booked');
      const technician = { role: 'technician', sub: visit.technician.id };
      const path = `/cases/${run.caseId}/visits/${visit.visitId}/events`;
      for (const [what, event] of [
        ['check-in', { type: 'checked-in' }],
        ['outcome', { type: 'outcome', result: 'fixed', faultCode: 'TV-PWR' }],
        ['sign-off', { type: 'signed-off', accepted: true, signedBy: 'Ada Lovelace' }],
      ] as const) {
        run.phase = what;
        // A check-in and an outcome are recorded on the visit; the sign-off resumes the workflow.
        applied(
          what,
          await api.request('POST', path, {
            as: technician,
            body: { eventId: n(what), occurredAt: await occurredAt(n(what)), ...event },
          }),
          what === 'sign-off' ? undefined : 'recorded',
        );
      }
    } else {
      const waiting = await waitsFor('Wait for device at depot');
      run.phase = 'delivered to the depot';
      applied('delivered to the depot', await carrier(tracking(waiting, 'to-depot'), n('in')));
      if (run.kind !== 'return') {
        await waitsFor('Wait for depot diagnosis');
        run.phase = 'diagnosis';
        applied(
          'diagnosis',
          await depot({
            eventId: n('diag'),
            type: 'diagnosed',
            faultCode: 'PWR-01',
            cause: 'manufacturing-defect',
            covered: true,
          }),
        );
        await waitsFor('Wait for repair attempt');
        run.phase = 'repair';
        applied(
          'repair',
          await depot({
            eventId: n('repair'),
            type: 'repair-attempted',
            result: 'fixed',
            faultCode: 'PWR-01',
          }),
        );
        const shipping = await waitsFor('Wait for delivery to customer');
        run.phase = 'delivered to the customer';
        applied('delivered to the customer', await carrier(tracking(shipping, 'to-customer'), n('out')));
      }
    }

    await until(
      'closed, asking for the survey',
      (k) => k.status === 'closed' && k.waitingFor?.step === 'Wait for survey answer',
    );
    run.phase = 'survey';
    applied(
      'survey',
      await api.request('POST', `/cases/${run.caseId}/survey`, {
        as: customer,
        body: { answerId: n('survey'), met: true },
      }),
    );

    run.phase = 'waiting: the execution to end';
    const deadline = Date.now() + ctx.stepTimeoutMs;
    for (;;) {
      const { status } = await ctx.sfn.describe(run.caseId);
      if (status !== 'RUNNING') break;
      if (Date.now() > deadline) throw new Error('stuck: the execution never ended after the survey');
      await pause(250);
    }
    run.phase = 'done';
  } catch (error) {
    run.problems.push(`${run.phase}: ${(error as Error).message}`);
  } finally {
    run.finished = true;
  }
}
