import { createHash, randomBytes } from 'node:crypto';
import {
  type Actor,
  beginWait,
  type CarrierEvent,
  type Case,
  type CaseEvent,
  type CaseOpening,
  type CustodyEvent,
  describe,
  isCustodyEvent,
  openCase,
  ownerWork,
  recordEvent,
  returnUndelivered,
  type Shipment,
  trackShipment,
  type VisitEvent,
  visibleTo,
  type WaitRequest,
} from './case.ts';
import {
  chooseCustody,
  custodyItem,
  deliverParts,
  destroyPart,
  openItems,
  packParts,
  partsToReturn,
  releasePart,
  removePart,
  returnPart,
  settleCustody,
} from './custody.ts';
import {
  CaseNotFoundError,
  ConcurrentUpdateError,
  EventNotApplicableError,
  ForbiddenError,
  MissingFieldsError,
  NotFoundError,
  ReplacementUnavailableError,
} from './errors.ts';
import {
  addShipment,
  applyDiagnosis,
  applyEstimateAnswer,
  applyRepairAttempt,
  applySurveyAnswer,
  chooseReplacement,
  closeCase,
  escalateCase,
  escalateOverdue,
  orderReplacement,
  planCase,
  recordArrival,
  recordNoSurveyAnswer,
  refundReturn,
  supersedeDecision,
} from './journey.ts';
import { type BrandPolicy, type DecisionKind, policyFor } from './policy.ts';
import type { Carrier, CaseRepository, Printer, Warehouse, Workflow } from './ports.ts';
import {
  bookVisit,
  checkWindow,
  endVisit,
  offerVisit,
  reportVisit,
  signOffVisit,
  visitOf,
  visitTimer,
} from './visits.ts';

/** The ports and the moment a command runs at; handlers pass the real adapters. */
export interface Deps {
  readonly repo: CaseRepository;
  readonly workflow: Workflow;
  readonly carrier: Carrier;
  readonly warehouse: Warehouse;
  readonly printer: Printer;
  readonly now: Date;
}

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A case id: derived from the client's idempotency key when there is one, so a retry finds the same case. */
export function caseIdFor(brand: string, idempotencyKey?: string): string {
  const bytes = idempotencyKey
    ? createHash('sha256').update(`${brand}\n${idempotencyKey}`).digest()
    : randomBytes(12);
  return `RMA-${[...bytes.subarray(0, 12)].map((byte) => ALPHABET[byte % 32]).join('')}`;
}

/** What the workflow needs to run a case: its identity and the brand's deadlines. */
export function workflowInput(kase: Case, policy: BrandPolicy) {
  return {
    brand: kase.brand,
    caseId: kase.caseId,
    sla: {
      ...policy.sla,
      surveySeconds: policy.surveyWindowSeconds,
    },
    ...(kase.pickupAt ? { pickupAt: kase.pickupAt } : {}),
  };
}

export async function openCaseCommand(
  command: { brand: string; actor: Actor; opening: CaseOpening; idempotencyKey?: string },
  deps: Deps,
): Promise<{ case: Case; created: boolean }> {
  const policy = policyFor(command.brand);
  const caseId = caseIdFor(command.brand, command.idempotencyKey);
  const existing = await deps.repo.get(command.brand, caseId);
  if (existing) {
    // A replay: the first attempt may have stored the case and failed before starting its workflow.
    await deps.workflow.start(caseId, workflowInput(existing, policy));
    return { case: existing, created: false };
  }
  const { serial } = command.opening.device;
  const history = await deps.repo.deviceHistory(command.brand, serial);
  const device = completeDevice(command.opening.device, history.cases.at(-1)?.device);
  const fresh = openCase(
    command.opening,
    { brand: command.brand, caseId },
    device,
    history.cases.map((kase) => kase.caseId),
    policy,
    deps.now,
    command.actor,
  );
  const created = await deps.repo.create(fresh);
  const kase = created ? fresh : await mustGet(deps.repo, command.brand, caseId);
  await deps.workflow.start(caseId, workflowInput(kase, policy));
  return { case: kase, created };
}

