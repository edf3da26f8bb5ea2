import type { z } from 'zod';
import type { Case, CustodyItem, Shipment } from './case.ts';
import { isoAfter } from './dates.ts';
import { ConflictError, NotFoundError } from './errors.ts';
import { notify } from './escalation.ts';
import type { BrandPolicy } from './policy.ts';
import type { CustodyEvent, PartCategory } from './schemas.ts';
import { entry } from './timeline.ts';

/**
 * Custody of customer-owned parts and data (P5). Every part removed from a customer's device enters
 * the ledger; it stays the customer's (unless it is an exchange part they were told about before the
 * repair), and it leaves the ledger only returned, destroyed on the customer's own recorded choice,
 * or released by the customer. A case cannot close while an item is open.
 */

type Removed = Extract<CustodyEvent, { type: 'part-removed' }>;
type Destroyed = Extract<CustodyEvent, { type: 'part-destroyed' }>;

/**
 * Each destruction method in words, with the NIST SP 800-88 (Rev. 1, "Guidelines for Media
 * Sanitization") category it meets: a certificate states the standard, so that an auditor need not
 * guess what "shredded" guaranteed.
 */
export const DESTRUCTION_METHODS: Readonly<Record<Destroyed['method'], { words: string; standard: string }>> =
  {
    shredded: {
      words: 'Shredded: the storage was physically destroyed',
      standard: 'NIST SP 800-88 Rev. 1, Destroy (shred)',
    },
    degaussed: {
      words: 'Degaussed: the magnetic storage was erased by a degausser',
      standard: 'NIST SP 800-88 Rev. 1, Purge (degauss)',
    },
    'crypto-erased-and-shredded': {
      words: 'Cryptographically erased, then shredded',
      standard: 'NIST SP 800-88 Rev. 1, Purge (cryptographic erase), then Destroy (shred)',
    },
  };

/** A certificate's number: the case's RMA number and the destruction's rank on it, RMA-…-D1, D2... */
export function certificateNumber(kase: Case): string {
  return `${kase.caseId}-D${kase.custody.filter((item) => item.status === 'destroyed').length}`;
}
type Returned = Extract<CustodyEvent, { type: 'part-returned' }>;

/** The customer's answer on removed parts and data: theirs alone to give, and on the timeline (P5). */
export function chooseCustody(
  kase: Case,
  choice: { choiceId: string; parts: 'return' | 'release'; data: 'return' | 'destroy' },
  now: Date,
  by: string,
): Case {
  if (kase.seenEventIds.includes(choice.choiceId)) return kase;
  const closed = kase.status === 'closed';
  if (closed && openItems(kase).length === 0) {
    throw new ConflictError(
      `Case ${kase.caseId} is closed and we hold nothing of yours: every removed part is back with you, destroyed as you chose, released by you, or an exchange part. There is nothing left to choose.`,
      'Nothing of yours is held',
    );
  }
  const parts = choice.parts === 'return' ? 'sent back to you' : 'released to us';
  const data = choice.data === 'return' ? 'sent back to you' : 'destroyed, with a certificate';
  const recorded: Case = {
    ...kase,
    seenEventIds: [...kase.seenEventIds, choice.choiceId],
    custodyChoice: { parts: choice.parts, data: choice.data, at: now.toISOString(), by },
    custody: kase.custody.map((item) =>
      item.status === 'held' && item.owner === 'customer' && !item.dataBearing && choice.parts === 'release'
        ? transfer(item, 'the brand', 'released', now, by, 'released by the customer')
        : item,
    ),
    timeline: [
      ...kase.timeline,
      entry(now, 'custody-choice', `Removed parts: ${parts}. Parts holding data: ${data}.`, by),
    ],
  };
  // A closed case still holding something of theirs records the choice (P5), on the timeline and in
  // the answer to the request, but sends no workflow notice: nothing moved, and a closed case hears
  // only the survey and its follow-up.
  if (closed) return recorded;
  return notify(
    recorded,
    `We recorded your choice: removed parts will be ${parts}; parts holding your data will be ${data}.`,
    now,
  );
}

/** Whose a removed part is: the customer's, unless an exchange part they were told of before the repair. */
function ownerOf(kase: Case, category: CustodyItem['category'], policy: BrandPolicy, at: Date) {
  const toldBefore = kase.exchangeNoticeAt !== undefined && new Date(kase.exchangeNoticeAt) <= at;
  const exchange = policy.exchangeCategories.includes(category) && !DATA_BEARING.includes(category);
  return exchange && toldBefore ? ('brand' as const) : ('customer' as const);
}

