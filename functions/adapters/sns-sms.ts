import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { MessageSender, OutgoingMessage } from '../domain/ports.ts';

/**
 * Only the notifier sends SMS: the client lives here, so no other function bundles it. One try per
 * send: the notifier retries with its own backoff and counts the attempts it records on the notice.
 */
const sns = new SNSClient({ maxAttempts: 1 });

/** SMS through SNS Publish to a phone number, transactional, with the message's tags as attributes. */
export class SnsSmsSender implements MessageSender {
  async send(message: OutgoingMessage): Promise<string> {
    const attributes = Object.fromEntries(
      Object.entries(message.tags).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
    );
    const { MessageId } = await sns.send(
      new PublishCommand({
        PhoneNumber: message.to,
        Message: message.sms,
        MessageAttributes: {
          'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
          ...attributes,
        },
      }),
    );
    if (!MessageId) throw new Error('SNS answered Publish without a MessageId');
    return MessageId;
  }
}
