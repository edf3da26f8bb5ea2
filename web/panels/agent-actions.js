// @ts-check
// What an agent does on a case: decide how a case handed to a person goes on, and close a follow-up
// they owe; each offered only when the case waits for it (`kase.takes`).

import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { field, readForm, report } from '../lib/forms.js';
import { refreshLater } from '../lib/live.js';
import { t } from '../lib/words.js';

/** The fields each decision takes besides its note: the rest are left out of the request. */
const DECISION_FIELDS = {
  resume: [],
  replace: ['model'],
  refund: ['price', 'amountMinor'],
  'repair-elsewhere': ['repairer'],
  close: ['reasonCode'],
};

/**
 * @param {any} kase the case as GET /cases/{caseId} answers it
 * @param {() => unknown} rerender
 */
export function agentActions(kase, rerender) {
  const takes = kase.takes ?? [];
  return [
    takes.includes('person-decided') ? decisionPanel(kase, rerender) : null,
    takes.includes('follow-up-closed') ? followUpPanel(kase, rerender) : null,
  ];
}

/**
 * @param {any} kase
 * @param {() => unknown} rerender
 */
function decisionPanel(kase, rerender) {
  const summary = h('div', { role: 'status' });
  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (/** @type {Event} */ event) => {
        event.preventDefault();
        const value = readForm(form);
        const action = /** @type {keyof typeof DECISION_FIELDS} */ (value.action);
        const extra = Object.fromEntries(
          (DECISION_FIELDS[action] ?? [])
            .filter((name) => value[name] !== undefined)
            .map((name) => [
              name,
              name === 'amountMinor' ? Math.round(Number(value[name]) * 100) : value[name],
            ]),
        );
        const response = await api('POST', `/cases/${kase.caseId}/handover/decisions`, {
          decisionId: crypto.randomUUID(),
          action,
          ...(value.note ? { note: value.note } : {}),
          ...extra,
        });
        if (report(form, summary, response, t('agent.decided'))) refreshLater(rerender, 300);
      },
    },
    field({
      scope: 'decide',
      pointer: '#/action',
      label: t('agent.action'),
      type: 'select',
      required: true,
      options: [
        ['resume', t('agent.resume')],
        ['replace', t('agent.replace')],
        ['refund', t('agent.refund')],
        ['repair-elsewhere', t('agent.elsewhere')],
        ['close', t('agent.close')],
      ],
    }),
    h(
      'div',
      { className: 'row' },
      field({ scope: 'decide', pointer: '#/model', label: t('agent.model'), hint: t('agent.modelHint') }),
      field({
        scope: 'decide',
        pointer: '#/price',
        label: t('agent.price'),
        type: 'select',
        options: [
          ['list', t('agent.listPrice')],
          ['purchase', t('agent.purchasePrice')],
        ],
      }),
      field({
        scope: 'decide',
        pointer: '#/amountMinor',
        label: t('agent.amount'),
        type: 'number',
        hint: t('agent.amountHint'),
        attrs: { step: '0.01', min: '0' },
      }),
      field({ scope: 'decide', pointer: '#/repairer', label: t('agent.repairer') }),
      field({
        scope: 'decide',
        pointer: '#/reasonCode',
        label: t('agent.reason'),
        hint: t('agent.reasonHint'),
      }),
    ),
    field({ scope: 'decide', pointer: '#/note', label: t('agent.note'), type: 'textarea' }),
    h('button', { type: 'submit' }, t('agent.decide')),
  );
  return h(
    'section',
    { className: 'card', 'data-panel': 'agent-decision' },
    h('h2', {}, t('agent.decisionTitle')),
    summary,
    form,
  );
}

/**
 * @param {any} kase
 * @param {() => unknown} rerender
 */
function followUpPanel(kase, rerender) {
  const summary = h('div', { role: 'status' });
  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (/** @type {Event} */ event) => {
        event.preventDefault();
        const response = await api('POST', `/cases/${kase.caseId}/follow-up/outcomes`, {
          outcomeId: crypto.randomUUID(),
          outcome: readForm(form).outcome ?? '',
        });
        if (report(form, summary, response, t('agent.followedUp'))) refreshLater(rerender, 300);
      },
    },
    field({
      scope: 'follow-up',
      pointer: '#/outcome',
      label: t('agent.outcome'),
      type: 'textarea',
      required: true,
      hint: t('customer.atLeast10'),
    }),
    h('button', { type: 'submit' }, t('agent.closeFollowUp')),
  );
  return h(
    'section',
    { className: 'card', 'data-panel': 'agent-follow-up' },
    h('h2', {}, t('agent.followUpTitle')),
    summary,
    form,
  );
}
