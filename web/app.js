// fairfix web: the customer portal and the depot console. Plain ES modules, no framework: every
// screen is a function that renders into <main> from the same HTTP API the tests and curl use.

import { offerBrandTerms } from './brand-terms.js';
import { knownIssuesPage } from './known-issues.js';
import { settingsPage } from './settings.js';

const app = document.getElementById('app');

/** Puts a screen on the page; absent parts (null, false) are left out, not written as text. */
const show = (...parts) =>
  app.replaceChildren(
    ...parts.flat().filter((part) => part !== null && part !== undefined && part !== false),
  );
const sessionBox = document.getElementById('session');

// ---------- small DOM helper: text is always set as text, never parsed as HTML ----------
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false || value === null) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'className') el.className = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

const fmtTime = (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const money = (minor, currency) => `${(minor / 100).toFixed(2)} ${currency}`;

// ---------- session: a bearer token for one brand and role ----------
const session = {
  get() {
    try {
      return JSON.parse(sessionStorage.getItem('fairfix:session') ?? 'null');
    } catch {
      return null;
    }
  },
  set(value) {
    sessionStorage.setItem('fairfix:session', JSON.stringify(value));
    renderSession();
  },
};

function renderSession() {
  const current = session.get();
  sessionBox.replaceChildren(current ? `Signed in: ${current.role} of ${current.tenant}` : 'Not signed in');
}

/** Local development sign-in: the local cloud signs tokens; on AWS the identity provider does. */
async function signIn(tenant, role) {
  const response = await fetch('/_local/tokens', {
    method: 'POST',
    body: JSON.stringify({ tenant, role, sub: `${role}@${tenant}.example` }),
  });
  if (!response.ok) throw new Error('Sign-in is only available on the local cloud; paste a token instead.');
  const { token } = await response.json();
  session.set({ tenant, role, token });
}

// ---------- API ----------
async function api(method, path, body, headers = {}) {
  const current = session.get();
  const response = await fetch(path, {
    method,
    headers: {
      ...(current ? { authorization: `Bearer ${current.token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = { title: text };
  }
  return {
    ok: response.ok,
    status: response.status,
    body: json,
    headers: Object.fromEntries(response.headers),
  };
}

function problemBox(body, fallback = 'Something went wrong.') {
  return h(
    'div',
    { className: 'problem', role: 'alert' },
    h('strong', {}, body?.title ?? fallback),
    body?.detail ? h('p', {}, body.detail) : null,
  );
}

// ---------- form plumbing: fields are named by the JSON pointer the API reports errors with ----------
function field({ pointer, label, type = 'text', required = false, options, hint, value, attrs = {}, scope }) {
  // Ids are unique per page: two forms may ask for the same pointer (a depot's fault code, twice).
  const id = `f-${scope ? `${scope}-` : ''}${pointer.replace(/[^a-z0-9]+/gi, '-')}`;
  const errorId = `${id}-error`;
  const hintId = hint ? `${id}-hint` : undefined;
  const common = {
    id,
    name: pointer,
    'data-pointer': pointer,
    'aria-required': required ? 'true' : undefined,
    'aria-describedby': [hintId, errorId].filter(Boolean).join(' '),
    ...attrs,
  };
  let control;
  if (type === 'select') {
    control = h(
      'select',
      common,
      options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
    );
  } else if (type === 'textarea') {
    control = h('textarea', common, value ?? '');
  } else if (type === 'checkbox') {
    control = h('input', { ...common, type, checked: Boolean(value) });
  } else {
    control = h('input', { ...common, type, value: value ?? '' });
  }
  const labelEl = h(
    'label',
    { for: id },
    label,
    required ? h('span', { className: 'req', 'aria-hidden': 'true' }, '*') : null,
  );
  return h(
    'div',
    { className: type === 'checkbox' ? 'field inline' : 'field' },
    type === 'checkbox' ? [control, labelEl] : [labelEl, control],
    hint ? h('p', { className: 'hint', id: hintId }, hint) : null,
    h('p', { className: 'error', id: errorId }),
  );
}

/** Shows every error next to its field, and a summary for those that belong to no single field. */
function showErrors(form, summary, problem) {
  clearErrors(form, summary);
  const unplaced = [];
  for (const error of problem?.errors ?? []) {
    const control = form.querySelector(`[data-pointer="${CSS.escape(error.pointer)}"]`);
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      document.getElementById(`${control.id}-error`).textContent = error.detail;
    } else {
      unplaced.push(error);
    }
  }
  summary.replaceChildren(
    h(
      'div',
      { className: 'problem', role: 'alert', tabindex: '-1' },
      h('strong', {}, problem?.title ?? 'Your request has errors'),
      h('p', {}, `${problem?.errors?.length ?? 0} field(s) need attention. Nothing you typed was lost.`),
      unplaced.length > 0
        ? h(
            'ul',
            {},
            unplaced.map((e) => h('li', {}, `${e.pointer.replace('#/', '')}: ${e.detail}`)),
          )
        : null,
    ),
  );
  (form.querySelector('[aria-invalid="true"]') ?? summary.firstChild).focus();
}

function clearErrors(form, summary) {
  summary.replaceChildren();
  for (const control of form.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
  for (const error of form.querySelectorAll('.error')) error.textContent = '';
}

/** Reads the form into the JSON the API takes, by each control's pointer; empty optional fields are left out. */
function readForm(form) {
  const out = {};
  for (const control of form.querySelectorAll('[data-pointer]')) {
    if (control.closest('[hidden]')) continue;
    const value = control.type === 'checkbox' ? control.checked : control.value.trim();
    if (value === '' && control.getAttribute('aria-required') !== 'true') continue;
    const keys = control.dataset.pointer.slice(2).split('/');
    let target = out;
    for (const key of keys.slice(0, -1)) target = target[key] ??= {};
    target[keys.at(-1)] =
      control.dataset.kind === 'list'
        ? value
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : value;
  }
  return out;
}

function requireSession(role) {
  const current = session.get();
  if (current && (!role || role.includes(current.role))) return current;
  show(h('h1', {}, 'Sign in first'), signInPanel(role));
  return null;
}

function signInPanel(roles = ['customer', 'depot']) {
  const brand = field({
    pointer: '#/tenant',
    label: 'Brand',
    type: 'select',
    options: [
      ['acme', 'Acme Devices'],
      ['globex', 'Globex Appliances'],
    ],
  });
  const pasted = field({
    pointer: '#/token',
    label: 'Or paste a token from your sign-in provider',
    type: 'password',
    attrs: { autocomplete: 'off' },
  });
  const status = h('p', { role: 'status' });
  const useToken = (event) => {
    event.preventDefault();
    const token = pasted.querySelector('input').value.trim();
    const claims = decodeClaims(token);
    if (!claims?.tenant || !claims?.role) {
      status.textContent = 'That is not a fairfix token: it needs the claims tenant and role.';
      return;
    }
    session.set({ tenant: claims.tenant, role: claims.role, token });
    route();
  };
  return h(
    'div',
    { className: 'card' },
    h('p', {}, 'On the local cloud, choose a brand and sign in as one of its roles.'),
    brand,
    h(
      'div',
      { className: 'actions' },
      roles.map((role) =>
        h(
          'button',
          {
            type: 'button',
            onclick: async () => {
              try {
                await signIn(brand.querySelector('select').value, role);
                route();
              } catch (error) {
                status.textContent = error.message;
              }
            },
          },
          `Sign in as ${role}`,
        ),
      ),
    ),
    h(
      'form',
      { onsubmit: useToken },
      pasted,
      h('button', { type: 'submit', className: 'secondary' }, 'Use this token'),
    ),
    status,
  );
}

/** The claims of a JWT, read (not verified: the API verifies every request) to show who is signed in. */
function decodeClaims(token) {
  try {
    return JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    return undefined;
  }
}

// ---------- customer: open a case ----------
const DRAFT_KEY = () => `fairfix:draft:${session.get()?.tenant ?? 'none'}`;

function openCasePage() {
  if (!requireSession(['customer', 'agent'])) return;
  const draft = JSON.parse(localStorage.getItem(DRAFT_KEY()) ?? '{}');
  const v = (pointer) => draft[pointer];
  const summary = h('div', { id: 'summary' });
  const known = h('p', { className: 'notice', hidden: true, role: 'status' });
  // The brand's own models as suggestions (the field stays free: a model it does not list is named as
  // an error with the rest), and its terms before anything is sent.
  const models = h('datalist', { id: 'brand-models' });
  const terms = h('p', { className: 'notice', id: 'brand-terms', hidden: true });
  offerBrandTerms(session.get().tenant, { models, terms }).catch(() => {});
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

// ---------- customer: follow a case ----------
function findPage() {
  if (!requireSession()) return;
  const input = field({ pointer: '#/caseId', label: 'Case number', hint: 'It starts with RMA-' });
  show(
    h('h1', {}, 'Follow a case'),
    h(
      'form',
      {
        onsubmit: (e) => {
          e.preventDefault();
          location.hash = `#/cases/${input.querySelector('input').value.trim()}`;
        },
      },
      input,
      h('button', { type: 'submit' }, 'Show the case'),
    ),
  );
}

let refresh;
/** Bumped on every navigation: a render that finishes after the user moved on is dropped, not shown. */
let generation = 0;
/** After the user acts, the page holds still a moment so the answer to that action stays readable. */
let quietUntil = 0;
document.addEventListener('submit', () => {
  quietUntil = Date.now() + 5000;
});

async function casePage(caseId, depotView = false) {
  if (!requireSession(depotView ? ['depot', 'agent'] : undefined)) return;
  const mine = generation;
  const render = async () => {
    const response = await api('GET', `/cases/${encodeURIComponent(caseId)}`);
    if (mine !== generation) return;
    if (!response.ok) return show(h('h1', {}, 'Case'), problemBox(response.body));
    const kase = response.body;
    // Staff see the customer's other cases beside this one (P3): no one explains twice.
    const others = depotView
      ? await api('GET', `/customers/${encodeURIComponent(kase.customer.email)}/cases?limit=10`)
      : undefined;
    if (mine !== generation) return;
    // A case handed to a person (the case desk) is theirs until it climbs above the level they took it at.
    const handover =
      kase.handover?.status === 'open' && kase.escalationLevel <= kase.handover.level
        ? { role: kase.handover.owner.name, contact: kase.handover.owner.contact }
        : undefined;
    const owner =
      handover ??
      kase.escalation ??
      kase.escalationPath[Math.min(kase.escalationLevel, kase.escalationPath.length - 1)];
    const focused = document.activeElement?.id;
    show(
      h('h1', {}, `Case ${kase.caseId}`),
      h(
        'div',
        { className: 'card' },
        h(
          'p',
          {},
          h('span', { className: 'badge' }, kase.status),
          kase.outcome ? h('span', { className: 'badge' }, kase.outcome) : null,
        ),
        h(
          'p',
          {},
          h('strong', {}, 'Next: '),
          `${kase.nextStep.name}, by ${fmtTime(kase.nextStep.deadline)}.`,
        ),
        owner ? h('p', {}, h('strong', {}, 'Owned by: '), `${owner.role} (${owner.contact})`) : null,
        kase.followUp
          ? h(
              'p',
              {},
              h('strong', {}, 'Follow-up: '),
              `${kase.followUp.owner.name} (${kase.followUp.owner.role}, ${kase.followUp.owner.contact}) contacts you by ${fmtTime(kase.followUp.due)}.`,
            )
          : null,
        kase.entitlement ? h('p', {}, h('strong', {}, 'Cover: '), kase.entitlement.reason) : null,
        h('p', {}, h('strong', {}, 'Device: '), `${kase.device.model}, serial ${kase.device.serial}`),
      ),
      kase.shipments.length > 0
        ? h(
            'section',
            {},
            h('h2', {}, 'Shipments'),
            h(
              'ul',
              {},
              kase.shipments.map((s) =>
                h(
                  'li',
                  {},
                  `${s.direction === 'to-depot' ? 'To the depot' : 'To you'}: ${s.trackingNumber}, ${s.status}. `,
                  h(
                    'button',
                    {
                      type: 'button',
                      className: 'secondary',
                      onclick: () =>
                        downloadDocument(kase.caseId, s.labelDocumentId, `label-${s.trackingNumber}.pdf`),
                    },
                    'Download the prepaid label',
                  ),
                ),
              ),
            ),
          )
        : null,
      kase.knownIssue ? knownIssuePanel(kase) : null,
      kase.decisions.length > 0 ? decisionsPanel(kase) : null,
      kase.visitOffer || kase.visits.length > 0 ? visitsPanel(kase, render, depotView) : null,
      custodyPanel(kase, render, depotView),
      !depotView && kase.waitingFor?.step === ADDRESS_STEP ? addressPanel(kase, render) : null,
      !depotView && kase.estimate?.status === 'awaiting-answer' ? estimatePanel(kase, render) : null,
      !depotView && kase.waitingFor?.step === 'Wait for survey answer' ? surveyPanel(kase, render) : null,
      !depotView && kase.status !== 'closed' ? escalatePanel(kase, render) : null,
      depotView ? depotActions(kase, render) : null,
      others?.ok ? customerCasesPanel(kase, others.body) : null,
      h(
        'section',
        {},
        h('h2', {}, 'Timeline'),
        h(
          'ol',
          { className: 'timeline' },
          kase.timeline.map((entry) =>
            h(
              'li',
              { 'data-type': entry.type },
              h('time', { datetime: entry.at }, fmtTime(entry.at)),
              entry.summary,
            ),
          ),
        ),
      ),
    );
    if (focused) document.getElementById(focused)?.focus();
  };
  clearInterval(refresh);
  await render();
  // The workflow moves on its own: keep the page current unless the user is typing in it.
  refresh = setInterval(() => {
    if (Date.now() < quietUntil) return;
    if (
      !app.contains(document.activeElement) ||
      document.activeElement === app ||
      document.activeElement.tagName === 'BUTTON'
    )
      render();
  }, 3000);
}

/** The customer's other cases, newest first, for staff (P3). */
function customerCasesPanel(kase, page) {
  const others = page.cases.filter((other) => other.caseId !== kase.caseId);
  return h(
    'section',
    { 'aria-labelledby': 'customer-cases' },
    h('h2', { id: 'customer-cases' }, `${kase.customer.name}’s other cases`),
    others.length === 0
      ? h('p', {}, 'None: this is their first case.')
      : h(
          'ul',
          {},
          others.map((other) =>
            h(
              'li',
              {},
              h('a', { href: `#/depot/cases/${other.caseId}` }, other.caseId),
              ` opened ${fmtTime(other.openedAt)}: ${other.device.model} (${other.device.serial}), ${other.problem.category}, ${other.status}.`,
            ),
          ),
        ),
  );
}

const ADDRESS_STEP = 'Wait for the customer’s address';

/** Nothing is shipped to the customer or a technician sent without an address: the case asks for it when it needs it. */
function addressPanel(kase, rerender) {
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
        if (response.status === 400) return showErrors(form, summary, response.body);
        clearErrors(form, summary);
        if (!response.ok) return summary.replaceChildren(problemBox(response.body));
        summary.replaceChildren(h('p', { className: 'notice' }, 'Thank you: your case goes on.'));
        refreshLater(rerender, 1500);
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
    { className: 'card' },
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
function escalatePanel(kase, rerender) {
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
        if (response.status === 400) return showErrors(form, summary, response.body);
        clearErrors(form, summary);
        if (!response.ok) return summary.replaceChildren(problemBox(response.body));
        const { owner, respondBy } = response.body;
        // 200: an escalation is still pending (one rung per owner's deadline); the words reached its owner.
        const told =
          response.status === 200
            ? `Your case is already with ${owner.role} (${owner.contact}), who will respond by ${fmtTime(respondBy)}. What you wrote is on your case for them; if they have not answered by then, you can take it higher.`
            : `Escalated. Your case is now owned by ${owner.role} (${owner.contact}), who will respond by ${fmtTime(respondBy)}.`;
        summary.replaceChildren(h('p', { className: 'notice' }, told));
        refreshLater(rerender, 4000);
      },
    },
    reason,
    h('button', { type: 'submit', className: 'secondary' }, 'Escalate my case'),
  );
  return h(
    'section',
    { className: 'card' },
    h('h2', {}, 'Not going well?'),
    h('p', { className: 'hint' }, 'Take your case one level up, at any time.'),
    summary,
    form,
  );
}

