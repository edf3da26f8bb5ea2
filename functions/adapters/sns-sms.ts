import type { MessageSender, OutgoingMessage } from '../domain/ports.ts';
import { AwsServiceError, signedRequest } from './aws-http.ts';

const SNS = { signingName: 'sns', endpointEnv: 'SNS', hostPrefix: 'sns' };

/** SMS through SNS Publish to a phone number (AWS Query protocol: form in, XML out), transactional. */
export class SnsSmsSender implements MessageSender {
  async send(message: OutgoingMessage): Promise<string> {
    const form = new URLSearchParams({
      Action: 'Publish',
      Version: '2010-03-31',
      PhoneNumber: message.to,
      Message: message.sms,
      'MessageAttributes.entry.1.Name': 'AWS.SNS.SMS.SMSType',
      'MessageAttributes.entry.1.Value.DataType': 'String',
      'MessageAttributes.entry.1.Value.StringValue': 'Transactional',
    });
    Object.entries(message.tags).forEach(([name, value], i) => {
      form.set(`MessageAttributes.entry.${i + 2}.Name`, name);
      form.set(`MessageAttributes.entry.${i + 2}.Value.DataType`, 'String');
      form.set(`MessageAttributes.entry.${i + 2}.Value.StringValue`, value);
    });
    const response = await signedRequest(SNS, {
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: form.toString(),
    });
    const messageId = /<MessageId>([^<]+)<\/MessageId>/.exec(response.body)?.[1];
    if (response.status !== 200 || !messageId)
      throw new AwsServiceError(
        /<Code>([^<]+)<\/Code>/.exec(response.body)?.[1] ?? 'SNSError',
        response.status,
        /<Message>([^<]+)<\/Message>/.exec(response.body)?.[1] ?? '',
      );
    return messageId;
  }
}