/** No field the system already knows is asked again (P3); what nobody knows is asked, all at once. */
function completeDevice(given: CaseOpening['device'], known: Case['device'] | undefined): Case['device'] {
  const model = given.model ?? known?.model;
  const purchaseDate = given.purchaseDate ?? known?.purchaseDate;
  const firmware = given.firmware ?? known?.firmware;
  if (!model || !purchaseDate) throw new MissingFieldsError(unknownDeviceFields(given, known));
  return { serial: given.serial, model, purchaseDate, ...(firmware ? { firmware } : {}) };
}

function unknownDeviceFields(
  given: { model?: unknown; purchaseDate?: unknown },
  known: Case['device'] | undefined,
) {
  const detail = 'This field is required: no earlier case of this serial tells it.';
  return [
    ...(given.model === undefined && !known ? [{ pointer: '#/device/model', detail }] : []),
    ...(given.purchaseDate === undefined && !known ? [{ pointer: '#/device/purchaseDate', detail }] : []),
  ];
}

/**
 * For a case opening that has other errors too: which device fields the brand's records cannot
 * supply, so the customer hears of every field at once (P9), not of these on the next attempt.
 */
export async function unknownDeviceFieldsOf(brand: string, body: unknown, repo: CaseRepository) {
  const device = (body as { device?: { serial?: unknown; model?: unknown; purchaseDate?: unknown } } | null)
    ?.device;
  if (typeof device?.serial !== 'string' || (device.model !== undefined && device.purchaseDate !== undefined))
    return [];
  const history = await repo.deviceHistory(brand, device.serial.trim());
  return unknownDeviceFields(device, history.cases.at(-1)?.device);
}

/** The case as `actor` may see it: a customer's own case, or any case of the brand for its other roles (P14). */
export async function getCaseQuery(
  brand: string,
  caseId: string,
  actor: Actor,
  repo: CaseRepository,
): Promise<Case> {
  return mustSee(repo, brand, caseId, actor);
}

/** A reviewer's sample of the brand's cases: `size` cases from a random point of the brand's case list (P14). */
export async function reviewSampleQuery(brand: string, size: number, repo: CaseRepository) {
  const cases = await repo.sample(brand, size, randomBytes(8).toString('hex'));
  return cases.map((kase) => ({
    caseId: kase.caseId,
    openedAt: kase.openedAt,
    status: kase.status,
    ...(kase.outcome ? { outcome: kase.outcome } : {}),
    links: { case: `/cases/${kase.caseId}`, export: `/cases/${kase.caseId}/export` },
  }));
}

/** Everything a reviewer needs to judge a case, as one JSON document: the case, its custody and its documents (P14). */
export async function exportCaseQuery(brand: string, caseId: string, repo: CaseRepository) {
  const {
    waiting: _waiting,
    seenEventIds: _seen,
    pendingEvents: _pending,
    ...kase
  } = await mustGet(repo, brand, caseId);
  const documents = await repo.listDocuments(brand, caseId);
  return {
    case: kase,
    documents: documents.map((document) => ({
      documentId: document.documentId,
      title: document.title,
      contentType: document.contentType,
      dataBase64: Buffer.from(document.data).toString('base64'),
    })),
  };
}

/** A person's or a ladder role's work: cases escalated to them, follow-ups they owe; earliest due first (P7, P10). */
export async function ownerQueueQuery(brand: string, owner: string, repo: CaseRepository, now: Date) {
  const cases = await repo.ownerQueue(brand, owner, 200);
  // The index holds exactly the cases with work for someone (see the repository's keys).
  return cases.flatMap((kase) => {
    const work = ownerWork(kase);
    if (!work) return [];
    const { kind, due, summary } = work;
    return [
      { caseId: kase.caseId, status: kase.status, work: kind, due, overdue: new Date(due) < now, summary },
    ];
  });
}

/** A person replaces a denial's reason, with a justification; the customer sees both reasons (P8). */
export function supersedeDecisionCommand(
  command: {
    brand: string;
    caseId: string;
    actor: Actor;
    decision: DecisionKind;
    request: { supersessionId: string; code: string; justification: string };
  },
  deps: Deps,
) {
  const by = `${command.actor.role}:${command.actor.subject}`;
  const policy = policyFor(command.brand);
  return changeCase(
    command,
    (kase) => supersedeDecision(kase, command.decision, command.request, policy, deps.now, by),
    deps,
  );
}

