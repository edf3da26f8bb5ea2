import { CaseStatus } from './case.ts';
import type { BrandPolicy } from './policy.ts';
import type { CaseEvent } from './schemas.ts';

/**
 * Every step of the journey that waits for someone, declared once. The workflow construct builds its
 * waiting states from this table (lib/constructs/case-workflow.ts), the case's inbox knows from it
 * which events a case can still take (event-inbox.ts), and the tests read it too.
 */

/**
 * The deadlines a case's workflow runs with: the brand's SLAs and its survey window, in seconds; and,
 * once a person has the case, how long they have to decide (the step that hands it over sets it).
 */
export type WorkflowSla = BrandPolicy['sla'] & {
  readonly surveySeconds: number;
  readonly decisionSeconds?: number;
};
export type SlaKey = keyof WorkflowSla;

export interface Wait {
  /** The state's name in the workflow, as a customer would describe the step. */
  readonly state: string;
  /** The events that resume it. */
  readonly events: readonly CaseEvent['type'][];
  /** How long it waits: a deadline of the brand's, or one a step before it computed (a JSONPath). */
  readonly deadline: SlaKey | `$.${string}`;
  /** Where the workflow keeps the event that resumed it, for the step after it. */
  readonly keepAt: `$.${string}`;
  /**
   * What passing the deadline means: the case escalates one level ("what" did not happen in time),
   * a step of its own handles it (a reminder, silence recorded), or, for a wait on the customer, the
   * customer is reminded (see {@link RemindCustomer}).
   */
  readonly onDeadline:
    | { readonly escalate: string }
    | { readonly run: 'visitTimer' | 'recordNoSurveyAnswer' }
    | RemindCustomer;
  /** The case statuses in which this wait is current or still to come: its events are kept until then. */
  readonly awaitedWhile: readonly CaseStatus[];
}

/**
 * A wait on the customer (issue 12, journey 15): their silence is not the brand's staff's fault, so its
 * deadline does not escalate. The customer is reminded ("what" did not happen in time) with the step,
 * the new deadline and what happens then; the wait goes on for the brand's grace period
 * (`customerGraceSeconds`); still nothing, and the case closes with a published reason (`thenClose`,
 * shipping the device back first if the depot has it), or a person takes it over (`thenHandOver`, when
 * closing would leave something undone). An event during the grace period resumes the journey as usual.
 */
export type RemindCustomer = {
  readonly remindCustomer: string;
  /**
   * The wait is on the customer only until the carrier has the parcel: once a scan shows it moving, the
   * deadline escalates as this says, as any wait on the brand does.
   */
  readonly escalateOnceMoving?: string;
} & ({ readonly thenClose: string } | { readonly thenHandOver: string });

/** Every status but closed: a person's decision or a customer's answer to an offer can be due in any of them. */
const OPEN: readonly CaseStatus[] = CaseStatus.options.filter((status) => status !== 'closed');