/** A part leaves the customer's device, at a depot or on site: it enters the ledger, held by `holder`. */
export function removePart(kase: Case, event: Removed, policy: BrandPolicy, now: Date, holder: string): Case {
  if (kase.custody.some((item) => item.itemId === event.eventId)) return kase;
  const dataBearing = DATA_BEARING.includes(event.category);
  const owner = ownerOf(kase, event.category, policy, now);
  const choice = kase.custodyChoice ?? { parts: 'return', data: 'return' };
  const removed: CustodyItem = {
    itemId: event.eventId,
    description: event.description,
    category: event.category,
    ...(event.serial ? { serial: event.serial } : {}),
    dataBearing,
    owner,
    holder,
    // When it was removed, as its remover reported it (checked against the clock and the case).
    since: event.occurredAt,
    status: 'held',
    chain: [{ at: event.occurredAt, from: 'customer’s device', to: holder, by: holder, what: 'removed' }],
  };
  const released = owner === 'customer' && !dataBearing && choice.parts === 'release';
  const item = released
    ? transfer(removed, 'the brand', 'released', now, holder, 'released by the customer’s choice')
    : removed;
  const label = `${event.description}${event.serial ? ` (serial ${event.serial})` : ''}`;
  const fate =
    owner === 'brand'
      ? 'it is an exchange part, as we told you before the repair, so it stays with us'
      : released
        ? 'you released it to us'
        : dataBearing && choice.data === 'destroy'
          ? 'it holds data: it will be destroyed, as you chose, and you will get a certificate'
          : 'it is yours and comes back to you';
  return notify(
    {
      ...kase,
      custody: [...kase.custody, item],
      timeline: [
        ...kase.timeline,
        entry(now, 'custody', `Removed ${label}; held by ${holder}; owner: ${owner}.`, holder),
      ],
    },
    `We removed ${label} from your device: ${fate}.`,
    now,
  );
}

/** Destruction of a data-bearing part: only on the customer's recorded choice, with a certificate (P5). */
export function destroyPart(
  kase: Case,
  event: Destroyed,
  certificateDocumentId: string,
  now: Date,
  by: string,
): Case {
  const item = custodyItem(kase, event.itemId);
  if (item.status === 'destroyed') return kase;
  if (item.owner !== 'customer' || !item.dataBearing || kase.custodyChoice?.data !== 'destroy') {
    throw new ConflictError(
      `Only the customer can choose to destroy ${item.description}, and they have not: it must go back to them.`,
      'Not the customer’s choice',
    );
  }
  if (item.status !== 'held') throw new ConflictError(`${item.description} is ${item.status}, not held.`);
  const destroyed = {
    // When it was destroyed, as reported: never before its removal or the customer's choice (event-times.ts).
    ...transfer(
      item,
      'destroyed',
      'destroyed',
      new Date(event.occurredAt),
      by,
      `destroyed (${event.method})`,
    ),
    certificateDocumentId,
  };
  return notify(
    {
      ...replace(kase, destroyed),
      timeline: [
        ...kase.timeline,
        entry(
          now,
          'custody',
          `Destroyed ${item.description}${item.serial ? ` (serial ${item.serial})` : ''} by ${event.method}, as the customer chose; certificate ${certificateDocumentId}.`,
          by,
        ),
      ],
    },
    `${item.description} was destroyed as you chose. Your certificate: /cases/${kase.caseId}/documents/${certificateDocumentId}.`,
    now,
  );
}

/** Handed back to the customer on site (or reported shipped by its own parcel). */
export function returnPart(kase: Case, event: Returned, now: Date, by: string): Case {
  const item = custodyItem(kase, event.itemId);
  if (item.status === 'returned') return kase;
  if (item.status !== 'held') throw new ConflictError(`${item.description} is ${item.status}, not held.`);
  return notify(
    {
      ...replace(kase, transfer(item, 'customer', 'returned', now, by, event.how)),
      timeline: [...kase.timeline, entry(now, 'custody', `${item.description} returned (${event.how}).`, by)],
    },
    `${item.description} is back with you.`,
    now,
  );
}

/** The customer lets the brand keep one of their items. */
export function releasePart(
  kase: Case,
  request: { releaseId: string; itemId: string },
  now: Date,
  by: string,
) {
  if (kase.seenEventIds.includes(request.releaseId)) return kase;
  const item = custodyItem(kase, request.itemId);
  if (item.owner !== 'customer' || (item.status !== 'held' && item.status !== 'in-transit')) {
    throw new ConflictError(`${item.description} is not yours to release now (${item.status}).`);
  }
  return {
    ...replace(kase, transfer(item, 'the brand', 'released', now, by, 'released by the customer')),
    seenEventIds: [...kase.seenEventIds, request.releaseId],
    timeline: [...kase.timeline, entry(now, 'custody', `${item.description} released by the customer.`, by)],
  };
}

