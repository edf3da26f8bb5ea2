import { brandDeadline } from './business-time.ts';
import type { Case, Decision, Handover, Shipment } from './case.ts';
import { isoAfter, laterIso } from './dates.ts';
import { InvariantError } from './errors.ts';
import { advance, escalate } from './escalation.ts';
import { waitsOf } from './event-inbox.ts';
import { formatMoney } from './money.ts';
import { type BrandPolicy, type CatalogueModel, queueOf } from './policy.ts';
import { chooseReplacement } from './replacement.ts';
import type { CaseEvent, PersonDecision } from './schemas.ts';
import { entry } from './timeline.ts';
import { WAITS, type Wait } from './waits.ts';

/**
 * No dead ends when the workflow cannot go on by itself (P7). A step that failed after its retries, a
 * replacement that cannot be supplied, a parcel the carrier lost or damaged, a customer's complaint
 * about a closed case: each hands the case to a person (the brand's case desk, or the next rung of its
 * ladder), who sees it in their queue with what went wrong in plain words and a due time. The customer
 * is told who has the case and by when. The person decides how it goes on (resume, replace, refund,
 * repair elsewhere, close with a published reason); a late decision escalates like any deadline.
 */

type FieldError = { pointer: string; detail: string };
type ParcelException = Extract<CaseEvent, { type: 'parcel-exception' }>;
type PersonDecided = Extract<CaseEvent, { type: 'person-decided' }>;

/** Where the workflow goes after a person's decision (the workflow's "What did the person decide?"). */
export type AfterDecision =
  | 'resume'
  | 'replace'
  | 'offer'
  | 'repair'
  | 'ship-to-depot'
  | 'ship-back'
  | 'close';

const SYSTEM = 'system:workflow';

/** Whether a person has the case now, and has not yet decided. */
export const isWithPerson = (kase: Case) => kase.handover?.status === 'open';

/** Whether an event of `type` was already taken and waits to be applied: a second one is not another answer. */
const answerPending = (kase: Case, type: CaseEvent['type']) =>
  waitsOf(kase).some((wait) => wait.delivered?.type === type) ||
  kase.pendingEvents.some((event) => event.type === type);

/** A person has the case and nobody has decided yet: a decision is taken now. */
export const awaitsDecision = (kase: Case) => isWithPerson(kase) && !answerPending(kase, 'person-decided');

/** Another model is offered and the customer has not answered yet. */
export const awaitsOfferAnswer = (kase: Case) =>
  kase.replacementOffer?.status === 'offered' && !answerPending(kase, 'offer-answered');

/**
 * A step of the workflow failed after its retries: the case goes to a person with the error in plain
 * words. A replacement that cannot be supplied is said as such, with what the person can decide.
 */
export function stepFailed(
  kase: Case,
  failure: { id: string; state: string; error: string; message: string },
  policy: BrandPolicy,
  now: Date,
): Case {
  if (failure.error === 'ReplacementUnavailableError') {
    return handOver(
      kase,
      {
        id: failure.id,
        kind: 'no-replacement',
        state: failure.state,
        problem: `No replacement can be supplied: ${failure.message} Decide: a refund (list or purchase price), another model the customer accepts, or a repair elsewhere.`,
        tell: `We cannot replace your ${kase.device.model} with the same or a better model: ${failure.message}`,
        options: ': a refund, another model if you accept it, or a repair elsewhere',
      },
      policy,
      now,
    );
  }
  return handOver(
    kase,
    {
      id: failure.id,
      kind: 'step-failed',
      state: failure.state,
      problem: `“${failure.state}” failed after its retries: ${failure.message.replace(/\.$/, '')} (${failure.error}).`,
      tell: `Something went wrong on our side at the step “${failure.state}”; nothing you sent is lost.`,
      options: '',
    },
    policy,
    now,
  );
}

/**
 * The workflow reaches a person for a reason the case already states (a complaint, a declined offer):
 * the open handover stands. Without one (which no path should do), the case still goes to a person.
 */
export function keepWithPerson(
  kase: Case,
  request: { id: string; state: string },
  policy: BrandPolicy,
  now: Date,
) {
  if (isWithPerson(kase)) return kase;
  return handOver(
    kase,
    {
      id: request.id,
      kind: 'step-failed',
      state: request.state,
      problem: `The workflow stopped at “${request.state}” and needs a person’s decision.`,
      tell: 'Your case needs a decision from one of us.',
      options: '',
    },
    policy,
    now,
  );
}

