// @ts-check
// What a case holds, for everyone who may see it: its decisions, its visits, the customer's parts.

import { api, downloadDocument } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { field, readForm, report } from '../lib/forms.js';
import { refreshLater } from '../lib/live.js';
import { fmtTime, stateWords, t, visitWords } from '../lib/words.js';

/** The known issue the case matches (docs/known-issues.md): no charge while it stands, and why if it no longer does. */
export function knownIssuePanel(kase) {
  const issue = kase.knownIssue;
  const words = issue.words.charAt(0).toUpperCase() + issue.words.slice(1);
  const waived = issue.status === 'waived';
  return h(
    'section',
    { className: 'card', 'data-known-issue': issue.status },
    h('h2', {}, t(waived ? 'facts.knownIssue' : 'facts.knownIssueDismissed')),
    h(
      'p',
      {},
      waived
        ? t('facts.knownIssueWaived', { words })
        : t('facts.knownIssueReason', { words: issue.words, reason: issue.reason ?? '' }),
    ),
  );
}

/** Consistent decisions (P8): each denial with its one live reason, and any reason it replaced, with why. */
export function decisionsPanel(kase) {
  return h(
    'section',
    { className: 'card', 'data-panel': 'decisions' },
    h('h2', {}, t('facts.decisions')),
    h(
      'ul',
      {},
      kase.decisions.map((d) =>
        h(
          'li',
          { 'data-status': d.status },
          d.status === 'live'
            ? h('strong', {}, `${d.decision} denied: ${d.code}. `)
            : h('s', {}, `${d.decision} denied: ${d.code}, ${d.text}`),
          d.status === 'superseded'
            ? ' (replaced)'
            : d.status === 'overturned'
              ? ' (overturned: granted after all)'
              : `${d.text} What you can do: ${d.youCan}`,
          d.supersedes
            ? h('p', { className: 'hint' }, `Replaces ${d.supersedes}: ${d.justification} (${d.by})`)
            : null,
          d.overturned
            ? h('p', { className: 'hint' }, `Overturned: ${d.overturned.justification} (${d.overturned.by})`)
            : null,
        ),
      ),
    ),
  );
}

/** Visits (P6): the windows to choose from, then who comes, when, and how each visit went. */
export function visitsPanel(kase, rerender, depotView) {
  const status = h('div', { role: 'status' });
  const book = async (windowId) => {
    const response = await api('POST', `/cases/${kase.caseId}/visits`, {
      bookingId: crypto.randomUUID(),
      windowId,
    });
    if (report(null, status, response, 'Booked: your technician is assigned in a moment.'))
      refreshLater(rerender, 500);
  };
  return h(
    'section',
    { className: 'card', 'data-panel': 'visits' },
    h('h2', {}, t('facts.visits')),
    kase.visits.length > 0
      ? h(
          'ul',
          {},
          kase.visits.map((v) =>
            h(
              'li',
              { 'data-visit': v.visitId },
              h('strong', {}, `${v.technician.name} (${v.technician.phone}). `),
              `${fmtTime(v.window.start)} to ${fmtTime(v.window.end)}: ${visitWords(v.status)}`,
              v.outcome ? `, ${v.outcome.result}` : '',
              v.redoOf ? ` (redoes ${v.redoOf}, not counted)` : '',
              '.',
            ),
          ),
        )
      : null,
    kase.visitOffer && !depotView
      ? h(
          'div',
          {},
          h('p', {}, t('facts.chooseWindow')),
          h(
            'div',
            { className: 'actions' },
            kase.visitOffer.windows.map((w) =>
              h(
                'button',
                { type: 'button', className: 'secondary', onclick: () => book(w.windowId) },
                `${fmtTime(w.start)} to ${fmtTime(w.end)}`,
              ),
            ),
          ),
        )
      : null,
    status,
  );
}

/** Custody (P5): the customer's parts, who holds them, and the customer's own choice on parts and data. */
export function custodyPanel(kase, rerender, depotView) {
  const summary = h('div', { role: 'status' });
  const choice = kase.custodyChoice ?? { parts: 'return', data: 'return' };
  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        const value = readForm(form);
        const response = await api('POST', `/cases/${kase.caseId}/custody/choices`, {
          choiceId: crypto.randomUUID(),
          parts: value.parts,
          data: value.data,
        });
        if (report(form, summary, response, t('facts.saved'))) refreshLater(rerender, 500);
      },
    },
    h(
      'div',
      { className: 'row' },
      field({
        scope: 'custody',
        pointer: '#/parts',
        label: t('facts.removedParts'),
        type: 'select',
        value: choice.parts,
        options: [
          ['return', t('facts.sendBack')],
          ['release', t('facts.keep')],
        ],
      }),
      field({
        scope: 'custody',
        pointer: '#/data',
        label: t('facts.dataParts'),
        type: 'select',
        value: choice.data,
        options: [
          ['return', t('facts.sendBack')],
          ['destroy', t('facts.destroy')],
        ],
      }),
    ),
    h('button', { type: 'submit', className: 'secondary' }, t('facts.save')),
  );
  if (depotView && kase.custody.length === 0) return null;
  return h(
    'section',
    { className: 'card', 'data-panel': 'custody' },
    h('h2', {}, t('facts.parts')),
    kase.custody.length > 0
      ? h(
          'ul',
          {},
          kase.custody.map((item) =>
            h(
              'li',
              { 'data-item': item.itemId },
              h('strong', {}, `${item.description}${item.serial ? ` (${item.serial})` : ''}: `),
              `${stateWords(item.status)}, held by ${item.holder}${item.owner === 'brand' ? ' (exchange part)' : ''}. `,
              item.certificateDocumentId
                ? h(
                    'button',
                    {
                      type: 'button',
                      className: 'secondary',
                      onclick: () =>
                        downloadDocument(
                          kase.caseId,
                          item.certificateDocumentId,
                          `${item.certificateDocumentId}.pdf`,
                        ),
                    },
                    t('facts.certificate'),
                  )
                : null,
            ),
          ),
        )
      : h('p', { className: 'hint' }, t('facts.noParts')),
    depotView || kase.status === 'closed'
      ? null
      : [h('p', { className: 'hint' }, t('facts.youDecide')), summary, form],
  );
}
