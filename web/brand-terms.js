// @ts-check
// fairfix web: what the brand offers, read from its public policy (GET /brands/{brand}/policy, no
// token), so the portal suggests the brand's own models and states its terms before a case is opened.

/** Fills `models` (a <datalist>) with the brand's models and `terms` with its coverage and returns. */
export async function offerBrandTerms(brand, { models, terms }) {
  const response = await fetch(`/brands/${encodeURIComponent(brand)}/policy`);
  if (!response.ok) return;
  const policy = await response.json();
  models.replaceChildren(
    ...policy.models.map((entry) => {
      const option = document.createElement('option');
      option.value = entry.model;
      option.label = entry.homeVisit ? `${entry.model} (repaired at your home)` : entry.model;
      return option;
    }),
  );
  const { coverage } = policy;
  terms.textContent =
    `${policy.displayName}: ${coverage.standardWarrantyMonths} months’ warranty from purchase` +
    `${coverage.extendedWarrantyMonths ? ` (${coverage.extendedWarrantyMonths} more with an extended warranty)` : ''}; ` +
    `a device that fails within ${coverage.deadOnArrivalDays} days is replaced at once; ` +
    `after ${coverage.replaceAfterFailedRepairs} failed repairs of the same fault it is replaced; ` +
    `returns within ${policy.returnWindowDays} days` +
    `${policy.homeVisits.offered ? `; ${policy.homeVisits.families.join(', ')} repaired at your home` : ''}.`;
  terms.hidden = false;
}
