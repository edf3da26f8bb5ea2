// @ts-check
// Words and formats (issue 16): the UI's text from one small catalogue, in English and in German (the
// second language of the notices), statuses and timeline entries as words, and dates and money in the
// reader's locale and time zone (Intl). A missing German entry falls back to the English one.

/** @typedef {'en' | 'de'} Lang */

const en = {
  'nav.open': 'Open a case',
  'nav.find': 'Follow a case',
  'nav.mine': 'My cases',
  'nav.depot': 'Depot console',
  'nav.visits': 'My visits',
  'nav.owner': 'Owner queue',
  'nav.settings': 'Brand settings',
  'nav.mailbox': 'Mailbox',
  'mine.title': 'My cases',
  'mine.none': 'You have no cases yet.',
  'mine.older': 'Older cases',
  'mine.newer': 'Newest cases',
  'mine.opened': 'Opened {at}',
  'mine.next': 'Next: {step}, by {deadline}.',
  'case.status': 'Status',
  'case.notices': 'What we told you',
  'case.noNotices': 'Nothing sent yet.',
  'case.timeline': 'Timeline',
  'case.owner': 'Your case is owned by {owner}.',
  'case.updated': 'Updated just now.',
  'case.moving': 'The case is moving on by itself; what you can record appears here when it waits for you.',
  'channel.email': 'Email',
  'channel.sms': 'Text message',
  'visits.title': 'My visits',
  'visits.today': 'Today',
  'visits.upcoming': 'Upcoming',
  'visits.none': 'No visits.',
  'visits.report': 'Report this visit',
  'owner.title': 'Owner queue',
  'owner.who': 'Whose work',
  'owner.show': 'Show the queue',
  'owner.none': 'Nothing waits for this owner.',
  'owner.due': 'Due',
  'owner.work': 'Work',
  'owner.case': 'Case',
  'owner.what': 'What',
  'owner.overdue': 'overdue',
  'work.decision': 'Decide how the case goes on',
  'work.escalation': 'Escalated: respond',
  'work.follow-up': 'Follow up with the customer',
};

/** @type {Partial<Record<keyof typeof en, string>>} */
const de = {
  'nav.open': 'Fall eröffnen',
  'nav.find': 'Fall verfolgen',
  'nav.mine': 'Meine Fälle',
  'nav.depot': 'Werkstatt',
  'nav.visits': 'Meine Einsätze',
  'nav.owner': 'Zuständigkeiten',
  'nav.settings': 'Markeneinstellungen',
  'nav.mailbox': 'Postfach',
  'mine.title': 'Meine Fälle',
  'mine.none': 'Sie haben noch keine Fälle.',
  'mine.older': 'Ältere Fälle',
  'mine.newer': 'Neueste Fälle',
  'mine.opened': 'Eröffnet am {at}',
  'mine.next': 'Als Nächstes: {step}, bis {deadline}.',
  'case.status': 'Stand',
  'case.notices': 'Was wir Ihnen geschrieben haben',
  'case.noNotices': 'Noch nichts gesendet.',
  'case.timeline': 'Verlauf',
  'case.owner': 'Zuständig: {owner}.',
  'case.updated': 'Gerade aktualisiert.',
  'case.moving':
    'Der Fall läuft von selbst weiter; was Sie erfassen können, erscheint hier, sobald er auf Sie wartet.',
  'channel.email': 'E-Mail',
  'channel.sms': 'SMS',
  'visits.title': 'Meine Einsätze',
  'visits.today': 'Heute',
  'visits.upcoming': 'Demnächst',
  'visits.none': 'Keine Einsätze.',
  'visits.report': 'Einsatz melden',
  'owner.title': 'Zuständigkeiten',
  'owner.who': 'Wessen Arbeit',
  'owner.show': 'Anzeigen',
  'owner.none': 'Hier wartet nichts.',
  'owner.due': 'Fällig',
  'owner.work': 'Aufgabe',
  'owner.case': 'Fall',
  'owner.what': 'Worum es geht',
  'owner.overdue': 'überfällig',
  'work.decision': 'Entscheiden, wie es weitergeht',
  'work.escalation': 'Eskaliert: antworten',
  'work.follow-up': 'Beim Kunden nachfassen',
};

