// @ts-check
// The reviewer's desk (P14): a sample of the brand's cases stratified by outcome, each opening a
// read-only view of the case, and every case opened in a period exported whole (NDJSON).

import { api, problemBox } from '../lib/api.js';
import { h, show } from '../lib/dom.js';
import { field, readForm } from '../lib/forms.js';
import { live } from '../lib/live.js';
import { session } from '../lib/session.js';
import { fmtTime, statusWords, t } from '../lib/words.js';
import { requireSession } from './sign-in.js';

/** How many cases a sample draws. */
const SAMPLE = 20;

export async function reviewPage() {
  if (!requireSession(['reviewer', 'agent'])) return;
  const mine = live.generation;
  const response = await api('GET', `/reviews/sample?size=${SAMPLE}&stratify=outcome`);
  if (mine !== live.generation) return;
  if (!response.ok) return show(h('h1', {}, t('review.title')), problemBox(response.body));
  /** @type {{ items: { caseId: string, openedAt: string, status: string, stratum?: string }[], strata?: Record<string, number> }} */
  const sample = response.body;
  show(
    h('h1', {}, t('review.title')),
    h(
      'section',
      { 'aria-labelledby': 'sample' },
      h('h2', { id: 'sample' }, t('review.sample')),
      h(
        'p',
        { className: 'hint' },
        t('review.strata', {
          strata: Object.entries(sample.strata ?? {})
            .map(([stratum, count]) => `${stratum}: ${count}`)
            .join(', '),
        }),
      ),
      h('button', { type: 'button', className: 'secondary', onclick: () => reviewPage() }, t('review.again')),
      sample.items.length === 0
        ? h('p', {}, t('review.none'))
        : h(
            'table',
            {},
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                [t('owner.case'), t('review.opened'), t('case.status'), t('review.stratum')].map((title) =>
                  h('th', { scope: 'col' }, title),
                ),
              ),
            ),
            h(
              'tbody',
              {},
              sample.items.map((item) =>
                h(
                  'tr',
                  { 'data-case': item.caseId },
                  h('td', {}, h('a', { href: `#/review/cases/${item.caseId}` }, item.caseId)),
                  h('td', {}, fmtTime(item.openedAt)),
                  h('td', {}, statusWords(item.status)),
                  h('td', {}, item.stratum ?? ''),
                ),
              ),
            ),
          ),
    ),
    exportForm(),
  );
}

/** Every case opened in a period, page after page (the `Link` header's next), saved as one file. */
function exportForm() {
  const summary = h('div', { role: 'status' });
  const today = new Date().toISOString().slice(0, 10);
  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (/** @type {Event} */ event) => {
        event.preventDefault();
        const { from, to } = readForm(form);
        const lines = [];
        let next = `/reviews/export?${new URLSearchParams({ from: from ?? '', to: to ?? '', limit: '50' })}`;
        while (next) {
          const response = await fetch(next, {
            headers: { authorization: `Bearer ${session.get()?.token}` },
          });
          if (!response.ok) {
            summary.replaceChildren(problemBox(await response.json().catch(() => undefined)));
            return;
          }
          lines.push(await response.text());
          next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1] ?? '';
        }
        const text = lines.join('');
        const count = text.split('\n').filter(Boolean).length;
        const url = URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' }));
        const link = h('a', { href: url, download: `cases-${from}-${to}.ndjson` });
        document.body.append(link);
        link.click();
        link.remove();
        summary.replaceChildren(h('p', { className: 'notice' }, t('review.exported', { count })));
      },
    },
    h(
      'div',
      { className: 'row' },
      field({
        scope: 'export',
        pointer: '#/from',
        label: t('review.from'),
        type: 'date',
        required: true,
        value: today,
      }),
      field({
        scope: 'export',
        pointer: '#/to',
        label: t('review.to'),
        type: 'date',
        required: true,
        value: today,
      }),
    ),
    h('button', { type: 'submit' }, t('review.export')),
  );
  return h(
    'section',
    { className: 'card', 'aria-labelledby': 'export' },
    h('h2', { id: 'export' }, t('review.exportTitle')),
    summary,
    form,
  );
}
