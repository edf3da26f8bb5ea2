// @ts-check
// A service campaign (a recall, docs/known-issues.md) for the brand's agents and admin: what it targets,
// how far it got device by device, its progress as CSV; and the form an admin starts one with, shown on
// the known-issues page.

import { api, problemBox } from '../lib/api.js';
import { h, show } from '../lib/dom.js';
import { field, readForm, report } from '../lib/forms.js';
import { live } from '../lib/live.js';
import { session } from '../lib/session.js';
import { fmtTime, plain, t } from '../lib/words.js';
import { requireSession } from './sign-in.js';

/** @typedef {'targeted' | 'told' | 'unreachable' | 'shipped' | 'fixed'} DeviceState */
/**
 * @typedef {{ campaignId: string, target: { model: string, firmwares: string[], serialFrom?: string,
 *   serialTo?: string }, knownIssueId?: string, createdAt: string, createdBy: string, message: string }} Campaign
 * @typedef {{ serial: string, model: string, firmware: string, caseId: string, repairCaseId?: string,
 *   state: DeviceState }} Device
 */

/** The counts in the order a device goes through them. */
const STATES = /** @type {const} */ (['targeted', 'told', 'unreachable', 'shipped', 'fixed']);

/**
 * The brand's campaigns, newest first, a page at a time: `before` is the cursor the page before gave.
 * @param {string | undefined} before
 */
export async function campaignsPage(before) {
  if (!requireSession(['agent', 'admin'])) return;
  const mine = live.generation;
  const response = await api('GET', `/campaigns${before ? `?before=${encodeURIComponent(before)}` : ''}`);
  if (mine !== live.generation) return;
  const title = h('h1', {}, t('campaigns.title'));
  if (!response.ok) return show(title, problemBox(response.body));
  /** @type {{ items: Omit<Campaign, 'message'>[], next?: string }} */
  const { items, next } = response.body;
  const titles = ['id', 'target', 'issue', 'started', 'by'].map((key) =>
    t(/** @type {any} */ (`campaigns.${key}`)),
  );
  show(
    title,
    items.length === 0
      ? h('p', {}, t('campaigns.none'))
      : h(
          'table',
          {},
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              titles.map((text) => h('th', { scope: 'col' }, text)),
            ),
          ),
          h(
            'tbody',
            {},
            items.map((campaign) =>
              h(
                'tr',
                { 'data-campaign': campaign.campaignId },
                h(
                  'td',
                  {},
                  h(
                    'a',
                    { href: `#/campaigns/${encodeURIComponent(campaign.campaignId)}` },
                    campaign.campaignId,
                  ),
                ),
                h(
                  'td',
                  {},
                  t('campaign.target', {
                    model: campaign.target.model,
                    firmwares: campaign.target.firmwares.join(', '),
                  }),
                  campaign.target.serialFrom
                    ? t('campaign.serials', {
                        from: campaign.target.serialFrom,
                        to: campaign.target.serialTo ?? '',
                      })
                    : '',
                ),
                h('td', {}, campaign.knownIssueId ?? ''),
                h('td', {}, fmtTime(campaign.createdAt)),
                h('td', {}, campaign.createdBy),
              ),
            ),
          ),
        ),
    h(
      'p',
      {},
      before ? h('a', { href: '#/campaigns' }, t('campaigns.newest')) : null,
      before && next ? ' ' : null,
      next ? h('a', { href: `#/campaigns?before=${encodeURIComponent(next)}` }, t('campaigns.older')) : null,
    ),
  );
}

/** @param {string} campaignId */
export async function campaignPage(campaignId) {
  if (!requireSession(['agent', 'admin'])) return;
  const mine = live.generation;
  const response = await api('GET', `/campaigns/${encodeURIComponent(campaignId)}`);
  if (mine !== live.generation) return;
  const title = h('h1', {}, t('campaign.title', { id: campaignId }));
  if (!response.ok) return show(title, problemBox(response.body));
  /** @type {{ campaign: Campaign, progress: Record<DeviceState, number>, devices: Device[] }} */
  const { campaign, progress, devices } = response.body;
  const { target } = campaign;
  show(
    title,
    h(
      'p',
      {},
      t('campaign.target', { model: target.model, firmwares: target.firmwares.join(', ') }),
      target.serialFrom ? t('campaign.serials', { from: target.serialFrom, to: target.serialTo ?? '' }) : '',
      '. ',
      campaign.knownIssueId ? t('campaign.fromIssue', { issue: campaign.knownIssueId }) : '',
      ' ',
      t('campaign.created', { at: fmtTime(campaign.createdAt), by: campaign.createdBy }),
    ),
    h(
      'section',
      { className: 'card', 'aria-labelledby': 'campaign-progress' },
      h('h2', { id: 'campaign-progress' }, t('campaign.progress')),
      h(
        'dl',
        { className: 'progress' },
        STATES.map((state) =>
          h(
            'div',
            {},
            h('dt', {}, t(`campaign.state.${state}`)),
            h('dd', { 'data-progress': state }, String(progress[state])),
          ),
        ),
      ),
    ),
    h(
      'section',
      { className: 'card', 'aria-labelledby': 'campaign-devices' },
      h('h2', { id: 'campaign-devices' }, t('campaign.devices')),
      devices.length === 0 ? h('p', {}, t('campaign.noDevices')) : devicesTable(devices),
      downloadButton(campaignId),
    ),
    h(
      'section',
      { className: 'card', 'aria-labelledby': 'campaign-message' },
      h('h2', { id: 'campaign-message' }, t('campaign.message')),
      // The template each owner's notice was made from: their serial where it says …, in plain words.
      h(
        'blockquote',
        {},
        plain(campaign.message.replaceAll('{serial}', '…').replaceAll('{serialInLink}', '…')),
      ),
    ),
  );
}

