import type { Case, CaseStatus, NoticeChannel, Notification, Said } from './case.ts';
import { dateTimeFormat } from './intl.ts';

/**
 * Words a customer understands (issue 15): a notice is worded per locale from a catalogue, with
 * times in the customer's time zone and locale (Intl), and an absolute link to their case in the
 * portal — never an API path, an internal code or a raw id. The case's status names the notice's
 * kind; its headline, the next step and the frame around them are the catalogue's words. The
 * domain's own sentence (English) is the detail of an English notice; another language words the
 * detail from the catalogue when the notice names its message (`said`), as known issues and campaigns do.
 */

export const LOCALES = ['en', 'de'] as const;
export type Locale = (typeof LOCALES)[number];

/** The messages known issues and campaigns name by key, so that each reads in the customer's language. */
export const SAID_KEYS = [
  'known-issue.free',
  'known-issue.withdrawn',
  'known-issue.dismissed',
  'campaign.label',
  'campaign.visit',
  'campaign.open-case',
  'campaign.open-case.withdrawn',
] as const;
export type SaidKey = (typeof SAID_KEYS)[number];

/** A notice's kind: what the case it tells of is waiting for now. */
export type NoticeKind = CaseStatus;

export interface NoticeWords {
  readonly channel: NoticeChannel;
  /** The portal's absolute base URL, e.g. https://portal.example.com/ */
  readonly portalUrl: string;
  readonly brandName: string;
  /** For a customer who gave none. @default 'en', 'UTC' */
  readonly defaultLocale?: Locale;
  readonly defaultTimeZone?: string;
}

export interface WordedNotice {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** At most 160 GSM-7 characters. */
  readonly sms: string;
}

interface Catalogue {
  readonly kinds: Record<NoticeKind, string>;
  readonly subject: string;
  readonly greeting: string;
  readonly next: string;
  readonly owner: string;
  readonly link: string;
  readonly escalate: string;
  readonly signature: string;
  readonly sms: string;
  /**
   * Messages a notice names by key (`parts.said`), in this language: `{model}`, `{serial}`, `{reason}`,
   * and `{firmwares}` (a list, joined with `or`). English reads the domain's own sentence instead.
   */
  readonly said: Readonly<Partial<Record<SaidKey, string>>>;
  readonly or: string;
  /** Next steps as the domain names them, in this language; a step not listed reads as `nextStep`. */
  readonly steps: Readonly<Record<string, string>>;
  readonly nextStep: string;
}

const en: Catalogue = {
  kinds: {
    opened: 'We have received your case.',
    'awaiting-arrival': 'Please send us your device: your prepaid label is ready.',
    'at-depot': 'Your device has arrived at our repair centre.',
    'awaiting-estimate-answer': 'We need your answer to our repair estimate.',
    'in-repair': 'Your device is being repaired.',
    'awaiting-visit-booking': 'Please choose a time for our technician to visit.',
    'visit-booked': 'Your technician visit is booked.',
    'replacement-ordered': 'We have ordered your replacement.',
    'shipping-to-customer': 'Your device is on its way back to you.',
    'settling-custody': 'We are settling the parts we kept for you.',
    closed: 'Your case is closed.',
    reopened: 'A person is looking at your case again.',
  },
  subject: 'Your {brand} case {rma}: {headline}',
  greeting: 'Hello {name},',
  next: 'Next: {step}, by {deadline}.',
  owner: 'Your case is handled by {owner}.',
  link: 'See your case: {url}',
  escalate: 'Not happy with how it is going? You can escalate it on the same page.',
  signature: 'Your {brand} service team',
  sms: '{brand} {rma}: {headline} {url}',
  said: {},
  or: 'or',
  steps: {},
  nextStep: 'the next step',
};

