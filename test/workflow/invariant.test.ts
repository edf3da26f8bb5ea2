import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WAITS } from '../../functions/domain/waits.ts';
import type { LocalCloud } from '../../local/cloud.ts';
import { LOCAL_CREDENTIALS } from '../../local/dynamo.ts';
import { REGION } from '../../local/template.ts';
import { ApiClient, nextId, opening } from '../support/api.ts';
import { startTestCloud } from '../support/cloud.ts';
import { type CaseView, isoDaysAgo } from '../support/journey.ts';

/**
 * No dead ends, as an invariant (issue 12): random sequences of everything that can happen to a case —
 * carrier scans and exceptions, depot reports, customer answers, escalations, a person's decisions,
 * events early, late, twice and out of order, clock jumps past deadlines — through the real API and
 * the real synthesized workflow. After every step, once the workflow has settled:
 * - an open case waits on a declared step with a deadline, or sits with a named person with a due time,
 *   and the customer's last notice names that step or person;
 * - no execution of the case is FAILED, TIMED_OUT or ABORTED, and none runs without a wait while the
 *   case is open;
 * - a closed case never escalates by itself, and its customer hears nothing after closing but the
 *   survey and its follow-up (a complaint, which reopens the case, is a new conversation).
 *
 * `FAIRFIX_INVARIANT_RUNS` (default 4) sets how many cases; `npm run invariant` runs a longer search.
 * In `npm test` the 4 journeys are the same every time (seed 20261204), so that a red CI names a change,
 * not a draw; `npm run invariant` draws new journeys on every run, and `FAIRFIX_INVARIANT_SEED` replays
 * one (with the same runs and steps: `FAIRFIX_INVARIANT_SEED=1602323090 npm run invariant`). Found by a
 * draw (December 2026) and fixed: seed 1602323090, journey 28 — a complaint on a closed case took the
 * case's wait while the main execution still waited for the survey answer, which then never reached it
 * (it ended at the survey window's deadline instead). A case now holds one wait per execution
 * (functions/domain/event-inbox.ts); test/workflow/no-dead-ends.test.ts replays the journey in short.
 */
const RUNS = Number(process.env.FAIRFIX_INVARIANT_RUNS ?? 4);
const STEPS = Number(process.env.FAIRFIX_INVARIANT_STEPS ?? 14);
const SEED = process.env.FAIRFIX_INVARIANT_SEED
  ? Number(process.env.FAIRFIX_INVARIANT_SEED)
  : process.env.FAIRFIX_INVARIANT_RUNS
    ? undefined
    : 20261204;

const HOUR = 3_600_000;
const WAIT_STATES = new Set<string>(Object.values(WAITS).map((wait) => wait.state));

let cloud: LocalCloud;
let sfn: SFNClient;
let customer: ApiClient;
let agent: ApiClient;
let depot: ApiClient;
let carrier: ApiClient;

beforeAll(async () => {
  cloud = await startTestCloud();
  sfn = new SFNClient({ endpoint: cloud.urls.stepFunctions, region: REGION, credentials: LOCAL_CREDENTIALS });
  customer = ApiClient.as(cloud, 'acme', 'customer', 'invariant-customer');
  agent = ApiClient.as(cloud, 'acme', 'agent');
  depot = ApiClient.as(cloud, 'acme', 'depot');
  carrier = ApiClient.as(cloud, 'acme', 'carrier');
});
afterAll(() => cloud?.stop());

type Action =
  | {
      kind: 'carrier';
      direction: 'to-depot' | 'to-customer';
      status: 'in-transit' | 'delivered' | 'exception';
    }
  | {
      kind: 'carrier-exception';
      direction: 'to-depot' | 'to-customer';
      problem: 'lost' | 'damaged' | 'returned-to-sender';
    }
  | { kind: 'received' }
  | {
      kind: 'diagnosed';
      cause: 'manufacturing-defect' | 'liquid-damage' | 'unknown' | 'wear';
      covered: boolean;
    }
  | { kind: 'repair'; fixed: boolean }
  | { kind: 'estimate'; approved: boolean }
  | { kind: 'escalate'; by: 'customer' | 'agent' }
  | { kind: 'decide'; action: 'resume' | 'close' | 'refund' | 'replace' }
  | { kind: 'survey'; met: boolean }
  | { kind: 'follow-up' }
  | { kind: 'book' }
  | {
      kind: 'visit';
      report: 'checked-in' | 'fixed' | 'not-fixed' | 'botched' | 'accepted' | 'disputed' | 'no-show';
    }
  | { kind: 'custody'; data: 'return' | 'destroy' }
  | { kind: 'clock'; hours: number }
  | { kind: 'repeat' }
  | { kind: 'progress' };

