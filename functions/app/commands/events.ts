import { type Actor, actorId, type Case } from '../../domain/case.ts';
import { deliverParts } from '../../domain/custody.ts';
import { addressOf, giveAddress, sameAddress } from '../../domain/customer-waits.ts';
import { EventNotApplicableError, InvalidFieldsError, NotFoundError } from '../../domain/errors.ts';
import {
  inboxKey,
  recordEvent,
  repeated,
  take,
  type WaitRequest,
  waitTaking,
} from '../../domain/event-inbox.ts';
import { occurredAtErrors } from '../../domain/event-times.ts';
import { diagnosisErrors } from '../../domain/good-faith.ts';
import type { BrandPolicy } from '../../domain/policy.ts';
import { type AddressRequest, CarrierEvent, type CaseEvent } from '../../domain/schemas.ts';
import { trackShipment } from '../../domain/shipping.ts';
import { describe } from '../../domain/timeline.ts';
import { changeCase } from '../change-case.ts';
import type { Deps } from '../deps.ts';
import { fingerprintOf } from '../ids.ts';
import { casePolicy } from '../policies.ts';
import { waitAfter } from '../waiting.ts';

/** A depot, a carrier or the customer reports something: recorded once, applied when the case is ready (P9). */
export async function recordCaseEventCommand(
  command: {
    brand: string;
    caseId: string;
    actor: Actor;
    event: CaseEvent;
    /** The body the sender sent, when it is not the event itself: what a repeated id is compared by. */
    request?: unknown;
  },
  deps: Deps,
) {
  const seen = [inboxKey(command.actor.role, command.event.eventId)];
  const fingerprint = fingerprintOf(command.request ?? command.event);
  const { case: saved, result: outcome } = await changeCase({ ...command, seen }, deps, async (kase) => {
    refuseWrong(kase, command.event, deps.now, await casePolicy(deps.policies, kase));
    const {
      case: recorded,
      outcome,
      deliver,
    } = recordEvent(kase, command.event, deps.now, command.actor, fingerprint);
    return { case: recorded, result: outcome, deliver };
  });
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
  const { event, actor } = command;
  const caseId = await deps.repo.caseOfTracking(command.brand, event.trackingNumber);
  if (!caseId) throw new NotFoundError(`shipment with tracking number ${event.trackingNumber}`);
  const seen = [inboxKey(actor.role, event.eventId)];
  const fingerprint = fingerprintOf(event);
  const { result: outcome } = await changeCase(
    { brand: command.brand, caseId, seen },
    deps,
    async (before) => {
      if (repeated(before, actor.role, event.eventId, fingerprint))
        return { case: before, result: 'duplicate' as const };
      refuseWrong(before, event, deps.now, await casePolicy(deps.policies, before));
      const tracking = trackShipment(before, event, deps.now);
      const { caseEvent } = tracking;
      // A parcel delivered to the customer brings back the parts that rode in it (P5).
      const tracked =
        caseEvent?.type === 'delivered-to-customer'
          ? deliverParts(tracking.case, event.trackingNumber, deps.now)
          : tracking.case;
      if (!caseEvent)
        return { case: take(tracked, actor.role, event.eventId, fingerprint), result: 'recorded' as const };
      const recorded = recordEvent(tracked, caseEvent, deps.now, actor, fingerprint);
      // A delivery the case no longer waits for is still a fact about the parcel: recorded, not refused.
      const result = recorded.outcome === 'not-applicable' ? ('recorded' as const) : recorded.outcome;
      return { case: recorded.case, result, deliver: recorded.deliver };
    },
  );
  return { caseId, outcome };
}

/** Called by the workflow when a step starts waiting; resumes it at once with an event that came early. */
export async function beginWaitCommand(
  command: { brand: string; caseId: string; wait: WaitRequest },
  deps: Deps,
): Promise<void> {
  await changeCase(command, deps, (kase) =>
    waitAfter({ case: kase, result: undefined }, command.wait, deps.now),
  );
}

/**
 * What the case refuses in an event, every field at once: a time in the future, before the case opened
 * or before what it follows (event-times.ts); a denial the entitlement contradicts (good-faith.ts).
 */
