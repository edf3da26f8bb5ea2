import * as z from 'zod';
import type { Case, Shipment } from '../domain/case.ts';
import { packParts, settleCustody } from '../domain/custody.ts';
import { customerOverdue, needAddress } from '../domain/customer-waits.ts';
import { ConflictError, ReplacementUnavailableError } from '../domain/errors.ts';
import { escalateOverdue, overdueEscalationId } from '../domain/escalation.ts';
import { applySurveyAnswer, closeCase, recordNoSurveyAnswer } from '../domain/follow-up.ts';
import { applyDiagnosis, applyEstimateAnswer } from '../domain/good-faith.ts';
import {
  answerOffer,
  applyDecision,
  keepWithPerson,
  needsNewLabel,
  parcelProblem,
  secondsToDecide,
  stepFailed,
} from '../domain/handover.ts';
import { planCase } from '../domain/intake.ts';
import type { BrandPolicy } from '../domain/policy.ts';
import { applyRepairAttempt, diagnosedAgain } from '../domain/repairs.ts';
import { orderReplacement, replacementFor } from '../domain/replacement.ts';
import { refundReturn } from '../domain/returns.ts';
import { caseEventOf } from '../domain/schemas.ts';
import {
  addShipment,
  labelledShipment,
  nextAttempt,
  recordArrival,
  shipmentLeg,
} from '../domain/shipping.ts';
import { bookVisit, endVisit, offerVisit, visitTimer } from '../domain/visits.ts';
import { waitNamed } from '../domain/waits.ts';
import { type Change, changeCase } from './change-case.ts';
import type { Deps } from './deps.ts';
import { announceReport, applyKnownIssue } from './known-issues.ts';
import { casePolicy } from './policies.ts';
import { WaitInput, waitAfter } from './waiting.ts';

/**
 * The workflow's steps (functions/case-step): each reads the case, makes one decision of the domain,
 * saves it, and answers the workflow what comes next. What a step is handed is typed per step: the
 * event that resumed the wait before it, or the wait whose deadline passed.
 */

const step = <const Name extends string>(name: Name) =>
  z.object({ brand: z.string(), caseId: z.string(), step: z.literal(name) });

/** A waiting step whose deadline passed, as the workflow names it. */
const Overdue = z.object({ step: z.string(), what: z.string(), enteredAt: z.string(), slaKey: z.string() });

/**
 * Why the workflow hands a case to a person: the state it stopped at, and the error that stopped it
 * after its retries (as Step Functions' Catch names it), or the carrier's report of a parcel problem.
 * With neither, the case says why (a complaint, a declined offer).
 */
const Why = z.object({
  state: z.string(),
  failure: z.object({ Error: z.string(), Cause: z.string().optional() }).optional(),
  event: caseEventOf('parcel-exception').optional(),
});

const DeliveryEvent = z.union([caseEventOf('delivered-to-customer'), caseEventOf('parcel-exception')]);

/** Shipping's answer to its own wait when it had no address to ship to: nothing is on its way. */
const NoAddress = z.object({ known: z.literal(false), purpose: z.literal('ship-back') });