const LANES: Partial<Record<Case['status'], string>> = {
  opened: 'incoming',
  'awaiting-arrival': 'incoming',
  'at-depot': 'awaiting-diagnosis',
  'awaiting-estimate-answer': 'awaiting-customer',
  'in-repair': 'repair',
  'replacement-ordered': 'shipping',
  'shipping-to-customer': 'shipping',
};

/** Visits still to happen or to finish, earliest first: a technician's own, or every one for an agent (P6, P14). */
export async function visitQueueQuery(brand: string, actor: Actor, repo: CaseRepository) {
  const cases = await repo.queue(brand, 'depot', 200);
  return cases
    .flatMap((kase) =>
      kase.visits
        .filter((visit) => ['booked', 'checked-in', 'reported'].includes(visit.status))
        .filter((visit) => actor.role !== 'technician' || visit.technician.id === actor.subject)
        .map((visit) => ({
          caseId: kase.caseId,
          visitId: visit.visitId,
          status: visit.status,
          window: visit.window,
          technician: visit.technician,
          // What the technician needs at the door: who, where, what.
          customer: { name: kase.customer.name, address: kase.customer.address, phone: kase.customer.phone },
          device: kase.device,
          problem: kase.problem.description,
        })),
    )
    .sort((a, b) => a.window.start.localeCompare(b.window.start));
}

/** The depot's work: open cases, earliest deadline (so overdue) first, each in the lane it is in. */
export async function depotQueueQuery(brand: string, repo: CaseRepository, now: Date) {
  const cases = await repo.queue(brand, 'depot', 200);
  return cases.map((kase) => ({
    caseId: kase.caseId,
    status: kase.status,
    device: kase.device,
    problem: { description: kase.problem.description, category: kase.problem.category },
    nextStep: kase.nextStep,
    overdue: new Date(kase.nextStep.deadline) < now,
    ...(kase.waiting && !kase.waiting.delivered ? { waitingFor: kase.waiting.step } : {}),
    lane: (LANES[kase.status] ?? 'other') as 'incoming',
  }));
}

export async function deviceHistoryQuery(brand: string, serial: string, repo: CaseRepository) {
  const history = await repo.deviceHistory(brand, serial);
  if (history.cases.length === 0 && !history.replacementOf) throw new NotFoundError(`device ${serial}`);
  return history;
}

/** A depot, a carrier or the customer reports something: recorded once, applied when the case is ready (P9). */
export function recordCaseEventCommand(
  command: { brand: string; caseId: string; actor: Actor; event: CaseEvent },
  deps: Deps,
) {
  return retryOnConflict(() => recordCaseEvent(command, deps));
}

async function recordCaseEvent(
  command: { brand: string; caseId: string; actor: Actor; event: CaseEvent },
  deps: Deps,
) {
  const before = await mustSee(deps.repo, command.brand, command.caseId, command.actor);
  const { case: recorded, outcome, deliver } = recordEvent(before, command.event, deps.now, command.actor);
  if (outcome === 'duplicate') return { outcome };
  const saved = await deps.repo.save(recorded, before.version);
  if (deliver) await deliverEvent(saved, deliver.token, deliver.event, deps);
  if (outcome === 'not-applicable') {
    throw new EventNotApplicableError(
      `${describe(command.event)} does not apply to case ${saved.caseId} while it is ${saved.status}; it was recorded on the timeline.`,
    );
  }
  return { outcome };
}

/** A carrier's tracking update: found by tracking number, recorded on its shipment; a delivery moves the case. */
export async function recordCarrierEventCommand(
  command: { brand: string; actor: Actor; event: CarrierEvent },
  deps: Deps,
) {
  const caseId = await deps.repo.caseOfTracking(command.brand, command.event.trackingNumber);
  if (!caseId) throw new NotFoundError(`shipment with tracking number ${command.event.trackingNumber}`);
  return retryOnConflict(() => recordCarrierEvent(caseId, command, deps));
}

