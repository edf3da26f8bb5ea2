import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { z } from 'zod';
import { startAwsServer, type WireReply } from './aws-server.ts';
import type { Mailbox } from './mailbox.ts';

/** The part of SES v2 SendEmail fairfix sends: a simple message with a subject, text and HTML. */
const SendEmailRequest = z.object({
  FromEmailAddress: z.string().min(3),
  Destination: z.object({ ToAddresses: z.array(z.string().min(3)).min(1).max(50) }),
  Content: z.object({
    Simple: z.object({
      Subject: z.object({ Data: z.string().min(1) }),
      Body: z
        .object({
          Text: z.object({ Data: z.string() }).optional(),
          Html: z.object({ Data: z.string() }).optional(),
        })
        .refine((body) => body.Text || body.Html, 'Text or Html'),
    }),
  }),
  EmailTags: z.array(z.object({ Name: z.string(), Value: z.string() })).optional(),
});

/** SES v2 errors: the REST-JSON protocol names the error in `x-amzn-errortype` and the body's `__type`. */
const error = (status: number, type: string, message: string): WireReply => ({
  status,
  contentType: 'application/json',
  body: JSON.stringify({ __type: type, message }),
});

/**
 * The local SES v2: SendEmail (POST /v2/email/outbound-emails, REST JSON), as @aws-sdk/client-sesv2
 * sends it. Each recipient's copy goes to the mailbox; a refusal set on the mailbox is answered instead.
 */
export function startSes(mailbox: Mailbox, port: number, now: () => number): Promise<Server> {
  return startAwsServer(
    port,
    'FAIRFIX_SES_PORT',
    ({ method, path, body }) => {
      if (method !== 'POST' || path !== '/v2/email/outbound-emails')
        return error(
          404,
          'NotFoundException',
          `The local SES v2 serves SendEmail only, not ${method} ${path}`,
        );
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        return error(400, 'BadRequestException', 'The body is not JSON');
      }
      const parsed = SendEmailRequest.safeParse(json);
      if (!parsed.success) return error(400, 'BadRequestException', z.prettifyError(parsed.error));
      const request = parsed.data;
      const recipients = request.Destination.ToAddresses;
      for (const to of recipients) {
        const fault = mailbox.faultFor(to);
        if (fault) return error(fault.status, fault.code, `The local SES refuses mail to ${to}, as told`);
      }
      const messageId = `local-ses-${randomUUID()}`;
      const caseId = request.EmailTags?.find((tag) => tag.Name === 'caseId')?.Value;
      for (const to of recipients)
        mailbox.keep({
          messageId,
          channel: 'email',
          to,
          from: request.FromEmailAddress,
          subject: request.Content.Simple.Subject.Data,
          text: request.Content.Simple.Body.Text?.Data ?? '',
          html: request.Content.Simple.Body.Html?.Data ?? '',
          sentAt: new Date(now()).toISOString(),
          ...(caseId ? { caseId } : {}),
        });
      return { status: 200, contentType: 'application/json', body: JSON.stringify({ MessageId: messageId }) };
    },
    () => error(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token'),
  );
}
