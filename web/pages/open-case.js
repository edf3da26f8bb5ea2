// @ts-check
// The customer opens a case: every field named by the pointer the API reports errors with, a draft
// kept on the device as they type, a known device filled in from its serial.

import { offerBrandTerms } from '../brand-terms.js';
import { addressFields } from '../lib/address.js';
import { api, problemBox } from '../lib/api.js';
import { h, show } from '../lib/dom.js';
import { field, readForm, showErrors } from '../lib/forms.js';
import { session } from '../lib/session.js';
import { t } from '../lib/words.js';
import { requireSession } from './sign-in.js';

const DRAFT_KEY = () => `fairfix:draft:${session.get()?.tenant ?? 'none'}`;

/** @param {URLSearchParams} [asked] `serial`: a device to fill in (a campaign notice links it so). */
export function openCasePage(asked = new URLSearchParams()) {
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
      label: t('open.whyReturn'),
      type: 'select',
      value: v('#/returnReason'),
      options: [
        ['', t('open.choose')],
        ['mis-sold', t('open.misSold')],
        ['unfit', t('open.unfit')],
        ['unopened', t('open.unopened')],
      ],
    }),
  );

  const form = h(
    'form',
    { novalidate: true, 'aria-describedby': 'required-note' },
    h('p', { id: 'required-note', className: 'hint' }, t('open.required')),
    h(
      'fieldset',
      {},
      h('legend', {}, t('open.you')),
      h(
        'div',
        { className: 'row' },
        field({
          pointer: '#/customer/name',
          label: t('open.name'),
          required: true,
          value: v('#/customer/name'),
          attrs: { autocomplete: 'name' },
        }),
        field({
          pointer: '#/customer/email',
          label: t('open.email'),
          type: 'email',
          required: true,
          value: v('#/customer/email'),
          attrs: { autocomplete: 'email' },
        }),
        field({
          pointer: '#/customer/phone',
          label: t('open.phone'),
          type: 'tel',
          value: v('#/customer/phone'),
          attrs: { autocomplete: 'tel' },
        }),
        field({
          pointer: '#/customer/preferredChannel',
          label: t('open.tellBy'),
          type: 'select',
          value: v('#/customer/preferredChannel'),
          options: [
            ['email', t('open.email')],
            ['sms', t('channel.sms')],
          ],
        }),
      ),
    ),
    addressFields({ base: '#/customer/address', legend: t('open.address'), value: v }),
    h(
      'fieldset',
      {},
      h('legend', {}, t('open.device')),
      h(
        'div',
        { className: 'row' },
        field({
          pointer: '#/device/serial',
          label: t('open.serial'),
          required: true,
          value: v('#/device/serial'),
          hint: t('open.serialHint'),
        }),
        field({
          pointer: '#/device/model',
          label: t('open.model'),
          required: true,
          value: v('#/device/model'),
          attrs: { list: 'brand-models', autocomplete: 'off' },
        }),
        field({
          pointer: '#/device/purchaseDate',
          label: t('open.purchaseDate'),
          type: 'date',
          required: true,
          value: v('#/device/purchaseDate'),
        }),
        field({ pointer: '#/device/firmware', label: t('open.firmware'), value: v('#/device/firmware') }),
      ),
      known,
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t('open.wrong')),
      field({
        pointer: '#/problem/category',
        label: t('open.kind'),
        type: 'select',
        required: true,
        value: v('#/problem/category'),
        options: [
          ['', t('open.choose')],
          ['does-not-power-on', t('open.noPower')],
          ['hardware-fault', t('open.hardware')],
          ['software-fault', t('open.software')],
          ['damage', t('open.damage')],
          ['other', t('open.else')],
        ],
      }),
      field({
        pointer: '#/problem/description',
        label: t('open.describe'),
        type: 'textarea',
        required: true,
        value: v('#/problem/description'),
        hint: t('open.describeHint'),
      }),
      field({
        pointer: '#/problem/deadOnArrival',
        label: t('open.doa'),
        type: 'checkbox',
        value: v('#/problem/deadOnArrival'),
      }),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t('open.need')),
      field({
        pointer: '#/service',
        label: t('open.want'),
        type: 'select',
        value: v('#/service'),
        options: [
          ['repair', t('open.repair')],
          ['return', t('open.return')],
        ],
      }),
      returnFields,
      field({
        pointer: '#/preferredService',
        label: t('open.where'),
        type: 'select',
        value: v('#/preferredService'),
        hint: t('open.whereHint'),
        options: [
          ['mail-in', t('open.mailIn')],
          ['on-site', t('open.onSite')],
        ],
      }),
      field({
        pointer: '#/plan',
        label: t('open.cover'),
        type: 'select',
        value: v('#/plan'),
        options: [
          ['none', t('open.standard')],
          ['extended-warranty', t('open.extended')],
          ['accidental-damage', t('open.accidental')],
        ],
      }),
      field({
        pointer: '#/boxNeeded',
        label: t('open.box'),
        type: 'checkbox',
        value: v('#/boxNeeded'),
      }),
    ),
    h(
      'div',
      { className: 'actions' },
      h('button', { type: 'submit' }, t('open.submit')),
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
        t('open.startOver'),
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
    known.textContent = t('open.known', {
      model: device.model,
      bought: device.purchaseDate,
      cases: cases.length,
    });
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

  show(h('h1', {}, t('open.title')), terms, models, summary, form);
  // A device the link names: filled in with what is on file for it, unless the draft has another.
  const serial = asked.get('serial')?.trim();
  const serialField = form.querySelector('[data-pointer="#/device/serial"]');
  if (serial && !serialField.value) {
    serialField.value = serial;
    saveDraft();
    recognise(serial);
  }
}
