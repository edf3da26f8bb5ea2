// @ts-check
// The depot's work queue: every open case, earliest deadline (so overdue) first, with whose device it
// is and its lane; a search over case, customer, serial and model, and pages of ten.

import { api, problemBox } from '../lib/api.js';
import { h, show } from '../lib/dom.js';
import { field } from '../lib/forms.js';
import { live, stopRefresh } from '../lib/live.js';
import { fmtTime, stateWords, t } from '../lib/words.js';
import { caseFinder } from '../panels/case-finder.js';
import { requireSession } from './sign-in.js';

/** How many cases one page of the queue shows. */
const PAGE = 10;

/**
 * @typedef {{ caseId: string, lane: string, overdue: boolean, customer: { name: string },
 *   device: { model: string, serial: string }, nextStep: { name: string, deadline: string } }} QueueItem
 */

export async function depotPage() {
  if (!requireSession(['depot', 'agent'])) return;
  stopRefresh();
  const mine = live.generation;
  const response = await api('GET', '/queues/depot');
  if (mine !== live.generation) return;
  if (!response.ok) return show(h('h1', {}, t('nav.depot')), problemBox(response.body));
  /** @type {QueueItem[]} */
  const items = response.body.items;
  let page = 0;
  const search = field({
    pointer: '#/search',
    label: t('depot.search'),
    type: 'search',
    hint: t('depot.searchHint'),
  });
  const input = search.querySelector('input');
  const results = h('div', { 'aria-live': 'polite' });
  const matching = () => {
    const words = input.value.trim().toLowerCase();
    return items.filter((item) =>
      [item.caseId, item.customer.name, item.device.serial, item.device.model].some((text) =>
        text.toLowerCase().includes(words),
      ),
    );
  };
  const draw = () => {
    const found = matching();
    const pages = Math.max(1, Math.ceil(found.length / PAGE));
    page = Math.min(page, pages - 1);
    const shown = found.slice(page * PAGE, (page + 1) * PAGE);
    results.replaceChildren(
      found.length === 0
        ? h('p', {}, t('depot.none'))
        : h(
            'table',
            {},
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                [
                  t('owner.case'),
                  t('depot.customer'),
                  t('depot.lane'),
                  t('depot.device'),
                  t('depot.nextStep'),
                ].map((title) => h('th', { scope: 'col' }, title)),
              ),
            ),
            h('tbody', {}, shown.map(row)),
          ),
      pages > 1
        ? h(
            'nav',
            { className: 'actions', 'aria-label': t('depot.pages') },
            h(
              'button',
              { type: 'button', className: 'secondary', disabled: page === 0, onclick: () => turn(-1) },
              t('depot.previous'),
            ),
            h('span', {}, t('depot.pageOf', { page: page + 1, pages })),
            h(
              'button',
              {
                type: 'button',
                className: 'secondary',
                disabled: page === pages - 1,
                onclick: () => turn(1),
              },
              t('depot.next'),
            ),
          )
        : null,
    );
  };
  const turn = (/** @type {number} */ by) => {
    page += by;
    draw();
  };
  input.addEventListener('input', () => {
    page = 0;
    draw();
  });
  draw();
  show(
    h('h1', {}, t('depot.title')),
    h('p', { className: 'hint' }, t('depot.hint')),
    h('form', { role: 'search', onsubmit: (/** @type {Event} */ e) => e.preventDefault() }, search),
    results,
    caseFinder(),
  );
}

/** @param {QueueItem} item */
function row(item) {
  return h(
    'tr',
    { 'data-case': item.caseId },
    h('td', {}, h('a', { href: `#/depot/cases/${item.caseId}` }, item.caseId)),
    h('td', {}, item.customer?.name ?? ''),
    h(
      'td',
      {},
      h('span', { className: 'badge', 'data-lane': item.lane }, stateWords(item.lane)),
      item.overdue ? h('span', { className: 'badge overdue' }, t('owner.overdue')) : null,
    ),
    h('td', {}, `${item.device.model} (${item.device.serial})`),
    h('td', {}, `${item.nextStep.name}, ${fmtTime(item.nextStep.deadline)}`),
  );
}
