import type { Case, Said } from './case.ts';
import { isoAfter, laterIso } from './dates.ts';
import { noticeId, queued } from './notices.ts';
import { type BrandPolicy, queueOf } from './policy.ts';
import { entry } from './timeline.ts';

/**
 * No dead ends (P7): every message to the customer states the next step, its deadline, who owns the
 * case and how to escalate; a waiting step whose deadline passes escalates itself one level up the
 * brand's ladder; the customer can escalate at any time; escalated cases sit in their owner's queue.
 */

export function escalationPath(policy: BrandPolicy) {
  return policy.escalationLadder.map((level, index) => ({
    level: index,
    role: level.role,
    contact: level.contact,
  }));
}

/** The case moves to its next step, and the customer is told (the step, its deadline and owner included). */
export function advance(
  kase: Case,
  name: string,
  deadline: string,
  now: Date,
  message: string,
  said?: Said,
): Case {
  return notify({ ...kase, nextStep: { name, deadline } }, message, now, said);
}

/**
 * A message to the customer on their preferred channel, kept in the case's outbox and timeline. Every
 * one ends with the next step and its deadline, who owns the case, and how to escalate it (P7).
 * `said` names the message in the notice catalogue, so it reaches the customer in their language.
 */
export function notify(kase: Case, message: string, now: Date, said?: Said): Case {
  const to =
    kase.customer.preferredChannel === 'sms' && kase.customer.phone
      ? kase.customer.phone
      : kase.customer.email;
  const channel = to === kase.customer.phone ? 'sms' : 'email';
  const text = `${message} ${whatNext(kase)}`;
  const id = noticeId(now, kase.notifications.length, text);
  const notice = {
    id,
    at: now.toISOString(),
    channel,
    to,
    text,
    parts: {
      message,
      ...(kase.nextStep.name.startsWith('Nothing') ? {} : { next: kase.nextStep }),
      owner: ownerOf(kase),
      ...(said ? { said } : {}),
    },
  } as const;
  return {
    ...kase,
    notifications: [...kase.notifications, notice],
    deliveries: { ...kase.deliveries, [id]: queued(notice, now) },
    timeline: [
      ...kase.timeline,
      entry(now, 'customer-notified', `Sent by ${channel}: ${text}`, 'system:workflow'),
    ],
  };
}

/** The escalation level that owns the case now, as the customer is told it; or the person it was handed to. */
export function ownerOf(kase: Case): string {
  const { handover } = kase;
  if (handover?.status === 'open' && kase.escalationLevel <= handover.level)
    return `${handover.owner.name} (${handover.owner.contact})`;
  const level = kase.escalationPath[Math.min(kase.escalationLevel, kase.escalationPath.length - 1)];
  return level ? `${level.role} (${level.contact})` : 'the service team';
}

function whatNext(kase: Case): string {
  // "Nothing..." steps end a case: there is no next step to announce.
  const next = kase.nextStep.name.startsWith('Nothing')
    ? ''
    : `Next: ${kase.nextStep.name}, by ${kase.nextStep.deadline}. `;
  return `${next}Owned by ${ownerOf(kase)}; to escalate: /cases/${kase.caseId}/escalations.`;
}

/**
 * A person escalates (P7): the case goes one level up the brand's ladder (the top level stays the top),
 * and the answer names who owns it now and by when they respond. Once per escalation id. A customer
 * climbs one rung per owner's deadline, not per click: while the owner's time to respond runs, the
 * answer is the pending escalation, and the customer's words go on the timeline for that owner.
 * Staff (an agent) take a case up at once.
 */
export function escalateCase(
  kase: Case,
  request: { escalationId: string; reason: string },
  policy: BrandPolicy,
  now: Date,
  by: string,
): Case {
  const pending = kase.escalation && new Date(kase.escalation.respondBy) > now ? kase.escalation : undefined;
  if (!pending || !by.startsWith('customer:') || kase.seenEventIds.includes(request.escalationId))
    return escalate(kase, request.escalationId, request.reason, policy, now, by);
  return {
    ...kase,
    seenEventIds: [...kase.seenEventIds, request.escalationId],
    timeline: [
      ...kase.timeline,
      entry(
        now,
        'escalation-pending',
        `Asked again while ${pending.role} (${pending.contact}) has until ${pending.respondBy} to respond: ${request.reason}`,
        by,
      ),
    ],
  };
}

/**
 * Whether a change took the case up a rung (or gave the top rung a new deadline): not when a customer's
 * ask found an escalation pending, nor when the same request came again.
 */