/** Every step and what the workflow hands it; the case-step function validates its input with this. */
export const StepInput = z.discriminatedUnion('step', [
  step('plan'),
  /** With a wait, the step then waits for the parcel's arrival, registered in the same save (issue 13). */
  step('shipToDepot').extend({ wait: WaitInput.optional() }),
  /** Handed the event that ended the arrival's wait (a workflow started before it was, none). */
  step('recordArrival').extend({
    event: z
      .union([caseEventOf('received'), caseEventOf('delivered-to-depot'), caseEventOf('parcel-exception')])
      .optional(),
  }),
  step('refund'),
  step('applyDiagnosis').extend({ event: caseEventOf('diagnosed') }),
  step('applyEstimateAnswer').extend({ event: caseEventOf('estimate-answered') }),
  step('applyRepairAttempt').extend({ event: caseEventOf('repair-attempted') }),
  step('orderReplacement'),
  /**
   * With a wait, the step then waits for the delivery, registered in the same save; with no address to
   * ship to, it answers that wait itself at once (`{ address }`), for the workflow to ask the customer.
   */
  step('shipToCustomer').extend({ wait: WaitInput.optional() }),
  step('offerVisit'),
  step('bookVisit').extend({ event: caseEventOf('visit-booked') }),
  step('visitTimer'),
  step('endVisit').extend({
    event: z.union([caseEventOf('visit-signed-off'), caseEventOf('visit-no-show')]),
  }),
  step('visitOverdue'),
  /** Only for workflows started before closing settled the customer's parts itself. */
  step('settleCustody'),
  /**
   * After the delivery to the customer, handed what ended its wait: the carrier's event, or shipping's own
   * answer that there was no address to ship to. (`event` alone: a workflow started before shipping waited.)
   * With a wait, the step then waits for the survey's answer, registered in the same save, when it closed
   * the case and the customer is asked; otherwise it answers that wait itself with its decision (`{ next }`).
   */
  step('close').extend({
    event: DeliveryEvent.optional(),
    delivery: z.object({ event: DeliveryEvent.optional(), address: NoAddress.optional() }).optional(),
    wait: WaitInput.optional(),
  }),
  /** With a wait, the step then waits for the follow-up a "no" opens; with none owed, it answers it itself. */
  step('applySurveyAnswer').extend({ event: caseEventOf('survey-answered'), wait: WaitInput.optional() }),
  step('recordNoSurveyAnswer'),
  /** Its answer is the workflow's new SLA map: the overdue step waits again with the new owner's deadline. */
  step('escalateOverdue').extend({ overdue: Overdue, sla: z.record(z.string(), z.number()) }),
  /**
   * A wait on the customer whose deadline passed: its answer says where the workflow goes (wait again,
   * close, ship the device back, a person), with the workflow's new SLA map for the wait.
   */
  step('customerOverdue').extend({
    overdue: Overdue.pick({ step: true, what: true, enteredAt: true }),
    sla: z.record(z.string(), z.number()),
  }),
  /** Before a parcel to the customer or a technician's visit: is there an address to go to? */
  step('checkAddress').extend({ for: z.enum(['ship-back', 'visit']) }),
  /** Its answer is the workflow's new SLA map, with how long the person has to decide. */
  step('handToPerson').extend({ why: Why, enteredAt: z.string(), sla: z.record(z.string(), z.number()) }),
  step('applyPersonDecision').extend({ event: caseEventOf('person-decided') }),
  step('applyOfferAnswer').extend({ event: caseEventOf('offer-answered') }),
]);
export type StepInput = z.infer<typeof StepInput>;
export type StepName = StepInput['step'];

type Step<Name extends StepName> = (
  kase: Case,
  deps: Deps,
  input: Extract<StepInput, { step: Name }>,
  /** The policy the case is handled under: see casePolicy. */
  policy: BrandPolicy,
) => Promise<Change<object>>;

