// @ts-check
// The brand admin's webhooks: the URLs that receive the brand's events, signed per Standard Webhooks.
// Add one (its signing secret is shown this once, as the API answers it only once), send a test, delete.

import { api, problemBox } from '../lib/api.js';
import { h, show } from '../lib/dom.js';
import { field, readForm, report } from '../lib/forms.js';
import { live } from '../lib/live.js';
import { fmtTime, t } from '../lib/words.js';
import { requireSession } from './sign-in.js';

/** @typedef {{ webhookId: string, url: string, eventTypes: string[], description?: string, createdAt: string }} Webhook */

/** The event types a webhook may ask for, with their words. */
const EVENT_TYPES = /** @type {const} */ ([['case.notice', 'webhooks.event.caseNotice']]);

/**
 * @param {{ secret?: string, said?: string }} [after] what the last action leaves on the page: a new
 * webhook's signing secret (shown this once), or what happened
 */
export async function webhooksPage(after = {}) {
  if (!requireSession(['admin'])) return;
  const mine = live.generation;
  const listed = await api('GET', '/brand/webhooks');
  if (mine !== live.generation) return;
  if (!listed.ok) return show(h('h1', {}, t('webhooks.title')), problemBox(listed.body));
  /** @type {Webhook[]} */
  const items = listed.body.items;

  const summary = h('div');
  // The event types are checkboxes: the API takes the list of those ticked; an error about the list
  // (none ticked) is told in the form's summary.
  const ticks = EVENT_TYPES.map(([type, words]) =>
    h(
      'div',
      { className: 'field inline' },
      h('input', { type: 'checkbox', id: `event-${type}`, value: type, checked: true }),
      h('label', { for: `event-${type}` }, t(words)),
    ),
  );
  const form = h(
    'form',
    {
      className: 'card',
      novalidate: true,
      onsubmit: async (/** @type {Event} */ event) => {
        event.preventDefault();
        const eventTypes = ticks
          .map((tick) => tick.querySelector('input'))
          .filter((input) => input.checked)
          .map((input) => input.value);
        const response = await api('POST', '/brand/webhooks', { ...readForm(form), eventTypes });
        if (report(form, summary, response, t('webhooks.added')))
          await webhooksPage({ secret: response.body.secret, said: t('webhooks.added') });
      },
    },
    h('h2', {}, t('webhooks.add')),
    field({
      pointer: '#/url',
      label: t('webhooks.url'),
      type: 'url',
      required: true,
      hint: t('webhooks.urlHint'),
      attrs: { autocomplete: 'url' },
    }),
    h('fieldset', {}, h('legend', {}, t('webhooks.events')), ticks),
    field({ pointer: '#/description', label: t('webhooks.description'), attrs: { maxlength: '200' } }),
    summary,
    h('button', { type: 'submit' }, t('webhooks.addButton')),
  );

  const status = h(
    'div',
    { role: 'status' },
    after.said ? h('p', { className: 'notice' }, after.said) : null,
  );
  show(
    h('h1', {}, t('webhooks.title')),
    h('p', {}, t('webhooks.intro')),
    status,
    after.secret ? secretNotice(after.secret) : null,
    items.length === 0
      ? h('p', {}, t('webhooks.none'))
      : h(
          'table',
          {},
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              [
                t('webhooks.url'),
                t('webhooks.events'),
                t('webhooks.description'),
                t('webhooks.created'),
                t('webhooks.actions'),
              ].map((heading) => h('th', { scope: 'col' }, heading)),
            ),
          ),
          h(
            'tbody',
            {},
            items.map((hook) => row(hook, status)),
          ),
        ),
    form,
  );
}

/**
 * @param {Webhook} hook
 * @param {HTMLElement} status where the outcome of a test or a deletion is said
 */
function row(hook, status) {
  const act = async (/** @type {'test' | 'delete'} */ what) => {
    const response =
      what === 'test'
        ? await api('POST', `/brand/webhooks/${hook.webhookId}/tests`)
        : await api('DELETE', `/brand/webhooks/${hook.webhookId}`);
    if (!response.ok) return status.replaceChildren(problemBox(response.body));
    if (what === 'delete') return webhooksPage({ said: t('webhooks.deleted', { url: hook.url }) });
    const { delivered, status: answered, error } = response.body;
    status.replaceChildren(
      h(
        'p',
        { className: delivered ? 'notice' : 'problem' },
        delivered
          ? t('webhooks.testDelivered', { url: hook.url, status: answered })
          : t('webhooks.testFailed', { url: hook.url, reason: error ?? String(answered) }),
      ),
    );
  };
  return h(
    'tr',
    {},
    h('td', {}, h('code', {}, hook.url)),
    h('td', {}, hook.eventTypes.join(', ')),
    h('td', {}, hook.description ?? ''),
    h('td', {}, fmtTime(hook.createdAt)),
    h(
      'td',
      { className: 'actions' },
      h(
        'button',
        {
          type: 'button',
          className: 'secondary',
          'aria-label': t('webhooks.testFor', { url: hook.url }),
          onclick: () => act('test'),
        },
        t('webhooks.test'),
      ),
      h(
        'button',
        {
          type: 'button',
          className: 'secondary',
          'aria-label': t('webhooks.deleteFor', { url: hook.url }),
          onclick: () => act('delete'),
        },
        t('webhooks.delete'),
      ),
    ),
  );
}

/** The signing secret, this once, with what to do with it. @param {string} secret */
function secretNotice(secret) {
  return h(
    'div',
    { className: 'card' },
    h('h2', {}, t('webhooks.secretTitle')),
    h('p', {}, t('webhooks.secretOnce')),
    h('p', {}, h('code', { id: 'webhook-secret-value' }, secret)),
  );
}