export function escalationTaken(before: Case, after: Case): boolean {
  return (
    after.escalation !== undefined &&
    (after.escalation.level !== before.escalation?.level ||
      after.escalation.respondBy !== before.escalation?.respondBy)
  );
}

/** An overdue step escalates once per entry into it: the entry names the escalation. */
export const overdueEscalationId = (overdue: { step: string; enteredAt: string }) =>
  `overdue:${overdue.step}:${overdue.enteredAt}`;

/**
 * A waiting step's deadline passed (P7): the case goes one level up, the customer is told who owns it
 * now, and the step waits again with the new owner's own deadline (`waitSeconds`). Once per entry into
 * the overdue state: a step run again for the same entry changes nothing more.
 */
export function escalateOverdue(
  kase: Case,
  overdue: { step: string; what: string; enteredAt: string },
  policy: BrandPolicy,
  now: Date,
): { case: Case; waitSeconds: number } {
  // A brand that works business hours gave the step a deadline in its hours (business-time.ts): the
  // workflow's timer counts every second, so it fires early over a night or a weekend. Not overdue yet:
  // the step waits on for the time that is left, and nobody is escalated.
  const due = Date.parse(kase.nextStep.deadline);
  if (policy.businessHours && due > now.getTime())
    return { case: kase, waitSeconds: Math.ceil((due - now.getTime()) / 1000) };
  const escalationId = overdueEscalationId(overdue);
  const escalated = escalate(
    kase,
    escalationId,
    `Deadline passed: ${overdue.what} in time.`,
    policy,
    now,
    'system:workflow',
  );
  const owner = policy.escalationLadder[escalated.escalationLevel];
  return { case: escalated, waitSeconds: owner?.respondWithinSeconds ?? 86_400 };
}

/** One level up the ladder, once per `id`: the customer is told who owns the case now and by when (P7). */
export function escalate(
  kase: Case,
  id: string,
  reason: string,
  policy: BrandPolicy,
  now: Date,
  by: string,
): Case {
  if (kase.seenEventIds.includes(id)) return kase;
  const level = Math.min(kase.escalationLevel + 1, policy.escalationLadder.length - 1);
  const owner = policy.escalationLadder[level];
  if (!owner) return kase;
  const respondBy = isoAfter(now, owner.respondWithinSeconds);
  const { role, contact } = owner;
  const escalated: Case = {
    ...kase,
    seenEventIds: [...kase.seenEventIds, id],
    escalationLevel: level,
    escalation: { level, role, contact, respondBy, reason },
    // The owner's deadline is the case's deadline now: it is what the customer waits on.
    nextStep: { name: kase.nextStep.name, deadline: laterIso(kase.nextStep.deadline, respondBy) },
    timeline: [...kase.timeline, entry(now, 'escalated', `Escalated to ${role} (${contact}): ${reason}`, by)],
  };
  return notify(
    escalated,
    `${reason} Your case is now owned by ${role} (${contact}), who will respond by ${respondBy}.`,
    now,
  );
}

/**
 * The work a case asks of someone now (P7, P10): a decision on a case handed to a person, an open
 * follow-up, else an escalation of an open case. An escalation above the level a handover or a
 * follow-up began at takes that work up the ladder, to the escalation's owner.
 */
export function ownerWork(
  kase: Case,
):
  | { owner: string; kind: 'decision' | 'follow-up' | 'escalation'; due: string; summary: string }
  | undefined {
  const { handover, followUp, escalation } = kase;
  const climbed = (level: number | undefined) =>
    escalation !== undefined && level !== undefined && kase.escalationLevel > level;
  const open = handover?.status === 'open' ? handover : undefined;
  const following = followUp?.status === 'open' ? followUp : undefined;
  if (open && !climbed(open.level))
    return { owner: open.queue, kind: 'decision', due: open.due, summary: open.problem };
  if (following && !climbed(following.level)) {
    const { owner, due, reason } = following;
    return { owner: queueOf(owner.name), kind: 'follow-up', due, summary: `Needs not met: ${reason}` };
  }
  if ((kase.status !== 'closed' || following) && escalation) {
    const { role, respondBy, reason } = escalation;
    const about = open ? ` ${open.problem}` : following ? ` Needs not met: ${following.reason}` : '';
    return { owner: queueOf(role), kind: 'escalation', due: respondBy, summary: `${reason}${about}` };
  }
  return undefined;
}
