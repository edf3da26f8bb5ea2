import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../functions/domain/case.ts';
import type { LocalCloud } from '../../local/cloud.ts';
import { dynamoClient } from '../../local/dynamo.ts';
import { ApiClient } from '../support/api.ts';
import { startTestCloud } from '../support/cloud.ts';
import { Journey, opening } from '../support/journey.ts';

/**
 * A case's history grows without bound; its item must not (DynamoDB refuses items over 400 KB, and
 * every write of the item is billed by its size). The timeline, the notices and the inbox live beside
 * the case, each entry an item of its own.
 */
let cloud: LocalCloud;
let journey: Journey;
let table: string;
const CAP = 64 * 1024;

beforeAll(async () => {
  cloud = await startTestCloud();
  journey = new Journey(cloud);
  table = cloud.model.tables[0]?.name as string;
});
afterAll(() => cloud?.stop());

/** The case's own item, as stored, and its size as DynamoDB counts it (near enough: its JSON). */
async function caseItem(caseId: string) {
  const { Item } = await documents().send(
    new GetCommand({ TableName: table, Key: { pk: `T#acme#CASE#${caseId}`, sk: 'CASE' } }),
  );
  return { item: Item, bytes: JSON.stringify(Item).length };
}

const documents = () => DynamoDBDocumentClient.from(dynamoClient(cloud.urls.dynamodb));

/** The repository the functions use, created once the cloud has set the environment they read. */
async function repository() {
  const { DynamoCaseRepository } = await import('../../functions/adapters/case-repository.ts');
  return new DynamoCaseRepository(table);
}

describe('a case whose history keeps growing', () => {
  it('keeps its item under the cap with 10,000 timeline entries, still takes events, and pages its history', async () => {
    const caseId = await journey.open(opening());
    const waiting = await journey.waitsFor(caseId, 'Wait for device at depot');
    const repo = await repository();
    // 10,000 entries written the way every change writes them: appended, here 500 at a time.
    // The notifier records delivery states on the case meanwhile, so each batch retries on a
    // concurrent update as every change does.
    const { retryOnConflict } = await import('../../functions/app/change-case.ts');
    for (let batch = 0; batch < 20; batch++) {
      const timeline: TimelineEntry[] = Array.from({ length: 500 }, (_, i) => ({
        at: new Date().toISOString(),
        type: 'note',
        summary: `Note ${batch * 500 + i}: ${'a long note '.repeat(10)}`,
        by: 'agent:kim',
      }));
      await retryOnConflict(async () => {
        const kase = await repo.get('acme', caseId);
        if (!kase) throw new Error(`${caseId} is gone`);
        await repo.save({ ...kase, timeline }, kase.version);
      });
    }

    const delivered = await journey.carrierEvent(journey.tracking(waiting, 'to-depot'), 'delivered');
    expect(delivered.body.outcome).toBe('applied');
    await journey.waitsFor(caseId, 'Wait for depot diagnosis');
    const { item, bytes } = await caseItem(caseId);
    expect(item?.timeline).toBeUndefined();
    expect(bytes).toBeLessThan(CAP);

    // The case page shows the latest entries; the earlier ones are a page away each, none lost.
    const latest = await journey.get(caseId);
    expect(latest.timeline).toHaveLength(200);
    expect(latest.timeline.at(-1)?.type).toBe('customer-notified');
    const total = (latest as unknown as { timelineTotal: number }).timelineTotal;
    expect(total).toBeGreaterThan(10_000);
    const seen: TimelineEntry[] = [...latest.timeline];
    let before = (latest as unknown as { timelineBefore?: number }).timelineBefore;
    while (before !== undefined) {
      const page = await journey.customer.get<{ timeline: TimelineEntry[]; timelineBefore?: number }>(
        `/cases/${caseId}?timelineBefore=${before}`,
      );
      seen.unshift(...page.body.timeline);
      before = page.body.timelineBefore;
    }
    expect(seen).toHaveLength(total);
    expect(seen[0]?.type).toBe('case-opened');
    expect(seen.filter((entry) => entry.type === 'note').map((entry) => entry.summary.split(':')[0])).toEqual(
      Array.from({ length: 10_000 }, (_, i) => `Note ${i}`),
    );

    // A reviewer's export streams the whole history.
    const reviewer = ApiClient.as(cloud, 'acme', 'reviewer', 'rev-1');
    const exported = await reviewer.get<{ case: { timeline: TimelineEntry[] } }>(`/cases/${caseId}/export`);
    expect(exported.body.case.timeline).toHaveLength(total);
  }, 180_000);

  it('knows an event id it took 70 ids ago, when its item keeps only the latest 64 (the inbox is looked up)', async () => {
    const caseId = await journey.open(opening());
    const tracking = journey.tracking(await journey.waitsFor(caseId, 'Wait for device at depot'), 'to-depot');
    const first = `transit-${caseId}-0`;
    for (let i = 0; i < 70; i++) {
      const update = await journey.carrierEvent(tracking, 'in-transit', `transit-${caseId}-${i}`);
      expect(update.body.outcome).toBe('recorded');
    }
    const { item } = await caseItem(caseId);
    const recent = (item?.stored as { recentSeen?: string[] } | undefined)?.recentSeen;
    expect(recent).toHaveLength(64);
    expect(recent).not.toContain(`carrier:${first}`);

    // The first id again: the same update is a duplicate, other content under it is refused.
    expect((await journey.carrierEvent(tracking, 'in-transit', first)).body.outcome).toBe('duplicate');
    const reused = await journey.carrierEvent(tracking, 'out-for-delivery', first);
    expect(reused).toMatchObject({
      status: 422,
      body: { type: 'https://fairfix.dev/problems/event-id-reused' },
    });
    expect((await journey.carrierEvent(tracking, 'in-transit', `transit-${caseId}-70`)).body.outcome).toBe(
      'recorded',
    );
  });

  it('reads a case stored with its history inline (an earlier version), and keeps every entry', async () => {
    const caseId = await journey.open(opening());
    await journey.settled(caseId, 'Wait for device at depot');
    const { item } = await caseItem(caseId);
    const repo = await repository();
    const current = await repo.get('acme', caseId);
    const inline = [
      {
        at: '2026-01-01T00:00:00.000Z',
        type: 'case-opened',
        summary: 'Opened long ago.',
        by: 'customer:ada',
      },
      { at: '2026-01-02T00:00:00.000Z', type: 'note', summary: 'An old note.', by: 'agent:kim' },
    ];
    // The item as an earlier version wrote it: the whole timeline, outbox and inbox inside it.
    const { stored: _stored, ...state } = item ?? {};
    await documents().send(
      new PutCommand({
        TableName: table,
        Item: { ...state, timeline: inline, notifications: [], seenEventIds: ['old-1'] },
      }),
    );
    const legacy = await repo.get('acme', caseId, ['old-1']);
    expect(legacy?.seenEventIds).toContain('old-1');
    expect(legacy?.version).toBe(current?.version);

    const escalated = await journey.customer.post(`/cases/${caseId}/escalations`, {
      escalationId: `esc-${caseId}`,
      reason: 'Nobody told me anything for a week.',
    });
    expect(escalated.status).toBe(201);
    const after = await journey.get(caseId);
    expect(after.timeline.slice(0, 2)).toEqual(inline);
    expect(after.timeline.at(-1)?.type).toBe('customer-notified');
    expect((await caseItem(caseId)).item?.timeline).toBeUndefined();
  });
});