/**
 * The customer did not do what only they can (give an address), by their deadline nor in the grace
 * period after a reminder, and closing would leave something undone (a device at the depot): a person
 * takes the case over and reaches them (issue 12, journeys 7 and 15).
 */
export function customerSilent(
  kase: Case,
  request: { id: string; state: string; problem: string; tell: string },
  policy: BrandPolicy,
  now: Date,
): Case {
  return handOver(kase, { ...request, kind: 'customer-silent', options: '' }, policy, now);
}

/**
 * The carrier reports a parcel lost, damaged or returned to the sender (P1, P7): a person has it at
 * once. A lost or returned parcel on its way to the depot comes with a new prepaid label (`relabel`).
 */
export function parcelProblem(
  kase: Case,
  id: string,
  event: ParcelException,
  relabel: Shipment | undefined,
  policy: BrandPolicy,
  now: Date,
): Case {
  if (kase.handover?.id === id) return kase;
  const shipment = kase.shipments.find((candidate) => candidate.trackingNumber === event.trackingNumber);
  const inbound = shipment?.direction !== 'to-customer';
  const what = PARCEL_PROBLEM[event.problem];
  const where = event.location ? ` (at ${event.location})` : '';
  const labelled =
    relabel && !kase.shipments.some((candidate) => candidate.shipmentId === relabel.shipmentId)
      ? {
          ...kase,
          shipments: [...kase.shipments, relabel],
          timeline: [
            ...kase.timeline,
            entry(
              now,
              'label-issued',
              `New prepaid ${relabel.direction} label ${relabel.trackingNumber} (${relabel.carrier}): parcel ${event.trackingNumber} was ${what}.`,
              SYSTEM,
            ),
          ],
        }
      : kase;
  const link = relabel ? ` /cases/${kase.caseId}/documents/${relabel.labelDocumentId}` : '';
  return handOver(
    labelled,
    {
      id,
      kind: 'parcel-problem',
      state: inbound ? WAITS.arrival.state : WAITS.delivery.state,
      problem: `The carrier reports parcel ${event.trackingNumber} (${inbound ? 'to the depot' : 'to the customer'}) ${what}${where}.${relabel ? ` A new label ${relabel.trackingNumber} was issued.` : ''}`,
      tell: `The carrier reports your parcel ${event.trackingNumber} ${what}.${relabel ? ` A new prepaid label is ready should you have the device back:${link}.` : ''}`,
      options: inbound ? '' : ': a new shipment, a replacement or a refund',
    },
    policy,
    now,
  );
}

const PARCEL_PROBLEM: Record<ParcelException['problem'], string> = {
  lost: 'lost',
  damaged: 'damaged',
  'returned-to-sender': 'returned to the sender',
  other: 'held up by a problem',
};

/** Parcels to the depot that the carrier lost or sent back: the customer gets a new label for them. */
export function needsNewLabel(kase: Case, event: ParcelException): Shipment | undefined {
  if (event.problem !== 'lost' && event.problem !== 'returned-to-sender') return undefined;
  const shipment = kase.shipments.find((candidate) => candidate.trackingNumber === event.trackingNumber);
  return shipment?.direction === 'to-depot' ? shipment : undefined;
}

/** A closed case stays closed unless a person complains about it; with a follow-up open, that climbs instead. */
export const reopensOnComplaint = (kase: Case) =>
  kase.status === 'closed' && kase.followUp?.status !== 'open';

/**
 * A customer (or an agent for them) escalates a closed case: it reopens as a complaint, one rung up the
 * ladder, in that owner's queue with their deadline, and climbs on when the deadline passes (P7). A
 * closed case never escalates by itself: only a person's complaint reopens it. Once per escalation id.
 */