/** @param {Device[]} devices */
function devicesTable(devices) {
  const titles = ['serial', 'model', 'firmware', 'earlierCase', 'repairCase', 'state'].map((key) =>
    t(/** @type {any} */ (`campaign.${key}`)),
  );
  return h(
    'table',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        titles.map((title) => h('th', { scope: 'col' }, title)),
      ),
    ),
    h(
      'tbody',
      {},
      devices.map((device) =>
        h(
          'tr',
          { 'data-serial': device.serial, 'data-state': device.state },
          h('td', {}, device.serial),
          h('td', {}, device.model),
          h('td', {}, device.firmware),
          h('td', {}, caseLink(device.caseId)),
          h('td', {}, device.repairCaseId ? caseLink(device.repairCaseId) : ''),
          h('td', {}, t(`campaign.state.${device.state}`)),
        ),
      ),
    ),
  );
}

const caseLink = (/** @type {string} */ caseId) =>
  h('a', { href: `#/cases/${encodeURIComponent(caseId)}` }, caseId);

/** The CSV export, fetched with the session's token (a plain link carries none) and saved as a file. */
function downloadButton(/** @type {string} */ campaignId) {
  const status = h('div', { role: 'status' });
  const download = async () => {
    const response = await fetch(`/campaigns/${encodeURIComponent(campaignId)}?format=csv`, {
      headers: { authorization: `Bearer ${session.get()?.token}` },
    });
    if (!response.ok) {
      status.replaceChildren(problemBox(await response.json().catch(() => undefined)));
      return;
    }
    const url = URL.createObjectURL(await response.blob());
    const link = h('a', { href: url, download: `campaign-${campaignId}.csv` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return [
    h('button', { type: 'button', className: 'secondary', onclick: download }, t('campaign.download')),
    status,
  ];
}

/**
 * On the known-issues page: an admin starts a campaign from one of the issues, or from a model and
 * firmwares of their own; anyone there opens one by its id (the list is at #/campaigns).
 * @param {{ issueId: string, model: string, firmwares: string[], status: string }[]} issues
 */
export function campaignForms(issues) {
  return [session.get()?.role === 'admin' ? createForm(issues) : null, findForm()];
}

/** @param {{ issueId: string, model: string, firmwares: string[], status: string }[]} issues */
function createForm(issues) {
  const summary = h('div', { role: 'status' });
  const own = h(
    'fieldset',
    {},
    h('legend', {}, t('campaign.ownDefinition')),
    h(
      'div',
      { className: 'row' },
      // Required here (sent even when empty), so the API names each missing one rather than the whole request.
      field({ scope: 'campaign', pointer: '#/model', label: t('campaign.model'), required: true }),
      field({
        scope: 'campaign',
        pointer: '#/firmwares',
        label: t('campaign.firmwares'),
        hint: t('campaign.firmwaresHint'),
        required: true,
        attrs: { 'data-kind': 'list' },
      }),
    ),
    h(
      'div',
      { className: 'row' },
      field({ scope: 'campaign', pointer: '#/serialFrom', label: t('campaign.serialFrom') }),
      field({ scope: 'campaign', pointer: '#/serialTo', label: t('campaign.serialTo') }),
    ),
  );
  const open = issues.filter((issue) => issue.status !== 'dismissed');
  const issue = field({
    scope: 'campaign',
    pointer: '#/knownIssueId',
    label: t('campaign.issue'),
    type: 'select',
    options: [
      ['', t('campaign.ownDefinition')],
      ...open.map(
        (i) => /** @type {[string, string]} */ ([i.issueId, `${i.model}, ${i.firmwares.join(', ')}`]),
      ),
    ],
  });
  // A known issue names its own model and firmwares: the fields of one's own are then left out.
  issue.querySelector('select').addEventListener('change', (/** @type {Event} */ event) => {
    own.hidden = /** @type {HTMLSelectElement} */ (event.target).value !== '';
  });
  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (/** @type {Event} */ event) => {
        event.preventDefault();
        const request = readForm(form);
        const response = await api('POST', '/campaigns', request);
        if (report(form, summary, response, t('campaign.title', { id: request.campaignId })))
          location.hash = `#/campaigns/${encodeURIComponent(request.campaignId)}`;
      },
    },
    field({
      scope: 'campaign',
      pointer: '#/campaignId',
      label: t('campaign.id'),
      hint: t('campaign.idHint'),
      required: true,
    }),
    issue,
    own,
    h('button', { type: 'submit' }, t('campaign.create')),
  );
  return h(
    'section',
    { className: 'card', 'aria-labelledby': 'campaign-create' },
    h('h2', { id: 'campaign-create' }, t('campaign.createTitle')),
    h('p', { className: 'hint' }, t('campaign.createHint')),
    summary,
    form,
  );
}

function findForm() {
  const form = h(
    'form',
    {
      onsubmit: (/** @type {Event} */ event) => {
        event.preventDefault();
        const { campaignId } = readForm(form);
        if (campaignId) location.hash = `#/campaigns/${encodeURIComponent(campaignId)}`;
      },
    },
    field({ scope: 'find-campaign', pointer: '#/campaignId', label: t('campaign.id'), required: true }),
    h('button', { type: 'submit', className: 'secondary' }, t('campaign.open')),
  );
  return h(
    'section',
    { className: 'card', 'aria-labelledby': 'campaign-find' },
    h('h2', { id: 'campaign-find' }, t('campaign.findTitle')),
    form,
  );
}
