// @ts-check
// The depot's work queue: every open case, earliest deadline first.

import { api, problemBox } from '../lib/api.js';
import { h, show } from '../lib/dom.js';
import { live, stopRefresh } from '../lib/live.js';
import { fmtTime, stateWords, t } from '../lib/words.js';
import { requireSession } from './sign-in.js';

export async function depotPage() {
  if (!requireSession(['depot', 'agent'])) return;
  stopRefresh();
  const mine = live.generation;
  const response = await api('GET', '/queues/depot');
  if (mine !== live.generation) return;
  if (!response.ok) return show(h('h1', {}, 'Depot console'), problemBox(response.body));
  const { items } = response.body;
  show(
    h('h1', {}, t('depot.title')),
    h('p', { className: 'hint' }, t('depot.hint')),
    items.length === 0
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
              ['Case', 'Lane', 'Device', 'Next step'].map((t) => h('th', { scope: 'col' }, t)),
            ),
          ),
          h(
            'tbody',
            {},
            items.map((item) =>
              h(
                'tr',
                { 'data-case': item.caseId },
                h('td', {}, h('a', { href: `#/depot/cases/${item.caseId}` }, item.caseId)),
                h(
                  'td',
                  {},
                  h('span', { className: 'badge', 'data-lane': item.lane }, stateWords(item.lane)),
                  item.overdue ? h('span', { className: 'badge overdue' }, t('owner.overdue')) : null,
                ),
                h('td', {}, `${item.device.model} (${item.device.serial})`),
                h('td', {}, `${item.nextStep.name}, by ${fmtTime(item.nextStep.deadline)}`),
              ),
            ),
          ),
        ),
  );
}
