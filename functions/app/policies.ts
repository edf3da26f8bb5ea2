import { changedFields } from '../domain/brand-terms.ts';
import type { Actor } from '../domain/case.ts';
import {
  InvalidFieldsError,
  PreconditionFailedError,
  PreconditionRequiredError,
  UnknownBrandError,
} from '../domain/errors.ts';
import { type BrandPolicy, governingPolicy, policyIssues } from '../domain/policy.ts';
import type { PolicyStore, PolicyVersion } from '../domain/ports.ts';

/**
 * A brand's policy as the application reads and changes it: the current version, the version that
 * governs a case (see {@link governingPolicy}), and saving a new version against the one it was edited from.
 */

/** The brand's current policy and its version; an unknown brand is a 404. */
export async function currentPolicy(
  policies: PolicyStore,
  brand: string,
  options: { fresh?: boolean } = {},
): Promise<PolicyVersion> {
  const found = await policies.current(brand, options);
  if (!found) throw new UnknownBrandError(brand);
  return found;
}

/** What a policy read says of a brand: its current policy, without the version. */
export async function policyOf(policies: PolicyStore, brand: string): Promise<BrandPolicy> {
  return (await currentPolicy(policies, brand)).policy;
}

/**
 * The policy a case is handled under: the version it was opened under for what was promised, the
 * current one for people, contacts and reasons. A case opened before policies were versioned has none
 * recorded and is handled under the current version.
 */
export async function casePolicy(
  policies: PolicyStore,
  kase: { brand: string; policyVersion?: number | undefined },
): Promise<BrandPolicy> {
  const current = await policyOf(policies, kase.brand);
  if (kase.policyVersion === undefined) return current;
  const opened = await policies.version(kase.brand, kase.policyVersion);
  return opened ? governingPolicy(opened.policy, current) : current;
}

/** The version an ETag names: `"7"` (or W/"7"). */
export const etagOf = (version: number) => `"${version}"`;
const versionOfTag = (tag: string) => {
  const match = /^(?:W\/)?"(\d+)"$/.exec(tag.trim());
  return match ? Number(match[1]) : undefined;
};

export interface PolicyChange {
  readonly brand: string;
  readonly actor: Actor;
  readonly document: unknown;
  /** The ETag of the version the change was edited from, to change an existing brand. */
  readonly ifMatch?: string | undefined;
  /** `*`: create the brand, which must not exist yet. */
  readonly ifNoneMatch?: string | undefined;
  readonly now: Date;
}

/**
 * Saves a new version of a brand's policy. Updating needs `If-Match` with the current ETag (428 without
 * it, 412 when someone saved since); creating a brand needs `If-None-Match: *` (412 if it exists). The
 * document is checked whole, every error at once; it must name the brand the caller is admin of.
 */
export async function savePolicy(
  policies: PolicyStore,
  change: PolicyChange,
): Promise<{ saved: PolicyVersion; changed: string[]; created: boolean }> {
  const creating = change.ifNoneMatch?.trim() === '*';
  if (!creating && change.ifMatch === undefined)
    throw new PreconditionRequiredError(
      'Send If-Match with the ETag of the policy you edited (GET /brand/policy), so a change made meanwhile is not overwritten; or If-None-Match: * to create the brand.',
    );
  const checked = policyIssues(change.document);
  const issues = 'issues' in checked ? [...checked.issues] : [];
  for (const error of brandMismatch(change.brand, change.document))
    issues.push({ path: ['brand'], message: error.detail });
  const policy = 'policy' in checked && issues.length === 0 ? checked.policy : undefined;
  if (!policy) throw new InvalidFieldsError(asFieldErrors(issues));
  // Read from the store, not the cache: another instance may have saved the version the ETag names.
  const current = await policies.current(change.brand, { fresh: true });
  if (creating && current)
    throw new PreconditionFailedError(
      `The brand "${change.brand}" exists already (version ${current.version}): change it with If-Match.`,
    );
  if (!creating) {
    if (!current) throw new UnknownBrandError(change.brand);
    const expected = versionOfTag(change.ifMatch ?? '');
    if (expected !== current.version)
      throw new PreconditionFailedError(
        `The policy is at version ${current.version} now, not the one you edited: read it again, apply your change and send it with If-Match: ${etagOf(current.version)}.`,
      );
  }
  // The same document again (an import run twice) is no new version: nobody changed anything.
  if (current && !creating && changedFields(current.policy, policy).length === 0)
    return { saved: current, changed: [], created: false };
  const saved: PolicyVersion = {
    version: (current?.version ?? 0) + 1,
    savedBy: change.actor.subject,
    savedAt: change.now.toISOString(),
    policy,
  };
  await policies.save(saved);
  return { saved, changed: changedFields(current?.policy, saved.policy), created: creating };
}

/** Who saved which version, when, and what each changed against the one before it; newest first. */
export async function policyVersionsQuery(policies: PolicyStore, brand: string, limit: number) {
  const versions = await policies.versions(brand, limit + 1);
  return versions.slice(0, limit).map(({ policy, ...saved }, index) => ({
    ...saved,
    changed: changedFields(versions[index + 1]?.policy, policy),
  }));
}

/** Issues of a policy document as the field errors of a request, each with a JSON pointer. */
export const asFieldErrors = (issues: readonly { path: (string | number)[]; message: string }[]) =>
  issues.map((issue) => ({ pointer: ['#', ...issue.path].join('/'), detail: issue.message }));

/** What an admin's request names besides the fields: the brand must be the one they are admin of. */
export function brandMismatch(brand: string, document: unknown) {
  const named = (document as { brand?: unknown } | null)?.brand;
  return named !== undefined && named !== brand
    ? [{ pointer: '#/brand', detail: `You are admin of "${brand}": give that brand here.` }]
    : [];
}