const direction = fc.constantFrom('to-depot' as const, 'to-customer' as const);
const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('carrier' as const),
      direction,
      status: fc.constantFrom('in-transit' as const, 'delivered' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('carrier-exception' as const),
      direction,
      problem: fc.constantFrom('lost' as const, 'damaged' as const, 'returned-to-sender' as const),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'received' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('diagnosed' as const),
      cause: fc.constantFrom(
        'manufacturing-defect' as const,
        'liquid-damage' as const,
        'unknown' as const,
        'wear' as const,
      ),
      covered: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('repair' as const), fixed: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('estimate' as const), approved: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('escalate' as const),
      by: fc.constantFrom('customer' as const, 'agent' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('decide' as const),
      action: fc.constantFrom('resume' as const, 'close' as const, 'refund' as const, 'replace' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('survey' as const), met: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'follow-up' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'book' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('visit' as const),
      report: fc.constantFrom(
        'checked-in' as const,
        'fixed' as const,
        'not-fixed' as const,
        'botched' as const,
        'accepted' as const,
        'disputed' as const,
        'no-show' as const,
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('custody' as const),
      data: fc.constantFrom('return' as const, 'destroy' as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('clock' as const),
      hours: fc.integer({ min: 1, max: 24 * 20 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'repeat' as const }) },
  // What the case waits for now, as its party would send it: so journeys get deep, not only sideways.
  { weight: 6, arbitrary: fc.constant({ kind: 'progress' as const }) },
);

/** The kinds of case a brand sees: covered, out of warranty (an estimate), a return, one dead on arrival. */
const kind = fc.constantFrom('covered', 'out-of-warranty', 'return', 'dead-on-arrival', 'home-visit');

function openingOf(caseKind: string) {
  const today = cloud.clock.now();
  if (caseKind === 'out-of-warranty') return opening({ purchaseDate: isoDaysAgo(today, 365 * 4) });
  if (caseKind === 'return')
    return { ...opening({ purchaseDate: isoDaysAgo(today, 5) }), service: 'return', returnReason: 'unfit' };
  if (caseKind === 'dead-on-arrival')
    return {
      ...opening({ purchaseDate: isoDaysAgo(today, 3) }),
      problem: {
        description: 'Never powered on out of the box',
        category: 'does-not-power-on',
        deadOnArrival: true,
      },
    };
  if (caseKind === 'home-visit')
    return {
      ...opening({ model: 'Vision 55', purchaseDate: isoDaysAgo(today, 100) }),
      preferredService: 'on-site',
    };
  return opening({ purchaseDate: isoDaysAgo(today, 100) });
}

interface Run {
  caseId: string;
  last?: { client: ApiClient; path: string; body: object };
  closedAt?: { notices: number; level: number };
  log: string[];
}

const view = async (caseId: string) =>
  (await agent.get<CaseView & Record<string, unknown>>(`/cases/${caseId}`)).body;
const now = () => new Date(cloud.clock.now()).toISOString();

/** The action that answers the step the case waits on now, as the party it waits for would. */
function progressOf(kase: CaseView): Action {
  const visit = (kase.visits as { status: string }[]).at(-1);
  const byStep: Record<string, Action> = {
    'Wait for device at depot': { kind: 'carrier', direction: 'to-depot', status: 'delivered' },
    'Wait for depot diagnosis': { kind: 'diagnosed', cause: 'manufacturing-defect', covered: true },
    'Wait for estimate answer': { kind: 'estimate', approved: true },
    'Wait for repair attempt': { kind: 'repair', fixed: true },
    'Wait for delivery to customer': { kind: 'carrier', direction: 'to-customer', status: 'delivered' },
    'Wait for visit booking': { kind: 'book' },
    'Wait for visit': { kind: 'visit', report: visit?.status === 'reported' ? 'accepted' : 'fixed' },
    'Wait for survey answer': { kind: 'survey', met: false },
    'Wait for a person’s decision': { kind: 'decide', action: 'resume' },
    'Wait for the follow-up': { kind: 'follow-up' },
    'Wait for customer-owned parts': { kind: 'custody', data: 'return' },
  };
  return byStep[kase.waitingFor?.step ?? ''] ?? { kind: 'clock', hours: 1 };
}

/** Sends what the action says, to whatever the case has now; returns what was sent, to repeat it. */
async function perform(run: Run, wanted: Action, kase: CaseView): Promise<void> {
  const step = wanted.kind === 'progress' ? progressOf(kase) : wanted;
  const send = async (client: ApiClient, path: string, body: object) => {
    run.last = { client, path, body };
    const response = await client.post(path, body);
    run.log.push(`${step.kind} ${JSON.stringify(body)} → ${response.status}`);
    expect(response.status, `${path} ${JSON.stringify(body)}: ${JSON.stringify(response.body)}`).toBeLessThan(
      500,
    );
  };
  const events = `/cases/${run.caseId}/events`;
  const shipment = (dir: string) => kase.shipments.filter((s) => s.direction === dir).at(-1);
  switch (step.kind) {
    case 'carrier':
    case 'carrier-exception': {
      const parcel = shipment(step.direction);
      if (!parcel) return;
      const status = step.kind === 'carrier' ? step.status : 'exception';
      const problem = step.kind === 'carrier-exception' ? { problem: step.problem } : {};
      return send(carrier, '/carrier/events', {
        eventId: nextId('c'),
        trackingNumber: parcel.trackingNumber,
        status,
        occurredAt: now(),
        ...problem,
      });
    }
    case 'received':
      return send(depot, events, { eventId: nextId('d'), type: 'received', occurredAt: now() });
    case 'diagnosed':
      return send(depot, events, {
        eventId: nextId('d'),
        type: 'diagnosed',
        occurredAt: now(),
        faultCode: 'PWR-01',
        cause: step.cause,
        covered: step.covered,
        ...(step.covered ? {} : { estimate: [{ description: 'Power board', amountMinor: 12_000 }] }),
      });
    case 'repair':
      return send(depot, events, {
        eventId: nextId('d'),
        type: 'repair-attempted',
        occurredAt: now(),
        result: step.fixed ? 'fixed' : 'not-fixed',
        faultCode: 'PWR-01',
      });
    case 'estimate':
      return send(customer, `/cases/${run.caseId}/approvals`, {
        answerId: nextId('a'),
        approved: step.approved,
      });
    case 'escalate':
      return send(step.by === 'customer' ? customer : agent, `/cases/${run.caseId}/escalations`, {
        escalationId: nextId('e'),
        reason: 'Nothing has happened for too long',
      });
    case 'decide': {
      const decision =
        step.action === 'close'
          ? { action: 'close', reasonCode: 'RESOLVED-BY-AGREEMENT' }
          : step.action === 'refund'
            ? { action: 'refund', price: 'list' }
            : { action: step.action };
      return send(agent, `/cases/${run.caseId}/handover/decisions`, { decisionId: nextId('p'), ...decision });
    }
    case 'survey':
      return send(customer, `/cases/${run.caseId}/survey`, { answerId: nextId('s'), met: step.met });
    case 'follow-up':
      return send(agent, `/cases/${run.caseId}/follow-up/outcomes`, {
        outcomeId: nextId('f'),
        outcome: 'Called the customer and agreed a goodwill gesture',
      });
    case 'book': {
      const offer = kase.visitOffer as { windows: { windowId: string }[] } | undefined;
      const window = offer?.windows[0];
      if (!window) return;
      return send(customer, `/cases/${run.caseId}/visits`, {
        bookingId: nextId('b'),
        windowId: window.windowId,
      });
    }
    case 'visit': {
      const visit = (kase.visits as { visitId: string; technician: { id: string } }[]).at(-1);
      if (!visit) return;
      const technician = ApiClient.as(cloud, 'acme', 'technician', visit.technician.id);
      const base = { eventId: nextId('v'), occurredAt: now() };
      const report =
        step.report === 'accepted' || step.report === 'disputed'
          ? { type: 'signed-off', accepted: step.report === 'accepted', signedBy: 'Ada Lovelace' }
          : step.report === 'checked-in' || step.report === 'no-show'
            ? { type: step.report }
            : { type: 'outcome', result: step.report, faultCode: 'PWR-01' };
      return send(technician, `/cases/${run.caseId}/visits/${visit.visitId}/events`, { ...base, ...report });
    }
    case 'custody':
      return send(customer, `/cases/${run.caseId}/custody/choices`, {
        choiceId: nextId('k'),
        parts: 'return',
        data: step.data,
      });
    case 'clock':
      run.log.push(`clock +${step.hours} h`);
      await cloud.clock.advance(step.hours * HOUR);
      return;
    case 'progress':
      return;
    case 'repeat':
      if (!run.last) return;
      run.log.push(`repeat ${run.last.path}`);
      return send(run.last.client, run.last.path, run.last.body).then(() => undefined);
  }
}

async function executionsOf(caseId: string) {
  const machine = cloud.model.stateMachines[0]?.arn as string;
  const { executions = [] } = await sfn.send(
    new ListExecutionsCommand({ stateMachineArn: machine, maxResults: 1000 }),
  );
  return executions.filter((execution) => execution.name?.startsWith(caseId));
}

/**
 * Until the workflow has nothing left to do by itself: every execution of the case has ended, or the
 * case waits on a step and has not changed for a moment.
 */
async function settled(run: Run): Promise<CaseView & Record<string, unknown>> {
  const until = Date.now() + 15_000;
  let previous = '';
  while (Date.now() < until) {
    const kase = await view(run.caseId);
    const running = (await executionsOf(run.caseId)).some((execution) => execution.status === 'RUNNING');
    const fingerprint = JSON.stringify([kase.version, kase.status, kase.waitingFor, running]);
    if (fingerprint === previous && (!running || kase.waitingFor)) return kase;
    previous = fingerprint;
    await new Promise((resolve) => setTimeout(resolve, 120));
  }
  throw new Error(
    `${run.caseId} did not settle: it runs without waiting on any step.\n${run.log.join('\n')}`,
  );
}

async function checkInvariant(run: Run, kase: CaseView & Record<string, unknown>) {
  const what = `${run.caseId} (${kase.status}, waiting ${kase.waitingFor?.step ?? 'on nothing'})\n${run.log.join('\n')}`;
  const executions = await executionsOf(run.caseId);
  for (const execution of executions)
    expect(['RUNNING', 'SUCCEEDED'], `${execution.name} is ${execution.status}: ${what}`).toContain(
      execution.status,
    );
  const notices = kase.notifications as { text: string }[];
  const last = notices.at(-1)?.text ?? '';
  const handover = kase.handover as { status: string; owner: { name: string }; due: string } | undefined;

  if (kase.status !== 'closed') {
    // Open: waits on a declared step with a deadline, or a named person has it with a due time.
    const waiting = kase.waitingFor?.step;
    const withPerson = handover?.status === 'open' && Boolean(handover.due);
    expect(
      waiting !== undefined && WAIT_STATES.has(waiting),
      `an open case waits on a declared step: ${what}`,
    ).toBe(true);
    expect(
      executions.some((execution) => execution.status === 'RUNNING'),
      `an open case has a running workflow: ${what}`,
    ).toBe(true);
    expect(Boolean(kase.nextStep?.deadline) || withPerson, `a deadline or a person's due time: ${what}`).toBe(
      true,
    );
    // The customer's last notice names that step, or the person who has the case.
    // The customer's last notice names the step the case really waits on next, or the person who has it.
    const named =
      handover?.status === 'open'
        ? last.includes(handover.owner.name)
        : last.includes(`Next: ${kase.nextStep.name}`);
    expect(
      named,
      `the last notice ("${last}") names "${kase.nextStep.name}"${handover?.status === 'open' ? ` or ${handover.owner.name}` : ''}: ${what}`,
    ).toBe(true);
    run.closedAt = undefined;
  } else {
    run.closedAt ??= { notices: notices.length, level: Number(kase.escalationLevel) };
    // Closed: no escalation by itself, but for an overdue follow-up (which climbs, issue 12 journey 3);
    // and nothing for the customer but the survey, its acknowledgement and the follow-up.
    const followUp = kase.followUp as { status: string } | undefined;
    if (!followUp)
      expect(Number(kase.escalationLevel), `a closed case does not climb: ${what}`).toBe(run.closedAt.level);
    for (const notice of notices.slice(run.closedAt.notices))
      expect(notice.text, `after closing, only the survey and its follow-up: ${what}`).toMatch(
        /needs|survey|follow|thank you for telling us/i,
      );
  }
}

describe('no dead ends (issue 12): an invariant over random journeys', () => {
  it(
    'holds after every step of every journey',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          kind,
          fc.array(action, { minLength: 4, maxLength: STEPS }),
          async (caseKind, steps) => {
            const opened = await customer.post('/cases', openingOf(caseKind));
            expect(opened.status, JSON.stringify(opened.body)).toBe(201);
            const run: Run = { caseId: String(opened.body.caseId), log: [`open ${caseKind}`] };
            let kase = await settled(run);
            await checkInvariant(run, kase);
            for (const step of steps) {
              await perform(run, step, kase);
              kase = await settled(run);
              await checkInvariant(run, kase);
            }
          },
        ),
        { numRuns: RUNS, endOnFailure: true, ...(SEED === undefined ? {} : { seed: SEED }) },
      );
    },
    RUNS * STEPS * 4_000 + 30_000,
  );
});