const de: Catalogue = {
  kinds: {
    opened: 'Wir haben Ihren Fall erhalten.',
    'awaiting-arrival': 'Bitte senden Sie uns Ihr Gerät: Ihr frankiertes Etikett liegt bereit.',
    'at-depot': 'Ihr Gerät ist in unserer Werkstatt angekommen.',
    'awaiting-estimate-answer': 'Wir brauchen Ihre Antwort auf unseren Kostenvoranschlag.',
    'in-repair': 'Ihr Gerät wird repariert.',
    'awaiting-visit-booking': 'Bitte wählen Sie einen Termin für den Technikerbesuch.',
    'visit-booked': 'Ihr Technikerbesuch ist gebucht.',
    'replacement-ordered': 'Wir haben Ihr Ersatzgerät bestellt.',
    'shipping-to-customer': 'Ihr Gerät ist auf dem Weg zu Ihnen.',
    'settling-custody': 'Wir klären, was mit den für Sie aufbewahrten Teilen geschieht.',
    closed: 'Ihr Fall ist abgeschlossen.',
    reopened: 'Ein Mitarbeiter kümmert sich erneut um Ihren Fall.',
  },
  subject: 'Ihr {brand}-Fall {rma}: {headline}',
  greeting: 'Hallo {name},',
  next: 'Als Nächstes: {step}, bis {deadline}.',
  owner: 'Ihr Fall wird betreut von {owner}.',
  link: 'Ihr Fall: {url}',
  escalate: 'Nicht zufrieden mit dem Verlauf? Auf derselben Seite können Sie den Fall eskalieren.',
  signature: 'Ihr {brand} Serviceteam',
  sms: '{brand} {rma}: {headline} {url}',
  said: {
    'known-issue.free':
      'Ein bekannter Fehler bei {model} mit Firmware {firmwares}: Für Sie entstehen keine Kosten. Diagnose und Reparatur sind kostenlos.',
    'known-issue.withdrawn':
      'Ein bekannter Fehler bei {model} mit Firmware {firmwares}: Für Sie entstehen keine Kosten. Diagnose und Reparatur sind kostenlos; der Kostenvoranschlag, den wir Ihnen geschickt haben, ist zurückgezogen, und wir verlangen nichts von Ihnen.',
    'known-issue.dismissed':
      'Wir haben den bekannten Fehler bei {model} mit Firmware {firmwares} geprüft und verworfen: {reason} Es fallen Kosten wie bei jeder Reparatur an; ohne einen Kostenvoranschlag, den Sie annehmen, wird nichts berechnet.',
    'campaign.label':
      'Ihr {model} (Seriennummer {serial}) ist von einem bekannten Fehler bei {model} mit Firmware {firmwares} betroffen. Wir beheben ihn kostenlos und haben diesen Reparaturfall dafür eröffnet, Sie müssen also nichts ausfüllen: Mit unserer nächsten Nachricht erhalten Sie ein frankiertes Versandetikett.',
    'campaign.visit':
      'Ihr {model} (Seriennummer {serial}) ist von einem bekannten Fehler bei {model} mit Firmware {firmwares} betroffen. Wir beheben ihn kostenlos und haben diesen Reparaturfall dafür eröffnet, Sie müssen also nichts ausfüllen: Mit unserer nächsten Nachricht bieten wir Ihnen Termine für einen Technikerbesuch an.',
    'campaign.open-case':
      'Ihr {model} (Seriennummer {serial}) ist von einem bekannten Fehler bei {model} mit Firmware {firmwares} betroffen. Wir beheben ihn in diesem Fall kostenlos.',
    'campaign.open-case.withdrawn':
      'Ihr {model} (Seriennummer {serial}) ist von einem bekannten Fehler bei {model} mit Firmware {firmwares} betroffen. Wir beheben ihn in diesem Fall kostenlos; der Kostenvoranschlag, den wir Ihnen geschickt haben, ist zurückgezogen, und wir verlangen nichts von Ihnen.',
  },
  or: 'oder',
  steps: {
    'Send the device to the depot': 'Gerät an die Werkstatt senden',
    'Diagnosis at the depot': 'Diagnose in der Werkstatt',
    'Repair at the depot': 'Reparatur in der Werkstatt',
    'Approve or decline the estimate': 'Kostenvoranschlag annehmen oder ablehnen',
    'Delivery to you': 'Zustellung an Sie',
    'Your refund': 'Ihre Erstattung',
    'We ship your device back': 'Wir senden Ihr Gerät zurück',
    'We ship your repaired device back to you': 'Wir senden Ihnen Ihr repariertes Gerät zurück',
    'We ship your replacement': 'Wir versenden Ihr Ersatzgerät',
    'We order your replacement': 'Wir bestellen Ihr Ersatzgerät',
    'We close your case': 'Wir schließen Ihren Fall',
    'We issue your prepaid shipping label': 'Wir stellen Ihr frankiertes Versandetikett aus',
    'Tell us whether your needs were met': 'Sagen Sie uns, ob wir Ihnen helfen konnten',
  },
  nextStep: 'der nächste Schritt',
};

export const CATALOGUES: Readonly<Record<Locale, Catalogue>> = { en, de };

/** Fills `{name}` placeholders; a placeholder without a value is a bug in the catalogue, never sent. */
export function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`Notice template has no value for {${key}}`);
    return value;
  });
}

export function localeOf(kase: Case, fallback: Locale = 'en'): Locale {
  const wanted = kase.customer.locale?.slice(0, 2).toLowerCase();
  return LOCALES.find((locale) => locale === wanted) ?? fallback;
}

/** A moment as the customer reads it: their locale, their time zone, named. */
export function localTime(iso: string, locale: Locale, timeZone: string): string {
  return dateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
    dateStyle: 'full',
    timeStyle: 'short',
    timeZone,
  })
    .format(new Date(iso))
    .concat(` (${timeZoneName(iso, locale, timeZone)})`);
}

function timeZoneName(iso: string, locale: Locale, timeZone: string): string {
  const part = dateTimeFormat(locale, { timeZone, timeZoneName: 'short' })
    .formatToParts(new Date(iso))
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? timeZone;
}

/** The portal page of the case: absolute, for the customer, never an API path. */
export function portalLink(portalUrl: string, caseId: string): string {
  return new URL(
    `#/cases/${encodeURIComponent(caseId)}`,
    portalUrl.endsWith('/') ? portalUrl : `${portalUrl}/`,
  ).href;
}

