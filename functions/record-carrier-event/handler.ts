import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { eventErrorsOf, recordCarrierEventCommand } from '../app/commands/events.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(
  operation('recordCarrierEvent'),
  async ({ brand, actor, body }) => {
    const { caseId, outcome } = await recordCarrierEventCommand({ brand, actor, event: body }, deps());
    return { status: 202, body: { caseId, eventId: body.eventId, outcome } };
  },
  // A time in the future or before the case opened is named with the request's other errors (P9).
  {
    moreErrors: ({ brand }, body) =>
      eventErrorsOf(
        brand,
        { trackingNumber: (body as { trackingNumber?: unknown } | null)?.trackingNumber },
        body,
        deps(),
      ),
  },
);
