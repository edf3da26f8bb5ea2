// @ts-check
// Words and formats (issue 16): the UI's text from one small catalogue, in English and in German (the
// second language of the notices), statuses and timeline entries as words, and dates and money in the
// reader's locale and time zone (Intl). A missing German entry falls back to the English one.

/** @typedef {'en' | 'de'} Lang */

import * as de from './words-de.js';
import * as en from './words-en.js';

/** @typedef {Record<string, string>} Table */
const BOOKS = { en, de };

/** The words of one kind in the reader's language, then in English. */
const lookup = (/** @type {'status' | 'visit' | 'state' | 'timeline'} */ kind, /** @type {string} */ key) =>
  /** @type {Table} */ (BOOKS[lang()][kind])[key] ?? /** @type {Table} */ (BOOKS.en[kind])[key];

/** The reader's language: German when their browser asks for it first, English otherwise. */
export function lang() {
  const wanted = (navigator.languages?.[0] ?? navigator.language ?? 'en').slice(0, 2).toLowerCase();
  return /** @type {Lang} */ (wanted === 'de' ? 'de' : 'en');
}

/**
 * A UI text in the reader's language, with `{name}` filled in from `values`.
 * @param {keyof typeof en.ui} key
 * @param {Record<string, string | number>} [values]
 */
export function t(key, values = {}) {
  const text = (lang() === 'de' ? de.ui[key] : undefined) ?? en.ui[key];
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
}

/** What the API names `a-b-c` and no catalogue has words for, at least without its hyphens. */
const unhyphened = (/** @type {string} */ name) => name.replaceAll('-', ' ');

/** @param {string} status a case's status, as the API names it */
export const statusWords = (status) => lookup('status', status) ?? unhyphened(status);

/** @param {string} status a visit's status, as the API names it */
export const visitWords = (status) => lookup('visit', status) ?? unhyphened(status);

/** @param {string} state a lane, a parcel's or a removed part's state, as the API names it */
export const stateWords = (state) => lookup('state', state) ?? unhyphened(state);

/** @param {string} type a timeline entry's type, or an event's */
export const timelineWords = (type) => lookup('timeline', type) ?? unhyphened(type);

/**
 * A sentence of the case's record as a reader takes it: its ISO instants as local times, and the API
 * paths it names (`/cases/RMA-1/escalations`) as "this page", where the reader is, and a campaign's
 * `/open?serial=…` as the open-case page's name (the notice list links it: {@link openCaseHref}).
 * @param {string} sentence
 */
export function plain(sentence) {
  return sentence
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z/g, (iso) => fmtTime(iso))
    .replace(/\/cases\/[^\s]+?(?=[.,;:)]?(?:\s|$))/g, lang() === 'de' ? 'dieser Seite' : 'this page')
    .replace(OPEN_FOR_DEVICE, () => `“${t('open.title')}”`);
}

/** A campaign's invitation in a notice: the portal's open-case page with the device filled in. */
const OPEN_FOR_DEVICE = /(?<=\s|^)\/open\?serial=([^\s]+?)(?=[.,;:)]?(?:\s|$))/g;

/**
 * The open-case page a notice invites its reader to, with the device it names filled in, if it names one.
 * @param {string} sentence
 */
export function openCaseHref(sentence) {
  const serial = [...sentence.matchAll(OPEN_FOR_DEVICE)][0]?.[1];
  return serial ? `#/open?serial=${serial}` : undefined;
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
