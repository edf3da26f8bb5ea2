import * as z from 'zod';
import { type BrandPolicy, ReasonCode } from './policy.ts';

/**
 * What a brand tells anyone before a case is opened (no token): the models a customer can pick, the
 * coverage and return terms, whether it visits homes, and the reasons it may deny a request for. Its
 * people, contacts, stock and prices stay with the brand.
 */
export const PublicPolicy = z.object({
  brand: z.string(),
  displayName: z.string(),
  models: z.array(
    z.object({
      model: z.string(),
      family: z.string(),
      /** Sold without a serial: the portal does not ask for one. */
      serialized: z.boolean(),
      /** Serviced at the customer's home rather than sent to the depot. */
      homeVisit: z.boolean(),
    }),
  ),
  coverage: z.object({
    standardWarrantyMonths: z.number(),
    extendedWarrantyMonths: z.number(),
    deadOnArrivalDays: z.number(),
    replaceAfterFailedRepairs: z.number(),
    replacementMinimumWarrantyMonths: z.number(),
  }),
  returnWindowDays: z.number(),
  homeVisits: z.object({ offered: z.boolean(), families: z.array(z.string()), visitsIncluded: z.number() }),
  reasons: z.array(ReasonCode),
});
export type PublicPolicy = z.infer<typeof PublicPolicy>;

export function publicPolicyOf(policy: BrandPolicy): PublicPolicy {
  return {
    brand: policy.brand,
    displayName: policy.displayName,
    models: policy.catalogue.map((entry) => ({
      model: entry.model,
      family: entry.family,
      serialized: entry.unserialized !== true,
      homeVisit: policy.onSiteFamilies.includes(entry.family),
    })),
    coverage: {
      standardWarrantyMonths: policy.standardWarrantyMonths,
      extendedWarrantyMonths: policy.extendedWarrantyMonths,
      deadOnArrivalDays: policy.deadOnArrivalDays,
      replaceAfterFailedRepairs: policy.replaceAfterFailedRepairs,
      replacementMinimumWarrantyMonths: policy.replacementMinimumWarrantyMonths,
    },
    returnWindowDays: policy.returnWindowDays,
    homeVisits: {
      offered: policy.onSiteFamilies.length > 0,
      families: [...policy.onSiteFamilies],
      visitsIncluded: policy.visitAllowance,
    },
    reasons: policy.reasonCatalogue,
  };
}

/** What a version changed against the one before it: its top-level fields that differ, in order. */
export function changedFields(before: BrandPolicy | undefined, after: BrandPolicy): string[] {
  if (!before) return Object.keys(after);
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys.filter(
    (key) =>
      JSON.stringify(before[key as keyof BrandPolicy]) !== JSON.stringify(after[key as keyof BrandPolicy]),
  );
}
