// @ts-check
// The technician's day: today's visits and those to come, each with who, where, when and what, and the
// way to the visit's report.

import { api, problemBox } from '../lib/api.js';
import { h, show } from '../lib/dom.js';
import { live } from '../lib/live.js';
import { fmtDay, fmtTime, t, visitWords } from '../lib/words.js';
import { requireSession } from './sign-in.js';

/**
 * @typedef {{ caseId: string, visitId: string, status: string, window: { start: string, end: string },
 *   customer: { name: string, address?: string, phone?: string },
 *   device: { model: string, serial: string }, problem: string }} VisitItem
 */

/** The day a moment falls on, where the reader is. */
const dayOf = (/** @type {string} */ iso) => new Date(iso).toLocaleDateString('en-CA');

export async function visitsPage() {
  if (!requireSession(['technician', 'agent'])) return;
  const mine = live.generation;
  const response = await api('GET', '/queues/visits');
  if (mine !== live.generation) return;
  if (!response.ok) return show(h('h1', {}, t('visits.title')), problemBox(response.body));
  /** @type {VisitItem[]} */
  const items = response.body.items;
  const today = dayOf(new Date().toISOString());
  // A visit from an earlier day still open is today's work too: it is not finished.
  const now = items.filter((item) => dayOf(item.window.start) <= today);
  const later = items.filter((item) => dayOf(item.window.start) > today);
  show(
    h('h1', {}, t('visits.title')),
    group('visits-today', t('visits.today'), now),
    group('visits-upcoming', t('visits.upcoming'), later),
  );
}

/**
 * @param {string} id
 * @param {string} title
 * @param {VisitItem[]} items
 */
function group(id, title, items) {
  return h(
    'section',
    { 'aria-labelledby': id },
    h('h2', { id }, title),
    items.length === 0
      ? h('p', { className: 'hint' }, t('visits.none'))
      : h(
          'ul',
          { className: 'cases' },
          items.map((item) =>
            h(
              'li',
              { className: 'card', 'data-visit': `${item.caseId}/${item.visitId}` },
              h(
                'p',
                {},
                h(
                  'strong',
                  {},
                  `${fmtDay(item.window.start)}, ${fmtTime(item.window.start)} – ${fmtTime(item.window.end)}`,
                ),
                ' ',
                h('span', { className: 'badge' }, visitWords(item.status)),
              ),
              h(
                'p',
                {},
                `${item.customer.name}, ${item.customer.address ?? '—'}${item.customer.phone ? `, ${item.customer.phone}` : ''}`,
              ),
              h('p', {}, `${item.device.model} (${item.device.serial}): ${item.problem}`),
              h(
                'a',
                { href: `#/visits/${item.caseId}/${item.visitId}` },
                `${t('visits.report')} (${item.caseId})`,
              ),
            ),
          ),
        ),
  );
}