export function reopenAsComplaint(
  kase: Case,
  request: { escalationId: string; reason: string },
  policy: BrandPolicy,
  now: Date,
  by: string,
): Case {
  if (kase.seenEventIds.includes(request.escalationId)) return kase;
  const rung =
    policy.escalationLadder[Math.min(kase.escalationLevel + 1, policy.escalationLadder.length - 1)];
  if (!rung) return kase;
  const reopened: Case = {
    ...kase,
    status: 'reopened',
    // Set before the escalation so that its notice names what comes next; the escalation sets the deadline.
    nextStep: { name: `${rung.role} decides how your case goes on`, deadline: now.toISOString() },
    timeline: [...kase.timeline, entry(now, 'reopened', `Reopened by a complaint: ${request.reason}`, by)],
  };
  const escalated = escalate(
    reopened,
    request.escalationId,
    `We reopened your case on your complaint: “${request.reason}”.`,
    policy,
    now,
    by,
  );
  const owner = escalated.escalation;
  if (!owner) throw new InvariantError(`Case ${kase.caseId} reopened without an owner.`);
  return withHandover(escalated, {
    id: `complaint:${request.escalationId}`,
    kind: 'complaint',
    owner: { name: owner.role, contact: owner.contact },
    queue: queueOf(owner.role),
    level: escalated.escalationLevel,
    since: now.toISOString(),
    due: owner.respondBy,
    problem: `Complaint about the closed case: ${request.reason}`,
    resumeAt: { state: 'Close the case', nextStep: kase.nextStep },
    status: 'open',
  });
}

/** How long the workflow waits for the person's decision: until it is due (or its escalation is). */
export function secondsToDecide(kase: Case, now: Date): number {
  const handover = kase.handover;
  if (!handover) return 60;
  const escalated =
    kase.escalation && kase.escalationLevel > handover.level ? kase.escalation.respondBy : undefined;
  const due = escalated ? laterIso(handover.due, escalated) : handover.due;
  return Math.max(60, Math.ceil((Date.parse(due) - now.getTime()) / 1000));
}

/**
 * What a decision would change, checked before it is recorded: every field the case or the brand's
 * rules refuse, at once (P9). `request` may be any body (so that these errors come with zod's own).
 */
export function decisionErrors(kase: Case | undefined, request: unknown, policy: BrandPolicy): FieldError[] {
  const body = (request ?? {}) as Record<string, unknown>;
  const errors: FieldError[] = [];
  const inStock = policy.catalogue.filter((model) => model.inStock).map((model) => model.model);
  const allowed = kase ? actionsFor(kase) : undefined;
  if (allowed && typeof body.action === 'string' && !allowed.actions.includes(body.action)) {
    errors.push({
      pointer: '#/action',
      detail: `${allowed.why} Decide one of: ${allowed.actions.join(', ')}.`,
    });
  }
  if (body.action === 'replace') {
    if (kase?.replacement)
      errors.push({
        pointer: '#/action',
        detail: `The device was already replaced by ${kase.replacement.model} (${kase.replacement.serial}); open a case for that device instead.`,
      });
    if (typeof body.model === 'string') {
      const model = policy.catalogue.find((candidate) => candidate.model === body.model);
      if (!model)
        errors.push({
          pointer: '#/model',
          detail: `Not a model of this brand; one in stock: ${inStock.join(', ')}.`,
        });
      else if (!model.inStock)
        errors.push({ pointer: '#/model', detail: `Not in stock; in stock: ${inStock.join(', ')}.` });
    } else if (body.model === undefined && kase && !chooseReplacement(kase.device.model, policy)) {
      errors.push({
        pointer: '#/model',
        detail: `No ${kase.device.model} or better model can be supplied: name another model to offer the customer (in stock: ${inStock.join(', ')}).`,
      });
    }
  }
  if (body.action === 'refund' && body.price === 'list' && kase && !listPrice(kase, policy)) {
    errors.push({
      pointer: '#/price',
      detail: `This brand lists no price for ${kase.device.model}: refund the purchase price (price "purchase" with amountMinor).`,
    });
  }
  if (body.action === 'close' && typeof body.reasonCode === 'string') {
    const codes = policy.reasonCatalogue
      .filter((reason) => reason.decision === 'closure')
      .map((reason) => reason.code);
    if (!codes.includes(body.reasonCode))
      errors.push({
        pointer: '#/reasonCode',
        detail: `Not a published closing reason of this brand; one of: ${codes.join(', ')}.`,
      });
  }
  return errors;
}

/** What a person's decision says, as the event that resumes the workflow waiting for it. */
export function personDecided(request: PersonDecision, by: string, now: Date): PersonDecided {
  const { decisionId, ...decision } = request;
  return { ...decision, type: 'person-decided', eventId: decisionId, occurredAt: now.toISOString(), by };
}

