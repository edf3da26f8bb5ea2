import { brandDeadline } from './business-time.ts';
import type { Case } from './case.ts';
import { openItems } from './custody.ts';
import { isoAfter } from './dates.ts';
import { ConflictError } from './errors.ts';
import { notify } from './escalation.ts';
import { settleKept, waitTaking, withoutWaitsFor, withWait } from './event-inbox.ts';
import { type BrandPolicy, queueOf } from './policy.ts';
import type { CaseEvent } from './schemas.ts';
import { entry } from './timeline.ts';

/**
 * Close the loop (P10): after resolution the customer is asked whether their needs were met; a "no"
 * opens a next-day follow-up owned by a named person, in their queue; silence is recorded.
 */

/** Resolved: the case closes and the customer is asked whether their needs were met (P10). */
export function closeCase(kase: Case, policy: BrandPolicy, now: Date): Case {
  if (kase.status === 'closed') return kase;
  const open = openItems(kase);
  if (open.length > 0) {
    throw new ConflictError(
      `Case ${kase.caseId} holds ${open.length} customer-owned item(s); it cannot close.`,
    );
  }
  const outcome = kase.outcome ?? (kase.route === 'denied' ? 'denied' : undefined);
  const closed = `Your case ${kase.caseId} is closed${outcome ? ` (${outcome})` : ''}.`;
  const base = { ...settleKept(kase, now), status: 'closed' as const, ...(outcome ? { outcome } : {}) };
  // Closed again after a complaint: the customer already said whether their needs were met.
  if (kase.survey) {
    return notify({ ...base, nextStep: { name: NOTHING_MORE, deadline: now.toISOString() } }, closed, now);
  }
  const deadline = isoAfter(now, policy.surveyWindowSeconds);
  return notify(
    { ...base, nextStep: { name: ASK, deadline } },
    `${closed} Answer at /cases/${kase.caseId}/survey.`,
    now,
  );
}

const NOTHING_MORE = 'Nothing: your case is closed';
const ASK = 'Tell us whether your needs were met';

/**
 * The customer says whether their needs were met (P10). "No" opens a follow-up, due within a day, owned
 * by the brand's named follow-up owner and in their work queue. Answered after a complaint reopened the
 * case, the answer is kept as well, and the case's next step stays the decision of the person who has it.
 */
export function applySurveyAnswer(
  kase: Case,
  answer: { met: boolean; comment?: string },
  policy: BrandPolicy,
  now: Date,
): Case {
  if (kase.survey) return kase;
  const survey = {
    answered: true,
    met: answer.met,
    ...(answer.comment ? { comment: answer.comment } : {}),
    at: now.toISOString(),
  };
  const answered = {
    ...kase,
    survey,
    timeline: [
      ...kase.timeline,
      entry(
        now,
        'survey-answered',
        `Needs met: ${answer.met ? 'yes' : 'no'}.${answer.comment ? ` “${answer.comment}”` : ''}`,
        'customer',
      ),
    ],
  };
  const reopened = kase.status !== 'closed';
  const next = (step: Case['nextStep']) => (reopened ? kase.nextStep : step);
  if (answer.met) {
    return notify(
      { ...answered, nextStep: next({ name: NOTHING_MORE, deadline: now.toISOString() }) },
      'Thank you for telling us.',
      now,
    );
  }
  const owner = policy.followUpOwner;
  const due = brandDeadline(now, policy.sla.followUpSeconds, policy);
  return notify(
    {
      ...answered,
      followUp: {
        owner,
        due,
        reason: answer.comment ?? 'Needs not met',
        status: 'open',
        level: kase.escalationLevel,
      },
      nextStep: next({ name: `${owner.name} follows up with you`, deadline: due }),
      timeline: [
        ...answered.timeline,
        entry(
          now,
          'follow-up-opened',
          `Follow-up for ${owner.name} (${owner.role}, queue ${queueOf(owner.name)}), due ${due}.`,
          'system:workflow',
        ),
      ],
    },
    `We are sorry we fell short. ${owner.name} (${owner.role}, ${owner.contact}) will contact you by ${due}.`,
    now,
  );
}

/**
 * The owner closes the follow-up with what they did and agreed (P10); the customer is told. The
 * workflow's wait for it ends now, or when it begins. Once per outcome id.
 */
export function closeFollowUp(
  kase: Case,
  request: { outcomeId: string; outcome: string },
  now: Date,
  by: string,
): { case: Case; deliver?: { token: string; event: CaseEvent } } {
  if (kase.seenEventIds.includes(request.outcomeId)) return { case: kase };
  const followUp = kase.followUp;
  if (followUp?.status !== 'open')
    throw new ConflictError(`Case ${kase.caseId} has no open follow-up.`, 'No follow-up to close');
  const closed = notify(
    {
      ...kase,
      seenEventIds: [...kase.seenEventIds, request.outcomeId],
      followUp: {
        ...followUp,
        status: 'done',
        outcome: request.outcome,
        closedAt: now.toISOString(),
        closedBy: by,
      },
      nextStep: { name: NOTHING_MORE, deadline: now.toISOString() },
      timeline: [
        ...kase.timeline,
        entry(now, 'follow-up-closed', `Follow-up closed: ${request.outcome}`, by),
      ],
    },
    `${followUp.owner.name} closed the follow-up of your case: ${request.outcome}`,
    now,
  );
  const event: CaseEvent = {
    type: 'follow-up-closed',
    eventId: request.outcomeId,
    occurredAt: now.toISOString(),
    outcome: request.outcome,
    by,
  };
  const waiting = waitTaking(kase, event.type);
  if (waiting) {
    return {
      case: withWait(closed, { ...waiting, delivered: event }),
      deliver: { token: waiting.token, event },
    };
  }
  return { case: { ...closed, pendingEvents: [...closed.pendingEvents, event] } };
}

/** The survey window passed without an answer: recorded as such, and a late answer is refused (P10). */
export function recordNoSurveyAnswer(kase: Case, now: Date): Case {
  // Reopened by a complaint meanwhile: a person has the case, and its next step is theirs.
  if (kase.survey || kase.status !== 'closed') return kase;
  // Closed again after a complaint, the customer was asked again with a later deadline: that one counts.
  if (kase.nextStep.name === ASK && Date.parse(kase.nextStep.deadline) > now.getTime()) return kase;
  return {
    // The survey's wait is over with its window: nothing shows it pending or offers its form any more.
    ...withoutWaitsFor(kase, 'survey-answered'),
    survey: { answered: false, at: now.toISOString() },
    answered: kase.answered.includes('survey') ? kase.answered : [...kase.answered, 'survey'],
    nextStep: { name: NOTHING_MORE, deadline: now.toISOString() },
    timeline: [
      ...kase.timeline,
      entry(
        now,
        'survey-unanswered',
        'The customer did not say whether their needs were met within the window.',
        'system:workflow',
      ),
    ],
  };
}