async function recordCarrierEvent(
  caseId: string,
  command: { brand: string; actor: Actor; event: CarrierEvent },
  deps: Deps,
) {
  const before = await mustGet(deps.repo, command.brand, caseId);
  if (before.seenEventIds.includes(command.event.eventId)) return { caseId, outcome: 'duplicate' as const };
  const tracking = trackShipment(before, command.event, deps.now);
  const { caseEvent } = tracking;
  // A parcel delivered to the customer brings back the parts that rode in it (P5).
  const tracked =
    caseEvent?.type === 'delivered-to-customer'
      ? deliverParts(tracking.case, command.event.trackingNumber, deps.now)
      : tracking.case;
  if (!caseEvent) {
    const seen = { ...tracked, seenEventIds: [...tracked.seenEventIds, command.event.eventId] };
    await deps.repo.save(seen, before.version);
    return { caseId, outcome: 'recorded' as const };
  }
  const { case: recorded, outcome, deliver } = recordEvent(tracked, caseEvent, deps.now, command.actor);
  const saved = await deps.repo.save(recorded, before.version);
  if (deliver) await deliverEvent(saved, deliver.token, deliver.event, deps);
  // A delivery the case no longer waits for is still a fact about the parcel: recorded, not refused.
  return { caseId, outcome: outcome === 'not-applicable' ? ('recorded' as const) : outcome };
}

/** A person escalates the case (P7); answers the escalation: who owns the case now, by when they respond. */
export function escalateCaseCommand(
  command: { brand: string; caseId: string; actor: Actor; request: { escalationId: string; reason: string } },
  deps: Deps,
) {
  const by = `${command.actor.role}:${command.actor.subject}`;
  const policy = policyFor(command.brand);
  return changeCase(command, (kase) => escalateCase(kase, command.request, policy, deps.now, by), deps).then(
    (after) => {
      // Every brand's ladder has a level: an escalated case always carries its escalation.
      if (!after.escalation) throw new Error(`Case ${after.caseId} has no escalation ladder`);
      return after.escalation;
    },
  );
}

/** The chain of custody of every part removed from the device (P5). */
export async function custodyQuery(brand: string, caseId: string, actor: Actor, repo: CaseRepository) {
  const kase = await mustSee(repo, brand, caseId, actor);
  return {
    caseId,
    ...(kase.custodyChoice ? { choice: kase.custodyChoice } : {}),
    open: openItems(kase).map((item) => item.itemId),
    items: kase.custody,
  };
}

type CustodyChange = (kase: Case, deps: Deps) => Promise<Case> | Case;

/**
 * Changes the custody ledger; when the case waits for its items to be settled, it is told (P5).
 * The change is a pure function of the case, run again on a conflict.
 */
function changeCustody(
  command: { brand: string; caseId: string; actor: Actor; changeId: string },
  change: CustodyChange,
  deps: Deps,
) {
  return retryOnConflict(async () => {
    const before = await mustSee(deps.repo, command.brand, command.caseId, command.actor);
    const changed = await change(before, deps);
    if (changed === before) return before;
    const nudge: CaseEvent = {
      type: 'custody-changed',
      eventId: `custody:${command.changeId}`,
      occurredAt: deps.now.toISOString(),
    };
    const told =
      changed.status === 'settling-custody'
        ? recordEvent(changed, nudge, deps.now, command.actor)
        : undefined;
    const saved = await deps.repo.save(told?.case ?? changed, before.version);
    if (told?.deliver) await deliverEvent(saved, told.deliver.token, told.deliver.event, deps);
    return saved;
  });
}

