import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  paginateQuery,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { Case, Stored } from '../domain/case.ts';
import { ConcurrentUpdateError } from '../domain/errors.ts';
import { ownerWork } from '../domain/escalation.ts';
import type { CaseDocument, CaseRepository, DeviceHistory } from '../domain/ports.ts';
import { dynamo, requiredEnv } from './aws-clients.ts';

/** Keys of fairfix's single table; every one begins with the tenant (see lib/constructs/data-table.ts). */
export const keys = {
  case: (brand: string, caseId: string) => ({ pk: `T#${brand}#CASE#${caseId}`, sk: 'CASE' }),
  document: (brand: string, caseId: string, documentId: string) => ({
    pk: `T#${brand}#CASE#${caseId}`,
    sk: `DOC#${documentId}`,
  }),
  tracking: (brand: string, trackingNumber: string) => ({
    pk: `T#${brand}#TRACK#${trackingNumber}`,
    sk: 'TRACK',
  }),
  serial: (brand: string, serial: string) => `T#${brand}#SERIAL#${serial}`,
  queue: (brand: string, queue: string) => `T#${brand}#QUEUE#${queue}`,
  owner: (brand: string, owner: string) => `T#${brand}#OWNER#${owner}`,
  allCases: (brand: string) => `T#${brand}#CASES`,
  /** A customer's cases by email (lower case), in the byCustomer index. */
  customer: (brand: string, email: string) => `T#${brand}#CUSTOMER#${email.toLowerCase()}`,
  /** What a signed-in customer last gave of themselves, by their sign-in subject. */
  profile: (brand: string, subject: string) => ({ pk: `T#${brand}#PROFILE#${subject}`, sk: 'PROFILE' }),
  /** An entry of a case's journal, in order: `TL#0000000042` is the timeline's 43rd entry. */
  entry: (brand: string, caseId: string, journal: Journal, seq: number) => ({
    pk: `T#${brand}#CASE#${caseId}`,
    sk: `${JOURNALS[journal]}${String(seq).padStart(10, '0')}`,
  }),
  /** An id the case took, per sender (`depot:evt-1`): the inbox that answers "seen before?". */
  inbox: (brand: string, caseId: string, key: string) => ({
    pk: `T#${brand}#CASE#${caseId}`,
    sk: `IN#${key}`,
  }),
};

/**
 * A case's journals grow without bound (a timeline of 10,000 entries is a busy case, not an attack),
 * so they are not kept in the case's item, which DynamoDB caps at 400 KB: each entry is an item of its
 * own in the case's partition. A change commits by one conditional write of the case item, which
 * carries the change's own entries (its tail); readers take the tail from the item. The next change
 * writes them out as items before it commits its own tail in their place: one batch write per change,
 * and no crash window in which a committed entry exists nowhere. An entry item is therefore only ever
 * written with committed content, so two racing writers never overwrite each other's entries.
 */
const JOURNALS = { timeline: 'TL#', notifications: 'NT#' } as const;
type Journal = keyof typeof JOURNALS;

/** How many recent inbox keys the case item keeps, so an immediate retry is caught without a lookup. */
const RECENT_SEEN = 64;

const EMPTY: Stored = {
  timeline: 0,
  notifications: 0,
  seenLoaded: 0,
  recentSeen: [],
  recentFingerprints: {},
  tail: { timeline: [], notifications: [], seen: [], fingerprints: {} },
};

/** Where an item's journals stand; an item written before journals lived apart holds them all inline. */
function storedOf(item: Record<string, unknown>): Stored {
  if (item.stored) return Stored.parse(item.stored);
  const legacy = Case.pick({ timeline: true, notifications: true, seenEventIds: true }).parse(item);
  return {
    timeline: legacy.timeline.length,
    notifications: legacy.notifications.length,
    seenLoaded: 0,
    recentSeen: [...new Set(legacy.seenEventIds)].slice(-RECENT_SEEN),
    recentFingerprints: {},
    tail: {
      timeline: legacy.timeline,
      notifications: legacy.notifications,
      seen: legacy.seenEventIds,
      fingerprints: {},
    },
  };
}

/** A case's place in its brand's fixed pseudo-random order, for sampling: hex, evenly spread. */
const sampleKey = (caseId: string) => createHash('sha256').update(caseId).digest('hex').slice(0, 16);

/** How many of a brand's cases one page of a review export reads at most, to find those of its period. */
const EXPORT_READ_BUDGET = 1_000;