function eventErrors(kase: Case, event: unknown, now: Date, policy: BrandPolicy) {
  return [...occurredAtErrors(kase, event, now), ...diagnosisErrors(kase, event, policy)];
}

function refuseWrong(kase: Case, event: unknown, now: Date, policy: BrandPolicy) {
  const errors = eventErrors(kase, event, now, policy);
  if (errors.length > 0) throw new InvalidFieldsError(errors);
}

/**
 * For an event that has other errors too: what is wrong with its time, against the clock and the case
 * (found by its id, or by the tracking number a carrier gives), so the sender hears of it at once (P9).
 */
export async function eventErrorsOf(
  brand: string,
  where: { caseId?: unknown; trackingNumber?: unknown },
  body: unknown,
  deps: Deps,
) {
  // A tracking number the schema refused is not looked up (a key too long for the store, say).
  const tracking = CarrierEvent.shape.trackingNumber.safeParse(where.trackingNumber);
  const caseId = tracking.success
    ? await deps.repo.caseOfTracking(brand, tracking.data)
    : where.trackingNumber === undefined
      ? where.caseId
      : undefined;
  const known = typeof caseId === 'string' && /^RMA-[0-9A-Z]{12}$/.test(caseId);
  const kase = known ? await deps.repo.get(brand, caseId) : undefined;
  return kase
    ? eventErrors(kase, body, deps.now, await casePolicy(deps.policies, kase))
    : occurredAtErrors(undefined, body, deps.now);
}

/**
 * The customer (or an agent for them) gives the address parcels and technicians go to (issue 12,
 * journey 7): the case keeps it at once, and the step waiting for it, now or later, is resumed. Once
 * per address id; a closed case takes none (409). A signed-in customer's address is kept on file (P3).
 */
export async function giveAddressCommand(
  command: { brand: string; caseId: string; actor: Actor; request: AddressRequest },
  deps: Deps,
) {
  const { actor, request } = command;
  const event: CaseEvent = {
    type: 'address-given',
    eventId: request.addressId,
    occurredAt: deps.now.toISOString(),
    address: request.address,
  };
  const seen = [inboxKey(actor.role, event.eventId)];
  const fingerprint = fingerprintOf(request);
  // The address the case had, as the change that saved read it: only a new one is kept on file.
  let before: ReturnType<typeof addressOf>;
  const { case: saved, result: outcome } = await changeCase({ ...command, seen }, deps, (kase) => {
    before = addressOf(kase.customer);
    if (repeated(kase, actor.role, event.eventId, fingerprint))
      return { case: kase, result: 'duplicate' as const };
    // A new address for an open case that has one and waits for none: kept on the case, no event to keep.
    const waitsForIt = waitTaking(kase, event.type) !== undefined;
    if (kase.status !== 'closed' && addressOf(kase.customer) && !waitsForIt) {
      const taken = take(kase, actor.role, event.eventId, fingerprint);
      return {
        case: giveAddress(taken, request.address, deps.now, actorId(actor)),
        result: 'recorded' as const,
      };
    }
    const recorded = recordEvent(kase, event, deps.now, actor, fingerprint);
    if (recorded.outcome === 'not-applicable' || recorded.outcome === 'duplicate')
      return { case: recorded.case, result: recorded.outcome };
    const given = giveAddress(recorded.case, request.address, deps.now, actorId(actor));
    return { case: given, result: recorded.outcome, deliver: recorded.deliver };
  });
  if (outcome === 'not-applicable') {
    throw new EventNotApplicableError(
      `Case ${saved.caseId} is ${saved.status}: it takes no address now; the attempt was recorded on the timeline.`,
    );
  }
  const changed = !sameAddress(addressOf(saved.customer), before);
  if (changed && actor.role === 'customer' && saved.customerSubject === actor.subject) {
    const at = deps.now.toISOString();
    await deps.repo.keepCustomerOnFile(saved.brand, actor.subject, saved.customer, at, saved.caseId);
  }
  return { outcome };
}