/** Held items the customer wants back: they ride the next parcel to the customer. */
export function partsToReturn(kase: Case): CustodyItem[] {
  const choice = kase.custodyChoice ?? { parts: 'return', data: 'return' };
  return kase.custody.filter(
    (item) =>
      item.owner === 'customer' &&
      item.status === 'held' &&
      (item.dataBearing ? choice.data === 'return' : choice.parts === 'return'),
  );
}

/** The customer's parts to send back ride the parcel to the customer, on its packing list. */
export function packParts(kase: Case, shipment: Shipment, now: Date): { case: Case; shipment: Shipment } {
  if (shipment.packingList.length > 0 || kase.shipments.some((s) => s.shipmentId === shipment.shipmentId)) {
    return { case: kase, shipment };
  }
  const packed = partsToReturn(kase);
  if (packed.length === 0) return { case: kase, shipment };
  const carrier = `carrier:${shipment.trackingNumber}`;
  return {
    case: {
      ...kase,
      custody: kase.custody.map((item) =>
        packed.includes(item) ? transfer(item, carrier, 'in-transit', now, item.holder, 'shipped') : item,
      ),
    },
    shipment: {
      ...shipment,
      packingList: packed.map((item) => ({ itemId: item.itemId, description: item.description })),
    },
  };
}

/** A parcel reached the customer: whatever rode in it is back with them. */
export function deliverParts(kase: Case, trackingNumber: string, now: Date): Case {
  const carrier = `carrier:${trackingNumber}`;
  return {
    ...kase,
    custody: kase.custody.map((item) =>
      item.status === 'in-transit' && item.holder === carrier
        ? transfer(item, 'customer', 'returned', now, carrier, 'delivered')
        : item,
    ),
  };
}

/** Items still owed to the customer: theirs, and neither returned, destroyed on their choice nor released. */
export function openItems(kase: Case): CustodyItem[] {
  return kase.custody.filter(
    (item) => item.owner === 'customer' && (item.status === 'held' || item.status === 'in-transit'),
  );
}

/**
 * Before closing: any open item keeps the case open, waiting with its own deadline (and escalation)
 * until it is settled.
 */
export function settleCustody(kase: Case, policy: BrandPolicy, now: Date): { case: Case; open: number } {
  const open = openItems(kase);
  const pendingCleared = kase.pendingEvents.filter((event) => event.type !== 'custody-changed');
  if (open.length === 0) return { case: { ...kase, pendingEvents: pendingCleared }, open: 0 };
  if (kase.status === 'settling-custody') return { case: kase, open: open.length };
  const list = open.map((item) => `${item.description} (held by ${item.holder})`).join(', ');
  return {
    case: notify(
      {
        ...kase,
        status: 'settling-custody',
        nextStep: {
          name: `Return or settle your parts: ${list}`,
          deadline: isoAfter(now, policy.sla.custodySeconds),
        },
      },
      `Your case stays open until every part of yours is back with you, destroyed as you chose, or released by you: ${list}.`,
      now,
    ),
    open: open.length,
  };
}

function transfer(
  item: CustodyItem,
  to: string,
  status: CustodyItem['status'],
  now: Date,
  by: string,
  what: string,
): CustodyItem {
  return {
    ...item,
    holder: to,
    status,
    since: now.toISOString(),
    chain: [...item.chain, { at: now.toISOString(), from: item.holder, to, by, what }],
  };
}

/** One item of the ledger; an unknown id is a 404. */
export function custodyItem(kase: Case, itemId: string): CustodyItem {
  const item = kase.custody.find((candidate) => candidate.itemId === itemId);
  if (!item) throw new NotFoundError(`custody item ${itemId} on case ${kase.caseId}`);
  return item;
}

function replace(kase: Case, item: CustodyItem): Case {
  return {
    ...kase,
    custody: kase.custody.map((candidate) => (candidate.itemId === item.itemId ? item : candidate)),
  };
}

export const DATA_BEARING: readonly z.infer<typeof PartCategory>[] = ['board', 'drive', 'memory-card'];

/** A depot's or a technician's event that changes the custody ledger rather than the workflow. */
export function isCustodyEvent(event: { type: string }): event is CustodyEvent {
  return event.type === 'part-removed' || event.type === 'part-destroyed' || event.type === 'part-returned';
}

/** Before the repair: what happens to removed parts and data, and how the customer decides it (P5). */
export function custodyNotice(kase: Case, policy: BrandPolicy): string {
  const choice = kase.custodyChoice;
  const current = choice
    ? `You chose: parts ${choice.parts}, data ${choice.data}.`
    : 'Unless you tell us otherwise, every removed part and anything holding your data comes back to you.';
  return `${current} Replaced ${policy.exchangeCategories.join(', ')} parts are exchange parts and stay with us. Choose at /cases/${kase.caseId}/custody/choices.`;
}