function toItem(kase: Case, stored: Stored) {
  const work = ownerWork(kase);
  const {
    timeline: _timeline,
    notifications: _notifications,
    seenEventIds: _seen,
    seenFingerprints: _fingerprints,
    ...state
  } = kase;
  return {
    ...keys.case(kase.brand, kase.caseId),
    ...state,
    stored,
    gsi1pk: keys.serial(kase.brand, kase.device.serial),
    gsi1sk: kase.openedAt,
    gsi2pk: keys.customer(kase.brand, kase.customer.email),
    gsi2sk: customerOrder(kase),
    // Open cases sit in the depot's queue, earliest deadline first: overdue work comes first.
    ...(kase.status === 'closed'
      ? {}
      : { gsi3pk: keys.queue(kase.brand, 'depot'), gsi3sk: `${kase.nextStep.deadline}#${kase.caseId}` }),
    // An escalated case, or a follow-up, sits in its owner's queue by due time (P7, P10).
    ...(work ? { gsi4pk: keys.owner(kase.brand, work.owner), gsi4sk: `${work.due}#${kase.caseId}` } : {}),
    gsi5pk: keys.allCases(kase.brand),
    gsi5sk: sampleKey(kase.caseId),
    // The brand's cases by opening time, for staff's list of cases (newest first).
    gsi6pk: keys.allCases(kase.brand),
    gsi6sk: customerOrder(kase),
  };
}

/**
 * A case's place among its customer's cases, and among its brand's: by opening time, the id breaking
 * ties (a page's cursor).
 */
const customerOrder = (kase: Case) => `${kase.openedAt}#${kase.caseId}`;

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

export class DynamoCaseRepository implements CaseRepository {
  constructor(private readonly tableName = requiredEnv('TABLE_NAME')) {}

