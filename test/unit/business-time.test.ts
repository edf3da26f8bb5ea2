import { describe, expect, it } from 'vitest';
import { brandDeadline } from '../../functions/domain/business-time.ts';
import type { Case } from '../../functions/domain/case.ts';
import { escalateOverdue } from '../../functions/domain/escalation.ts';
import { openCase } from '../../functions/domain/intake.ts';
import { BrandPolicy } from '../../functions/domain/policy.ts';
import { CaseOpening } from '../../functions/domain/schemas.ts';
import { examplePolicy } from '../support/brands.ts';

/** Issue 14: deadlines of the brand's own work count its business hours, in its timezone, holidays excluded. */
const HOUR = 3_600;
const acme = examplePolicy('acme');
const office = (holidays: string[] = []) =>
  BrandPolicy.parse({
    ...acme,
    businessHours: {
      timezone: 'Europe/Brussels',
      days: [1, 2, 3, 4, 5],
      opens: '09:00',
      closes: '17:00',
      holidays,
    },
  });

describe('a deadline in business hours', () => {
  it('counts every second for a brand without business hours', () => {
    expect(brandDeadline(new Date('2026-12-04T15:00:00Z'), 3 * HOUR, acme)).toBe('2026-12-04T18:00:00.000Z');
  });

  it('skips the weekend: three working hours from Friday 16:00 in Brussels end Monday at 11:00', () => {
    // Friday 4 December 2026, 16:00 in Brussels (UTC+1): one hour on Friday, two on Monday.
    expect(brandDeadline(new Date('2026-12-04T15:00:00Z'), 3 * HOUR, office())).toBe(
      '2026-12-07T10:00:00.000Z',
    );
  });

  it('skips a holiday, and starts at the opening when the work comes in at night', () => {
    expect(brandDeadline(new Date('2026-12-04T15:00:00Z'), 3 * HOUR, office(['2026-12-07']))).toBe(
      '2026-12-08T10:00:00.000Z',
    );
    // Tuesday 23:30 in Brussels: the clock starts Wednesday at 09:00.
    expect(brandDeadline(new Date('2026-12-08T22:30:00Z'), HOUR, office())).toBe('2026-12-09T09:00:00.000Z');
  });

  it('follows the change to summer time: Monday 10:00 in Brussels is 08:00 UTC after it', () => {
    // Friday 27 March 2026, 16:00 CET; the clocks go forward on Sunday 29 March.
    expect(brandDeadline(new Date('2026-03-27T15:00:00Z'), 2 * HOUR, office())).toBe(
      '2026-03-30T08:00:00.000Z',
    );
  });

  it('refuses hours that close before they open, an unknown timezone and a weekday 8, all at once', () => {
    const refused = BrandPolicy.safeParse({
      ...acme,
      businessHours: { timezone: 'Mars/Olympus', days: [1, 8], opens: '17:00', closes: '09:00' },
    });
    const paths = refused.error?.issues.map((issue) => issue.path.join('/'));
    expect(paths).toEqual(expect.arrayContaining(['businessHours/timezone', 'businessHours/days/1']));
  });
});

describe('a brand wait whose timer fires before the deadline in business hours', () => {
  const opened = openCase(
    CaseOpening.parse({
      customer: { name: 'Ada', email: 'ada@example.com' },
      device: { serial: 'SN1', model: 'Cam 3', purchaseDate: '2026-01-05' },
      problem: { description: 'Does not power on', category: 'does-not-power-on' },
    }),
    { brand: 'acme', caseId: 'RMA-1' },
    { serial: 'SN1', model: 'Cam 3', purchaseDate: '2026-01-05' },
    [],
    acme,
    new Date('2026-12-01T10:00:00Z'),
    { role: 'customer', subject: 'ada' },
  );
  const waiting = (deadline: string): Case => ({
    ...opened,
    nextStep: { name: 'The depot diagnoses your device', deadline },
  });
  const overdue = {
    step: 'Wait for depot diagnosis',
    what: 'diagnose the device',
    enteredAt: '2026-12-04T15:00:00Z',
  };

  it('escalates nobody over the weekend and waits for the hours that are left', () => {
    const saturday = new Date('2026-12-05T15:00:00Z');
    const { case: after, waitSeconds } = escalateOverdue(
      waiting('2026-12-07T10:00:00.000Z'),
      overdue,
      office(),
      saturday,
    );
    expect(after.escalationLevel).toBe(0);
    expect(waitSeconds).toBe(43 * HOUR);
  });

  it('escalates at the deadline, as a brand without business hours always does', () => {
    const monday = new Date('2026-12-07T10:00:00Z');
    expect(
      escalateOverdue(waiting('2026-12-07T10:00:00.000Z'), overdue, office(), monday).case.escalationLevel,
    ).toBe(1);
    const saturday = new Date('2026-12-05T15:00:00Z');
    expect(
      escalateOverdue(waiting('2026-12-07T10:00:00.000Z'), overdue, acme, saturday).case.escalationLevel,
    ).toBe(1);
  });
});
