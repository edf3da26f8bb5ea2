import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { eventErrorsOf } from '../app/commands/events.ts';
import { visitEventCommand } from '../app/commands/visits.ts';
import { deps } from '../shared/printing-deps.ts';

export const handler = httpHandler(
  operation('recordVisitEvent'),
  async ({ brand, actor, params, body }) => {
    const { outcome } = await visitEventCommand(
      { brand, caseId: params.caseId, visitId: params.visitId, actor, event: body },
      deps(),
    );
    return { status: 202, body: { caseId: params.caseId, eventId: body.eventId, outcome } };
  },
  // A time in the future or before the case opened is named with the request's other errors (P9).
  { moreErrors: ({ brand }, body, path) => eventErrorsOf(brand, { caseId: path.caseId }, body, deps()) },
);
