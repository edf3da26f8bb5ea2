// @ts-check
// The local cloud's mailbox: every email and SMS its SES and SNS sent, newest first (issue 15). On AWS
// there is no mailbox: messages leave through SES and SNS, and the page says so.

/**
 * @param {(tag: string, attrs?: Record<string, unknown>, ...children: unknown[]) => HTMLElement} h
 * @param {(...parts: unknown[]) => void} show
 */
export async function mailboxPage(h, show) {
  const response = await fetch('/_local/mailbox', { headers: { accept: 'application/json' } });
  if (!response.ok) {
    show(
      h('h1', {}, 'Mailbox'),
      h('p', {}, 'The mailbox is the local cloud’s: on AWS, messages leave through SES and SNS.'),
    );
    return;
  }
  /** @type {{to: string, channel: string, subject: string, text: string, html: string, sentAt: string, caseId: string | null}[]} */
  const messages = await response.json();
  show(
    h('h1', {}, 'Mailbox'),
    h(
      'p',
      { className: 'hint' },
      `${messages.length} message(s) the local cloud sent to customers, newest first.`,
    ),
    messages.length === 0
      ? h('p', {}, 'Nothing sent yet: open a case.')
      : messages
          .slice()
          .reverse()
          .map((message) =>
            h(
              'article',
              { className: 'card' },
              h('h2', {}, message.channel === 'sms' ? `SMS to ${message.to}` : `${message.subject}`),
              h(
                'p',
                { className: 'hint' },
                `${message.channel === 'sms' ? 'SMS' : `Email to ${message.to}`} · ${new Date(message.sentAt).toLocaleString()}`,
                message.caseId ? ' · ' : '',
                message.caseId
                  ? h('a', { href: `#/cases/${encodeURIComponent(message.caseId)}` }, message.caseId)
                  : '',
              ),
              message.html
                ? h('iframe', {
                    title: `Email: ${message.subject}`,
                    sandbox: '',
                    srcdoc: message.html,
                    style: 'width:100%;min-height:16rem;border:1px solid #ccc;background:#fff',
                  })
                : h('pre', { style: 'white-space:pre-wrap' }, message.text),
            ),
          ),
  );
}
