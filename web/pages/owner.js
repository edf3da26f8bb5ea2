// @ts-check
// The agent's owner queue: one owner's work (decisions on cases handed to them, escalations, follow-ups
// they owe), earliest due first, with when each is due and whether it is overdue.

import { api, problemBox } from '../lib/api.js';
import { h, show } from '../lib/dom.js';
import { field } from '../lib/forms.js';
import { live } from '../lib/live.js';
import { fmtTime, statusWords, t } from '../lib/words.js';
import { caseFinder } from '../panels/case-finder.js';
import { requireSession } from './sign-in.js';

/** The owners an agent most often looks at: the case desk, the ladder's roles, the follow-up owner. */
const KNOWN = ['case-desk', 'service-agent', 'service-supervisor', 'service-manager', 'dana-reyes'];

/** @param {string} [owner] whose queue; the service supervisor's by default */
export async function ownerPage(owner = 'service-supervisor') {
  if (!requireSession(['agent'])) return;
  const mine = live.generation;
  const response = await api('GET', `/queues/owners/${encodeURIComponent(owner)}`);
  if (mine !== live.generation) return;
  const who = field({
    pointer: '#/owner',
    label: t('owner.who'),
    value: owner,
    hint: 'A role of the ladder (service-supervisor), the case desk, or a person (dana-reyes).',
    attrs: { list: 'owners', autocomplete: 'off' },
  });
  const chooser = h(
    'form',
    {
      className: 'card',
      onsubmit: (/** @type {Event} */ event) => {
        event.preventDefault();
        location.hash = `#/owner/${encodeURIComponent(who.querySelector('input').value.trim())}`;
      },
    },
    h(
      'datalist',
      { id: 'owners' },
      KNOWN.map((name) => h('option', { value: name })),
    ),
    who,
    h('button', { type: 'submit' }, t('owner.show')),
  );
  if (!response.ok) return show(h('h1', {}, t('owner.title')), chooser, problemBox(response.body));
  /** @type {{ caseId: string, status: string, work: 'decision' | 'escalation' | 'follow-up', due: string, overdue: boolean, summary: string }[]} */
  const items = response.body.items;
  show(
    h('h1', {}, `${t('owner.title')}: ${owner}`),
    chooser,
    items.length === 0
      ? h('p', {}, t('owner.none'))
      : h(
          'table',
          {},
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              [t('owner.due'), t('owner.case'), t('owner.work'), t('owner.what')].map((title) =>
                h('th', { scope: 'col' }, title),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            items.map((item) =>
              h(
                'tr',
                { 'data-case': item.caseId, 'data-work': item.work },
                h(
                  'td',
                  {},
                  h('time', { datetime: item.due }, fmtTime(item.due)),
                  item.overdue ? h('span', { className: 'badge overdue' }, t('owner.overdue')) : null,
                ),
                h(
                  'td',
                  {},
                  h('a', { href: `#/depot/cases/${item.caseId}` }, item.caseId),
                  h('br'),
                  statusWords(item.status),
                ),
                h('td', {}, t(`work.${item.work}`)),
                h('td', {}, item.summary),
              ),
            ),
          ),
        ),
    caseFinder(),
  );
}
