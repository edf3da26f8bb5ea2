import { describe, expect, it } from 'vitest';
import { type Case, CaseStatus, type Notification } from '../../functions/domain/case.ts';
import { notify } from '../../functions/domain/escalation.ts';
import { chargeAgain, type KnownIssue, waiveForKnownIssue } from '../../functions/domain/known-issues.ts';
import {
  CATALOGUES,
  gsm7Length,
  LOCALES,
  type Locale,
  SAID_KEYS,
  toGsm7,
  wordsFor,
} from '../../functions/domain/notice-words.ts';
import type { BrandPolicy } from '../../functions/domain/policy.ts';

/**
 * Words a customer understands (issue 15): every notice kind, in every language of the catalogue, on
 * both channels, comes out with no placeholder left, no API path, no ISO time, an absolute link to the
 * portal, and an SMS within 160 GSM-7 characters.
 */
const PORTAL = 'https://portal.acme.example/';

function caseIn(status: CaseStatus, locale: Locale): Case {
  return {
    brand: 'acme',
    caseId: 'RMA-7QK2M9XW4B1D',
    status,
    customer: {
      name: 'Maximiliane Käthe Müller-Lüdenscheidt',
      email: 'max@example.de',
      phone: '+491701234567',
      preferredChannel: 'email',
      locale,
      timeZone: locale === 'de' ? 'Europe/Berlin' : 'America/New_York',
    },
  } as unknown as Case;
}

const notice: Notification = {
  id: 'N1',
  at: '2026-12-04T16:00:00.000Z',
  channel: 'email',
  to: 'max@example.de',
  text: 'raw',
  parts: {
    message:
      'Your prepaid label is ready (tracking FFX253848989005): /cases/RMA-7QK2M9XW4B1D/documents/label-to-depot-device. Send it by 2026-12-18T16:39:09.058Z.',
    next: { name: 'Send the device to the depot', deadline: '2026-12-18T16:39:09.058Z' },
    owner: 'Service agent (support@acme.example)',
  },
};

