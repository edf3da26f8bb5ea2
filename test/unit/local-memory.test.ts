/**
 * The local cloud runs for months for a small shop: what it keeps in memory for people and tests to
 * read (the mailbox, the bus's events) is the latest part only, while the data directory keeps all.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalEventBus } from '../../local/event-bus.ts';
import { MAILBOX_IN_MEMORY, Mailbox, type MailboxMessage } from '../../local/messaging/mailbox.ts';

const message = (n: number): MailboxMessage => ({
  messageId: `m-${n}`,
  channel: 'email',
  to: 'ada@example.com',
  subject: `Notice ${n}`,
  text: 'text',
  html: '<p>text</p>',
  sentAt: new Date(0).toISOString(),
});

describe('memory the local cloud keeps for reading', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the latest messages in memory and every one in the data directory, also after a restart', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fairfix-mailbox-'));
    dirs.push(dir);
    const mailbox = new Mailbox(dir);
    const sent = MAILBOX_IN_MEMORY + 25;
    for (let n = 0; n < sent; n++) mailbox.keep(message(n));

    expect(mailbox.messages).toHaveLength(MAILBOX_IN_MEMORY);
    expect(mailbox.messages[0]?.messageId).toBe('m-25');
    expect(mailbox.messages.at(-1)?.messageId).toBe(`m-${sent - 1}`);
    const lines = readFileSync(path.join(dir, 'mailbox.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(sent);

    const reopened = new Mailbox(dir);
    expect(reopened.messages).toHaveLength(MAILBOX_IN_MEMORY);
    expect(reopened.messages[0]?.messageId).toBe('m-25');
  });

  it('keeps the bus’s latest events, and every subscriber still hears each one', async () => {
    const bus = new LocalEventBus(() => 0, 3);
    const heard: unknown[] = [];
    bus.subscribe((event) => heard.push(event.entry));
    await bus.put([1, 2, 3, 4, 5]);
    expect(heard).toEqual([1, 2, 3, 4, 5]);
    expect(bus.events.map((event) => event.entry)).toEqual([3, 4, 5]);
  });
});
