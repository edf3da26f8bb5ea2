import type { PolicyVersion } from '../domain/ports.ts';

/**
 * A brand's policy versions in the single table: `pk = T#<brand>#POLICY`, `sk = V#0000000003`, one
 * immutable item per version. The current version is the newest item (one Query, newest first, limit
 * 1), so there is no pointer to move and nothing to mend after a crash between two writes: saving is
 * a single conditional put (`attribute_not_exists`), which only one of two editors of version N can win.
 */
export const policyKeys = {
  partition: (brand: string) => `T#${brand}#POLICY`,
  version: (version: number) => `V#${String(version).padStart(10, '0')}`,
};

/** The item of one version; saved only by a conditional put that no other writer of it can win too. */
export function policyItem(saved: PolicyVersion) {
  return {
    pk: policyKeys.partition(saved.policy.brand),
    sk: policyKeys.version(saved.version),
    version: saved.version,
    savedBy: saved.savedBy,
    savedAt: saved.savedAt,
    policy: saved.policy,
  };
}
