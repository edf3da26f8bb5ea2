// @ts-check
// "My cases": the signed-in customer's own cases, newest first, a page at a time, each with its status
// in words and what comes next.

import { api, problemBox } from '../lib/api.js';
import { h, show } from '../lib/dom.js';
import { live } from '../lib/live.js';
import { fmtTime, statusWords, t } from '../lib/words.js';
import { requireSession } from './sign-in.js';

/** How many cases one page shows. */
export const PAGE = 5;

/**
 * @param {string} [before] where the page starts: the `next` of the page before it
 */
export async function myCasesPage(before) {
  if (!requireSession(['customer'])) return;
  const mine = live.generation;
  const query = new URLSearchParams({ limit: String(PAGE), ...(before ? { before } : {}) });
  const response = await api('GET', `/cases?${query}`);
  if (mine !== live.generation) return;
  if (!response.ok) return show(h('h1', {}, t('mine.title')), problemBox(response.body));
  /** @type {{ cases: { caseId: string, openedAt: string, status: string, device: { model: string, serial: string }, nextStep: { name: string, deadline: string } }[], next?: string }} */
  const page = response.body;
  show(
    h('h1', {}, t('mine.title')),
    page.cases.length === 0
      ? h('p', {}, before ? '' : t('mine.none'), ' ', h('a', { href: '#/open' }, t('nav.open')))
      : h(
          'ul',
          { className: 'cases' },
          page.cases.map((kase) =>
            h(
              'li',
              { className: 'card', 'data-case': kase.caseId },
              h(
                'p',
                {},
                h('a', { href: `#/cases/${kase.caseId}` }, kase.caseId),
                ' ',
                h('span', { className: 'badge', 'data-status': kase.status }, statusWords(kase.status)),
              ),
              h(
                'p',
                {},
                `${kase.device.model} (${kase.device.serial}). `,
                t('mine.opened', { at: fmtTime(kase.openedAt) }),
              ),
              kase.status === 'closed'
                ? null
                : h(
                    'p',
                    { className: 'hint' },
                    t('mine.next', { step: kase.nextStep.name, deadline: fmtTime(kase.nextStep.deadline) }),
                  ),
            ),
          ),
        ),
    h(
      'nav',
      { 'aria-label': t('mine.title'), className: 'actions' },
      before ? h('a', { href: '#/mine' }, t('mine.newer')) : null,
      page.next ? h('a', { href: `#/mine/${encodeURIComponent(page.next)}` }, t('mine.older')) : null,
    ),
  );
}
