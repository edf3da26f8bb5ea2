// @ts-check
// The customer opens a case: every field named by the pointer the API reports errors with, a draft
// kept on the device as they type, a known device filled in from its serial.

import { offerBrandTerms } from '../brand-terms.js';
import { api, problemBox } from '../lib/api.js';
import { h, show } from '../lib/dom.js';
import { field, readForm, showErrors } from '../lib/forms.js';
import { session } from '../lib/session.js';
import { requireSession } from './sign-in.js';

const DRAFT_KEY = () => `fairfix:draft:${session.get()?.tenant ?? 'none'}`;

export function openCasePage() {
  if (!requireSession(['customer', 'agent'])) return;
  const draft = JSON.parse(localStorage.getItem(DRAFT_KEY()) ?? '{}');
  const v = (pointer) => draft[pointer];
  const summary = h('div', { id: 'summary' });
  const known = h('p', { className: 'notice', hidden: true, role: 'status' });
  // The brand's own models as suggestions (the field stays free: a model it does not list is named as
  // an error with the rest), and its terms before anything is sent.
  const models = h('datalist', { id: 'brand-models' });
  const terms = h('p', { className: 'notice', id: 'brand-terms', hidden: true });
  offerBrandTerms(session.get()?.tenant ?? '', { models, terms }).catch(() => {});
  const returnFields = h(
    'div',
    { hidden: v('#/service') !== 'return' },
    field({
      pointer: '#/returnReason',
      label: 'Why are you returning it?',
      type: 'select',
      value: v('#/returnReason'),
      options: [
        ['', 'Choose…'],
        ['mis-sold', 'It was mis-sold'],
        ['unfit', 'It is unfit for its purpose'],
        ['unopened', 'It is unopened'],
      ],
    }),
  );

  const form = h(
    'form',
    { novalidate: true, 'aria-describedby': 'required-note' },
    h(
      'p',
      { id: 'required-note', className: 'hint' },
      'Fields marked * are required. Your draft is kept on this device as you type.',
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'You'),
      h(
        'div',
        { className: 'row' },
        field({
          pointer: '#/customer/name',
          label: 'Name',
          required: true,
          value: v('#/customer/name'),
          attrs: { autocomplete: 'name' },
        }),
        field({
          pointer: '#/customer/email',
          label: 'Email',
          type: 'email',
          required: true,
          value: v('#/customer/email'),
          attrs: { autocomplete: 'email' },
        }),
        field({
          pointer: '#/customer/phone',
          label: 'Phone',
          type: 'tel',
          value: v('#/customer/phone'),
          attrs: { autocomplete: 'tel' },
        }),
        field({
          pointer: '#/customer/preferredChannel',
          label: 'Tell me by',
          type: 'select',
          value: v('#/customer/preferredChannel'),
          options: [
            ['email', 'Email'],
            ['sms', 'Text message'],
          ],
        }),
      ),
      field({
        pointer: '#/customer/address',
        label: 'Address for the parcel',
        required: true,
        value: v('#/customer/address'),
        attrs: { autocomplete: 'street-address' },
      }),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Your device'),
      h(
        'div',
        { className: 'row' },
        field({
          pointer: '#/device/serial',
          label: 'Serial number',
          required: true,
          value: v('#/device/serial'),
          hint: 'On the label under the device. We fill in what we know.',
        }),
        field({
          pointer: '#/device/model',
          label: 'Model',
          required: true,
          value: v('#/device/model'),
          attrs: { list: 'brand-models', autocomplete: 'off' },
        }),
        field({
          pointer: '#/device/purchaseDate',
          label: 'Purchase date',
          type: 'date',
          required: true,
          value: v('#/device/purchaseDate'),
        }),
        field({ pointer: '#/device/firmware', label: 'Firmware version', value: v('#/device/firmware') }),
      ),
      known,
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'What is wrong'),
      field({
        pointer: '#/problem/category',
        label: 'Kind of problem',
        type: 'select',
        required: true,
        value: v('#/problem/category'),
        options: [
          ['', 'Choose…'],
          ['does-not-power-on', 'Does not power on'],
          ['hardware-fault', 'Hardware fault'],
          ['software-fault', 'Software fault'],
          ['damage', 'Damage'],
          ['other', 'Something else'],
        ],
      }),
      field({
        pointer: '#/problem/description',
        label: 'Describe it',
        type: 'textarea',
        required: true,
        value: v('#/problem/description'),
        hint: 'At least 10 characters: what happens, since when, after what.',
      }),
      field({
        pointer: '#/problem/deadOnArrival',
        label: 'It never worked (new, out of the box)',
        type: 'checkbox',
        value: v('#/problem/deadOnArrival'),
      }),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'What you need'),
      field({
        pointer: '#/service',
        label: 'I want',
        type: 'select',
        value: v('#/service'),
        options: [
          ['repair', 'A repair'],
          ['return', 'To return it'],
        ],
      }),
      returnFields,
      field({
        pointer: '#/preferredService',
        label: 'Where',
        type: 'select',
        value: v('#/preferredService'),
        hint: 'Large devices (TVs) can be repaired at your home; the rest travel with a prepaid label.',
        options: [
          ['mail-in', 'I send it in'],
          ['on-site', 'A technician comes to me'],
        ],
      }),
      field({
        pointer: '#/plan',
        label: 'My cover',
        type: 'select',
        value: v('#/plan'),
        options: [
          ['none', 'The standard warranty'],
          ['extended-warranty', 'An extended warranty'],
          ['accidental-damage', 'Accidental-damage cover'],
        ],
      }),
      field({
        pointer: '#/boxNeeded',
        label: 'Send me a box to ship it in',
        type: 'checkbox',
        value: v('#/boxNeeded'),
      }),
    ),
    h(
      'div',
      { className: 'actions' },
      h('button', { type: 'submit' }, 'Open my case'),
      h(
        'button',
        {
          type: 'button',
          className: 'secondary',
          onclick: () => {
            localStorage.removeItem(DRAFT_KEY());
            openCasePage();
          },
        },
        'Start over',
      ),
    ),
  );

  const saveDraft = () => {
    const values = { idempotencyKey: draft.idempotencyKey ?? crypto.randomUUID() };
    draft.idempotencyKey = values.idempotencyKey;
    for (const control of form.querySelectorAll('[data-pointer]'))
      values[control.dataset.pointer] = control.type === 'checkbox' ? control.checked : control.value;
    localStorage.setItem(DRAFT_KEY(), JSON.stringify(values));
  };
  form.addEventListener('input', saveDraft);
  form.addEventListener('change', (event) => {
    saveDraft();
    if (event.target.name === '#/service') returnFields.hidden = event.target.value !== 'return';
    if (event.target.name === '#/device/serial') recognise(event.target.value.trim());
  });

  async function recognise(serial) {
    known.hidden = true;
    if (!serial) return;
    const history = await api('GET', `/devices/${encodeURIComponent(serial)}/history`);
    if (!history.ok || !history.body.device) return;
    const { device, cases } = history.body;
    for (const [pointer, value] of [
      ['#/device/model', device.model],
      ['#/device/purchaseDate', device.purchaseDate],
      ['#/device/firmware', device.firmware],
    ]) {
      const control = form.querySelector(`[data-pointer="${pointer}"]`);
      if (value && !control.value) control.value = value;
    }
    saveDraft();
    known.hidden = false;
    known.textContent = `We know this device: ${device.model}, bought ${device.purchaseDate}, ${cases.length} earlier case(s). Nothing to re-explain.`;
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    saveDraft();
    const response = await api('POST', '/cases', readForm(form), { 'idempotency-key': draft.idempotencyKey });
    if (response.status === 400) return showErrors(form, summary, response.body);
    if (!response.ok) return summary.replaceChildren(problemBox(response.body));
    localStorage.removeItem(DRAFT_KEY());
    location.hash = `#/cases/${response.body.caseId}`;
  });

  show(h('h1', {}, 'Open a repair case'), terms, models, summary, form);
}