/**
 * What a person can decide for this case: a closed one only goes on where it stopped; one reopened by
 * a complaint is settled (refunded or closed), since its parcels have travelled (a repair or a
 * replacement is a new case, linked to this one); a device on its way back cannot be repaired elsewhere.
 */
function actionsFor(kase: Case): { actions: readonly string[]; why: string } | undefined {
  if (kase.status === 'closed')
    return { actions: ['resume'], why: 'The case is closed: it can only go on where it stopped.' };
  if (kase.status === 'reopened')
    return {
      actions: ['resume', 'refund', 'close'],
      why: 'A case reopened by a complaint is settled here; to repair or replace the device again, open a new case (its history is linked).',
    };
  if (kase.shipments.some((shipment) => shipment.direction === 'to-customer'))
    return {
      actions: ['resume', 'replace', 'refund', 'close'],
      why: 'The device has left the depot: it cannot be repaired elsewhere from here.',
    };
  return undefined;
}

const listPrice = (kase: Case, policy: BrandPolicy) =>
  policy.catalogue.find((model) => model.model === kase.device.model)?.priceMinor;

/** The device is at the depot: it arrived, and has not left again. */
export const atDepot = (kase: Case) =>
  kase.answered.includes('arrival') &&
  !kase.shipments.some((shipment) => shipment.direction === 'to-customer');

/**
 * The person decided: the case goes on as they said, the customer is told, and the answer tells the
 * workflow where to go. Applied once: the same decision again answers where it went.
 */
export function applyDecision(
  kase: Case,
  event: PersonDecided,
  policy: BrandPolicy,
  now: Date,
): { case: Case; next: AfterDecision } {
  const handover = kase.handover;
  if (!handover) throw new InvariantError(`Case ${kase.caseId} has no handover to decide.`);
  if (handover.decision?.id === event.eventId)
    return { case: kase, next: handover.decision.next as AfterDecision };
  const note = event.note ? ` ${event.note}` : '';
  const { case: decided, next, summary } = decide(kase, handover, event, note, policy, now);
  return {
    case: {
      ...decided,
      // The person's decision settles any parcel problem kept for a later step.
      pendingEvents: decided.pendingEvents.filter((pending) => pending.type !== 'parcel-exception'),
      handover: {
        ...handover,
        status: 'decided',
        decision: {
          id: event.eventId,
          action: event.action,
          next,
          summary,
          by: event.by,
          at: now.toISOString(),
        },
      },
      timeline: [...decided.timeline, entry(now, 'person-decided', `${summary}${note}`, event.by)],
    },
    next,
  };
}

function decide(
  kase: Case,
  handover: Handover,
  event: PersonDecided,
  note: string,
  policy: BrandPolicy,
  now: Date,
): { case: Case; next: AfterDecision; summary: string } {
  const who = handover.owner.name;
  switch (event.action) {
    case 'resume': {
      const nextStep = resumedStep(handover.resumeAt, policy, now);
      return {
        case: advance(
          kase,
          nextStep.name,
          nextStep.deadline,
          now,
          `${who} decided your case goes on where it stopped.${note}`,
        ),
        next: 'resume',
        summary: `Resume at “${handover.resumeAt.state}”.`,
      };
    }
    case 'replace': {
      const model = event.model
        ? policy.catalogue.find((candidate) => candidate.model === event.model)
        : undefined;
      if (model && model.model !== chooseReplacement(kase.device.model, policy)?.model) {
        return {
          case: offerAlternative(kase, model, policy, now, note),
          next: 'offer',
          summary: `Offer ${model.model} instead.`,
        };
      }
      return {
        case: advance(
          kase,
          'We order your replacement',
          isoAfter(now, 120),
          now,
          `${who} decided to replace your device.${note}`,
        ),
        next: 'replace',
        summary: 'Replace the device.',
      };
    }
    case 'refund': {
      const amountMinor = event.price === 'list' ? (listPrice(kase, policy) ?? 0) : (event.amountMinor ?? 0);
      const basis = event.price === 'list' ? `the list price of ${kase.device.model}` : 'the price you paid';
      const refunded: Case = {
        ...kase,
        outcome: 'refunded',
        refund: { amountMinor, currency: policy.currency, at: now.toISOString() },
      };
      return {
        case: advance(
          refunded,
          'We close your case',
          isoAfter(now, 120),
          now,
          `${who} decided to refund you ${formatMoney(amountMinor, policy.currency)}, ${basis}.${note}`,
        ),
        next: 'close',
        summary: `Refund ${formatMoney(amountMinor, policy.currency)} (${event.price} price).`,
      };
    }
    case 'repair-elsewhere': {
      const repairer = event.repairer ?? 'another repairer';
      const told = `${who} decided that ${repairer} repairs your device instead, at our cost.${note}`;
      if (atDepot(kase)) {
        return {
          case: advance(
            { ...kase, status: 'in-repair' },
            `Repair by ${repairer}`,
            brandDeadline(now, policy.sla.repairSeconds, policy),
            now,
            told,
          ),
          next: 'repair',
          summary: `Repair elsewhere: ${repairer} (the device is at the depot).`,
        };
      }
      return {
        case: advance(
          kase,
          'We issue your prepaid shipping label',
          isoAfter(now, 60),
          now,
          `${told} We send you a prepaid label.`,
        ),
        next: 'ship-to-depot',
        summary: `Repair elsewhere: ${repairer} (the device is sent in).`,
      };
    }
    case 'close': {
      const closing = closure(kase, event.reasonCode ?? '', policy, now, event.by);
      const reason = closing.decisions.at(-1);
      const told = `${who} closes your case: ${reason?.text ?? ''} What you can do: ${reason?.youCan ?? ''}${note}`;
      if (atDepot(kase)) {
        return {
          case: advance(
            { ...closing, outcome: kase.outcome ?? 'returned-unrepaired' },
            'We ship your device back',
            isoAfter(now, 120),
            now,
            told,
          ),
          next: 'ship-back',
          summary: `Close (${event.reasonCode}); the device goes back first.`,
        };
      }
      return {
        case: advance(closing, 'We close your case', isoAfter(now, 120), now, told),
        next: 'close',
        summary: `Close (${event.reasonCode}).`,
      };
    }
  }
}

