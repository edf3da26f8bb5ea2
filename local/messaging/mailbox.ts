import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** A message the local SES or SNS took: what `GET /_local/mailbox` answers, one per message. */
export const MailboxMessage = z.object({
  messageId: z.string(),
  channel: z.enum(['email', 'sms']),
  to: z.string(),
  from: z.string().optional(),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
  sentAt: z.string(),
  /** From the message's `caseId` tag (SES) or attribute (SNS), when it carries one. */
  caseId: z.string().optional(),
});
export type MailboxMessage = z.infer<typeof MailboxMessage>;

/** A refusal the local providers answer for one recipient, `times` times: a test's failing mail server. */
export interface Fault {
  readonly to: string;
  readonly status: number;
  readonly code: string;
  times: number;
}

/** How many of the latest messages memory holds (and `GET /_local/mailbox` shows); the file holds all. */
export const MAILBOX_IN_MEMORY = 2_000;

/**
 * What the local cloud's SES and SNS sent, in order; kept in the data directory (one JSON line per
 * message, `mailbox.jsonl`) so that it is still there after a restart, or only in memory without one.
 * Memory holds the latest messages only: a cloud that runs for months must not grow with its mail.
 */
export class Mailbox {
  readonly messages: MailboxMessage[] = [];
  private readonly faults: Fault[] = [];
  private readonly file: string | undefined;

  constructor(dataDir?: string) {
    if (!dataDir) return;
    mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, 'mailbox.jsonl');
    if (!existsSync(this.file)) return;
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const parsed = MailboxMessage.safeParse(JSON.parse(line));
      if (parsed.success) this.remember(parsed.data);
    }
  }

  keep(message: MailboxMessage): void {
    this.remember(message);
    if (this.file) appendFileSync(this.file, `${JSON.stringify(message)}\n`);
  }

  private remember(message: MailboxMessage): void {
    this.messages.push(message);
    if (this.messages.length > MAILBOX_IN_MEMORY)
      this.messages.splice(0, this.messages.length - MAILBOX_IN_MEMORY);
  }

  /** The next `times` messages to `to` are refused with `status` and `code`, as a provider would. */
  refuse(to: string, times: number, status = 500, code = 'InternalFailure'): void {
    this.faults.push({ to, times, status, code });
  }

  /** The refusal due for a message to `to`, if one is set; each use counts down. */
  faultFor(to: string): Fault | undefined {
    const fault = this.faults.find((f) => f.to === to && f.times > 0);
    if (fault) fault.times--;
    return fault;
  }
}