/** A depot or a technician reports a part removed, destroyed or handed back (P5). */
export function custodyEventCommand(
  command: { brand: string; caseId: string; actor: Actor; event: CustodyEvent; holder: string },
  deps: Deps,
) {
  const { event, actor } = command;
  const by = `${actor.role}:${actor.subject}`;
  return changeCustody(
    { ...command, changeId: event.eventId },
    async (kase, { printer, repo, now }) => {
      if (event.type === 'part-removed')
        return removePart(kase, event, policyFor(kase.brand), now, command.holder);
      if (event.type === 'part-returned') return returnPart(kase, event, now, by);
      const certificateDocumentId = `certificate-${createHash('sha256').update(event.itemId).digest('hex').slice(0, 16)}`;
      // Decided before the certificate exists: none is printed for a refused or repeated destruction.
      const destroyed = destroyPart(kase, event, certificateDocumentId, now, by);
      if (destroyed === kase) return kase;
      const item = custodyItem(kase, event.itemId);
      const pdf = await printer.destructionCertificate({
        brand: policyFor(kase.brand).displayName,
        caseId: kase.caseId,
        part: item.description,
        serial: item.serial ?? 'none recorded',
        method: event.method,
        destroyedAt: event.occurredAt,
        destroyedBy: by,
        chosenAt: kase.custodyChoice?.at ?? '',
        chosenBy: kase.custodyChoice?.by ?? '',
      });
      await repo.putDocument(kase.brand, kase.caseId, {
        documentId: certificateDocumentId,
        title: `Certificate of destruction: ${item.description}`,
        contentType: 'application/pdf',
        data: pdf,
      });
      return destroyed;
    },
    deps,
  );
}

/** Only the customer chooses what happens to their parts and data (P5). */
export function chooseCustodyCommand(
  command: {
    brand: string;
    caseId: string;
    actor: Actor;
    choice: { choiceId: string; parts: 'return' | 'release'; data: 'return' | 'destroy' };
  },
  deps: Deps,
) {
  const by = `${command.actor.role}:${command.actor.subject}`;
  return changeCustody(
    { ...command, changeId: command.choice.choiceId },
    (kase, { now }) => chooseCustody(kase, command.choice, now, by),
    deps,
  );
}

export function releaseCustodyCommand(
  command: { brand: string; caseId: string; actor: Actor; release: { releaseId: string; itemId: string } },
  deps: Deps,
) {
  const by = `${command.actor.role}:${command.actor.subject}`;
  return changeCustody(
    { ...command, changeId: command.release.releaseId },
    (kase, { now }) => releasePart(kase, command.release, now, by),
    deps,
  );
}

/** The customer books one of the offered windows; the workflow's booking step then assigns the technician. */
export async function bookVisitCommand(
  command: { brand: string; caseId: string; actor: Actor; booking: { bookingId: string; windowId: string } },
  deps: Deps,
) {
  const kase = await mustSee(deps.repo, command.brand, command.caseId, command.actor);
  if (!kase.seenEventIds.includes(command.booking.bookingId)) checkWindow(kase, command.booking.windowId);
  const event: CaseEvent = {
    type: 'visit-booked',
    eventId: command.booking.bookingId,
    occurredAt: deps.now.toISOString(),
    windowId: command.booking.windowId,
  };
  return recordCaseEventCommand({ ...command, event }, deps);
}

const CUSTOMER_MAY: readonly VisitEvent['type'][] = ['signed-off', 'no-show'];

/**
 * What happens at a visit (P6): the assigned technician reports check-in, parts and outcome; the
 * customer's sign-off (captured by the technician or sent by the customer) and a no-show end the visit.
 */
export async function visitEventCommand(
  command: { brand: string; caseId: string; visitId: string; actor: Actor; event: VisitEvent },
  deps: Deps,
) {
  const { actor, event, visitId } = command;
  const kase = await mustSee(deps.repo, command.brand, command.caseId, actor);
  const visit = visitOf(kase, visitId);
  if (actor.role === 'customer' && !CUSTOMER_MAY.includes(event.type)) {
    throw new ForbiddenError(`A customer may report only a sign-off or a no-show, not "${event.type}".`);
  }
  if (actor.role === 'technician' && actor.subject !== visit.technician.id) {
    throw new ForbiddenError(`${visitId} is assigned to ${visit.technician.name}, not to you.`);
  }
  const by = `${actor.role}:${actor.subject}`;
  if (isCustodyEvent(event)) {
    await custodyEventCommand({ ...command, event, holder: `technician:${visit.technician.id}` }, deps);
    return { outcome: 'recorded' as const };
  }
  if (event.type === 'signed-off' || event.type === 'no-show') {
    const ended: CaseEvent =
      event.type === 'no-show'
        ? { type: 'visit-no-show', eventId: event.eventId, occurredAt: event.occurredAt, visitId }
        : {
            type: 'visit-signed-off',
            eventId: event.eventId,
            occurredAt: event.occurredAt,
            visitId,
            accepted: event.accepted,
          };
    if (event.type === 'signed-off' && !kase.seenEventIds.includes(event.eventId)) {
      await changeCase(command, (current) => signOffVisit(current, visitId, event, deps.now), deps);
    }
    return recordCaseEventCommand({ ...command, event: ended }, deps);
  }
  await changeCase(command, (current) => reportVisit(current, visitId, event, deps.now, by), deps);
  return { outcome: 'recorded' as const };
}

