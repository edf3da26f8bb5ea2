import { addDays, addMonths, isoDay } from './dates.ts';
import type { BrandPolicy } from './policy.ts';

/**
 * Entitlement: what a device is covered for, decided once at intake from its purchase date, the plan
 * the customer holds and the brand's periods (standard warranty, extended plan, accidental damage).
 */

export type Coverage = 'standard-warranty' | 'extended-warranty' | 'accidental-damage' | 'none';

/** What the case is entitled to, decided once at intake from the brand's policy, with its reason. */
export interface Entitlement {
  readonly coverage: Coverage;
  readonly covered: boolean;
  /** The last day of the coverage that applies (of the standard warranty when none does). */
  readonly coveredUntil: string;
  readonly reason: string;
}

export interface EntitlementFacts {
  readonly purchaseDate: string;
  readonly plan: 'none' | 'extended-warranty' | 'accidental-damage';
  readonly category: string;
}

export function decideEntitlement(facts: EntitlementFacts, policy: BrandPolicy, now: Date): Entitlement {
  const today = isoDay(now);
  const standardUntil = addMonths(facts.purchaseDate, policy.standardWarrantyMonths);
  const extendedUntil = addMonths(standardUntil, policy.extendedWarrantyMonths);
  if (facts.category === 'damage') {
    if (facts.plan === 'accidental-damage' && today <= extendedUntil) {
      return {
        coverage: 'accidental-damage',
        covered: true,
        coveredUntil: extendedUntil,
        reason: 'Accidental damage is covered by the customer’s plan.',
      };
    }
    return {
      coverage: 'none',
      covered: false,
      coveredUntil: standardUntil,
      reason:
        'Accidental damage is not covered by the warranty; a repair needs an estimate the customer approves.',
    };
  }
  if (today <= standardUntil) {
    return {
      coverage: 'standard-warranty',
      covered: true,
      coveredUntil: standardUntil,
      reason: `Within the ${policy.standardWarrantyMonths}-month warranty (until ${standardUntil}).`,
    };
  }
  if (facts.plan === 'extended-warranty' && today <= extendedUntil) {
    return {
      coverage: 'extended-warranty',
      covered: true,
      coveredUntil: extendedUntil,
      reason: `Within the extended warranty (until ${extendedUntil}).`,
    };
  }
  return {
    coverage: 'none',
    covered: false,
    coveredUntil: standardUntil,
    reason: `The warranty ended on ${standardUntil}; a repair needs an estimate the customer approves.`,
  };
}

/** Dead on arrival: it failed within the brand's first days after purchase. */
export function isDeadOnArrival(purchaseDate: string, policy: BrandPolicy, now: Date): boolean {
  return isoDay(now) <= addDays(purchaseDate, policy.deadOnArrivalDays);
}

/** Within the brand's return window for unfit, mis-sold or unopened goods. */
export function withinReturnWindow(purchaseDate: string, policy: BrandPolicy, now: Date): boolean {
  return isoDay(now) <= addDays(purchaseDate, policy.returnWindowDays);
}
