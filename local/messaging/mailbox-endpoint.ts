import type { AdminEndpoint } from '../http/server.ts';
import type { Mailbox } from './mailbox.ts';

/** `GET /_local/mailbox`: every email and SMS the local SES and SNS sent, oldest first. */
export function mailboxEndpoint(mailbox: Mailbox): AdminEndpoint {
  return {
    methods: ['GET'],
    handle: async () => ({
      status: 200,
      body: mailbox.messages.map(({ to, channel, subject, text, html, sentAt, caseId }) => ({
        to,
        channel,
        subject,
        text,
        html,
        sentAt,
        caseId: caseId ?? null,
      })),
    }),
  };
}