/**
 * Reads the case (as `actor` may see it), applies one pure change and saves it, again on a conflict;
 * no change, no write.
 */
function changeCase(
  command: { brand: string; caseId: string; actor: Actor },
  change: (kase: Case) => Case,
  deps: Deps,
) {
  return retryOnConflict(async () => {
    const before = await mustSee(deps.repo, command.brand, command.caseId, command.actor);
    const after = change(before);
    return after === before ? before : deps.repo.save(after, before.version);
  });
}

/** Called by the workflow when a step starts waiting; resumes it at once with an event that came early. */
export function beginWaitCommand(command: { brand: string; caseId: string; wait: WaitRequest }, deps: Deps) {
  return retryOnConflict(async () => {
    const before = await mustGet(deps.repo, command.brand, command.caseId);
    const { case: waiting, deliver } = beginWait(before, command.wait, deps.now);
    const saved = waiting === before ? before : await deps.repo.save(waiting, before.version);
    if (deliver) await deliverEvent(saved, command.wait.token, deliver, deps);
  });
}

async function deliverEvent(kase: Case, token: string, event: CaseEvent, deps: Deps) {
  if (await deps.workflow.resume(token, { event })) return;
  // The wait ended before the event reached it: the step waiting now, or the next one, takes it.
  const next = await retryOnConflict(async () => {
    const current = await mustGet(deps.repo, kase.brand, kase.caseId);
    const { case: returned, deliver } = returnUndelivered(current, event, token);
    const saved = returned === current ? current : await deps.repo.save(returned, current.version);
    return deliver ? { saved, deliver } : undefined;
  });
  if (next) await deliverEvent(next.saved, next.deliver.token, next.deliver.event, deps);
}

/**
 * Reads, decides and writes again when another writer (the workflow, a depot, a carrier) changed the
 * case in between: each decision is a pure function of the case, and every effect in one is idempotent.
 */
async function retryOnConflict<T>(attempt: () => Promise<T>, attempts = 8): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError) || i >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * i));
    }
  }
}