const caseSteps: { [Name in StepName]: Step<Name> } = {
  async plan(kase, deps, _input, policy) {
    // A complaint about a closed case runs an execution of its own, which goes straight to a person:
    // nothing is planned again (the route the case had would send it down its path once more).
    if (kase.status === 'reopened') return { case: kase, result: { route: 'complaint' as const } };
    const history = await deps.repo.deviceHistory(kase.brand, kase.device.serial, kase);
    const others = history.cases.filter((other) => other.caseId !== kase.caseId);
    // A known issue may already cover its symptom (known-issues.ts); runCaseStep reports it to detection.
    const reported = await applyKnownIssue(kase, undefined, policy, deps);
    const { case: planned, route } = planCase(reported, policy, others, deps.now);
    return { case: planned, result: { route } };
  },

  async shipToDepot(kase, deps, _input, policy) {
    const shipment = await issueShipment(kase, 'to-depot', 'device', policy, deps);
    return {
      case: addShipment(kase, shipment, policy, deps.now),
      result: { trackingNumber: shipment.trackingNumber },
    };
  },

  /** A parcel the carrier reports lost, damaged or returned goes to a person; a return is refunded. */
  async recordArrival(kase, deps, { event }, policy) {
    if (event?.type === 'parcel-exception') return { case: kase, result: { next: 'parcel-exception' } };
    const arrived = recordArrival(kase, policy, deps.now);
    return { case: arrived, result: { next: arrived.route === 'return' ? 'refund' : 'diagnosis' } };
  },

  async refund(kase, deps, _input, policy) {
    return { case: refundReturn(kase, policy, deps.now), result: {} };
  },

  async applyDiagnosis(kase, deps, { event }, policy) {
    // A known issue may already make the fault found free (known-issues.ts); runCaseStep reports it.
    const reported = await applyKnownIssue(kase, event.faultCode, policy, deps);
    const { case: diagnosed, next } = applyDiagnosis(reported, event, policy, deps.now);
    if (next !== 'repair') return { case: diagnosed, result: { next } };
    // A fault fixed on this device before, back within the brand's window: that fix failed (P4).
    const history = await deps.repo.deviceHistory(kase.brand, kase.device.serial, kase);
    const again = diagnosedAgain(diagnosed, history.cases, policy, deps.now);
    return { case: again.case, result: { next: again.replace ? ('replace' as const) : next } };
  },

  async applyEstimateAnswer(kase, deps, { event }, policy) {
    const { case: answered, next } = applyEstimateAnswer(kase, event.approved, policy, deps.now);
    return { case: answered, result: { next } };
  },

  async applyRepairAttempt(kase, deps, { event }, policy) {
    const history = await deps.repo.deviceHistory(kase.brand, kase.device.serial, kase);
    const {
      case: attempted,
      next,
      failed,
    } = applyRepairAttempt(kase, event, history.cases, policy, deps.now);
    return { case: attempted, result: { next, failed } };
  },

  async orderReplacement(kase, deps, _input, policy) {
    if (kase.replacement) return { case: kase, result: { serial: kase.replacement.serial } };
    const chosen = replacementFor(kase, policy);
    // Nothing like-for-like or better to supply: the workflow hands the case to a person (P4, P7).
    if (!chosen) {
      const known = policy.catalogue.some((model) => model.model === kase.device.model);
      throw new ReplacementUnavailableError(kase.replacementOffer?.model ?? kase.device.model, known);
    }
    const serial = await deps.warehouse.allocate(`${kase.brand}/${kase.caseId}`, chosen.model);
    const ordered = orderReplacement(kase, chosen, serial, policy, deps.now);
    const { replacement } = ordered;
    if (replacement) {
      await deps.repo.linkReplacement(kase.brand, serial, {
        serial: kase.device.serial,
        caseId: kase.caseId,
        warrantyUntil: replacement.warrantyUntil,
        at: replacement.orderedAt,
      });
    }
    return { case: ordered, result: { serial } };
  },

  /**
   * Nothing goes to the customer without an address (issue 12, journey 7): with none, the customer is
   * asked and the answer says so (`known: false`), for the workflow to wait for it and come back here.
   * Handed the delivery's wait, it then registers it; with no address it answers that wait itself
   * instead (runCaseStep), since no parcel is on its way.
   */
  async shipToCustomer(kase, deps, _input, policy) {
    const { case: checked, known } = needAddress(kase, 'ship-back', policy, deps.now);
    const answer = { known, purpose: 'ship-back' as const };
    if (!known) return { case: checked, result: answer };
    const purpose = checked.replacement ? 'replacement' : 'device';
    const shipment = await issueShipment(checked, 'to-customer', purpose, policy, deps);
    // The customer's removed parts ride with the device, on the parcel's packing list (P5).
    const packed = packParts(checked, shipment, deps.now);
    return {
      case: addShipment(packed.case, packed.shipment, policy, deps.now),
      result: { ...answer, trackingNumber: shipment.trackingNumber },
    };
  },

  async offerVisit(kase, deps, _input, policy) {
    // A brand may count its visit allowance per device over a period, across the device's cases.
    const history = await deps.repo.deviceHistory(kase.brand, kase.device.serial, kase);
    const { case: offered, next } = offerVisit(kase, policy, deps.now, history.cases);
    return { case: offered, result: { next } };
  },

  /** Books the chosen window; the result says how long the visit's wait lasts before its timer. */
  async bookVisit(kase, deps, { event }, policy) {
    const { case: booked, waitSeconds } = bookVisit(kase, event.windowId, policy, deps.now);
    return { case: booked, result: { visitSeconds: waitSeconds } };
  },

  async visitTimer(kase, deps, _input, policy) {
    const { case: after, next, waitSeconds } = visitTimer(kase, policy, deps.now);
    return { case: after, result: { next, visitSeconds: waitSeconds } };
  },

  async endVisit(kase, deps, { event }, policy) {
    const history = await deps.repo.deviceHistory(kase.brand, kase.device.serial, kase);
    const ended = event.type === 'visit-no-show' ? 'no-show' : 'signed-off';
    const { case: after, next } = endVisit(kase, event.visitId, ended, history.cases, policy, deps.now);
    return { case: after, result: { next } };
  },

  /** Nobody reported the visit by the end of its window (and grace): the technician did not come. */
  async visitOverdue(kase, deps, _input, policy) {
    const visit = kase.visits.at(-1);
    if (!visit) throw new ConflictError(`Case ${kase.caseId} has no visit to be overdue.`);
    const history = await deps.repo.deviceHistory(kase.brand, kase.device.serial, kase);
    const { case: after, next } = endVisit(kase, visit.visitId, 'no-show', history.cases, policy, deps.now);
    return { case: after, result: { next } };
  },

  async settleCustody(kase, deps, _input, policy) {
    const { case: settling, open } = settleCustody(kase, policy, deps.now);
    return { case: settling, result: { open } };
  },

  /**
   * Closes the case once every customer-owned part is settled (P5); until then it answers `custody`, for
   * the workflow to wait for the parts. Closed, it answers whether the customer is still to say if their
   * needs were met (not when closed again after a complaint). Run after the delivery to the customer, it
   * is handed the event that ended that wait: a parcel the carrier reports gone wrong goes to a person.
   * Handed the survey's wait, it waits for the answer only when it answers `survey` (runCaseStep).
   */
  async close(kase, deps, input, policy) {
    // Nothing was shipped, for want of an address: the workflow asks the customer for one, then ships.
    if (input.delivery?.address) return { case: kase, result: { next: 'address' } };
    const event = input.event ?? input.delivery?.event;
    if (event?.type === 'parcel-exception') return { case: kase, result: { next: 'parcel-exception' } };
    // Closed already (the step ran again after saving), it stays closed whatever was added to the ledger since.
    const settled =
      kase.status === 'closed' ? { case: kase, open: 0 } : settleCustody(kase, policy, deps.now);
    if (settled.open > 0) return { case: settled.case, result: { next: 'custody' } };
    const closed = closeCase(settled.case, policy, deps.now);
    return { case: closed, result: { next: closed.survey ? 'done' : 'survey' } };
  },

  /**
   * Answers whether a follow-up is owed, which the workflow then waits for (P10): handed that wait, the
   * step registers it in the same save, or answers it itself when none is owed (runCaseStep).
   */
  async applySurveyAnswer(kase, deps, { event }, policy) {
    const answer = { met: event.met, ...(event.comment ? { comment: event.comment } : {}) };
    const answered = applySurveyAnswer(kase, answer, policy, deps.now);
    return { case: answered, result: { next: answered.followUp?.status === 'open' ? 'follow-up' : 'done' } };
  },

  async recordNoSurveyAnswer(kase, deps) {
    return { case: recordNoSurveyAnswer(kase, deps.now), result: {} };
  },

  /** A waiting step's deadline passed: escalate, and give the step the new owner's deadline as its timeout. */
  async escalateOverdue(kase, deps, { overdue, sla }, policy) {
    const { case: escalated, waitSeconds } = escalateOverdue(kase, overdue, policy, deps.now);
    // The result is the workflow's new SLA map: the overdue step waits with the new owner's deadline.
    return { case: escalated, result: { ...sla, [overdue.slaKey]: waitSeconds } };
  },

  /** A customer's deadline passed: remind them, or settle after the grace period (issue 12, journey 15). */
  async customerOverdue(kase, deps, { overdue, sla }, policy) {
    const wait = waitNamed(overdue.step);
    const { case: after, next, waitSeconds } = customerOverdue(kase, overdue, policy, deps.now);
    const key = wait?.deadline ?? '';
    return { case: after, result: { next, sla: { ...sla, [key]: waitSeconds } } };
  },

  /** Answers whether the address is known, and what it is needed for (where to go on once it is given). */
  async checkAddress(kase, deps, input, policy) {
    const { case: checked, known } = needAddress(kase, input.for, policy, deps.now);
    return { case: checked, result: { known, purpose: input.for } };
  },

  /**
   * The workflow cannot go on by itself: a person has the case (P7). The entry time names the handover,
   * so a step run again for the same entry hands it over once (and asks the carrier for one label).
   */
  async handToPerson(kase, deps, { why, enteredAt, sla }, policy) {
    const id = `handover:${why.state}:${enteredAt}`;
    let handed: Case;
    if (why.event) {
      const lost = needsNewLabel(kase, why.event);
      const relabel = lost
        ? await issueShipment(kase, 'to-depot', lost.purpose, policy, deps, nextAttempt(lost))
        : undefined;
      handed = parcelProblem(kase, id, why.event, relabel, policy, deps.now);
    } else if (why.failure) {
      const failure = { id, state: why.state, error: why.failure.Error, message: plainCause(why.failure) };
      handed = stepFailed(kase, failure, policy, deps.now);
    } else {
      handed = keepWithPerson(kase, { id, state: why.state }, policy, deps.now);
    }
    return { case: handed, result: { ...sla, decisionSeconds: secondsToDecide(handed, deps.now) } };
  },

  async applyPersonDecision(kase, deps, { event }, policy) {
    const { case: decided, next } = applyDecision(kase, event, policy, deps.now);
    return { case: decided, result: { next } };
  },

  async applyOfferAnswer(kase, deps, { event }, policy) {
    const answer = { id: event.eventId, accepted: event.accepted };
    const { case: answered, next } = answerOffer(kase, answer, policy, deps.now);
    return { case: answered, result: { next } };
  },
};

