import type { Case, Decision } from './case.ts';
import { ConflictError, InvalidFieldsError, PolicyIncompleteError } from './errors.ts';
import { notify } from './escalation.ts';
import type { BrandPolicy, DecisionKind } from './policy.ts';
import { entry } from './timeline.ts';

/**
 * Consistent decisions (P8): a denial carries exactly one reason code from the brand's published
 * catalogue; changing it is a recorded supersession with a justification, and both reasons stay
 * visible on the case.
 */

/**
 * A denial with exactly one reason from the brand's catalogue (P8). A live denial of the same kind
 * keeps its reason: only a recorded supersession can change it.
 */
export function deny(
  kase: Case,
  kind: DecisionKind,
  code: string,
  policy: BrandPolicy,
  now: Date,
  by: string,
): Case {
  const live = liveDecision(kase, kind);
  if (live) {
    if (live.code === code) return kase;
    throw new ConflictError(
      `Case ${kase.caseId} already denies ${kind} for ${live.code}; supersede it instead of adding ${code}.`,
      'A denial has one reason',
    );
  }
  const reason = policy.reasonCatalogue.find(
    (candidate) => candidate.code === code && candidate.decision === kind,
  );
  if (!reason)
    throw new PolicyIncompleteError(`Reason ${code} is not in ${policy.brand}'s ${kind} catalogue.`);
  const decision: Decision = {
    decision: kind,
    code,
    text: reason.text,
    youCan: reason.youCan,
    at: now.toISOString(),
    by,
    status: 'live',
  };
  return {
    ...kase,
    decisions: [...kase.decisions, decision],
    timeline: [...kase.timeline, entry(now, 'denied', `${kind} denied: ${code}, ${reason.text}`, by)],
  };
}

export const liveDecision = (kase: Case, kind: DecisionKind) =>
  kase.decisions.find((decision) => decision.decision === kind && decision.status === 'live');

/**
 * A person replaces a denial's reason with another from the catalogue and says why (P8). The old
 * reason stays on the case, superseded; the customer is told both. Once per supersession id.
 */
export function supersedeDecision(
  kase: Case,
  kind: DecisionKind,
  request: { supersessionId: string; code: string; justification: string },
  policy: BrandPolicy,
  now: Date,
  by: string,
): Case {
  if (kase.seenEventIds.includes(request.supersessionId)) return kase;
  const live = liveDecision(kase, kind);
  if (!live)
    throw new ConflictError(
      `Case ${kase.caseId} has no ${kind} denial to supersede.`,
      'Nothing to supersede',
    );
  const errors = supersessionErrors(kind, request, policy);
  if (errors.length > 0) throw new InvalidFieldsError(errors);
  const reason = policy.reasonCatalogue.find(
    (candidate) => candidate.code === request.code && candidate.decision === kind,
  );
  if (!reason)
    throw new PolicyIncompleteError(`Reason ${request.code} is not in ${policy.brand}'s ${kind} catalogue.`);
  if (reason.code === live.code)
    throw new ConflictError(`The ${kind} denial already has reason ${live.code}.`, 'Same reason');
  const superseding: Decision = {
    decision: kind,
    code: reason.code,
    text: reason.text,
    youCan: reason.youCan,
    at: now.toISOString(),
    by,
    status: 'live',
    justification: request.justification,
    supersedes: live.code,
  };
  return notify(
    {
      ...kase,
      seenEventIds: [...kase.seenEventIds, request.supersessionId],
      decisions: [
        ...kase.decisions.map((decision) =>
          decision === live ? { ...decision, status: 'superseded' as const } : decision,
        ),
        superseding,
      ],
      timeline: [
        ...kase.timeline,
        entry(
          now,
          'decision-superseded',
          `${kind} reason ${live.code} superseded by ${reason.code}: ${request.justification}`,
          by,
        ),
      ],
    },
    `The reason for our ${kind} decision changed from ${live.code} (${live.text}) to ${reason.code} (${reason.text}) because: ${request.justification} What you can do: ${reason.youCan}`,
    now,
  );
}

/**
 * What the brand's catalogue refuses in a supersession request, every field at once (P9): checked with
 * the request's other errors, so a person never fixes one field only to hear of the next.
 */
export function supersessionErrors(
  kind: unknown,
  request: unknown,
  policy: BrandPolicy,
): { pointer: string; detail: string }[] {
  const body = (request ?? {}) as Record<string, unknown>;
  if (typeof body.code !== 'string' || typeof kind !== 'string') return [];
  const code = body.code.trim();
  const codes = policy.reasonCatalogue
    .filter((candidate) => candidate.decision === kind)
    .map((candidate) => candidate.code);
  if (codes.length === 0 || codes.includes(code)) return [];
  return [{ pointer: '#/code', detail: `Not a ${kind} reason of this brand; one of: ${codes.join(', ')}.` }];
}

/**
 * A person overturns a live denial: it stays on the case, marked overturned with who, when and why,
 * as a supersession keeps the reason it replaced (P8). The rule that grants what was denied says what
 * follows (good-faith.ts for coverage).
 */
export function overturnDenial(
  kase: Case,
  kind: DecisionKind,
  justification: string,
  now: Date,
  by: string,
): { case: Case; overturned: Decision } {
  const live = liveDecision(kase, kind);
  if (!live)
    throw new ConflictError(`Case ${kase.caseId} has no ${kind} denial to overturn.`, 'Nothing to overturn');
  const overturned: Decision = {
    ...live,
    status: 'overturned',
    overturned: { by, at: now.toISOString(), justification },
  };
  return {
    case: {
      ...kase,
      decisions: kase.decisions.map((decision) => (decision === live ? overturned : decision)),
      timeline: [
        ...kase.timeline,
        entry(now, 'decision-overturned', `${kind} denial ${live.code} overturned: ${justification}`, by),
      ],
    },
    overturned,
  };
}
