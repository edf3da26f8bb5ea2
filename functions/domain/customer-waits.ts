import { isShippable, type LegacyAddress, type ShippableAddress, type StoredAddress } from './address.ts';
import type { Case } from './case.ts';
import { isoAfter } from './dates.ts';
import { InvariantError } from './errors.ts';
import { advance, escalateOverdue, overdueEscalationId } from './escalation.ts';
import { atDepot, closure, customerSilent } from './handover.ts';
import type { BrandPolicy } from './policy.ts';
import { entry } from './timeline.ts';
import { renewWindows } from './visits.ts';
import { type RemindCustomer, WAITS, waitNamed } from './waits.ts';

/**
 * No dead ends on the customer's side (P7; issue 12, journeys 7 and 15). A step that waits on the
 * customer does not escalate the brand's staff when its deadline passes: the customer is reminded with
 * the step, the new deadline and what happens then, and has the brand's grace period. Still nothing,
 * and the case closes with a published reason, the device going back first if the depot has it; or, for
 * what only they can give and a case that cannot simply close (an address), a person takes it over.
 * Before anything is shipped to the customer or a technician is sent, the workflow makes sure it knows
 * where to: a label is never printed without an address.
 */

const SYSTEM = 'system:workflow';

/** Where the workflow goes when a customer's deadline passed: wait again (reminded, or escalated), or settle. */
export type AfterCustomerDeadline = 'wait' | 'close' | 'ship-back' | 'person';

/** A waiting step on the customer whose deadline passed, as the workflow names it. */
export interface CustomerOverdue {
  readonly step: string;
  readonly enteredAt: string;
}

/**
 * A customer's deadline passed. The first time, they are reminded and the wait goes on for the grace
 * period; at the end of it, the case settles as the wait declares. A parcel the carrier already has is
 * the brand's to answer for: that deadline escalates. Once per deadline: a step run again for the same
 * one answers what it did. `waitSeconds` is the wait's next timeout, or, when it settles, the brand's own
 * deadline for the step again (should it ever be waited on again).
 */
export function customerOverdue(
  kase: Case,
  overdue: CustomerOverdue,
  policy: BrandPolicy,
  now: Date,
): { case: Case; next: AfterCustomerDeadline; waitSeconds: number } {
  const wait = waitNamed(overdue.step);
  const onDeadline = wait?.onDeadline;
  if (!wait || !onDeadline || !('remindCustomer' in onDeadline))
    throw new InvariantError(`"${overdue.step}" is not a wait on the customer.`);
  const id = overdueEscalationId(overdue);
  const sla: Record<string, number> = policy.sla;
  const own = sla[wait.deadline] ?? policy.sla.customerGraceSeconds;
  const { reminder } = kase;
  if (reminder?.id === id) return { case: kase, next: 'wait', waitSeconds: secondsUntil(reminder.due, now) };
  if (reminder?.settled?.id === id) return { case: kase, next: reminder.settled.next, waitSeconds: own };

  // A carrier the brand sent to collect, or one that has the parcel: the brand's to answer for.
  if (onDeadline.escalateOnceMoving && (parcelMoving(kase) || kase.pickupAt)) {
    const { reminder: _moving, ...onItsWay } = kase;
    const what = onDeadline.escalateOnceMoving;
    const escalated = escalateOverdue(onItsWay, { ...overdue, what }, policy, now);
    return { case: escalated.case, next: 'wait', waitSeconds: escalated.waitSeconds };
  }
  if (reminder?.step === overdue.step && !reminder.settled) {
    const settled = settle(kase, reminder, onDeadline, policy, now, id);
    return { ...settled, waitSeconds: own };
  }
  return {
    case: remind(kase, overdue.step, onDeadline, policy, now, id),
    next: 'wait',
    waitSeconds: policy.sla.customerGraceSeconds,
  };
}