/** A closure's one published reason (P8); a reopened case closed again supersedes the reason before. */
export function closure(kase: Case, code: string, policy: BrandPolicy, now: Date, by: string): Case {
  const reason = policy.reasonCatalogue.find(
    (candidate) => candidate.code === code && candidate.decision === 'closure',
  );
  if (!reason) throw new InvariantError(`Closing reason ${code} was accepted but is not published.`);
  const live = kase.decisions.find(
    (decision) => decision.decision === 'closure' && decision.status === 'live',
  );
  const decision: Decision = {
    decision: 'closure',
    code,
    text: reason.text,
    youCan: reason.youCan,
    at: now.toISOString(),
    by,
    status: 'live',
    ...(live ? { supersedes: live.code, justification: 'The case was reopened and closed again.' } : {}),
  };
  return {
    ...kase,
    decisions: [
      ...kase.decisions.map((existing) =>
        existing === live ? { ...existing, status: 'superseded' as const } : existing,
      ),
      decision,
    ],
  };
}

/** The step the case waited on when it was handed over, with its deadline counted afresh if it is a wait. */
function resumedStep(resumeAt: Handover['resumeAt'], policy: BrandPolicy, now: Date): Case['nextStep'] {
  const waits: readonly Wait[] = Object.values(WAITS);
  const wait = waits.find((candidate) => candidate.state === resumeAt.state);
  const key = wait?.deadline;
  const sla: Record<string, number> = policy.sla;
  const seconds = key && key in sla ? sla[key] : undefined;
  const deadline =
    seconds !== undefined ? isoAfter(now, seconds) : laterIso(resumeAt.nextStep.deadline, isoAfter(now, 120));
  return { name: resumeAt.nextStep.name, deadline };
}

/**
 * No like-for-like or better model can be supplied, and the person offers another (P4): only the
 * customer can accept it, with as long to answer as an estimate.
 */
export function offerAlternative(
  kase: Case,
  model: CatalogueModel,
  policy: BrandPolicy,
  now: Date,
  note = '',
): Case {
  const offered: Case = {
    ...kase,
    replacementOffer: { model: model.model, status: 'offered', offeredAt: now.toISOString() },
    timeline: [
      ...kase.timeline,
      entry(
        now,
        'replacement-offered',
        `Offered ${model.model} instead of a replacement ${kase.device.model}.`,
        SYSTEM,
      ),
    ],
  };
  return advance(
    offered,
    `Accept or decline the ${model.model} we offer`,
    isoAfter(now, policy.sla.estimateAnswerSeconds),
    now,
    `We cannot supply a ${kase.device.model} or a better model; we offer you a ${model.model} (list price ${formatMoney(model.priceMinor, policy.currency)}) instead.${note} Accept or decline at /cases/${kase.caseId}/offer/answers.`,
  );
}

