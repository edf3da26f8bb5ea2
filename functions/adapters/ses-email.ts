import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { MessageSender, OutgoingMessage } from '../domain/ports.ts';
import { requiredEnv } from './aws-clients.ts';

/**
 * Only the notifier sends email: the client lives here, so no other function bundles it. One try per
 * send: the notifier retries with its own backoff and counts the attempts it records on the notice.
 */
const ses = new SESv2Client({ maxAttempts: 1 });

/** Email through SES v2 SendEmail, HTML and text, from the configured sender. */
export class SesEmailSender implements MessageSender {
  constructor(private readonly from = requiredEnv('NOTICE_FROM_ADDRESS')) {}

  async send(message: OutgoingMessage): Promise<string> {
    const { MessageId } = await ses.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: [message.to] },
        Content: {
          Simple: {
            Subject: { Data: message.subject, Charset: 'UTF-8' },
            Body: {
              Text: { Data: message.text, Charset: 'UTF-8' },
              Html: { Data: message.html, Charset: 'UTF-8' },
            },
          },
        },
        // SES tags allow only [A-Za-z0-9_-]: a case id is that.
        EmailTags: Object.entries(message.tags).map(([Name, Value]) => ({ Name, Value })),
      }),
    );
    if (!MessageId) throw new Error('SES v2 answered SendEmail without a MessageId');
    return MessageId;
  }
}
