// @ts-check
// What the depot records on a case: receipt, diagnosis, a repair attempt, shipping, a removed part.

import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { field, readForm, report } from '../lib/forms.js';
import { refreshLater } from '../lib/live.js';
import { t } from '../lib/words.js';

/**
 * The depot's actions on a case: only those the case takes now (`kase.takes`, from the declared waits),
 * each in a panel of its own that keeps what was typed and any error until it is fixed (issue 16).
 * @param {any} kase the case as GET /cases/{caseId} answers it
 * @param {() => unknown} rerender
 */
export function depotActions(kase, rerender) {
  /**
   * @param {HTMLFormElement} form
   * @param {Record<string, unknown>} event
   */
  const post = async (form, event) => {
    const summary = form.closest('section')?.querySelector('.summary') ?? form;
    const response = await api('POST', `/cases/${kase.caseId}/events`, {
      eventId: crypto.randomUUID(),
      occurredAt: new Date().toISOString(),
      ...event,
    });
    if (report(form, /** @type {HTMLElement} */ (summary), response, `Recorded (${response.body?.outcome}).`))
      refreshLater(rerender, 300);
  };
  const receipt = h(
    'form',
    {
      onsubmit: (e) => {
        e.preventDefault();
        post(receipt, { type: 'received' });
      },
    },
    h('button', { type: 'submit' }, t('depot.receipt')),
  );
  const diagnosis = h(
    'form',
    {
      novalidate: true,
      onsubmit: (e) => {
        e.preventDefault();
        const value = readForm(diagnosis);
        const estimate =
          value.estimate?.description || value.estimate?.amount
            ? [
                {
                  description: value.estimate.description ?? '',
                  amountMinor: Math.round(Number(value.estimate.amount ?? 'x') * 100),
                },
              ]
            : undefined;
        post(diagnosis, {
          type: 'diagnosed',
          faultCode: value.faultCode ?? '',
          cause: value.cause,
          covered: value.covered === true,
          ...(estimate ? { estimate } : {}),
        });
      },
    },
    h(
      'div',
      { className: 'row' },
      field({ pointer: '#/faultCode', label: 'Fault code', required: true, scope: 'diagnosis' }),
      field({
        scope: 'diagnosis',
        pointer: '#/cause',
        label: 'Cause',
        type: 'select',
        required: true,
        options: [
          ['unknown', 'Not known yet'],
          ['firmware-update', 'Our firmware update'],
          ['manufacturing-defect', 'Manufacturing defect'],
          ['wear', 'Wear'],
          ['accidental-damage', 'Accidental damage'],
          ['liquid-damage', 'Liquid damage'],
        ],
      }),
    ),
    field({
      scope: 'diagnosis',
      pointer: '#/covered',
      label: 'Covered by the warranty',
      type: 'checkbox',
      value: true,
    }),
    h(
      'div',
      { className: 'row' },
      field({
        scope: 'diagnosis',
        pointer: '#/estimate/description',
        label: 'Estimate: what',
        hint: 'Only when not covered.',
      }),
      field({
        scope: 'diagnosis',
        pointer: '#/estimate/amount',
        label: 'Estimate: amount (EUR)',
        type: 'number',
        attrs: { step: '0.01', min: '0' },
      }),
    ),
    h('button', { type: 'submit' }, t('depot.diagnose')),
  );
  const attempt = h(
    'form',
    {
      novalidate: true,
      onsubmit: (e) => {
        e.preventDefault();
        const value = readForm(attempt);
        post(attempt, {
          type: 'repair-attempted',
          result: value.result,
          faultCode: value.faultCode ?? '',
          partsUsed: value.partsUsed ?? [],
        });
      },
    },
    h(
      'div',
      { className: 'row' },
      field({
        scope: 'repair',
        pointer: '#/result',
        label: 'Result',
        type: 'select',
        required: true,
        options: [
          ['fixed', 'Fixed'],
          ['not-fixed', 'Not fixed'],
        ],
      }),
      field({
        scope: 'repair',
        pointer: '#/faultCode',
        label: 'Fault code',
        required: true,
        value: kase.diagnosis?.faultCode,
      }),
      field({
        scope: 'repair',
        pointer: '#/partsUsed',
        label: 'Parts used',
        hint: 'Separate with commas.',
        attrs: { 'data-kind': 'list' },
      }),
    ),
    h('button', { type: 'submit' }, t('depot.attempt')),
  );
  const removal = h(
    'form',
    {
      novalidate: true,
      onsubmit: (e) => {
        e.preventDefault();
        const value = readForm(removal);
        post(removal, {
          type: 'part-removed',
          description: value.description ?? '',
          category: value.category,
          ...(value.serial ? { serial: value.serial } : {}),
        });
      },
    },
    h(
      'div',
      { className: 'row' },
      field({ scope: 'part', pointer: '#/description', label: 'Part', required: true }),
      field({
        scope: 'part',
        pointer: '#/category',
        label: 'Kind of part',
        type: 'select',
        required: true,
        options: [
          ['drive', 'Drive (holds data)'],
          ['memory-card', 'Memory card (holds data)'],
          ['board', 'Main board (may hold data)'],
          ['battery', 'Battery'],
          ['screen', 'Screen'],
          ['other', 'Other'],
        ],
      }),
      field({ scope: 'part', pointer: '#/serial', label: 'Part serial' }),
    ),
    h('button', { type: 'submit', className: 'secondary' }, t('depot.removed')),
  );
  const shipped = h(
    'form',
    {
      onsubmit: (e) => {
        e.preventDefault();
        post(shipped, { type: 'shipped' });
      },
    },
    h('button', { type: 'submit', className: 'secondary' }, t('depot.shipped')),
  );
  /** @type {[string, string, HTMLFormElement][]} */
  const offered = [
    ['received', t('depot.receiptTitle'), receipt],
    ['diagnosed', t('depot.diagnosisTitle'), diagnosis],
    ['repair-attempted', t('depot.attemptTitle'), attempt],
    ['shipped', t('depot.shippingTitle'), shipped],
    ['part-removed', t('depot.removedTitle'), removal],
  ];
  const now = offered.filter(([type]) => (kase.takes ?? []).includes(type));
  return h(
    'section',
    { className: 'card', 'aria-labelledby': 'depot-actions' },
    h('h2', { id: 'depot-actions' }, t('depot.record')),
    kase.waitingFor
      ? h('p', { className: 'hint' }, `The workflow waits for: ${kase.waitingFor.step}.`)
      : null,
    now.length === 0 ? h('p', { className: 'hint' }, t('case.moving')) : null,
    now.map(([type, title, form]) =>
      h(
        'section',
        { className: 'action', 'data-panel': `depot-${type}` },
        h('h3', {}, title),
        h('div', { className: 'summary' }),
        form,
      ),
    ),
  );
}