/** The customer is told what they did not do in time, by when they still can, and what happens if not. */
function remind(
  kase: Case,
  step: string,
  onDeadline: RemindCustomer,
  policy: BrandPolicy,
  now: Date,
  id: string,
): Case {
  const due = isoAfter(now, policy.sla.customerGraceSeconds);
  const then = whatHappensThen(kase, onDeadline, policy);
  const renewed = step === WAITS.booking.state ? renewWindows(kase, now) : kase;
  const windows = renewed.visitOffer
    ? ` Windows: ${renewed.visitOffer.windows.map((w) => w.windowId).join(', ')}.`
    : '';
  const reminded: Case = {
    ...renewed,
    reminder: { id, step, at: now.toISOString(), due, whatThen: then },
    timeline: [
      ...renewed.timeline,
      entry(
        now,
        'customer-reminded',
        `Deadline passed: ${onDeadline.remindCustomer}. Reminded; the grace period ends ${due}, then ${then}.`,
        SYSTEM,
      ),
    ],
  };
  const name = kase.nextStep.name;
  return advance(
    reminded,
    name,
    due,
    now,
    `Reminder: ${capitalized(onDeadline.remindCustomer)} in time. ${name} by ${due}.${windows} If not, ${then}.`,
  );
}

function whatHappensThen(kase: Case, onDeadline: RemindCustomer, policy: BrandPolicy): string {
  if ('thenHandOver' in onDeadline) {
    const who = policy.caseDesk?.name ?? policy.escalationLadder[kase.escalationLevel + 1]?.role;
    return `${who ?? 'one of us'} takes your case over and contacts you`;
  }
  const reason = `reason ${onDeadline.thenClose}, published at /reasons`;
  return atDepot(kase)
    ? `we send your device back unrepaired and close your case (${reason})`
    : `we close your case (${reason})`;
}

/**
 * The grace period ended with nothing from the customer. A close leaves nothing dangling: what awaited
 * their answer lapses (an estimate, an offer, visit windows), a device at the depot goes back to them
 * unrepaired first, and the case closes with its published reason, then asks the survey like any close.
 * What only they can give and cannot be closed away (an address) goes to a person instead.
 */
function settle(
  kase: Case,
  reminder: NonNullable<Case['reminder']>,
  onDeadline: RemindCustomer,
  policy: BrandPolicy,
  now: Date,
  id: string,
): { case: Case; next: Exclude<AfterCustomerDeadline, 'wait'> } {
  const lapsed = `${capitalized(onDeadline.remindCustomer)} by ${reminder.due}, the deadline we reminded you of.`;
  if ('thenHandOver' in onDeadline) {
    const handed = customerSilent(
      kase,
      { id: `customer-silent:${id}`, state: reminder.step, problem: onDeadline.thenHandOver, tell: lapsed },
      policy,
      now,
    );
    return {
      case: { ...handed, reminder: { ...reminder, settled: { id, next: 'person' } } },
      next: 'person',
    };
  }
  const code = onDeadline.thenClose;
  const closing = closure(kase, code, policy, now, SYSTEM);
  const reason = closing.decisions.at(-1);
  const { visitOffer: _windows, ...unoffered } = closing;
  const settledCase: Case = {
    ...unoffered,
    ...(closing.estimate?.status === 'awaiting-answer'
      ? { estimate: { ...closing.estimate, status: 'lapsed' as const } }
      : {}),
    ...(closing.replacementOffer?.status === 'offered'
      ? { replacementOffer: { ...closing.replacementOffer, status: 'lapsed' as const } }
      : {}),
    timeline: [
      ...closing.timeline,
      entry(now, 'customer-deadline-lapsed', `${lapsed} Closing with ${code}.`, SYSTEM),
    ],
  };
  const told = `${lapsed} ${reason?.text ?? ''} What you can do: ${reason?.youCan ?? ''}`;
  if (atDepot(kase)) {
    const back: Case = { ...settledCase, outcome: kase.outcome ?? 'returned-unrepaired' };
    return {
      case: advance(
        { ...back, reminder: { ...reminder, settled: { id, next: 'ship-back' } } },
        'We ship your device back',
        isoAfter(now, 120),
        now,
        told,
      ),
      next: 'ship-back',
    };
  }
  return {
    case: advance(
      { ...settledCase, reminder: { ...reminder, settled: { id, next: 'close' } } },
      'We close your case',
      isoAfter(now, 120),
      now,
      told,
    ),
    next: 'close',
  };
}

