// @ts-check
// What the depot records on a case: receipt, diagnosis, a repair attempt, shipping, a removed part.

import { api, problemBox } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { clearErrors, field, readForm, showErrors } from '../lib/forms.js';
import { refreshLater } from '../lib/live.js';

export function depotActions(kase, rerender) {
  const summary = h('div');
  const post = async (form, event) => {
    const response = await api('POST', `/cases/${kase.caseId}/events`, {
      eventId: crypto.randomUUID(),
      occurredAt: new Date().toISOString(),
      ...event,
    });
    if (response.status === 400) return showErrors(form, summary, response.body);
    clearErrors(form, summary);
    summary.replaceChildren(
      response.ok
        ? h('p', { className: 'notice', role: 'status' }, `Recorded (${response.body.outcome}).`)
        : problemBox(response.body),
    );
    form.reset();
    refreshLater(rerender, 700);
  };
  const receipt = h(
    'form',
    {
      onsubmit: (e) => {
        e.preventDefault();
        post(receipt, { type: 'received' });
      },
    },
    h('button', { type: 'submit' }, 'Record receipt of the device'),
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
    h('button', { type: 'submit' }, 'Record diagnosis'),
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
    h('button', { type: 'submit' }, 'Record repair attempt'),
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
    h('button', { type: 'submit', className: 'secondary' }, 'Record the removed part'),
  );
  const shipped = h(
    'form',
    {
      onsubmit: (e) => {
        e.preventDefault();
        post(shipped, { type: 'shipped' });
      },
    },
    h('button', { type: 'submit', className: 'secondary' }, 'Record hand-over to the carrier'),
  );
  return h(
    'section',
    { className: 'card', 'aria-label': 'Depot actions' },
    h('h2', {}, 'Record what happened'),
    summary,
    kase.waitingFor
      ? h('p', { className: 'hint' }, `The workflow waits for: ${kase.waitingFor.step}.`)
      : null,
    h('h3', {}, 'Receipt'),
    receipt,
    h('h3', {}, 'Diagnosis'),
    diagnosis,
    h('h3', {}, 'Repair attempt'),
    attempt,
    h('h3', {}, 'Shipping'),
    shipped,
    h('h3', {}, 'A part removed from the device'),
    removal,
  );
}
