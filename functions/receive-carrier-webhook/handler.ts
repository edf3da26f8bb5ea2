import { carrierAccount } from '../adapters/carrier-account.ts';
import {
  carrierEventOf,
  EASYPOST_SIGNATURE_HEADER,
  verifyEasyPostWebhook,
} from '../adapters/easypost-carrier.ts';
import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { problem } from '../api/problem.ts';
import { recordCarrierEventCommand } from '../app/commands/events.ts';
import { deps } from '../shared/deps.ts';

/** The carrier acts on a brand's cases as its carrier, as through POST /carrier/events. */
const CARRIER = { role: 'carrier', subject: 'carrier-account' } as const;

const unsigned = (detail: string) => problem(401, 'unauthenticated', 'Unauthenticated', detail);

export const handler = httpHandler(
  operation('receiveCarrierWebhook'),
  async ({ brand, body }) => {
    const event = carrierEventOf(body);
    if (!event) return { status: 202, body: { eventId: body.id, outcome: 'ignored' as const } };
    // The account's webhooks carry every parcel it ships: one of another brand is not this one's.
    const plain = deps();
    if (!(await plain.repo.caseOfTracking(brand, event.trackingNumber)))
      return { status: 202, body: { eventId: body.id, outcome: 'ignored' as const } };
    const { caseId, outcome } = await recordCarrierEventCommand({ brand, actor: CARRIER, event }, plain);
    return { status: 202, body: { caseId, eventId: event.eventId, outcome } };
  },
  {
    // Before anything is parsed or read: the signature of the raw body, under the account's secret.
    authenticate: async ({ rawBody, headers, pathParameters }) => {
      const account = await carrierAccount();
      if (!account?.webhookSecret) return unsigned('No carrier account with a webhook secret is configured.');
      if (!verifyEasyPostWebhook(rawBody, headers[EASYPOST_SIGNATURE_HEADER], account.webhookSecret))
        return unsigned(`The ${EASYPOST_SIGNATURE_HEADER} header is missing or does not sign this body.`);
      return { brand: pathParameters.brand ?? '', actor: CARRIER };
    },
  },
);