/**
 * What a step handed a wait answers that wait with itself, when its decision leaves nothing to wait for
 * (undefined: it waits). Shipping with no address to ship to sent no parcel: the customer is asked for
 * one. Closing that did not close, or closed again after a complaint, has no survey to ask; an answer
 * that owes no follow-up has none to wait for. The workflow routes the answer as it would the event.
 */
const ownAnswers: Partial<Record<StepName, (result: object) => object | undefined>> = {
  shipToCustomer: (result) => (NoAddress.safeParse(result).success ? { address: result } : undefined),
  close: (result) => (decided(result) === 'survey' ? undefined : result),
  applySurveyAnswer: (result) => (decided(result) === 'follow-up' ? undefined : result),
};

function decided(result: object): unknown {
  return (result as { next?: unknown }).next;
}

/**
 * The error a step failed with, in the words of its message: a function's error comes as the JSON
 * Lambda reports (`errorMessage`), others (a timeout, the runtime) as text, or not at all.
 */
function plainCause(failure: { Error: string; Cause?: string | undefined }): string {
  const cause = failure.Cause?.trim();
  if (!cause) return `the step ended with ${failure.Error}`;
  try {
    const parsed: unknown = JSON.parse(cause);
    const message = (parsed as { errorMessage?: unknown } | null)?.errorMessage;
    if (typeof message === 'string' && message.trim()) return message.trim().slice(0, 500);
  } catch {
    // Not JSON: the cause is the message.
  }
  return cause.slice(0, 500);
}

