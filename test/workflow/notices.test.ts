import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud.ts';
import { nextId } from '../support/api.ts';
import { eventually, startTestCloud } from '../support/cloud.ts';
import { type CaseView, Journey, opening } from '../support/journey.ts';

/**
 * Notices reach people (issue 15): a case's notices go over the case bus to the notifier, which sends
 * them through the local SES v2 and SNS — the same HTTP APIs the AWS SDK speaks — into the local
 * mailbox, and records on the case whether each was sent or reached nobody.
 */
let cloud: LocalCloud;
let journey: Journey;

interface MailboxEntry {
  to: string;
  channel: 'email' | 'sms';
  subject: string;
  text: string;
  html: string;
  sentAt: string;
  caseId: string | null;
}

beforeAll(async () => {
  cloud = await startTestCloud();
  journey = new Journey(cloud);
});
afterAll(async () => {
  await cloud?.stop();
});

async function mailFor(caseId: string, count = 1): Promise<MailboxEntry[]> {
  return eventually(
    async () => {
      const response = await fetch(`${cloud.urls.http}/_local/mailbox`);
      const all = (await response.json()) as MailboxEntry[];
      const mine = all.filter((message) => message.caseId === caseId);
      return mine.length >= count ? mine : undefined;
    },
    15_000,
    `${count} message(s) for ${caseId} in the mailbox`,
  );
}

type Deliveries = Record<
  string,
  { state: string; channel: string; to: string; attempts: number; error?: string }
>;
const deliveriesOf = (kase: CaseView) => (kase as unknown as { deliveries: Deliveries }).deliveries;