/** A case's status as its customer would say it. */
const STATUS = {
  en: {
    opened: 'Opened',
    'awaiting-arrival': 'On its way to us',
    'at-depot': 'With us, being checked',
    'awaiting-estimate-answer': 'Waiting for your answer to the estimate',
    'in-repair': 'Being repaired',
    'awaiting-visit-booking': 'Choose a visit window',
    'visit-booked': 'Visit booked',
    'replacement-ordered': 'Replacement ordered',
    'shipping-to-customer': 'On its way back to you',
    'settling-custody': 'Settling your removed parts',
    closed: 'Closed',
    reopened: 'Reopened: a person has it again',
  },
  de: {
    opened: 'Eröffnet',
    'awaiting-arrival': 'Unterwegs zu uns',
    'at-depot': 'Bei uns in Prüfung',
    'awaiting-estimate-answer': 'Wartet auf Ihre Antwort zum Kostenvoranschlag',
    'in-repair': 'In Reparatur',
    'awaiting-visit-booking': 'Bitte Termin wählen',
    'visit-booked': 'Termin gebucht',
    'replacement-ordered': 'Ersatz bestellt',
    'shipping-to-customer': 'Unterwegs zu Ihnen',
    'settling-custody': 'Ausgebaute Teile werden geklärt',
    closed: 'Abgeschlossen',
    reopened: 'Wieder eröffnet: ein Mensch kümmert sich',
  },
};

/** A visit's status in words. */
const VISIT = {
  en: {
    booked: 'Booked',
    'checked-in': 'Technician on site',
    reported: 'Reported, awaiting the customer’s sign-off',
    completed: 'Completed',
    disputed: 'Disputed by the customer',
    'no-show': 'Missed',
  },
  de: {
    booked: 'Gebucht',
    'checked-in': 'Techniker vor Ort',
    reported: 'Gemeldet, wartet auf die Bestätigung des Kunden',
    completed: 'Erledigt',
    disputed: 'Vom Kunden bestritten',
    'no-show': 'Verpasst',
  },
};

/** The other states the UI shows: a depot lane, a parcel's, a removed part's. */
const STATES = {
  en: {
    incoming: 'Incoming',
    'awaiting-diagnosis': 'To diagnose',
    'awaiting-customer': 'Waiting for the customer',
    repair: 'Repair',
    shipping: 'Shipping',
    other: 'Other',
    'label-issued': 'label ready, not yet handed to the carrier',
    'picked-up': 'picked up',
    'in-transit': 'on its way',
    'out-for-delivery': 'out for delivery',
    delivered: 'delivered',
    exception: 'held up by the carrier',
    held: 'held',
    returned: 'returned to you',
    destroyed: 'destroyed',
    released: 'released to us',
  },
  de: {
    incoming: 'Eingang',
    'awaiting-diagnosis': 'Zu prüfen',
    'awaiting-customer': 'Wartet auf den Kunden',
    repair: 'Reparatur',
    shipping: 'Versand',
    other: 'Sonstiges',
    'label-issued': 'Etikett bereit, noch nicht beim Versanddienst',
    'picked-up': 'abgeholt',
    'in-transit': 'unterwegs',
    'out-for-delivery': 'in Zustellung',
    delivered: 'zugestellt',
    exception: 'beim Versanddienst aufgehalten',
    held: 'verwahrt',
    returned: 'an Sie zurück',
    destroyed: 'vernichtet',
    released: 'uns überlassen',
  },
};

/** @param {string} state a lane, a parcel's or a removed part's state, as the API names it */
export function stateWords(state) {
  return /** @type {Record<string, string>} */ (STATES[lang()])[state] ?? state.replaceAll('-', ' ');
}