describe('notice words', () => {
  for (const locale of LOCALES)
    for (const status of CaseStatus.options)
      it(`words "${status}" in ${locale} with nothing left to fill, no API path, no ISO time`, () => {
        const kase = caseIn(status, locale);
        for (const channel of ['email', 'sms'] as const) {
          const words = wordsFor(kase, notice, { channel, portalUrl: PORTAL, brandName: 'Acme Devices' });
          const all = [words.subject, words.text, words.html, words.sms].join('\n');
          expect(all).not.toMatch(/\{\w+\}/);
          expect(all).not.toMatch(/(?<!#)\/cases\//);
          expect(all).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
          expect(words.text).toContain('https://portal.acme.example/#/cases/RMA-7QK2M9XW4B1D');
          expect(words.html).toContain('href="https://portal.acme.example/#/cases/RMA-7QK2M9XW4B1D"');
          expect(words.subject).toContain(CATALOGUES[locale].kinds[status]);
          expect(gsm7Length(words.sms)).toBeLessThanOrEqual(160);
          expect(toGsm7(words.sms)).toBe(words.sms);
          expect(words.sms).toContain('https://portal.acme.example/#/cases/RMA-7QK2M9XW4B1D');
        }
      });

  it('gives times in the customer’s time zone and language', () => {
    const de = wordsFor(caseIn('awaiting-arrival', 'de'), notice, {
      channel: 'email',
      portalUrl: PORTAL,
      brandName: 'Acme Devices',
    });
    // 16:39 UTC is 17:39 in Berlin in December.
    expect(de.text).toContain('Freitag, 18. Dezember 2026 um 17:39');
    expect(de.text).toContain('Gerät an die Werkstatt senden');
    const en = wordsFor(caseIn('awaiting-arrival', 'en'), notice, {
      channel: 'email',
      portalUrl: PORTAL,
      brandName: 'Acme Devices',
    });
    // 16:39 UTC is 11:39 in New York.
    expect(en.text).toContain('Friday, 18 December 2026 at 11:39 (EST)');
  });

  it('escapes what a customer typed before it goes into HTML', () => {
    const kase = {
      ...caseIn('opened', 'en'),
      customer: { ...caseIn('opened', 'en').customer, name: '<b>Eve</b>' },
    };
    const words = wordsFor(kase, notice, { channel: 'email', portalUrl: PORTAL, brandName: 'Acme' });
    expect(words.html).toContain('&lt;b&gt;Eve&lt;/b&gt;');
    expect(words.html).not.toContain('<b>Eve');
  });

  it('keeps an SMS in GSM-7 and counts its extended characters twice', () => {
    expect(toGsm7('Straße – “Größe” …')).toBe('Straße - "Größe" ...');
    expect(gsm7Length('€[]')).toBe(6);
  });
});

describe('known-issue and campaign notices in German (issue 17)', () => {
  const issue: KnownIssue = {
    issueId: 'KI-0123456789AB',
    brand: 'acme',
    model: 'Cam 3',
    firmwares: ['3.1.0', '3.1.1'],
    kind: 'symptom',
    what: 'does-not-power-on',
    status: 'open',
    openedAt: '2026-12-01T00:00:00.000Z',
    raisedBy: [],
    decisions: [],
  };
  /** A German customer's open case, as the rules change it (only what they read is needed). */
  const germanCase = (): Case =>
    ({
      ...caseIn('awaiting-arrival', 'de'),
      brand: 'acme',
      device: { serial: 'SN-1', model: 'Cam 3', purchaseDate: '2023-01-01', firmware: '3.1.0' },
      problem: { description: 'Geht nicht an', category: 'does-not-power-on' },
      nextStep: { name: 'Send the device to the depot', deadline: '2026-12-18T16:39:09.058Z' },
      escalationLevel: 0,
      escalationPath: [{ level: 0, role: 'Service agent', contact: 'support@acme.example' }],
      notifications: [],
      deliveries: {},
      timeline: [],
      decisions: [],
      charges: [],
    }) as unknown as Case;
  const german = (kase: Case) => {
    const last = kase.notifications.at(-1) as Notification;
    return wordsFor(kase, last, { channel: 'email', portalUrl: PORTAL, brandName: 'Acme' }).text;
  };
  const now = new Date('2026-12-05T10:00:00.000Z');

  it('words the free fix and the dismissal of a known issue, not only their headline', () => {
    const policy = { sla: { repairSeconds: 86_400 } } as unknown as BrandPolicy;
    const waived = waiveForKnownIssue(germanCase(), issue, policy, now).case;
    expect(german(waived)).toContain(
      'Ein bekannter Fehler bei Cam 3 mit Firmware 3.1.0 oder 3.1.1: Für Sie entstehen keine Kosten.',
    );
    const dismissed = chargeAgain(
      waived,
      { ...issue, status: 'dismissed', dismissal: { reason: 'Fremde Ladegeräte.', by: 'admin', at: '' } },
      now,
    );
    expect(german(dismissed)).toContain(
      'Wir haben den bekannten Fehler bei Cam 3 mit Firmware 3.1.0 oder 3.1.1 geprüft und verworfen: Fremde Ladegeräte.',
    );
  });

  it('words a campaign’s offer, as every message the catalogue names, with nothing left to fill', () => {
    const told = notify(germanCase(), 'Your Cam 3 …', now, {
      key: 'campaign.label',
      values: { model: 'Cam 3', firmwares: '3.1.0', serial: 'SN-1' },
    });
    expect(german(told)).toContain(
      'Ihr Cam 3 (Seriennummer SN-1) ist von einem bekannten Fehler bei Cam 3 mit Firmware 3.1.0 betroffen.',
    );
    expect(german(told)).toContain('frankiertes Versandetikett');
    for (const key of SAID_KEYS) {
      const values = { model: 'Cam 3', firmwares: '3.1.0', serial: 'SN-1', reason: 'Weil.' };
      const text = german(notify(germanCase(), 'English only', now, { key, values }));
      expect(text, key).not.toContain('English only');
      expect(text, key).not.toMatch(/\{\w+\}/);
      expect(CATALOGUES.de.said[key], key).toBeTruthy();
    }
  });
});