/**
 * The customer answers the offer: accepted, it is ordered; declined, the person who offered it decides
 * again (a refund, a repair elsewhere...). Applied once.
 */
export function answerOffer(
  kase: Case,
  answer: { id: string; accepted: boolean },
  policy: BrandPolicy,
  now: Date,
): { case: Case; next: 'replace' | 'person' } {
  const offer = kase.replacementOffer;
  if (!offer) throw new InvariantError(`Case ${kase.caseId} has no offer to answer.`);
  if (offer.status !== 'offered')
    return { case: kase, next: offer.status === 'accepted' ? 'replace' : 'person' };
  const answered: Case = {
    ...kase,
    replacementOffer: {
      ...offer,
      status: answer.accepted ? 'accepted' : 'declined',
      answeredAt: now.toISOString(),
    },
    timeline: [
      ...kase.timeline,
      entry(
        now,
        'offer-answered',
        `The customer ${answer.accepted ? 'accepted' : 'declined'} the ${offer.model}.`,
        'customer',
      ),
    ],
  };
  if (answer.accepted) {
    return {
      case: advance(
        answered,
        'We ship your replacement',
        isoAfter(now, 120),
        now,
        `You accepted the ${offer.model}: we order it now.`,
      ),
      next: 'replace',
    };
  }
  return {
    case: handOver(
      answered,
      {
        id: `offer-declined:${answer.id}`,
        kind: 'offer-declined',
        state: 'Order the replacement',
        problem: `The customer declined the ${offer.model} offered instead of a replacement ${kase.device.model}. Decide: a refund, another model, or a repair elsewhere.`,
        tell: `You declined the ${offer.model}.`,
        options: ': a refund, another model, or a repair elsewhere',
      },
      policy,
      now,
    ),
    next: 'person',
  };
}

interface HandOverRequest {
  readonly id: string;
  readonly kind: Handover['kind'];
  /** The workflow state to resume at. */
  readonly state: string;
  /** For the person: what went wrong, in plain words. */
  readonly problem: string;
  /** For the customer: what happened. */
  readonly tell: string;
  /** For the customer: what the person can decide, as ": a, b or c" (or nothing). */
  readonly options: string;
}

/**
 * The case goes to the brand's case desk, or, for a brand without one, one rung up its ladder. The
 * customer is told who has it and by when; the step they wait on is that person's decision.
 */
function handOver(kase: Case, request: HandOverRequest, policy: BrandPolicy, now: Date): Case {
  if (kase.handover?.id === request.id) return kase;
  const desk = policy.caseDesk;
  let base = kase;
  let owner: { name: string; contact: string };
  let due: string;
  if (desk) {
    owner = { name: desk.name, contact: desk.contact };
    due = isoAfter(now, desk.respondWithinSeconds);
  } else {
    base = escalate(kase, request.id, request.problem, policy, now, SYSTEM);
    const rung = base.escalation;
    if (!rung)
      throw new InvariantError(`${policy.brand} has no escalation ladder to hand case ${kase.caseId} to.`);
    owner = { name: rung.role, contact: rung.contact };
    due = rung.respondBy;
  }
  const queue = queueOf(owner.name);
  const handed = withHandover(
    {
      ...base,
      timeline: [
        ...base.timeline,
        entry(
          now,
          'handed-to-person',
          `${owner.name} (${owner.contact}, queue ${queue}) decides by ${due}: ${request.problem}`,
          SYSTEM,
        ),
      ],
    },
    {
      id: request.id,
      kind: request.kind,
      owner,
      queue,
      level: base.escalationLevel,
      since: now.toISOString(),
      due,
      problem: request.problem,
      resumeAt: { state: request.state, nextStep: kase.nextStep },
      status: 'open',
    },
  );
  return advance(
    handed,
    `${owner.name} decides how your case goes on`,
    due,
    now,
    `${request.tell} ${owner.name} (${owner.contact}) has your case and will tell you by ${due} how it goes on${request.options}.`,
  );
}

const withHandover = (kase: Case, handover: Handover): Case => ({ ...kase, handover });