/** What kind of thing a timeline entry records, in words; its summary says the rest. */
const TIMELINE = {
  en: {
    'case-opened': 'Case opened',
    received: 'Device received',
    'delivered-to-depot': 'Parcel delivered to us',
    diagnosed: 'Diagnosed',
    'repair-attempted': 'Repair attempt',
    shipped: 'Sent back',
    'delivered-to-customer': 'Delivered to you',
    escalated: 'Escalated',
    'customer-notified': 'We told you',
    denied: 'Decision',
    'decision-overturned': 'Decision overturned',
    'person-decided': 'A person decided',
    'follow-up-closed': 'Follow-up done',
    'visit-report': 'Visit',
    custody: 'Your parts',
    'custody-choice': 'Your choice on parts and data',
    reopened: 'Reopened',
    'customer-deadline-lapsed': 'A deadline of yours passed',
    'event-applied': 'Recorded',
    'event-kept': 'Recorded for later',
    'event-refused': 'Not applied',
    'address-given': 'Address given',
    'customer-reminded': 'We reminded you',
    'decision-superseded': 'Decision replaced',
    'entitlement-decided': 'Your cover',
    'escalation-pending': 'Escalation noted',
    'estimate-declined': 'Estimate declined',
    'event-confirmed': 'Confirmed',
    'event-recorded': 'Recorded',
    'follow-up-opened': 'Follow-up opened',
    'handed-to-person': 'Handed to a person',
    'label-issued': 'Prepaid label ready',
    'notice-fallback': 'We told you another way',
    'notice-undelivered': 'A notice did not reach you',
    'offer-answered': 'Offer answered',
    'replacement-offered': 'Replacement offered',
    'replacement-ordered': 'Replacement ordered',
    'shipment-tracked': 'Parcel update',
    'survey-answered': 'Your answer',
    'survey-unanswered': 'No answer to our question',
    'visit-booked': 'Visit booked',
    'visit-signed-off': 'Visit signed off',
    'visit-no-show': 'Visit missed',
    'parcel-exception': 'Parcel held up',
    'part-removed': 'A part removed',
    'part-returned': 'A part returned',
    'part-destroyed': 'A part destroyed',
    'estimate-answered': 'Estimate answered',
    'custody-changed': 'Your parts',
  },
  de: {
    'case-opened': 'Fall eröffnet',
    received: 'Gerät eingegangen',
    'delivered-to-depot': 'Paket bei uns zugestellt',
    diagnosed: 'Diagnose',
    'repair-attempted': 'Reparaturversuch',
    shipped: 'Zurückgeschickt',
    'delivered-to-customer': 'Bei Ihnen zugestellt',
    escalated: 'Eskaliert',
    'customer-notified': 'Wir haben Sie informiert',
    denied: 'Entscheidung',
    'decision-overturned': 'Entscheidung aufgehoben',
    'person-decided': 'Ein Mensch hat entschieden',
    'follow-up-closed': 'Nachfassen erledigt',
    'visit-report': 'Einsatz',
    custody: 'Ihre Teile',
    'custody-choice': 'Ihre Wahl zu Teilen und Daten',
    reopened: 'Wieder eröffnet',
    'customer-deadline-lapsed': 'Eine Frist ist verstrichen',
    'event-applied': 'Erfasst',
    'event-kept': 'Für später erfasst',
    'event-refused': 'Nicht angewandt',
    'address-given': 'Adresse angegeben',
    'customer-reminded': 'Wir haben Sie erinnert',
    'decision-superseded': 'Entscheidung ersetzt',
    'entitlement-decided': 'Ihre Abdeckung',
    'escalation-pending': 'Eskalation vermerkt',
    'estimate-declined': 'Kostenvoranschlag abgelehnt',
    'event-confirmed': 'Bestätigt',
    'event-recorded': 'Erfasst',
    'follow-up-opened': 'Nachfassen eröffnet',
    'handed-to-person': 'An einen Menschen übergeben',
    'label-issued': 'Versandetikett bereit',
    'notice-fallback': 'Auf anderem Weg informiert',
    'notice-undelivered': 'Eine Nachricht hat Sie nicht erreicht',
    'offer-answered': 'Angebot beantwortet',
    'replacement-offered': 'Ersatz angeboten',
    'replacement-ordered': 'Ersatz bestellt',
    'shipment-tracked': 'Paketstatus',
    'survey-answered': 'Ihre Antwort',
    'survey-unanswered': 'Keine Antwort auf unsere Frage',
    'visit-booked': 'Termin gebucht',
    'visit-signed-off': 'Einsatz bestätigt',
    'visit-no-show': 'Termin verpasst',
    'parcel-exception': 'Paket aufgehalten',
    'part-removed': 'Teil ausgebaut',
    'part-returned': 'Teil zurückgegeben',
    'part-destroyed': 'Teil vernichtet',
    'estimate-answered': 'Kostenvoranschlag beantwortet',
    'custody-changed': 'Ihre Teile',
  },
};

