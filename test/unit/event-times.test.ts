import { describe, expect, it } from 'vitest';
import type { Case } from '../../functions/domain/case.ts';
import { occurredAtErrors } from '../../functions/domain/event-times.ts';

const now = new Date('2026-11-22T10:00:00Z');
const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000).toISOString();
const held = {
  itemId: 'rm-1',
  description: 'SD card',
  category: 'memory-card',
  dataBearing: true,
  owner: 'customer',
  holder: 'depot',
  since: at(-60),
  status: 'held',
  chain: [{ at: at(-60), from: 'customer’s device', to: 'depot', by: 'depot', what: 'removed' }],
} as const;
const kase = {
  openedAt: at(-120),
  custody: [held],
  custodyChoice: { parts: 'return', data: 'destroy', at: at(-30), by: 'customer:ada' },
} as unknown as Case;

describe('when a sender says an event happened (issue 12, journey 8)', () => {
  it('allows a few minutes of clock difference, not a time to come', () => {
    expect(occurredAtErrors(undefined, { occurredAt: at(4) }, now)).toEqual([]);
    expect(occurredAtErrors(undefined, { occurredAt: at(6) }, now)).toEqual([
      { pointer: '#/occurredAt', detail: expect.stringContaining('in the future') },
    ]);
  });

  it('refuses a time before the case opened, or before the fact it follows', () => {
    expect(occurredAtErrors(kase, { type: 'received', occurredAt: at(-121) }, now)[0]?.detail).toContain(
      'before the case was opened',
    );
    const destroyed = { type: 'part-destroyed', itemId: 'rm-1' };
    expect(occurredAtErrors(kase, { ...destroyed, occurredAt: at(-45) }, now)[0]?.detail).toContain(
      'the customer chose to have it destroyed',
    );
    expect(occurredAtErrors(kase, { ...destroyed, occurredAt: at(-10) }, now)).toEqual([]);
    const returned = { type: 'part-returned', itemId: 'rm-1' };
    expect(occurredAtErrors(kase, { ...returned, occurredAt: at(-90) }, now)[0]?.detail).toContain(
      'SD card was removed',
    );
    expect(occurredAtErrors(kase, { ...returned, occurredAt: at(-45) }, now)).toEqual([]);
  });

  it('leaves what is not a time to the schema', () => {
    expect(occurredAtErrors(kase, { occurredAt: 'yesterday' }, now)).toEqual([]);
    expect(occurredAtErrors(kase, {}, now)).toEqual([]);
  });
});
