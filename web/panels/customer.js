// @ts-check
// What the customer answers on their case page: an address when one is needed, the estimate, the
// survey, and taking the case one level up.

import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { field, report } from '../lib/forms.js';
import { refreshLater } from '../lib/live.js';
import { fmtTime, money } from '../lib/words.js';

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
        const response = await api('POST', `/cases/${kase.caseId}/address`, {
          addressId: crypto.randomUUID(),
          address: form.querySelector('input').value.trim(),
        });
        if (report(form, summary, response, 'Thank you: your case goes on.')) refreshLater(rerender, 500);
      },
    },
    field({
      pointer: '#/address',
      label: 'Your address',
      required: true,
      scope: 'address',
      attrs: { autocomplete: 'street-address' },
    }),
    h('button', { type: 'submit' }, 'Send my address'),
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
    label: 'What went wrong?',
    type: 'textarea',
    required: true,
    scope: 'escalate',
    hint: 'At least 10 characters.',
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
    h('button', { type: 'submit', className: 'secondary' }, 'Escalate my case'),
  );
  return h(
    'section',
    { className: 'card', 'data-panel': 'escalate' },
    h('h2', {}, 'Not going well?'),
    h('p', { className: 'hint' }, 'Take your case one level up, at any time.'),
    summary,
    form,
  );
}

/** Close the loop (P10): after resolution the customer says whether their needs were met. */
export function surveyPanel(kase, rerender) {
  const summary = h('div', { role: 'status' });
  const comment = field({
    pointer: '#/comment',
    label: 'Anything to tell us?',
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
    if (report(null, summary, response, 'Thank you: your answer is recorded.')) refreshLater(rerender, 500);
  };
  return h(
    'section',
    { className: 'card', 'data-panel': 'survey' },
    h('h2', {}, 'Were your needs met?'),
    comment,
    h(
      'div',
      { className: 'actions' },
      h('button', { type: 'button', onclick: () => answer(true) }, 'Yes, they were'),
      h(
        'button',
        { type: 'button', className: 'secondary', onclick: () => answer(false) },
        'No, they were not',
      ),
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
    const told = approved
      ? 'Approved: the repair goes ahead.'
      : 'Declined: your device comes back unrepaired, free of charge.';
    if (report(null, status, response, told)) refreshLater(rerender, 500);
  };
  return h(
    'section',
    { className: 'card', 'data-panel': 'estimate' },
    h('h2', {}, 'Your estimate'),
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
      'Nothing is charged unless you approve.',
    ),
    h(
      'div',
      { className: 'actions' },
      h('button', { type: 'button', onclick: () => answer(true) }, 'Approve the repair'),
      h(
        'button',
        { type: 'button', className: 'secondary', onclick: () => answer(false) },
        'Decline, send it back',
      ),
    ),
    status,
  );
}
