import { describe, expect, it } from 'vitest';
import type { Case, Visit } from '../../functions/domain/case.ts';
import {
  chooseCustody,
  destroyPart,
  openItems,
  packParts,
  removePart,
} from '../../functions/domain/custody.ts';
import { closeCase } from '../../functions/domain/follow-up.ts';
import { openCase } from '../../functions/domain/intake.ts';
import { CaseOpening } from '../../functions/domain/schemas.ts';
import { usesAllowance } from '../../functions/domain/visits.ts';
import { examplePolicy } from '../support/brands.ts';

const now = new Date('2026-11-22T10:00:00Z');
const later = new Date('2026-11-24T10:00:00Z');
const acme = examplePolicy('acme');

function fresh(overrides: Partial<Case> = {}): Case {
  const opening = CaseOpening.parse({
    customer: { name: 'Ada', email: 'ada@example.com' },
    device: { serial: 'SN1', model: 'Cam 3', purchaseDate: '2026-01-05' },
    problem: { description: 'Does not power on', category: 'does-not-power-on' },
  });
  const kase = openCase(
    opening,
    { brand: 'acme', caseId: 'RMA-1' },
    { serial: 'SN1', model: 'Cam 3', purchaseDate: '2026-01-05' },
    [],
    acme,
    now,
    { role: 'customer', subject: 'ada' },
  );
  return { ...kase, ...overrides };
}

const removal = (category: string, eventId = `rm-${category}`) =>
  ({
    type: 'part-removed',
    eventId,
    occurredAt: later.toISOString(),
    description: category,
    category,
  }) as const as Parameters<typeof removePart>[1];

describe('who owns a removed part (P5)', () => {
  it('makes an exchange battery the brand’s only when the customer was told before the repair', () => {
    const told = removePart(
      fresh({ exchangeNoticeAt: now.toISOString() }),
      removal('battery'),
      acme,
      later,
      'depot',
    );
    expect(told.custody[0]?.owner).toBe('brand');
    const toldAfter = removePart(
      fresh({ exchangeNoticeAt: new Date('2026-11-25T00:00:00Z').toISOString() }),
      removal('battery'),
      acme,
      later,
      'depot',
    );
    expect(toldAfter.custody[0]?.owner).toBe('customer');
    expect(removePart(fresh(), removal('battery'), acme, later, 'depot').custody[0]?.owner).toBe('customer');
  });

  it('never makes a part holding data an exchange part, and records it once', () => {
    const kase = removePart(
      fresh({ exchangeNoticeAt: now.toISOString() }),
      removal('drive'),
      acme,
      later,
      'depot',
    );
    expect(kase.custody[0]).toMatchObject({ owner: 'customer', dataBearing: true, status: 'held' });
    expect(removePart(kase, removal('drive'), acme, later, 'depot')).toBe(kase);
  });

  it('releases a plain part at once when the customer chose so, and keeps the drive open', () => {
    const chosen = chooseCustody(
      fresh(),
      { choiceId: 'c1', parts: 'release', data: 'return' },
      now,
      'customer:ada',
    );
    const kase = removePart(
      removePart(chosen, removal('screen'), acme, later, 'depot'),
      removal('drive'),
      acme,
      later,
      'depot',
    );
    expect(kase.custody.map((item) => [item.category, item.status])).toEqual([
      ['screen', 'released'],
      ['drive', 'held'],
    ]);
    expect(openItems(kase).map((item) => item.category)).toEqual(['drive']);
  });
});

