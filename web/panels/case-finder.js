// @ts-check
// Staff's filter bar over the brand's cases (`GET /cases`): by status, owner, serial, RMA number,
// tracking number and the days opened; newest first, a page at a time. Bad values show next to their
// fields, every one at once, and what was typed stays.

import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { clearErrors, field, readForm, showErrors } from '../lib/forms.js';
import { fmtTime, statusWords, t } from '../lib/words.js';
import * as en from '../lib/words-en.js';

/** How many cases one page of results shows. */
const PAGE = 10;

/** @typedef {{ caseId: string, openedAt: string, status: string, device: { model: string, serial: string } }} CaseLine */

/** The filter bar and its results, as one panel for a staff page. */
export function caseFinder() {
  const summary = h('div');
  const results = h('div', { 'aria-live': 'polite' });
  // The API's field errors name `#/query/<filter>`: each control carries that pointer.
  const filter = (
    /** @type {string} */ name,
    /** @type {Partial<import('../lib/forms.js').FieldSpec>} */ spec,
  ) =>
    field({
      pointer: `#/query/${name}`,
      label: t(/** @type {any} */ (`find.${name}`)),
      scope: 'find',
      ...spec,
    });
  const form = h(
    'form',
    {
      role: 'search',
      className: 'card filters',
      'aria-label': t('find.title'),
      onsubmit: (/** @type {Event} */ event) => {
        event.preventDefault();
        find();
      },
    },
    filter('status', {
      type: 'select',
      options: [
        ['', t('find.any')],
        ...Object.keys(en.status).map((s) => /** @type {[string, string]} */ ([s, statusWords(s)])),
      ],
    }),
    filter('rma', { hint: t('find.rmaHint') }),
    filter('tracking', {}),
    filter('serial', {}),
    filter('owner', { hint: t('find.ownerHint') }),
    filter('openedFrom', { type: 'date' }),
    filter('openedTo', { type: 'date' }),
    h('button', { type: 'submit' }, t('find.search')),
  );

  /** Asks for a page of the cases that match what the form holds; `before` continues an earlier page. */
  async function find(/** @type {string} */ before = '') {
    const filters = readForm(form).query ?? {};
    const query = new URLSearchParams({ ...filters, limit: String(PAGE), ...(before ? { before } : {}) });
    const response = await api('GET', `/cases?${query}`);
    if (response.status === 400) {
      results.replaceChildren();
      return showErrors(form, summary, response.body);
    }
    clearErrors(form, summary);
    if (!response.ok) return showErrors(form, summary, response.body);
    /** @type {{ cases: CaseLine[], next?: string }} */
    const page = response.body;
    results.replaceChildren(
      page.cases.length === 0 ? h('p', {}, t('find.none')) : table(page.cases),
      h(
        'nav',
        { className: 'actions', 'aria-label': t('find.pages') },
        before
          ? h('button', { type: 'button', className: 'secondary', onclick: () => find() }, t('find.newest'))
          : null,
        page.next
          ? h(
              'button',
              { type: 'button', className: 'secondary', onclick: () => find(page.next) },
              t('find.older'),
            )
          : null,
      ),
    );
  }

  return h(
    'section',
    { 'aria-labelledby': 'find-title' },
    h('h2', { id: 'find-title' }, t('find.title')),
    form,
    summary,
    results,
  );
}

/** @param {CaseLine[]} cases */
function table(cases) {
  return h(
    'table',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        [t('owner.case'), t('find.statusColumn'), t('depot.device'), t('find.opened')].map((title) =>
          h('th', { scope: 'col' }, title),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      cases.map((kase) =>
        h(
          'tr',
          { 'data-case': kase.caseId },
          h('td', {}, h('a', { href: `#/depot/cases/${kase.caseId}` }, kase.caseId)),
          h(
            'td',
            {},
            h('span', { className: 'badge', 'data-status': kase.status }, statusWords(kase.status)),
          ),
          h('td', {}, `${kase.device.model} (${kase.device.serial})`),
          h('td', {}, h('time', { datetime: kase.openedAt }, fmtTime(kase.openedAt))),
        ),
      ),
    ),
  );
}