/** Consistent decisions (P8): each denial with its one live reason, and any reason it replaced, with why. */
/** The known issue the case matches (docs/known-issues.md): no charge while it stands, and why if it no longer does. */
function knownIssuePanel(kase) {
  const issue = kase.knownIssue;
  const words = issue.words.charAt(0).toUpperCase() + issue.words.slice(1);
  return h(
    'section',
    { className: 'card', 'data-known-issue': issue.status },
    h('h2', {}, issue.status === 'waived' ? 'A known issue: no charge' : 'Known issue dismissed'),
    issue.status === 'waived'
      ? h('p', {}, `${words}: no charge. Diagnosis and repair are free.`)
      : h(
          'p',
          {},
          `We looked into ${issue.words} and dismissed it: ${issue.reason ?? ''} Charges apply as for any repair; nothing is charged without an estimate you approve.`,
        ),
  );
}

function decisionsPanel(kase) {
  return h(
    'section',
    { className: 'card' },
    h('h2', {}, 'Decisions'),
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
function visitsPanel(kase, rerender, depotView) {
  const status = h('div', { role: 'status' });
  const book = async (windowId) => {
    const response = await api('POST', `/cases/${kase.caseId}/visits`, {
      bookingId: crypto.randomUUID(),
      windowId,
    });
    status.replaceChildren(
      response.ok
        ? h('p', { className: 'notice' }, 'Booked: your technician is assigned in a moment.')
        : problemBox(response.body),
    );
    refreshLater(rerender, 1000);
  };
  return h(
    'section',
    { className: 'card' },
    h('h2', {}, 'Technician visits'),
    kase.visits.length > 0
      ? h(
          'ul',
          {},
          kase.visits.map((v) =>
            h(
              'li',
              { 'data-visit': v.visitId },
              h('strong', {}, `${v.technician.name} (${v.technician.phone}). `),
              `${fmtTime(v.window.start)} to ${fmtTime(v.window.end)}: ${v.status}`,
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
          h('p', {}, 'Choose a window for the visit:'),
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
function custodyPanel(kase, rerender, depotView) {
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
        if (response.status === 400) return showErrors(form, summary, response.body);
        clearErrors(form, summary);
        summary.replaceChildren(
          response.ok
            ? h('p', { className: 'notice' }, 'Your choice is recorded.')
            : problemBox(response.body),
        );
        refreshLater(rerender, 1000);
      },
    },
    h(
      'div',
      { className: 'row' },
      field({
        scope: 'custody',
        pointer: '#/parts',
        label: 'Removed parts',
        type: 'select',
        value: choice.parts,
        options: [
          ['return', 'Send them back to me'],
          ['release', 'You may keep them'],
        ],
      }),
      field({
        scope: 'custody',
        pointer: '#/data',
        label: 'Parts holding my data',
        type: 'select',
        value: choice.data,
        options: [
          ['return', 'Send them back to me'],
          ['destroy', 'Destroy them, with a certificate'],
        ],
      }),
    ),
    h('button', { type: 'submit', className: 'secondary' }, 'Save my choice'),
  );
  if (depotView && kase.custody.length === 0) return null;
  return h(
    'section',
    { className: 'card' },
    h('h2', {}, 'Your parts and data'),
    kase.custody.length > 0
      ? h(
          'ul',
          {},
          kase.custody.map((item) =>
            h(
              'li',
              { 'data-item': item.itemId },
              h('strong', {}, `${item.description}${item.serial ? ` (${item.serial})` : ''}: `),
              `${item.status}, held by ${item.holder}${item.owner === 'brand' ? ' (exchange part)' : ''}. `,
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
                    'Download the certificate of destruction',
                  )
                : null,
            ),
          ),
        )
      : h('p', { className: 'hint' }, 'No part has been removed from your device.'),
    depotView || kase.status === 'closed'
      ? null
      : [
          h('p', { className: 'hint' }, 'Only you decide; until you do, everything comes back to you.'),
          summary,
          form,
        ],
  );
}

/** Close the loop (P10): after resolution the customer says whether their needs were met. */
function surveyPanel(kase, rerender) {
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
    summary.replaceChildren(
      response.ok
        ? h('p', { className: 'notice' }, 'Thank you: your answer is recorded.')
        : problemBox(response.body),
    );
    refreshLater(rerender, 1500);
  };
  return h(
    'section',
    { className: 'card' },
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

function estimatePanel(kase, rerender) {
  const status = h('p', { role: 'status' });
  const answer = async (approved) => {
    const response = await api('POST', `/cases/${kase.caseId}/approvals`, {
      answerId: crypto.randomUUID(),
      approved,
    });
    status.replaceChildren(
      response.ok
        ? approved
          ? 'Approved: the repair goes ahead.'
          : 'Declined: your device comes back unrepaired, free of charge.'
        : problemBox(response.body),
    );
    refreshLater(rerender, 500);
  };
  return h(
    'section',
    { className: 'card' },
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

async function downloadDocument(caseId, documentId, filename) {
  const current = session.get();
  const response = await fetch(`/cases/${caseId}/documents/${documentId}`, {
    headers: { authorization: `Bearer ${current.token}` },
  });
  const url = URL.createObjectURL(await response.blob());
  const link = h('a', { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// ---------- depot console ----------
async function depotPage() {
  if (!requireSession(['depot', 'agent'])) return;
  clearInterval(refresh);
  const mine = generation;
  const response = await api('GET', '/queues/depot');
  if (mine !== generation) return;
  if (!response.ok) return show(h('h1', {}, 'Depot console'), problemBox(response.body));
  const { items } = response.body;
  show(
    h('h1', {}, 'Depot work queue'),
    h('p', { className: 'hint' }, 'Every open case, earliest deadline first: overdue work is on top.'),
    items.length === 0
      ? h('p', {}, 'Nothing to do.')
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
                  h('span', { className: 'badge' }, item.lane),
                  item.overdue ? h('span', { className: 'badge overdue' }, 'overdue') : null,
                ),
                h('td', {}, `${item.device.model} (${item.device.serial})`),
                h('td', {}, `${item.nextStep.name}, by ${fmtTime(item.nextStep.deadline)}`),
              ),
            ),
          ),
        ),
  );
}

/**
 * Shows the case anew a moment after an action (the workflow moves on its own), unless the person has
 * typed since: a refresh must never wipe what someone is entering into the next form.
 */
let lastTyped = 0;
document.addEventListener(
  'input',
  () => {
    lastTyped = Date.now();
  },
  true,
);
function refreshLater(rerender, ms) {
  const scheduledAt = Date.now();
  setTimeout(() => {
    if (lastTyped <= scheduledAt) rerender();
  }, ms);
}

function depotActions(kase, rerender) {
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

// ---------- routing ----------
function home() {
  clearInterval(refresh);
  show(
    h('h1', {}, 'Repairs that go right'),
    h(
      'p',
      {},
      'Open a repair case with a prepaid label, follow every step with its deadline and who owns it, or work a depot queue.',
    ),
    signInPanel(['customer', 'depot', 'agent']),
    h(
      'ul',
      {},
      h('li', {}, h('a', { href: '#/open' }, 'Open a case')),
      h('li', {}, h('a', { href: '#/find' }, 'Follow a case')),
      h('li', {}, h('a', { href: '#/depot' }, 'Depot console')),
      h('li', {}, h('a', { href: '#/known-issues' }, 'Known issues')),
    ),
  );
}

function route() {
  generation++;
  clearInterval(refresh);
  const path = location.hash.replace(/^#/, '') || '/';
  const [, first, second, third] = path.split('/');
  if (first === 'open') openCasePage();
  else if (first === 'find') findPage();
  else if (first === 'cases' && second) casePage(decodeURIComponent(second));
  else if (first === 'depot' && second === 'cases' && third) casePage(decodeURIComponent(third), true);
  else if (first === 'depot') depotPage();
  else if (first === 'settings') settingsPage({ h, show, api, requireSession, problemBox, fmtTime });
  else if (first === 'known-issues') knownIssuesPage({ h, show, api, requireSession, problemBox, fmtTime });
  else if (first === 'mailbox') import('./mailbox.js').then(({ mailboxPage }) => mailboxPage(h, show));
  else home();
  app.focus();
}

window.addEventListener('hashchange', route);
renderSession();
route();