export const WAITS = {
  arrival: {
    state: 'Wait for device at depot',
    // A carrier's exception (lost, damaged, returned) ends the wait too: a person has it at once.
    events: ['received', 'delivered-to-depot', 'parcel-exception'],
    deadline: 'arrivalSeconds',
    keepAt: '$.arrival',
    onDeadline: {
      remindCustomer: 'the device was not sent',
      thenClose: 'DEVICE-NOT-SENT',
      escalateOnceMoving: 'the device did not reach the depot',
    },
    awaitedWhile: ['opened', 'awaiting-arrival'],
  },
  diagnosis: {
    state: 'Wait for depot diagnosis',
    events: ['diagnosed'],
    deadline: 'diagnosisSeconds',
    keepAt: '$.diagnosis',
    onDeadline: { escalate: 'the depot did not diagnose the device' },
    awaitedWhile: ['opened', 'awaiting-arrival', 'at-depot'],
  },
  estimate: {
    state: 'Wait for estimate answer',
    events: ['estimate-answered'],
    deadline: 'estimateAnswerSeconds',
    keepAt: '$.answer',
    onDeadline: { remindCustomer: 'the estimate was not answered', thenClose: 'ESTIMATE-NOT-ANSWERED' },
    awaitedWhile: ['awaiting-estimate-answer'],
  },
  repair: {
    state: 'Wait for repair attempt',
    events: ['repair-attempted'],
    deadline: 'repairSeconds',
    keepAt: '$.attempt',
    onDeadline: { escalate: 'the depot did not report the repair' },
    awaitedWhile: ['opened', 'awaiting-arrival', 'at-depot', 'awaiting-estimate-answer', 'in-repair'],
  },
  delivery: {
    state: 'Wait for delivery to customer',
    events: ['delivered-to-customer', 'parcel-exception'],
    deadline: 'deliverySeconds',
    keepAt: '$.delivery',
    onDeadline: { escalate: 'the device was not delivered' },
    awaitedWhile: ['replacement-ordered', 'shipping-to-customer'],
  },
  booking: {
    state: 'Wait for visit booking',
    events: ['visit-booked'],
    deadline: 'bookingSeconds',
    keepAt: '$.booking',
    onDeadline: { remindCustomer: 'no visit window was chosen', thenClose: 'VISIT-NOT-BOOKED' },
    awaitedWhile: ['awaiting-visit-booking'],
  },
  // Its timer goes off the day before (a reminder) and after the window plus grace (a missed visit).
  visit: {
    state: 'Wait for visit',
    events: ['visit-signed-off', 'visit-no-show'],
    deadline: '$.visitTimer.visitSeconds',
    keepAt: '$.visitEnd',
    onDeadline: { run: 'visitTimer' },
    awaitedWhile: ['visit-booked'],
  },
  custody: {
    state: 'Wait for customer-owned parts',
    events: ['custody-changed'],
    deadline: 'custodySeconds',
    keepAt: '$.custodyChange',
    onDeadline: { escalate: 'the customer’s parts were not returned, destroyed on their choice or released' },
    awaitedWhile: ['settling-custody'],
  },
  // The workflow could not go on by itself: the person who has the case decides how it does (P7).
  decision: {
    state: 'Wait for a person’s decision',
    events: ['person-decided'],
    deadline: 'decisionSeconds',
    keepAt: '$.personDecision',
    onDeadline: { escalate: 'no one decided how the case goes on' },
    awaitedWhile: [...OPEN, 'closed'],
  },
  // A person offered another model than like-for-like or better: only the customer can accept it (P4).
  offer: {
    state: 'Wait for the customer’s answer to the offer',
    events: ['offer-answered'],
    deadline: 'estimateAnswerSeconds',
    keepAt: '$.offerAnswer',
    onDeadline: { remindCustomer: 'the offer was not answered', thenClose: 'OFFER-NOT-ANSWERED' },
    awaitedWhile: OPEN,
  },
  // Before anything is shipped to the customer or a technician is sent, when no address is known
  // (issue 12, journey 7). The device may be at the depot: a silent customer's case goes to a person.
  address: {
    state: 'Wait for the customer’s address',
    events: ['address-given'],
    deadline: 'addressSeconds',
    keepAt: '$.addressGiven',
    onDeadline: {
      remindCustomer: 'no address was given',
      thenHandOver: 'The customer gave no address to send the device or a technician to, despite a reminder.',
    },
    awaitedWhile: OPEN,
  },
  // After resolution the customer may say whether their needs were met; silence is recorded, not escalated.
  survey: {
    state: 'Wait for survey answer',
    events: ['survey-answered'],
    deadline: 'surveySeconds',
    keepAt: '$.survey',
    onDeadline: { run: 'recordNoSurveyAnswer' },
    awaitedWhile: ['closed'],
  },
  // Needs not met: the named owner follows up within the brand's deadline, or it climbs the ladder (P10).
  followUp: {
    state: 'Wait for the follow-up',
    events: ['follow-up-closed'],
    deadline: 'followUpSeconds',
    keepAt: '$.followUpOutcome',
    onDeadline: { escalate: 'the follow-up was not done' },
    awaitedWhile: ['closed'],
  },
} as const satisfies Record<string, Wait>;

export type WaitName = keyof typeof WAITS;

/** The declared wait of a workflow state, if it is one. */
export function waitNamed(state: string): Wait | undefined {
  const waits: readonly Wait[] = Object.values(WAITS);
  return waits.find((wait) => wait.state === state);
}

/**
 * Events no step waits for. A depot's "shipped" is kept while the device may still leave the depot;
 * custody events change the ledger, never the workflow (each change nudges the custody wait instead).
 */
const UNWAITED: Partial<Record<CaseEvent['type'], readonly CaseStatus[]>> = {
  shipped: ['in-repair', 'replacement-ordered', 'shipping-to-customer'],
};

/** Whether any step of the workflow waits for this kind of event. */
export function isAwaited(type: CaseEvent['type']): boolean {
  const waits: readonly Wait[] = Object.values(WAITS);
  return waits.some((wait) => wait.events.includes(type));
}

/** The statuses in which an event is expected now or later; anywhere else it makes no sense. */
export function awaitedWhile(type: CaseEvent['type']): readonly CaseStatus[] {
  const waits: readonly Wait[] = Object.values(WAITS);
  const statuses = waits.filter((wait) => wait.events.includes(type)).flatMap((wait) => wait.awaitedWhile);
  return [...new Set([...statuses, ...(UNWAITED[type] ?? [])])];
}

/**
 * The events a case takes now, for a person's screen to offer (issue 16): those the step it waits at
 * resumes on, those no step waits for that its status allows (a depot's "shipped"), and a part removed
 * from the device while the case is open. An event kept for a later step is never offered early.
 */
export function takenNow(status: CaseStatus, waitingStep: string | undefined): string[] {
  const waiting: readonly string[] = waitingStep ? (waitNamed(waitingStep)?.events ?? []) : [];
  const unwaited = Object.entries(UNWAITED)
    .filter(([, statuses]) => statuses.includes(status))
    .map(([type]) => type);
  const custody = status === 'closed' ? [] : ['part-removed'];
  return [...new Set([...waiting, ...unwaited, ...custody])];
}
