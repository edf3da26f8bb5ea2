/** What a brand (tenant) promises its customers; each brand has its own. */
export interface BrandPolicy {
  readonly brand: string;
  readonly displayName: string;
  /** How long the customer has to get the device to the depot before the case escalates. */
  readonly arrivalSlaSeconds: number;
  /** Failed repairs of one device before it is replaced (P4). */
  readonly replaceAfterFailedRepairs: number;
  /** Who owns the case at each escalation level, lowest first (P7). */
  readonly escalationLadder: readonly { role: string; contact: string; respondWithinSeconds: number }[];
}

const DAY = 86_400;

const DEFAULT_POLICY: Omit<BrandPolicy, 'brand' | 'displayName'> = {
  arrivalSlaSeconds: 14 * DAY,
  replaceAfterFailedRepairs: 3,
  escalationLadder: [
    { role: 'Service agent', contact: 'support@{brand}.example', respondWithinSeconds: DAY },
    { role: 'Service supervisor', contact: 'supervisor@{brand}.example', respondWithinSeconds: DAY },
    { role: 'Service manager', contact: 'service-manager@{brand}.example', respondWithinSeconds: 2 * DAY },
    { role: 'Executive office', contact: 'executive-office@{brand}.example', respondWithinSeconds: 2 * DAY },
  ],
};

/** The demo brands the local cloud ships with; a brand not listed here gets the defaults. */
const BRANDS: Record<string, Partial<BrandPolicy>> = {
  acme: { displayName: 'Acme Devices' },
  globex: { displayName: 'Globex Appliances', arrivalSlaSeconds: 10 * DAY, replaceAfterFailedRepairs: 2 },
};

export function policyFor(brand: string): BrandPolicy {
  const own = BRANDS[brand] ?? {};
  const ladder = (own.escalationLadder ?? DEFAULT_POLICY.escalationLadder).map((level) => ({
    ...level,
    contact: level.contact.replace('{brand}', brand),
  }));
  return { ...DEFAULT_POLICY, displayName: brand, ...own, brand, escalationLadder: ladder };
}
