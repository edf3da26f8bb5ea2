import { mayReportVisitEvent } from '../../domain/access.ts';
import type { Actor } from '../../domain/case.ts';
import { isCustodyEvent } from '../../domain/custody.ts';
import { InvalidFieldsError } from '../../domain/errors.ts';
import { hasSeen, inboxKey } from '../../domain/event-inbox.ts';
import { occurredAtErrors } from '../../domain/event-times.ts';
import type { CaseEvent, VisitEvent } from '../../domain/schemas.ts';
import { checkWindow, reportVisit, signOffVisit, visitOf } from '../../domain/visits.ts';
import { mustSee, updateCase } from '../change-case.ts';
import type { Deps } from '../deps.ts';
import { custodyEventCommand } from './custody.ts';
import { recordCaseEventCommand } from './events.ts';

/** The customer books one of the offered windows; the workflow's booking step then assigns the technician. */
export async function bookVisitCommand(
  command: { brand: string; caseId: string; actor: Actor; booking: { bookingId: string; windowId: string } },
  deps: Deps,
) {
  const seen = [inboxKey(command.actor.role, command.booking.bookingId)];
  const kase = await mustSee(deps.repo, command.brand, command.caseId, command.actor, seen);
  if (!hasSeen(kase, command.actor.role, command.booking.bookingId))
    checkWindow(kase, command.booking.windowId);
  const event: CaseEvent = {
    type: 'visit-booked',
    eventId: command.booking.bookingId,
    occurredAt: deps.now.toISOString(),
    windowId: command.booking.windowId,
  };
  return recordCaseEventCommand({ ...command, event, request: command.booking }, deps);
}

/**
 * What happens at a visit (P6): the assigned technician reports check-in, parts and outcome; the
 * customer's sign-off (captured by the technician or sent by the customer) and a no-show end the visit.
 */
export async function visitEventCommand(
  command: { brand: string; caseId: string; visitId: string; actor: Actor; event: VisitEvent },
  deps: Deps,
) {
  const { actor, event, visitId } = command;
  const seen = [inboxKey(actor.role, event.eventId)];
  const kase = await mustSee(deps.repo, command.brand, command.caseId, actor, seen);
  const visit = visitOf(kase, visitId);
  mayReportVisitEvent(actor, visit, event.type);
  const errors = occurredAtErrors(kase, event, deps.now);
  if (errors.length > 0) throw new InvalidFieldsError(errors);
  if (isCustodyEvent(event)) {
    await custodyEventCommand({ ...command, event, holder: `technician:${visit.technician.id}` }, deps);
    return { outcome: 'recorded' as const };
  }
  if (event.type === 'signed-off' || event.type === 'no-show') {
    const ended: CaseEvent =
      event.type === 'no-show'
        ? { type: 'visit-no-show', eventId: event.eventId, occurredAt: event.occurredAt, visitId }
        : {
            type: 'visit-signed-off',
            eventId: event.eventId,
            occurredAt: event.occurredAt,
            visitId,
            accepted: event.accepted,
          };
    if (event.type === 'signed-off' && !hasSeen(kase, actor.role, event.eventId)) {
      await updateCase({ ...command, seen }, deps, (current) =>
        signOffVisit(current, visitId, event, deps.now),
      );
    }
    return recordCaseEventCommand({ ...command, event: ended, request: event }, deps);
  }
  await updateCase({ ...command, seen }, deps, (current) =>
    reportVisit(current, visitId, event, deps.now, actor),
  );
  return { outcome: 'recorded' as const };
}