/** The reader's language: German when their browser asks for it first, English otherwise. */
export function lang() {
  const wanted = (navigator.languages?.[0] ?? navigator.language ?? 'en').slice(0, 2).toLowerCase();
  return /** @type {Lang} */ (wanted === 'de' ? 'de' : 'en');
}

/**
 * A UI text in the reader's language, with `{name}` filled in from `values`.
 * @param {keyof typeof en} key
 * @param {Record<string, string | number>} [values]
 */
export function t(key, values = {}) {
  const text = (lang() === 'de' ? de[key] : undefined) ?? en[key];
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
}

/** @param {string} status a case's status, as the API names it */
export function statusWords(status) {
  return /** @type {Record<string, string>} */ (STATUS[lang()])[status] ?? status.replaceAll('-', ' ');
}

/** @param {string} status a visit's status, as the API names it */
export function visitWords(status) {
  return /** @type {Record<string, string>} */ (VISIT[lang()])[status] ?? status.replaceAll('-', ' ');
}

/** @param {string} type a timeline entry's type */
export function timelineWords(type) {
  const words = /** @type {Record<string, string>} */ (TIMELINE[lang()]);
  return (
    words[type] ?? /** @type {Record<string, string>} */ (TIMELINE.en)[type] ?? type.replaceAll('-', ' ')
  );
}

/**
 * A sentence of the case's record as a reader takes it: its ISO instants as local times, and the API
 * paths it names (`/cases/RMA-1/escalations`) as "this page", where the reader is.
 * @param {string} sentence
 */
export function plain(sentence) {
  return sentence
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z/g, (iso) => fmtTime(iso))
    .replace(/\/cases\/[^\s]+?(?=[.,;:)]?(?:\s|$))/g, lang() === 'de' ? 'dieser Seite' : 'this page');
}

/**
 * A timeline entry in words: what happened (an event's own name, for the entries that record one) and
 * the rest of its summary, plain.
 * @param {{ type: string, summary: string }} entry
 */
export function timelineLine(entry) {
  const event = /^Event "([a-z-]+)" \([^)]*\)\s*(.*)$/.exec(entry.summary);
  if (event) return { what: timelineWords(event[1] ?? entry.type), detail: plain(event[2] ?? '') };
  return { what: timelineWords(entry.type), detail: plain(entry.summary) };
}

/** The reader's locale for Intl: their browser's. */
const locale = () => navigator.language || 'en';

/**
 * A moment in the reader's locale and time zone.
 * @param {string} iso
 */
export const fmtTime = (iso) =>
  new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

/**
 * A day in the reader's locale and time zone, without the time.
 * @param {string} iso
 */
export const fmtDay = (iso) => new Intl.DateTimeFormat(locale(), { dateStyle: 'full' }).format(new Date(iso));

/**
 * An amount in minor units (cents), in the reader's locale.
 * @param {number} minor
 * @param {string} currency
 */
export const money = (minor, currency) =>
  new Intl.NumberFormat(locale(), { style: 'currency', currency }).format(minor / 100);
