import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { custodyEventCommand } from '../app/commands/custody.ts';
import { eventErrorsOf, recordCaseEventCommand } from '../app/commands/events.ts';
import { isCustodyEvent } from '../domain/custody.ts';
import { deps } from '../shared/printing-deps.ts';

export const handler = httpHandler(
  operation('recordDepotEvent'),
  async ({ brand, actor, params, body }) => {
    const command = { brand, caseId: params.caseId, actor };
    // Parts removed, destroyed or handed back change the custody ledger, not the workflow's steps (P5).
    if (isCustodyEvent(body)) {
      await custodyEventCommand({ ...command, event: body, holder: 'depot' }, deps());
      return { status: 202, body: { caseId: params.caseId, eventId: body.eventId, outcome: 'recorded' } };
    }
    const { outcome } = await recordCaseEventCommand({ ...command, event: body }, deps());
    return { status: 202, body: { caseId: params.caseId, eventId: body.eventId, outcome } };
  },
  // A time in the future or before the case opened, or a denial the plan covers, is named with the request's other errors (P9).
  { moreErrors: ({ brand }, body, path) => eventErrorsOf(brand, { caseId: path.caseId }, body, deps()) },
);
