import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { bookVisitCommand } from '../app/commands/visits.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('bookVisit'), async ({ brand, actor, params, body }) => {
  const { outcome } = await bookVisitCommand({ brand, caseId: params.caseId, actor, booking: body }, deps());
  return { status: 202, body: { caseId: params.caseId, eventId: body.bookingId, outcome } };
});