describe('notices on the local cloud', () => {
  it('emails the customer in their language, with a portal link and local times, and records it sent', async () => {
    const email = `${nextId('greta')}@example.de`;
    const caseId = await journey.open(
      opening({
        customer: {
          name: 'Greta Müller',
          email,
          preferredChannel: 'email',
          address: { street: ['Hauptstraße 1'], postcode: '10115', city: 'Berlin', country: 'DE' },
          locale: 'de',
          timeZone: 'Europe/Berlin',
        },
      }),
    );
    const [first] = await mailFor(caseId);
    expect(first).toMatchObject({ to: email, channel: 'email', caseId });
    expect(first?.subject).toContain(caseId);
    expect(first?.text).toContain('Hallo Greta Müller');
    expect(first?.text).toContain(`${cloud.urls.http}/#/cases/${caseId}`);
    expect(first?.html).toContain(`href="${cloud.urls.http}/#/cases/${caseId}"`);
    expect(first?.text).not.toMatch(/\/cases\/[^\s]+\/escalations/);
    expect(first?.text).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    const kase = await journey.until(caseId, 'its first notice recorded as sent', (k) =>
      Object.values(deliveriesOf(k)).some((d) => d.state === 'sent'),
    );
    expect(Object.values(deliveriesOf(kase))[0]).toMatchObject({
      state: 'sent',
      channel: 'email',
      to: email,
    });
  });

  it('texts a customer who prefers SMS, within 160 characters', async () => {
    const phone = `+4915${String(Date.now()).slice(-8)}`;
    const caseId = await journey.open(
      opening({
        customer: {
          name: 'Ada Lovelace',
          email: `${nextId('ada')}@example.com`,
          phone,
          preferredChannel: 'sms',
          address: { street: ['12 Analytical Row'], postcode: 'NW1 6XE', city: 'London', country: 'GB' },
        },
      }),
    );
    const [sms] = await mailFor(caseId);
    expect(sms).toMatchObject({ to: phone, channel: 'sms', subject: '' });
    expect(sms?.text.length).toBeLessThanOrEqual(160);
    expect(sms?.text).toContain(caseId);
  });

  it('sends a notice once, however often its event arrives', async () => {
    const caseId = await journey.open(opening());
    const [first] = await mailFor(caseId);
    const kase = await journey.until(caseId, 'a notice sent', (k) =>
      Object.values(deliveriesOf(k)).some((d) => d.state === 'sent'),
    );
    const [noticeId] = Object.keys(deliveriesOf(kase));
    const event = {
      'detail-type': 'Notice queued',
      source: 'fairfix.cases',
      detail: { brand: 'acme', caseId, noticeId },
    };
    const notifier = cloud.model.functions.find((fn) => fn.entry === 'functions/notify-customer/handler.ts');
    expect(notifier).toBeDefined();
    const { LocalFunctions } = await import('../../local/functions.ts');
    const again = await new LocalFunctions(cloud.model).invoke(notifier?.arn ?? '', event);
    expect(again).toEqual({ outcome: 'already-sent' });
    const all = (await (await fetch(`${cloud.urls.http}/_local/mailbox`)).json()) as MailboxEntry[];
    expect(all.filter((m) => m.caseId === caseId && m.subject === first?.subject)).toHaveLength(1);
  });

  it('falls back to SMS when email keeps failing, and tells a person when nothing gets through', async () => {
    const email = `${nextId('bounce')}@example.com`;
    const phone = `+3247${String(Date.now()).slice(-7)}`;
    // Every email to them fails, however often it is tried.
    cloud.mailbox.refuse(email, 1_000, 503, 'ServiceUnavailable');
    const fellBack = await journey.open(
      opening({
        customer: {
          name: 'Bo Fall',
          email,
          phone,
          preferredChannel: 'email',
          address: { street: ['1 Some Road'], postcode: '9000', city: 'Ghent', country: 'BE' },
        },
      }),
    );
    const [sms] = await mailFor(fellBack);
    expect(sms).toMatchObject({ channel: 'sms', to: phone });
    expect(sms?.text.length).toBeLessThanOrEqual(160);
    const kase = await journey.until(fellBack, 'sent by SMS instead', (k) =>
      Object.values(deliveriesOf(k)).some((d) => d.state === 'sent'),
    );
    expect(Object.values(deliveriesOf(kase))[0]).toMatchObject({
      state: 'sent',
      channel: 'sms',
      fallbackFrom: 'email',
      attempts: 1,
    });
    expect(kase.timeline.map((entry) => entry.type)).toContain('notice-fallback');

    const nobody = `${nextId('nobody')}@example.com`;
    cloud.mailbox.refuse(nobody, 1_000, 500, 'InternalFailure');
    // Another customer: the first one's phone is on file for their sign-in (P3).
    const stranger = new Journey(cloud, 'acme', nextId('stranger'));
    const lost = await stranger.open(
      opening({
        customer: {
          name: 'No One',
          email: nobody,
          preferredChannel: 'email',
          address: { street: ['1 Lost Road'], postcode: '9000', city: 'Ghent', country: 'BE' },
        },
      }),
    );
    const failed = await stranger.until(lost, 'its notice failed', (k) =>
      Object.values(deliveriesOf(k)).some((d) => d.state === 'failed'),
    );
    expect(Object.values(deliveriesOf(failed))[0]).toMatchObject({
      state: 'failed',
      channel: 'email',
      attempts: 3,
    });
    expect(failed.timeline.map((entry) => entry.type)).toContain('notice-undelivered');
  });
});

describe('an event the notifier cannot take', () => {
  it('is retried, then dead-lettered where a person finds it', async () => {
    const { CaseBusNotices } = await import('../../functions/adapters/case-bus.ts');
    // Through the real PutEvents call the case changes make, onto the local bus and its rule.
    await new CaseBusNotices().queued('acme', 'RMA-NO-SUCH-CASE', ['N-lost']);
    const letter = await eventually(
      async () =>
        cloud.messaging.rules.deadLetters.find((l) => JSON.stringify(l.event).includes('RMA-NO-SUCH-CASE')),
      15_000,
      'the event in the dead letters',
    );
    expect(letter.error).toMatch(/RMA-NO-SUCH-CASE/);
    expect(letter.rule).toMatch(/NoticeQueued/);
  });
});