describe('destruction and return (P5)', () => {
  it('refuses destruction without the customer’s choice, and packs only what is to go back', () => {
    const kase = removePart(
      removePart(fresh(), removal('drive'), acme, later, 'depot'),
      removal('screen'),
      acme,
      later,
      'depot',
    );
    const destroy = {
      type: 'part-destroyed',
      eventId: 'd1',
      occurredAt: later.toISOString(),
      itemId: 'rm-drive',
      method: 'shredded',
    } as const;
    expect(() => destroyPart(kase, destroy, 'certificate-1', later, 'depot:x')).toThrow(/Only the customer/);

    const chosen = chooseCustody(
      kase,
      { choiceId: 'c1', parts: 'return', data: 'destroy' },
      later,
      'customer:ada',
    );
    const destroyed = destroyPart(chosen, destroy, 'certificate-1', later, 'depot:x');
    expect(destroyed.custody[0]).toMatchObject({
      status: 'destroyed',
      certificateDocumentId: 'certificate-1',
    });
    const shipment = {
      shipmentId: 'to-customer-device',
      direction: 'to-customer',
      purpose: 'device',
      carrier: 'c',
      trackingNumber: 'T1',
      labelDocumentId: 'l',
      box: false,
      status: 'label-issued',
      updatedAt: later.toISOString(),
      packingList: [],
    } as const;
    const packed = packParts(destroyed, { ...shipment, packingList: [] }, later);
    expect(packed.shipment.packingList.map((item) => item.description)).toEqual(['screen']);
    expect(packed.case.custody[1]).toMatchObject({ status: 'in-transit', holder: 'carrier:T1' });
  });

  it('will not close a case that still holds a customer’s part', () => {
    const kase = removePart(fresh(), removal('drive'), acme, later, 'depot');
    expect(() => closeCase(kase, acme, later)).toThrow(/cannot close/);
  });

  // Found by the invariant (seed 193311387): a choice after closing sent a notice that pretended the
  // case moved, though a closed case hears nothing but the survey and its follow-up.
  it('refuses a choice on a closed case that holds nothing of the customer’s, and tells them nothing', () => {
    const closed = closeCase(fresh(), acme, now);
    const choice = { choiceId: 'c-late', parts: 'return', data: 'destroy' } as const;
    expect(() => chooseCustody(closed, choice, later, 'customer:ada')).toThrow(
      expect.objectContaining({ status: 409, title: 'Nothing of yours is held' }),
    );
  });

  it('records, without a notice, a choice on a closed case that still holds a part of theirs', () => {
    // Nothing lets a case close with a part held; one reported removed after closing is still theirs.
    const held = removePart(closeCase(fresh(), acme, now), removal('drive'), acme, later, 'depot');
    const chosen = chooseCustody(
      held,
      { choiceId: 'c-late', parts: 'release', data: 'destroy' },
      later,
      'customer:ada',
    );
    expect(chosen.custodyChoice).toMatchObject({ parts: 'release', data: 'destroy', by: 'customer:ada' });
    expect(chosen.timeline.at(-1)).toMatchObject({ type: 'custody-choice' });
    expect(chosen.notifications).toEqual(held.notifications);
    expect(chosen.status).toBe('closed');
    expect(openItems(chosen).map((item) => item.category)).toEqual(['drive']);
  });
});

describe('the visit allowance (P6)', () => {
  const visit = (overrides: Partial<Visit>): Visit => ({
    visitId: 'visit-1',
    window: { windowId: 'w', start: now.toISOString(), end: now.toISOString() },
    technician: { id: 't', name: 'T', phone: '1' },
    status: 'completed',
    bookedAt: now.toISOString(),
    outcome: { result: 'not-fixed', faultCode: 'F', needsDepot: false },
    partsUsed: [],
    signOff: { accepted: true, signedBy: 'Ada', at: now.toISOString() },
    ...overrides,
  });

  it('counts a completed visit the customer accepted, and nothing else', () => {
    expect(usesAllowance(visit({}))).toBe(true);
    expect(usesAllowance(visit({ outcome: { result: 'fixed', faultCode: 'F', needsDepot: false } }))).toBe(
      true,
    );
    expect(usesAllowance(visit({ outcome: { result: 'botched', faultCode: 'F', needsDepot: false } }))).toBe(
      false,
    );
    expect(usesAllowance(visit({ redoOf: 'visit-0' }))).toBe(false);
    expect(
      usesAllowance(visit({ status: 'disputed', signOff: { accepted: false, signedBy: 'Ada', at: '' } })),
    ).toBe(false);
    expect(usesAllowance(visit({ status: 'no-show' }))).toBe(false);
  });
});
