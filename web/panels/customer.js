// @ts-check
// What the customer answers on their case page: an address when one is needed, the estimate, the
// survey, and taking the case one level up.

import { addressFields } from '../lib/address.js';
import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { field, readForm, report } from '../lib/forms.js';
import { refreshLater } from '../lib/live.js';
import { fmtTime, money, t } from '../lib/words.js';

export const ADDRESS_STEP = 'Wait for the customer’s address';

/** Nothing is shipped to the customer or a technician sent without an address: the case asks for it when it needs it. */
export function addressPanel(kase, rerender) {
  const summary = h('div', { role: 'status' });
  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        // The parts as typed, named by the pointers the API's field errors come back with.
        const response = await api('POST', `/cases/${kase.caseId}/address`, {
          addressId: crypto.randomUUID(),
          ...readForm(form),
        });
        if (report(form, summary, response, t('customer.addressThanks'))) refreshLater(rerender, 500);
      },
    },
    addressFields({ base: '#/address', legend: t('customer.address'), scope: 'address', phone: true }),
    h('button', { type: 'submit' }, t('customer.sendAddress')),
  );
  return h(
    'section',
    { className: 'card', 'data-panel': 'address' },
    h('h2', {}, kase.nextStep.name),
    h(
      'p',
      { className: 'hint' },
      `By ${fmtTime(kase.nextStep.deadline)}; nothing is sent to you without it.`,
    ),
    summary,
    form,
  );
}

/** No dead ends (P7): the customer can take the case one level up at any time, and is told who owns it then. */
export function escalatePanel(kase, rerender) {
  const summary = h('div', { role: 'status' });
  const reason = field({
    pointer: '#/reason',
    label: t('customer.whatWrong'),
    type: 'textarea',
    required: true,
    scope: 'escalate',
    hint: t('customer.atLeast10'),
  });
  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        const response = await api('POST', `/cases/${kase.caseId}/escalations`, {
          escalationId: crypto.randomUUID(),
          reason: form.querySelector('textarea').value.trim(),
        });
        if (!response.ok) return report(form, summary, response, '');
        const { owner, respondBy } = response.body;
        // 200: an escalation is still pending (one rung per owner's deadline); the words reached its owner.
        const told =
          response.status === 200
            ? `Your case is already with ${owner.role} (${owner.contact}), who will respond by ${fmtTime(respondBy)}. What you wrote is on your case for them; if they have not answered by then, you can take it higher.`
            : `Escalated. Your case is now owned by ${owner.role} (${owner.contact}), who will respond by ${fmtTime(respondBy)}.`;
        report(form, summary, response, told);
        refreshLater(rerender, 500);
      },
    },
    reason,
    h('button', { type: 'submit', className: 'secondary' }, t('customer.escalate')),
  );
  return h(
    'section',
    { className: 'card', 'data-panel': 'escalate' },
    h('h2', {}, t('customer.notWell')),
    h('p', { className: 'hint' }, t('customer.oneUp')),
    summary,
    form,
  );
}

/** Close the loop (P10): after resolution the customer says whether their needs were met. */
export function surveyPanel(kase, rerender) {
  const summary = h('div', { role: 'status' });
  const comment = field({
    pointer: '#/comment',
    label: t('customer.tellUs'),
    type: 'textarea',
    scope: 'survey',
  });
  const answer = async (met) => {
    const response = await api('POST', `/cases/${kase.caseId}/survey`, {
      answerId: crypto.randomUUID(),
      met,
      ...(comment.querySelector('textarea').value.trim()
        ? { comment: comment.querySelector('textarea').value.trim() }
        : {}),
    });
    if (report(null, summary, response, t('customer.answerThanks'))) refreshLater(rerender, 500);
  };
  return h(
    'section',
    { className: 'card', 'data-panel': 'survey' },
    h('h2', {}, t('customer.needsMet')),
    comment,
    h(
      'div',
      { className: 'actions' },
      h('button', { type: 'button', onclick: () => answer(true) }, t('customer.yes')),
      h('button', { type: 'button', className: 'secondary', onclick: () => answer(false) }, t('customer.no')),
    ),
    summary,
  );
}

export function estimatePanel(kase, rerender) {
  const status = h('div', { role: 'status' });
  const answer = async (approved) => {
    const response = await api('POST', `/cases/${kase.caseId}/approvals`, {
      answerId: crypto.randomUUID(),
      approved,
    });
    const told = approved ? t('customer.approved') : t('customer.declined');
    if (report(null, status, response, told)) refreshLater(rerender, 500);
  };
  return h(
    'section',
    { className: 'card', 'data-panel': 'estimate' },
    h('h2', {}, t('customer.estimate')),
    h(
      'ul',
      {},
      kase.estimate.items.map((item) =>
        h('li', {}, `${item.description}: ${money(item.amountMinor, kase.estimate.currency)}`),
      ),
    ),
    h(
      'p',
      {},
      h('strong', {}, `Total ${money(kase.estimate.totalMinor, kase.estimate.currency)}. `),
      t('customer.noCharge'),
    ),
    h(
      'div',
      { className: 'actions' },
      h('button', { type: 'button', onclick: () => answer(true) }, t('customer.approve')),
      h(
        'button',
        { type: 'button', className: 'secondary', onclick: () => answer(false) },
        t('customer.decline'),
      ),
    ),
    status,
  );
}
