import type { Case } from './case.ts';
import { withinReturnWindow } from './entitlement.ts';
import { InvariantError } from './errors.ts';
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

/**
 * A return arrived: the customer is refunded what they paid, as they said at opening, else the brand's
 * price for the model (P13). Opening refuses a model the brand does not list, so one of them is known.
 */
export function refundReturn(kase: Case, policy: BrandPolicy, now: Date): Case {
  if (kase.refund) return kase;
  const listed = policy.catalogue.find((candidate) => candidate.model === kase.device.model)?.priceMinor;
  const price = kase.device.purchasePriceMinor ?? listed;
  if (price === undefined)
    throw new InvariantError(
      `Case ${kase.caseId}: ${kase.device.model} has no price and no purchase price was given; a person must refund it.`,
    );
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
