import type { Case } from './case.ts';
import { withinReturnWindow } from './entitlement.ts';
import { notify } from './escalation.ts';
import { formatMoney } from './money.ts';
import type { BrandPolicy } from './policy.ts';

/**
 * Returns of unfit, mis-sold or unopened goods (P13) follow the brand's policy and the consumer's
 * rights, special orders included: within the return window the goods go back on a prepaid label and
 * the customer is refunded.
 */

/** A return is accepted within the brand's window; after it, it is denied with the way left open. */
export function returnRoute(
  kase: Case,
  policy: BrandPolicy,
  now: Date,
): { route: 'return' | 'denied'; why: string } {
  if (withinReturnWindow(kase.device.purchaseDate, policy, now)) {
    return {
      route: 'return',
      why: `A ${kase.returnReason} item may be returned within ${policy.returnWindowDays} days of purchase, special orders included.`,
    };
  }
  return {
    route: 'denied',
    why: `The ${policy.returnWindowDays}-day return window ended; a faulty device can still be repaired under warranty.`,
  };
}

/** A return of unfit or mis-sold goods arrived: the customer is refunded the price (P13). */
export function refundReturn(kase: Case, policy: BrandPolicy, now: Date): Case {
  if (kase.refund) return kase;
  const price = policy.catalogue.find((candidate) => candidate.model === kase.device.model)?.priceMinor ?? 0;
  return notify(
    {
      ...kase,
      outcome: 'refunded',
      refund: { amountMinor: price, currency: policy.currency, at: now.toISOString() },
    },
    `Your return arrived: we refunded ${formatMoney(price, policy.currency)}.`,
    now,
  );
}
