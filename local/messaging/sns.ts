import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { startAwsServer, type WireReply } from './aws-server.ts';
import type { Mailbox } from './mailbox.ts';

const xml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );

/** SNS errors in the Query protocol's XML, as the SDK parses them. */
const error = (status: number, code: string, message: string): WireReply => ({
  status,
  contentType: 'text/xml',
  body: `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${xml(code)}</Code><Message>${xml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
});

/** An E.164 phone number, as SNS requires for SMS. */
const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * The local SNS: Publish of an SMS to a phone number (AWS Query protocol: a form in, XML out), as
 * @aws-sdk/client-sns sends it. The SMS goes to the mailbox; a refusal set on the mailbox is answered instead.
 */
export function startSns(mailbox: Mailbox, port: number, now: () => number): Promise<Server> {
  return startAwsServer(
    port,
    'FAIRFIX_SNS_PORT',
    ({ method, body }) => {
      const form = new URLSearchParams(body);
      if (method !== 'POST' || form.get('Action') !== 'Publish')
        return error(400, 'InvalidAction', `The local SNS serves Publish only, not ${form.get('Action')}`);
      const to = (form.get('PhoneNumber') ?? '').replace(/[\s-]/g, '');
      const message = form.get('Message') ?? '';
      if (!E164.test(to))
        return error(400, 'InvalidParameter', 'Invalid parameter: PhoneNumber Reason: not E.164');
      if (!message) return error(400, 'InvalidParameter', 'Invalid parameter: Message (empty)');
      const fault = mailbox.faultFor(to);
      if (fault) return error(fault.status, fault.code, `The local SNS refuses SMS to ${to}, as told`);
      const attributes = new Map<string, string>();
      for (let i = 1; form.has(`MessageAttributes.entry.${i}.Name`); i++)
        attributes.set(
          form.get(`MessageAttributes.entry.${i}.Name`) ?? '',
          form.get(`MessageAttributes.entry.${i}.Value.StringValue`) ?? '',
        );
      const messageId = randomUUID();
      const caseId = attributes.get('caseId');
      mailbox.keep({
        messageId,
        channel: 'sms',
        to,
        subject: '',
        text: message,
        html: '',
        sentAt: new Date(now()).toISOString(),
        ...(caseId ? { caseId } : {}),
      });
      return {
        status: 200,
        contentType: 'text/xml',
        body: `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
      };
    },
    () => error(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token'),
  );
}