/** A carrier scan shows the parcel to the depot on its way: from then on, its arrival is the brand's to answer for. */
function parcelMoving(kase: Case): boolean {
  const inbound = kase.shipments.filter((shipment) => shipment.direction === 'to-depot').at(-1);
  return (
    inbound?.status === 'picked-up' ||
    inbound?.status === 'in-transit' ||
    inbound?.status === 'out-for-delivery'
  );
}

const secondsUntil = (iso: string, now: Date) =>
  Math.max(60, Math.ceil((Date.parse(iso) - now.getTime()) / 1000));

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * What earlier versions stored when no address was given: it is no address, and is never printed.
 */
const PLACEHOLDER = 'Address on file';

/** The customer's address, if they gave one: in parts, or (kept before issue 15) one line of text. */
export function addressOf(customer: Case['customer']): StoredAddress | LegacyAddress | undefined {
  const address = customer.address;
  if (typeof address !== 'string') return address;
  const text = address.trim();
  return text && text !== PLACEHOLDER ? text : undefined;
}

/** The customer's address if a parcel can go to it: in parts, with a postcode and a country. */
export function shippableAddress(customer: Case['customer']): ShippableAddress | undefined {
  const address = addressOf(customer);
  return isShippable(address) ? address : undefined;
}

/** What the address is needed for: a parcel to the customer, or a technician's visit. */
export type AddressFor = 'ship-back' | 'visit';

/**
 * Before a parcel goes to the customer or a technician is sent: is there an address? If so, the
 * addresses the customer gave while nobody waited for one have served (the case holds the latest). If
 * not, the customer is asked, with the brand's deadline for it.
 */
export function needAddress(
  kase: Case,
  purpose: AddressFor,
  policy: BrandPolicy,
  now: Date,
): { case: Case; known: boolean } {
  // A technician can find a house from an address in words; a carrier needs a postcode and a country.
  const known = purpose === 'visit' ? addressOf(kase.customer) : shippableAddress(kase.customer);
  if (known) {
    const kept = kase.pendingEvents.filter((event) => event.type !== 'address-given');
    const served = kept.length === kase.pendingEvents.length ? kase : { ...kase, pendingEvents: kept };
    return { case: served, known: true };
  }
  const name =
    purpose === 'visit'
      ? 'Tell us where the technician should come'
      : `Tell us where to send your ${kase.replacement ? 'replacement' : 'device'}`;
  if (kase.nextStep.name === name) return { case: kase, known: false };
  const why =
    purpose === 'visit'
      ? 'We need your address to send a technician'
      : addressOf(kase.customer)
        ? // Kept as one line before addresses had parts: a carrier cannot read its postcode or country.
          `The address we have for you lacks a separate postcode and country, which the carrier needs to send your ${kase.replacement ? 'replacement' : 'device'}: please give it again`
        : `We need your address to send your ${kase.replacement ? 'replacement' : 'device'} to you`;
  return {
    case: advance(
      kase,
      name,
      isoAfter(now, policy.sla.addressSeconds),
      now,
      `${why}; nothing is sent without it. Give it at /cases/${kase.caseId}/address.`,
    ),
    known: false,
  };
}

/**
 * The customer (or an agent for them) gives the address: the case keeps it at once, for the next label
 * or visit; a step waiting for it is resumed by the event that says so (event-inbox.ts).
 */
export function giveAddress(kase: Case, address: StoredAddress | LegacyAddress, now: Date, by: string): Case {
  if (sameAddress(kase.customer.address, address)) return kase;
  return {
    ...kase,
    customer: { ...kase.customer, address },
    timeline: [
      ...kase.timeline,
      entry(
        now,
        'address-given',
        `Address given${addressOf(kase.customer) ? ', replacing the one before' : ''}.`,
        by,
      ),
    ],
  };
}

/** Whether two addresses say the same: the same parts, or the same words. */
export const sameAddress = (
  a: StoredAddress | LegacyAddress | undefined,
  b: StoredAddress | LegacyAddress | undefined,
) => JSON.stringify(a) === JSON.stringify(b);
