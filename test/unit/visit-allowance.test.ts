import { describe, expect, it } from 'vitest';
import type { Case, Visit } from '../../functions/domain/case.ts';
import { openCase } from '../../functions/domain/intake.ts';
import { BrandPolicy } from '../../functions/domain/policy.ts';
import { CaseOpening } from '../../functions/domain/schemas.ts';
import { offerVisit, visitsUsed } from '../../functions/domain/visits.ts';
import { examplePolicy } from '../support/brands.ts';

/** Issue 14: a brand may count its visit allowance per device over a period instead of per case (P6). */
const now = new Date('2026-11-22T10:00:00Z');
const perCase = examplePolicy('acme');
const perDevice = BrandPolicy.parse({ ...perCase, visitAllowance: 2, visitAllowancePeriodMonths: 12 });

function tvCase(caseId: string): Case {
  const opening = CaseOpening.parse({
    customer: {
      name: 'Ada',
      email: 'ada@example.com',
      address: { street: ['12 Analytical Row'], postcode: 'NW1 6XE', city: 'London', country: 'GB' },
    },
    device: { serial: 'TV1', model: 'Vision 55', purchaseDate: '2026-01-05' },
    problem: { description: 'No picture', category: 'does-not-power-on' },
    preferredService: 'on-site',
  });
  return openCase(
    opening,
    { brand: 'acme', caseId },
    { serial: 'TV1', model: 'Vision 55', purchaseDate: '2026-01-05' },
    [],
    perCase,
    now,
    { role: 'customer', subject: 'ada' },
  );
}

const accepted = (at: string, extra: Partial<Visit> = {}) =>
  ({
    status: 'completed',
    outcome: { result: 'fixed', faultCode: 'TV-PWR', needsDepot: false },
    signOff: { accepted: true, signedBy: 'Ada', at },
    ...extra,
  }) as Visit;

describe('the visit allowance per device and period', () => {
  it('counts the device’s accepted visits in its other cases within the period, and sends it to the depot when they are used', () => {
    const earlier = [
      { caseId: 'RMA-A', visits: [accepted('2026-03-01T10:00:00Z')] },
      { caseId: 'RMA-B', visits: [accepted('2026-09-01T10:00:00Z')] },
    ];
    const kase = tvCase('RMA-C');
    expect(visitsUsed(kase, earlier, perDevice, now)).toBe(2);
    const offered = offerVisit(kase, perDevice, now, earlier);
    expect(offered.next).toBe('mail-in');
    expect(offered.case.decisions.at(-1)).toMatchObject({ code: 'VISIT-ALLOWANCE-USED' });
    // Per case (acme's own policy), the same device's earlier visits do not count.
    expect(offerVisit(kase, perCase, now, earlier).next).toBe('book');
  });

  it('forgets visits older than the period, and never counts a redo, a botched or a refused visit', () => {
    const earlier = [
      {
        caseId: 'RMA-A',
        visits: [
          accepted('2025-10-01T10:00:00Z'),
          accepted('2026-09-01T10:00:00Z', { redoOf: 'visit-1' }),
          accepted('2026-09-02T10:00:00Z', {
            outcome: { result: 'botched', faultCode: 'X', needsDepot: false },
          }),
          accepted('2026-09-03T10:00:00Z', {
            signOff: { accepted: false, signedBy: 'Ada', at: '2026-09-03T10:00:00Z' },
          }),
          accepted('2026-10-01T10:00:00Z'),
        ],
      },
    ];
    const kase = tvCase('RMA-C');
    expect(visitsUsed(kase, earlier, perDevice, now)).toBe(1);
    expect(offerVisit(kase, perDevice, now, earlier).next).toBe('book');
  });

  it('is refused as a period of zero months', () => {
    const refused = BrandPolicy.safeParse({ ...perCase, visitAllowancePeriodMonths: 0 });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.path).toEqual(['visitAllowancePeriodMonths']);
  });
});