/** A URI component decoded, or as it is when it is not one. */
function decodedOr(component: string): string {
  try {
    return decodeURIComponent(component);
  } catch {
    return component;
  }
}

/** The portal's open-case page with a device's serial filled in (a campaign's invitation): absolute. */
export function openCaseLink(portalUrl: string, serial: string): string {
  return new URL(
    `#/open?${new URLSearchParams({ serial })}`,
    portalUrl.endsWith('/') ? portalUrl : `${portalUrl}/`,
  ).href;
}

/**
 * The domain's English sentence, readable by a customer: an ISO instant becomes a local time, an API
 * path (`/cases/RMA-1/custody/choices`) becomes the absolute link to the case's portal page, and
 * `/open?serial=…` (a campaign's invitation) the absolute link to the portal's open-case page for it.
 */
export function customerSentence(
  message: string,
  locale: Locale,
  timeZone: string,
  url: string,
  portalUrl?: string,
): string {
  return message
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z/g, (iso) =>
      localTime(iso, locale, timeZone),
    )
    .replace(/\/cases\/[^\s]+?(?=[.,;:)]?(?:\s|$))/g, url)
    .replace(/(?<=\s|^)\/open\?serial=([^\s]+?)(?=[.,;:)]?(?:\s|$))/g, (path, serial: string) =>
      portalUrl ? openCaseLink(portalUrl, decodedOr(serial)) : path,
    )
    .trim();
}

export function wordsFor(kase: Case, notice: Notification, words: NoticeWords): WordedNotice {
  const locale = localeOf(kase, words.defaultLocale);
  const timeZone = kase.customer.timeZone ?? words.defaultTimeZone ?? 'UTC';
  const book = CATALOGUES[locale];
  const url = portalLink(words.portalUrl, kase.caseId);
  const headline = book.kinds[kase.status] ?? book.kinds.opened;
  const values = { brand: words.brandName, rma: kase.caseId, headline, name: kase.customer.name, url };
  const parts = notice.parts ?? { message: notice.text, owner: '' };
  const detail =
    locale === 'en'
      ? customerSentence(parts.message, locale, timeZone, url, words.portalUrl)
      : saidIn(book, parts.said);
  const next = parts.next
    ? fill(book.next, {
        step: locale === 'en' ? parts.next.name : (book.steps[parts.next.name] ?? book.nextStep),
        deadline: localTime(parts.next.deadline, locale, timeZone),
      })
    : '';
  const owner = parts.owner ? fill(book.owner, { owner: parts.owner }) : '';
  const paragraphs = [headline, detail, next, owner].filter(Boolean);
  const text = [
    fill(book.greeting, values),
    '',
    ...paragraphs,
    '',
    fill(book.link, values),
    book.escalate,
    '',
    fill(book.signature, values),
  ].join('\n');
  const html = [
    `<p>${escapeHtml(fill(book.greeting, values))}</p>`,
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    `<p><a href="${escapeHtml(url)}">${escapeHtml(fill(book.link, { url: kase.caseId }))}</a></p>`,
    `<p>${escapeHtml(book.escalate)}</p>`,
    `<p>${escapeHtml(fill(book.signature, values))}</p>`,
  ].join('\n');
  return { subject: fill(book.subject, values), text, html, sms: smsText(book, values) };
}

/** A message the catalogue words in this language, or nothing (the headline says what there is). */
function saidIn(book: Catalogue, said: Said | undefined): string {
  const template = said ? book.said[said.key as SaidKey] : undefined;
  if (!said || !template) return '';
  const firmwares = (said.values.firmwares ?? '').split('\n').filter(Boolean);
  const list =
    firmwares.length > 1
      ? `${firmwares.slice(0, -1).join(', ')} ${book.or} ${firmwares.at(-1)}`
      : firmwares.join('');
  return fill(template, { ...said.values, firmwares: list });
}

/** The SMS: brand, RMA, headline and link, within 160 GSM-7 characters (the headline gives way). */
function smsText(book: Catalogue, values: Record<string, string>): string {
  const full = toGsm7(fill(book.sms, values));
  if (gsm7Length(full) <= 160) return full;
  const room = 160 - gsm7Length(toGsm7(fill(book.sms, { ...values, headline: '' })));
  const headline = toGsm7(values.headline ?? '').slice(0, Math.max(0, room - 1));
  return toGsm7(fill(book.sms, { ...values, headline: `${headline}…`.replace('…', '.') }));
}

const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENDED = '^{}\\[~]|€';

/** Characters an SMS in GSM-7 cannot carry become their nearest plain ones. */
export function toGsm7(text: string): string {
  const plain = text.replace(/[‘’‚]/g, "'").replace(/[“”„]/g, '"').replace(/[–—]/g, '-').replace(/…/g, '...');
  return [...plain].map((c) => (GSM7_BASIC.includes(c) || GSM7_EXTENDED.includes(c) ? c : '?')).join('');
}

/** Septets an SMS takes: the extended characters take two. */
export function gsm7Length(text: string): number {
  return [...text].reduce((n, c) => n + (GSM7_EXTENDED.includes(c) ? 2 : 1), 0);
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