/** The workflow's steps: each loads the case, makes one decision, saves it, and tells the workflow what next. */
export const caseSteps = {
  async plan(kase: Case, deps: Deps) {
    const history = await deps.repo.deviceHistory(kase.brand, kase.device.serial);
    const others = history.cases.filter((other) => other.caseId !== kase.caseId);
    const { case: planned, route } = planCase(kase, policyFor(kase.brand), others, deps.now);
    return { case: planned, result: { route } };
  },

  async shipToDepot(kase: Case, deps: Deps) {
    const policy = policyFor(kase.brand);
    const shipment = await issueShipment(kase, 'to-depot', 'device', policy, deps);
    return {
      case: addShipment(kase, shipment, policy, deps.now),
      result: { trackingNumber: shipment.trackingNumber },
    };
  },

  async recordArrival(kase: Case, deps: Deps) {
    return { case: recordArrival(kase, policyFor(kase.brand), deps.now), result: {} };
  },

  async refund(kase: Case, deps: Deps) {
    return { case: refundReturn(kase, policyFor(kase.brand), deps.now), result: {} };
  },

  async applyDiagnosis(kase: Case, deps: Deps, { event }: StepInput) {
    if (event?.type !== 'diagnosed') throw new Error('applyDiagnosis needs a diagnosed event');
    const { case: diagnosed, next } = applyDiagnosis(kase, event, policyFor(kase.brand), deps.now);
    return { case: diagnosed, result: { next } };
  },

  async applyEstimateAnswer(kase: Case, deps: Deps, { event }: StepInput) {
    if (event?.type !== 'estimate-answered')
      throw new Error('applyEstimateAnswer needs an estimate-answered event');
    const { case: answered, next } = applyEstimateAnswer(
      kase,
      event.approved,
      policyFor(kase.brand),
      deps.now,
    );
    return { case: answered, result: { next } };
  },

  async applyRepairAttempt(kase: Case, deps: Deps, { event }: StepInput) {
    if (event?.type !== 'repair-attempted')
      throw new Error('applyRepairAttempt needs a repair-attempted event');
    const history = await deps.repo.deviceHistory(kase.brand, kase.device.serial);
    const {
      case: attempted,
      next,
      failed,
    } = applyRepairAttempt(kase, event, history.cases, policyFor(kase.brand), deps.now);
    return { case: attempted, result: { next, failed } };
  },

  async orderReplacement(kase: Case, deps: Deps) {
    const policy = policyFor(kase.brand);
    if (kase.replacement) return { case: kase, result: { serial: kase.replacement.serial } };
    const chosen = chooseReplacement(kase.device.model, policy);
    if (!chosen) throw new ReplacementUnavailableError(kase.device.model);
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

  async shipToCustomer(kase: Case, deps: Deps) {
    const policy = policyFor(kase.brand);
    const purpose = kase.replacement ? 'replacement' : 'device';
    const shipment = await issueShipment(kase, 'to-customer', purpose, policy, deps);
    // The customer's removed parts ride with the device, on the parcel's packing list (P5).
    const packed = packParts(kase, shipment, deps.now);
    return {
      case: addShipment(packed.case, packed.shipment, policy, deps.now),
      result: { trackingNumber: shipment.trackingNumber },
    };
  },

  async offerVisit(kase: Case, deps: Deps) {
    const { case: offered, next } = offerVisit(kase, policyFor(kase.brand), deps.now);
    return { case: offered, result: { next } };
  },

  /** Books the chosen window; the result says how long the visit's wait lasts before its timer. */
  async bookVisit(kase: Case, deps: Deps, { event }: StepInput) {
    if (event?.type !== 'visit-booked') throw new Error('bookVisit needs a visit-booked event');
    const { case: booked, waitSeconds } = bookVisit(kase, event.windowId, policyFor(kase.brand), deps.now);
    return { case: booked, result: { visitSeconds: waitSeconds } };
  },

  async visitTimer(kase: Case, deps: Deps) {
    const { case: after, next, waitSeconds } = visitTimer(kase, policyFor(kase.brand), deps.now);
    return { case: after, result: { next, visitSeconds: waitSeconds } };
  },

  async endVisit(kase: Case, deps: Deps, { event }: StepInput) {
    if (event?.type !== 'visit-signed-off' && event?.type !== 'visit-no-show')
      throw new Error('endVisit needs a visit-signed-off or visit-no-show event');
    const history = await deps.repo.deviceHistory(kase.brand, kase.device.serial);
    const ended = event.type === 'visit-no-show' ? 'no-show' : 'signed-off';
    const policy = policyFor(kase.brand);
    const { case: after, next } = endVisit(kase, event.visitId, ended, history.cases, policy, deps.now);
    return { case: after, result: { next } };
  },

  /** Nobody reported the visit by the end of its window (and grace): the technician did not come. */
  async visitOverdue(kase: Case, deps: Deps) {
    const visit = kase.visits.at(-1);
    if (!visit) throw new Error(`Case ${kase.caseId} has no visit to be overdue`);
    const history = await deps.repo.deviceHistory(kase.brand, kase.device.serial);
    const policy = policyFor(kase.brand);
    const { case: after, next } = endVisit(kase, visit.visitId, 'no-show', history.cases, policy, deps.now);
    return { case: after, result: { next } };
  },

  async settleCustody(kase: Case, deps: Deps) {
    const { case: settling, open } = settleCustody(kase, policyFor(kase.brand), deps.now);
    return { case: settling, result: { open } };
  },

  async close(kase: Case, deps: Deps) {
    return { case: closeCase(kase, policyFor(kase.brand), deps.now), result: {} };
  },

  async applySurveyAnswer(kase: Case, deps: Deps, { event }: StepInput) {
    if (event?.type !== 'survey-answered') throw new Error('applySurveyAnswer needs a survey-answered event');
    const answer = { met: event.met, ...(event.comment ? { comment: event.comment } : {}) };
    return { case: applySurveyAnswer(kase, answer, policyFor(kase.brand), deps.now), result: {} };
  },

  async recordNoSurveyAnswer(kase: Case, deps: Deps) {
    return { case: recordNoSurveyAnswer(kase, deps.now), result: {} };
  },

  /** A waiting step's deadline passed: escalate, and give the step the new owner's deadline as its timeout. */
  async escalateOverdue(kase: Case, deps: Deps, { overdue, sla }: StepInput) {
    if (!overdue || !sla) throw new Error('escalateOverdue needs the overdue step and the SLA');
    const { case: escalated, waitSeconds } = escalateOverdue(kase, overdue, policyFor(kase.brand), deps.now);
    // The result is the workflow's new SLA map: the overdue step waits with the new owner's deadline.
    return { case: escalated, result: { ...sla, [overdue.slaKey]: waitSeconds } };
  },
} satisfies Record<
  string,
  (kase: Case, deps: Deps, input: StepInput) => Promise<{ case: Case; result: object }>
>;

export type CaseStepName = keyof typeof caseSteps;

/** What a workflow step is handed besides the case: the event that resumed it, or the wait that is overdue. */
export interface StepInput {
  readonly event?: CaseEvent;
  /** The workflow's current SLA map, for steps that answer a new one. */
  readonly sla?: Record<string, number>;
  readonly overdue?: {
    readonly step: string;
    readonly what: string;
    readonly enteredAt: string;
    readonly slaKey: string;
  };
}

export function runCaseStep(
  command: { brand: string; caseId: string; step: CaseStepName } & StepInput,
  deps: Deps,
) {
  return retryOnConflict(async () => {
    const before = await mustGet(deps.repo, command.brand, command.caseId);
    const { case: after, result } = await caseSteps[command.step](before, deps, command);
    if (after !== before) await deps.repo.save(after, before.version);
    return result;
  });
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
): Promise<Shipment> {
  // A case has one leg of each kind, so the leg names the shipment.
  const shipmentId = `${direction}-${purpose}`;
  const existing = kase.shipments.find((shipment) => shipment.shipmentId === shipmentId);
  if (existing) return existing;
  const customer = `${kase.customer.name}, ${kase.customer.address}`;
  const issued = await deps.carrier.createShipment({
    reference: `${kase.brand}/${kase.caseId}/${shipmentId}`,
    from: direction === 'to-depot' ? customer : policy.depotAddress,
    to: direction === 'to-depot' ? policy.depotAddress : customer,
    service: kase.route === 'instant-replacement' ? 'express' : 'ground',
    box: direction === 'to-depot' && kase.boxNeeded,
    returnLabel: direction === 'to-depot',
    ...(direction === 'to-customer'
      ? { packingList: partsToReturn(kase).map((item) => item.description) }
      : {}),
  });
  const labelDocumentId = `label-${shipmentId}`;
  await deps.repo.putDocument(kase.brand, kase.caseId, {
    documentId: labelDocumentId,
    title: `Prepaid label ${issued.trackingNumber}`,
    contentType: 'application/pdf',
    data: issued.labelPdf,
  });
  await deps.repo.linkTracking(kase.brand, issued.trackingNumber, kase.caseId);
  return {
    shipmentId,
    direction,
    purpose,
    carrier: issued.carrier,
    trackingNumber: issued.trackingNumber,
    labelDocumentId,
    box: direction === 'to-depot' && kase.boxNeeded,
    status: 'label-issued',
    updatedAt: deps.now.toISOString(),
    packingList: [],
  };
}

async function mustGet(repo: CaseRepository, brand: string, caseId: string): Promise<Case> {
  const kase = await repo.get(brand, caseId);
  if (!kase) throw new CaseNotFoundError(caseId);
  return kase;
}

/** As mustGet, for a caller acting as `actor`: another customer's case does not exist for them (P14). */
async function mustSee(repo: CaseRepository, brand: string, caseId: string, actor: Actor): Promise<Case> {
  const kase = await mustGet(repo, brand, caseId);
  if (!visibleTo(kase, actor)) throw new CaseNotFoundError(caseId);
  return kase;
}
