import type { Case } from './case.ts';
import { addMonths, isoAfter, isoDay, laterDay } from './dates.ts';
import { isDeadOnArrival } from './entitlement.ts';
import { advance } from './escalation.ts';
import type { BrandPolicy, CatalogueModel } from './policy.ts';
import { type DeviceCase, failedRepairs } from './repairs.ts';
import { entry } from './timeline.ts';

/**
 * Replacement (P4, P12): after the brand's N failed repairs of a device (counted across its cases),
 * or when it was dead on arrival, the device is replaced at once, without waiting on a person; the
 * replacement is like-for-like or better, and the remaining warranty carries over to it.
 */

/** Why the device is replaced at once instead of repaired, or undefined when it is to be repaired. */
export function instantReplacement(
  kase: Case,
  deviceCases: readonly DeviceCase[],
  policy: BrandPolicy,
  now: Date,
): string | undefined {
  if (kase.problem.deadOnArrival && isDeadOnArrival(kase.device.purchaseDate, policy, now))
    return `Dead on arrival (within ${policy.deadOnArrivalDays} days of purchase): replaced at once, no repair.`;
  const failed = failedRepairs(deviceCases, policy);
  if (failed >= policy.replaceAfterFailedRepairs)
    return `This device already failed ${failed} repairs: it is replaced, not repaired again.`;
  return undefined;
}

/** Like-for-like when in stock, else the closest better model of the same family (P4). */
export function chooseReplacement(model: string, policy: BrandPolicy): CatalogueModel | undefined {
  const current = policy.catalogue.find((candidate) => candidate.model === model);
  if (!current) return undefined;
  if (current.inStock) return current;
  return policy.catalogue
    .filter(
      (candidate) =>
        candidate.family === current.family && candidate.tier > current.tier && candidate.inStock,
    )
    .sort((a, b) => a.tier - b.tier)[0];
}

/**
 * What replaces the device: the other model the customer accepted when a person offered it, else
 * like-for-like or better (P4). Undefined when nothing can be supplied: then a person decides.
 */
export function replacementFor(kase: Case, policy: BrandPolicy): CatalogueModel | undefined {
  const offer = kase.replacementOffer;
  if (offer?.status === 'accepted')
    return policy.catalogue.find((candidate) => candidate.model === offer.model && candidate.inStock);
  return chooseReplacement(kase.device.model, policy);
}

/** The replacement ordered: the remaining warranty carries over (at least the brand's minimum), serials linked. */
export function orderReplacement(
  kase: Case,
  chosen: CatalogueModel,
  serial: string,
  policy: BrandPolicy,
  now: Date,
): Case {
  if (kase.replacement) return kase;
  const minimum = addMonths(isoDay(now), policy.replacementMinimumWarrantyMonths);
  const remaining = kase.entitlement?.coveredUntil ?? minimum;
  const warrantyUntil = laterDay(remaining, minimum);
  const reason =
    kase.replacementOffer?.status === 'accepted'
      ? `${chosen.model} offered by a person and accepted by the customer`
      : kase.route === 'instant-replacement'
        ? 'instant replacement'
        : `${policy.replaceAfterFailedRepairs} failed repairs`;
  return advance(
    {
      ...kase,
      status: 'replacement-ordered',
      outcome: 'replaced',
      replacement: { model: chosen.model, serial, warrantyUntil, orderedAt: now.toISOString(), reason },
      timeline: [
        ...kase.timeline,
        entry(
          now,
          'replacement-ordered',
          `Replacement ${chosen.model} (${serial}) for ${kase.device.model} (${kase.device.serial}), warranty until ${warrantyUntil}.`,
          'system:workflow',
        ),
      ],
    },
    'We ship your replacement',
    isoAfter(now, 120),
    now,
    `We ordered a replacement ${chosen.model}${chosen.model === kase.device.model ? '' : kase.replacementOffer?.status === 'accepted' ? ` (the model you accepted for your ${kase.device.model})` : ` (better than your ${kase.device.model})`}, with warranty until ${warrantyUntil}.`,
  );
}