/**
 * Runs one step on its case: read, decide, save (again on a conflict), answer the workflow. A step handed
 * a wait (a label, then the parcel; closing, then the survey) registers it in the same save as its
 * change, as await-case-event would have in a state of its own; a step with nothing to wait for answers
 * that wait itself at once (ownAnswers).
 */
export async function runCaseStep(input: StepInput, deps: Deps): Promise<object> {
  const run = caseSteps[input.step] as Step<StepName>;
  const seen =
    input.step === 'escalateOverdue' || input.step === 'customerOverdue'
      ? [overdueEscalationId(input.overdue)]
      : [];
  const wait = 'wait' in input ? input.wait : undefined;
  const ownAnswer = (result: object) => ownAnswers[input.step]?.(result);
  const { case: saved, result } = await changeCase({ ...input, seen }, deps, async (kase) => {
    const change = await run(kase, deps, input, await casePolicy(deps.policies, kase));
    return wait && !ownAnswer(change.result) ? waitAfter(change, wait, deps.now) : change;
  });
  // Nothing to wait for: answered after the save, so the decision is on record; a step run again answers
  // again, and the engine takes only the first answer (resume says false).
  const answer = wait && ownAnswer(result);
  if (wait && answer) await deps.workflow.resume(wait.token, answer);
  // The symptom at opening and the fault the depot found go to known-issue detection, on the case bus,
  // once the case is saved (known-issues.ts). A step that fails here is retried: the report counts once.
  if (input.step === 'plan' && saved.status !== 'reopened') await announceReport(saved, undefined, deps);
  if (input.step === 'applyDiagnosis') await announceReport(saved, input.event.faultCode, deps);
  return result;
}

/**
 * A prepaid label (P1). The shipment id is derived from the case and the leg, so a retried step asks
 * the carrier for the same shipment and stores the same label, never a second one.
 */
async function issueShipment(
  kase: Case,
  direction: Shipment['direction'],
  purpose: Shipment['purpose'],
  policy: BrandPolicy,
  deps: Deps,
  attempt = 1,
): Promise<Shipment> {
  const leg = shipmentLeg(kase, direction, purpose, policy, attempt);
  if ('existing' in leg) return leg.existing;
  const issued = await deps.carrier.createShipment(leg.request);
  const shipment = labelledShipment(leg.shipmentId, direction, purpose, kase, issued, deps.now);
  await deps.repo.putDocument(kase.brand, kase.caseId, {
    documentId: shipment.labelDocumentId,
    title: `Prepaid label ${issued.trackingNumber}`,
    contentType: 'application/pdf',
    data: issued.labelPdf,
  });
  await deps.repo.linkTracking(kase.brand, issued.trackingNumber, kase.caseId);
  return shipment;
}
