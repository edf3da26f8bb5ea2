import type { MessageSender, OutgoingMessage } from '../domain/ports.ts';
import { requiredEnv } from './aws-clients.ts';
import { AwsServiceError, signedRequest } from './aws-http.ts';

const SESV2 = { signingName: 'ses', endpointEnv: 'SESV2', hostPrefix: 'email' };

/** Email through SES v2 SendEmail (REST JSON: POST /v2/email/outbound-emails), HTML and text. */
export class SesEmailSender implements MessageSender {
  constructor(private readonly from = requiredEnv('NOTICE_FROM_ADDRESS')) {}

  async send(message: OutgoingMessage): Promise<string> {
    const response = await signedRequest(SESV2, {
      method: 'POST',
      path: '/v2/email/outbound-emails',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
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
    });
    const answer = JSON.parse(response.body || '{}') as { MessageId?: string; message?: string };
    if (response.status !== 200 || !answer.MessageId)
      throw new AwsServiceError(
        errorType(response.body) ?? 'SESv2Error',
        response.status,
        answer.message ?? response.body.slice(0, 200),
      );
    return answer.MessageId;
  }
}

function errorType(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { __type?: string }).__type;
  } catch {
    return undefined;
  }
}
