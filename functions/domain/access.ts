import type { Actor, Visit } from './case.ts';
import { ForbiddenError } from './errors.ts';
import type { VisitEvent } from './schemas.ts';

/**
 * Who may see and change what (P11, P14). Every request is scoped to one brand before any rule runs
 * (every key in the table begins with the brand); within a brand, a customer sees only the cases they
 * opened, a technician only the cases they are sent to, and the other roles see the brand's cases.
 */

/**
 * A customer sees only the cases they opened, a technician only the cases they visit; the brand's
 * other roles see its cases (P14).
 */
export function visibleTo(
  kase: { readonly customerSubject?: string; readonly visits?: readonly { technician: { id: string } }[] },
  actor: Actor,
): boolean {
  if (actor.role === 'customer') return kase.customerSubject === actor.subject;
  if (actor.role === 'technician')
    return (kase.visits ?? []).some((visit) => visit.technician.id === actor.subject);
  return true;
}

const CUSTOMER_MAY: readonly VisitEvent['type'][] = ['signed-off', 'no-show'];

/** A visit's events come from its assigned technician; the customer reports only a sign-off or a no-show. */
export function mayReportVisitEvent(actor: Actor, visit: Visit, type: VisitEvent['type']): void {
  if (actor.role === 'customer' && !CUSTOMER_MAY.includes(type)) {
    throw new ForbiddenError(`A customer may report only a sign-off or a no-show, not "${type}".`);
  }
  if (actor.role === 'technician' && actor.subject !== visit.technician.id) {
    throw new ForbiddenError(`${visit.visitId} is assigned to ${visit.technician.name}, not to you.`);
  }
}