  async get(brand: string, caseId: string, seen: readonly string[] = []): Promise<Case | undefined> {
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: keys.case(brand, caseId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const stored = storedOf(Item);
    const recent = new Set([...stored.recentSeen, ...stored.tail.seen]);
    // Fewer recent keys than are kept: none ever dropped out, so the item knows every key the case took.
    const everyKey = stored.recentSeen.length < RECENT_SEEN;
    const found = everyKey
      ? {}
      : await this.inboxHas(
          brand,
          caseId,
          seen.filter((key) => !recent.has(key)),
        );
    const seenEventIds = [...recent, ...Object.keys(found)];
    const seenFingerprints = { ...stored.recentFingerprints, ...stored.tail.fingerprints, ...found };
    // The workflow's direct DynamoDB steps add attributes of their own; parse() keeps what the domain knows.
    return Case.parse({
      ...Item,
      timeline: [],
      notifications: [],
      seenEventIds,
      seenFingerprints,
      stored: { ...stored, seenLoaded: seenEventIds.length },
    });
  }

  async create(kase: Case): Promise<boolean> {
    // The opening's entries ride in the item's tail until the next change writes them out.
    return this.putOnce(toItem(kase, committed(kase, EMPTY)));
  }

  async save(kase: Case, expectedVersion: number): Promise<Case> {
    const before = kase.stored ?? EMPTY;
    // The last change's entries ride in the tail this change replaces: out they go first.
    await this.writeOut(kase, before);
    const stored = committed(kase, before);
    const next = { ...kase, version: expectedVersion + 1 };
    try {
      await dynamo.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(next, stored),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ConcurrentUpdateError(kase.caseId);
      throw error;
    }
    return {
      ...next,
      timeline: [],
      notifications: [],
      stored: { ...stored, seenLoaded: kase.seenEventIds.length },
    };
  }

  /**
   * A page of a case's journal, oldest first: the `limit` entries before `before` (default: the end),
   * the journal's length, and where the page before this one ends, if there is one.
   */
  private async storedNow(brand: string, caseId: string): Promise<Stored | undefined> {
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: keys.case(brand, caseId), ConsistentRead: true }),
    );
    return Item ? storedOf(Item) : undefined;
  }

  async journal(
    brand: string,
    caseId: string,
    journal: Journal,
    page: { before?: number; limit: number },
    as?: Stored,
  ): Promise<{ entries: unknown[]; total: number; before?: number } | undefined> {
    const stored = as ?? (await this.storedNow(brand, caseId));
    if (!stored) return undefined;
    const wanted = pageOf(stored, journal, page);
    const items = wanted.start < wanted.itemsEnd ? await this.entries(brand, caseId, wanted) : [];
    return pageFrom(stored, wanted, items);
  }

  async journals(
    brand: string,
    caseId: string,
    pages: { timeline: { before?: number; limit: number }; notifications: { limit: number } },
    stored: Stored,
  ) {
    const notices = pageOf(stored, 'notifications', pages.notifications);
    const timeline = pageOf(stored, 'timeline', pages.timeline);
    const read = (page: Page) => (page.start < page.itemsEnd ? this.entries(brand, caseId, page) : []);
    // Notices sort just before the timeline (NT# < TL#, nothing between): when the timeline's page starts
    // at its first entry, one range holds both pages' items, and one query reads them.
    const together = notices.start < notices.itemsEnd && timeline.start === 0 && timeline.itemsEnd > 0;
    const [noticeItems, timelineItems] = together
      ? await this.entries(brand, caseId, notices, timeline).then((items) => [items, items] as const)
      : await Promise.all([read(notices), read(timeline)]);
    return {
      notifications: pageFrom(stored, notices, noticeItems),
      timeline: pageFrom(stored, timeline, timelineItems),
    };
  }

  /** The entry items from `first`'s page to `last`'s (by default the same), in the store's order. */
  private async entries(
    brand: string,
    caseId: string,
    first: Page,
    last = first,
  ): Promise<Record<string, unknown>[]> {
    return allItems({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :case AND sk BETWEEN :first AND :last',
      ExpressionAttributeValues: {
        ':case': keys.case(brand, caseId).pk,
        ':first': keys.entry(brand, caseId, first.journal, first.start).sk,
        ':last': keys.entry(brand, caseId, last.journal, last.itemsEnd - 1).sk,
      },
      ConsistentRead: true,
    });
  }

  /** Which of `keys` the case's inbox holds, each with the fingerprint of what it said ('' if unknown). */
  private async inboxHas(
    brand: string,
    caseId: string,
    wanted: readonly string[],
  ): Promise<Record<string, string>> {
    const found: Record<string, string> = {};
    for (let i = 0; i < wanted.length; i += 100) {
      const chunk = wanted.slice(i, i + 100);
      const { Responses } = await dynamo.send(
        new BatchGetCommand({
          RequestItems: {
            [this.tableName]: {
              Keys: chunk.map((key) => keys.inbox(brand, caseId, key)),
              ConsistentRead: true,
            },
          },
        }),
      );
      for (const item of Responses?.[this.tableName] ?? [])
        found[String(item.sk).slice('IN#'.length)] = String(item.fingerprint ?? '');
    }
    return found;
  }

  /** Writes a committed change's entries out as items of their own; writing them twice writes the same. */
  private async writeOut(kase: Case, stored: Stored): Promise<void> {
    const { brand, caseId } = kase;
    const at = (journal: Journal, entries: readonly unknown[]) =>
      entries.map((entry, i) => ({
        ...keys.entry(brand, caseId, journal, stored[journal] - entries.length + i),
        ...(entry as object),
      }));
    const items = [
      ...at('timeline', stored.tail.timeline),
      ...at('notifications', stored.tail.notifications),
      ...stored.tail.seen.map((key) => ({
        ...keys.inbox(brand, caseId, key),
        key,
        ...(stored.tail.fingerprints[key] ? { fingerprint: stored.tail.fingerprints[key] } : {}),
      })),
    ];
    for (let i = 0; i < items.length; i += 25) {
      let pending: Record<string, unknown>[] = items
        .slice(i, i + 25)
        .map((item) => ({ PutRequest: { Item: item } }));
      for (let attempt = 1; pending.length > 0; attempt++) {
        const { UnprocessedItems } = await dynamo.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: pending as never } }),
        );
        pending = (UnprocessedItems?.[this.tableName] ?? []) as Record<string, unknown>[];
        if (pending.length > 0 && attempt >= 8)
          throw new Error(`Could not write out case ${caseId}'s journals`);
        if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
      }
    }
  }

  async deviceHistory(brand: string, serial: string, inHand?: Case): Promise<DeviceHistory> {
    const items = await allItems({
      TableName: this.tableName,
      IndexName: 'bySerial',
      KeyConditionExpression: 'gsi1pk = :serial',
      ExpressionAttributeValues: { ':serial': keys.serial(brand, serial) },
    });
    // The case in hand is taken as it was read, in its place in the index's order, not read again.
    const own = inHand && `${keys.case(brand, inHand.caseId).pk}\nCASE`;
    const id = (item: Record<string, unknown>) => `${item.pk}\n${item.sk}`;
    const read = new Map(
      (
        await this.whole(
          items.filter((item) => id(item) !== own),
          'gsi1pk',
          keys.serial(brand, serial),
        )
      ).map((item) => [id(item), item]),
    );
    const whole = items.flatMap((item): Record<string, unknown>[] => {
      const found = id(item) === own ? item : read.get(id(item));
      return found ? [found] : [];
    });
    const link = whole.find((item) => item.sk === 'REPLACES');
    return {
      serial,
      cases: whole
        .filter((item) => item.sk === 'CASE')
        .map((item) => (inHand && id(item) === own ? inHand : Case.parse(item))),
      ...(link
        ? {
            replacementOf: {
              serial: String(link.serial),
              caseId: String(link.caseId),
              warrantyUntil: String(link.warrantyUntil),
            },
          }
        : {}),
    };
  }

  async queue(brand: string, queue: string, limit: number): Promise<Case[]> {
    const { Items } = await dynamo.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byQueue',
        KeyConditionExpression: 'gsi3pk = :queue',
        ExpressionAttributeValues: { ':queue': keys.queue(brand, queue) },
        Limit: limit,
      }),
    );
    return (await this.whole(Items ?? [], 'gsi3pk', keys.queue(brand, queue))).map((item) =>
      Case.parse(item),
    );
  }

  async ownerQueue(brand: string, owner: string, limit: number): Promise<Case[]> {
    const { Items } = await dynamo.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byOwner',
        KeyConditionExpression: 'gsi4pk = :owner',
        ExpressionAttributeValues: { ':owner': keys.owner(brand, owner) },
        Limit: limit,
      }),
    );
    return (await this.whole(Items ?? [], 'gsi4pk', keys.owner(brand, owner))).map((item) =>
      Case.parse(item),
    );
  }

  async sample(brand: string, size: number, from: string): Promise<Case[]> {
    const page = (condition: string) =>
      dynamo.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'byBrand',
          KeyConditionExpression: `gsi5pk = :brand${condition}`,
          ExpressionAttributeValues: {
            ':brand': keys.allCases(brand),
            ...(condition ? { ':from': from } : {}),
          },
          Limit: size,
        }),
      );
    const after = (await page(' AND gsi5sk >= :from')).Items ?? [];
    // Wrap around to the start of the order when the random point was near its end.
    const before = after.length < size ? ((await page('')).Items ?? []) : [];
    const items = [...after, ...before.filter((item) => String(item.gsi5sk) < from)].slice(0, size);
    return (await this.whole(items, 'gsi5pk', keys.allCases(brand))).map((item) => Case.parse(item));
  }

  async casesOpened(
    brand: string,
    period: { from: string; to: string },
    page: { limit: number; after?: string },
  ): Promise<{ cases: Case[]; after?: string }> {
    const at = (caseId: string) => ({
      gsi5pk: keys.allCases(brand),
      gsi5sk: sampleKey(caseId),
      ...keys.case(brand, caseId),
    });
    const cases: Case[] = [];
    let start: Record<string, unknown> | undefined = page.after ? at(page.after) : undefined;
    // A page reads at most this many of the brand's cases, so a request stays short however few match.
    let budget = EXPORT_READ_BUDGET;
    while (budget > 0) {
      const result = await dynamo.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'byBrand',
          KeyConditionExpression: 'gsi5pk = :brand',
          FilterExpression: 'openedAt BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':brand': keys.allCases(brand),
            ':from': period.from,
            ':to': period.to,
          },
          ExclusiveStartKey: start,
          Limit: Math.min(100, budget),
        }),
      );
      budget -= result.ScannedCount ?? 0;
      for (const item of await this.whole(result.Items ?? [], 'gsi5pk', keys.allCases(brand))) {
        const kase = Case.parse(item);
        cases.push(kase);
        if (cases.length === page.limit) return { cases, after: kase.caseId };
      }
      if (!result.LastEvaluatedKey) return { cases };
      start = result.LastEvaluatedKey;
    }
    // Out of budget: the next page starts after the last case read, matched or not.
    const last = String(start?.pk ?? '').split('#CASE#')[1];
    return last ? { cases, after: last } : { cases };
  }

  async listDocuments(brand: string, caseId: string): Promise<CaseDocument[]> {
    const { Items } = await dynamo.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :case AND begins_with(sk, :doc)',
        ExpressionAttributeValues: { ':case': keys.case(brand, caseId).pk, ':doc': 'DOC#' },
      }),
    );
    return (Items ?? []).map((item) => toDocument(String(item.sk).slice('DOC#'.length), item));
  }

  async putDocument(brand: string, caseId: string, document: CaseDocument): Promise<void> {
    await this.putOnce({ ...keys.document(brand, caseId, document.documentId), ...document });
  }

  async getDocument(brand: string, caseId: string, documentId: string): Promise<CaseDocument | undefined> {
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: keys.document(brand, caseId, documentId) }),
    );
    return Item ? toDocument(documentId, Item) : undefined;
  }

  async customerOnFile(brand: string, subject: string): Promise<Case['customer'] | undefined> {
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: keys.profile(brand, subject) }),
    );
    return Item ? Case.shape.customer.parse(Item.customer) : undefined;
  }

  async keepCustomerOnFile(
    brand: string,
    subject: string,
    customer: Case['customer'],
    at: string,
    caseId: string,
  ) {
    await dynamo
      .send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.profile(brand, subject), customer, at, caseId },
          // Two openings racing: the later one's details stay.
          ConditionExpression: 'attribute_not_exists(pk) OR #at <= :at',
          ExpressionAttributeNames: { '#at': 'at' },
          ExpressionAttributeValues: { ':at': at },
        }),
      )
      .catch((error) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  async customerCases(brand: string, email: string, page: { before?: string; limit: number }) {
    const { Items } = await dynamo.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byCustomer',
        KeyConditionExpression: `gsi2pk = :customer${page.before ? ' AND gsi2sk < :before' : ''}`,
        ExpressionAttributeValues: {
          ':customer': keys.customer(brand, email),
          ...(page.before ? { ':before': page.before } : {}),
        },
        ScanIndexForward: false,
        // One more than asked: whether there is a next page.
        Limit: page.limit + 1,
      }),
    );
    const cases = (await this.whole(Items ?? [], 'gsi2pk', keys.customer(brand, email))).map((item) =>
      Case.parse(item),
    );
    const shown = cases.slice(0, page.limit);
    const last = shown.at(-1);
    return { cases: shown, ...(cases.length > page.limit && last ? { before: customerOrder(last) } : {}) };
  }

  async brandCases(brand: string, page: { before?: string; from?: string; to?: string; limit: number }) {
    // Opened from `from` up to (not at) `to`, older than the cursor `before`: `to` and `before` are both
    // upper bounds, and the lower one holds. BETWEEN includes its ends, so the bound itself is left out below.
    const upper = [page.before, page.to].filter((bound) => bound !== undefined).sort()[0];
    const { Items } = await dynamo.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byOpened',
        KeyConditionExpression: `gsi6pk = :brand AND gsi6sk ${page.from ? 'BETWEEN :from AND :upper' : '< :upper'}`,
        ExpressionAttributeValues: {
          ':brand': keys.allCases(brand),
          ':upper': upper ?? '~',
          ...(page.from ? { ':from': page.from } : {}),
        },
        ScanIndexForward: false,
        // The bound itself may come first; and one more than asked says whether there is a next page.
        Limit: page.limit + 2,
      }),
    );
    const found = (Items ?? []).filter((item) => item.gsi6sk !== upper);
    const cases = (await this.whole(found, 'gsi6pk', keys.allCases(brand))).map((item) => Case.parse(item));
    const shown = cases.slice(0, page.limit);
    const last = shown.at(-1);
    return { cases: shown, ...(cases.length > page.limit && last ? { before: customerOrder(last) } : {}) };
  }

  async linkTracking(brand: string, trackingNumber: string, caseId: string): Promise<void> {
    await this.putOnce({ ...keys.tracking(brand, trackingNumber), caseId });
  }

  async caseOfTracking(brand: string, trackingNumber: string): Promise<string | undefined> {
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: keys.tracking(brand, trackingNumber) }),
    );
    return Item ? String(Item.caseId) : undefined;
  }

  async linkReplacement(
    brand: string,
    serial: string,
    link: { serial: string; caseId: string; warrantyUntil: string; at: string },
  ) {
    await this.putOnce({
      pk: keys.serial(brand, serial),
      sk: 'REPLACES',
      gsi1pk: keys.serial(brand, serial),
      gsi1sk: link.at,
      ...link,
    });
  }

  /** Writes an item that never changes once written: a retry finds it there and leaves it. */
  /**
   * The items an index query found, read whole from the table, in the index's order. The indexes
   * project keys only (byBrand also openedAt, which its filter reads), so that saving a case writes no
   * index copy unless one of its index keys changes: on AWS, most of a case's write units were those
   * copies. An item whose index key has moved on since (an index lags its table) is left out.
   */
  private async whole(
    found: Record<string, unknown>[],
    indexKey: string,
    value: string,
  ): Promise<Record<string, unknown>[]> {
    const read = new Map<string, Record<string, unknown>>();
    const id = (item: Record<string, unknown>) => `${item.pk}\n${item.sk}`;
    for (let i = 0; i < found.length; i += 100) {
      let pending: Record<string, unknown>[] = found.slice(i, i + 100).map(({ pk, sk }) => ({ pk, sk }));
      for (let attempt = 1; pending.length > 0; attempt++) {
        const { Responses, UnprocessedKeys } = await dynamo.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending } } }),
        );
        for (const item of Responses?.[this.tableName] ?? []) read.set(id(item), item);
        pending = UnprocessedKeys?.[this.tableName]?.Keys ?? [];
        if (pending.length > 0 && attempt >= 8) throw new Error('Could not read the items an index listed');
        if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
      }
    }
    return found
      .map((item) => read.get(id(item)))
      .filter((item): item is Record<string, unknown> => item !== undefined && item[indexKey] === value);
  }

  private async putOnce(item: Record<string, unknown>): Promise<boolean> {
    try {
      await dynamo.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

function toDocument(documentId: string, item: Record<string, unknown>): CaseDocument {
  return {
    documentId,
    title: String(item.title),
    contentType: String(item.contentType),
    data: item.data as Uint8Array,
  };
}

/** Every item a query finds, page after page (the SDK's own paginator). */
async function allItems(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateQuery({ client: dynamo }, input)) items.push(...(page.Items ?? []));
  return items;
}

/**
 * A page of a journal: its entries `start` to `end` (not included). Those before `itemsEnd` are items of
 * their own; the rest ride in the case item's tail.
 */
interface Page {
  journal: Journal;
  start: number;
  end: number;
  itemsEnd: number;
}

function pageOf(stored: Stored, journal: Journal, page: { before?: number; limit: number }): Page {
  const total = stored[journal];
  const end = Math.max(0, Math.min(page.before ?? total, total));
  const start = Math.max(0, end - page.limit);
  return { journal, start, end, itemsEnd: Math.min(end, total - stored.tail[journal].length) };
}

/**
 * The page's entries: from the items read, only the page's own (a read may hold the other journal's,
 * or entries a later change wrote out), then from the tail.
 */
function pageFrom(stored: Stored, page: Page, items: readonly Record<string, unknown>[]) {
  const prefix = JOURNALS[page.journal];
  const entries: unknown[] = [];
  for (const { pk: _pk, sk, ...entry } of items) {
    const seq = String(sk).startsWith(prefix) ? Number(String(sk).slice(prefix.length)) : -1;
    if (seq >= page.start && seq < page.itemsEnd) entries.push(entry);
  }
  const tail = stored.tail[page.journal] as unknown[];
  const tailFrom = stored[page.journal] - tail.length;
  for (let seq = Math.max(page.start, tailFrom); seq < page.end; seq++) entries.push(tail[seq - tailFrom]);
  return { entries, total: stored[page.journal], ...(page.start > 0 ? { before: page.start } : {}) };
}

/** Where the journals stand once `kase`'s change is committed: its own entries are the new tail. */
function committed(kase: Case, before: Stored): Stored {
  const seen = kase.seenEventIds.slice(before.seenLoaded);
  const recentSeen = [...new Set([...before.recentSeen, ...seen])].slice(-RECENT_SEEN);
  const known = (keys: readonly string[]) =>
    Object.fromEntries(
      keys.flatMap((key) => (kase.seenFingerprints[key] ? [[key, kase.seenFingerprints[key]]] : [])),
    );
  return {
    timeline: before.timeline + kase.timeline.length,
    notifications: before.notifications + kase.notifications.length,
    seenLoaded: 0,
    recentSeen,
    recentFingerprints: known(recentSeen),
    tail: { timeline: kase.timeline, notifications: kase.notifications, seen, fingerprints: known(seen) },
  };
}
