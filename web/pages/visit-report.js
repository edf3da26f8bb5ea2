// @ts-check
// A visit's report, on the technician's device: check-in, parts used and removed, the outcome, and the
// customer's sign-off, each offered when the visit can take it, each kept as typed through refreshes.

import { api, problemBox } from '../lib/api.js';
import { app, h, show } from '../lib/dom.js';
import { field, readForm, report } from '../lib/forms.js';
import { keepCurrent, keepHeld, live, refreshLater, stopRefresh } from '../lib/live.js';
import { fmtTime, visitWords } from '../lib/words.js';
import { requireSession } from './sign-in.js';

/** What each visit status still lets the technician report. */
const TAKES = {
  booked: ['checked-in'],
  'checked-in': ['parts-used', 'part-removed', 'outcome'],
  reported: ['parts-used', 'part-removed', 'signed-off'],
};

/**
 * @param {string} caseId
 * @param {string} visitId
 */
export async function visitReportPage(caseId, visitId) {
  if (!requireSession(['technician', 'agent'])) return;
  const mine = live.generation;
  let shown = '';
  const flash = h('div', { id: 'flash', role: 'status', className: 'flash' });
  const render = async (force = false) => {
    const response = await api(
      'GET',
      `/cases/${encodeURIComponent(caseId)}`,
      undefined,
      shown && !force ? { 'if-none-match': shown } : {},
    );
    if (mine !== live.generation || response.status === 304) return;
    if (!response.ok) return show(h('h1', {}, 'Visit report'), problemBox(response.body));
    shown = response.headers.etag ?? '';
    const kase = response.body;
    const visit = kase.visits.find((/** @type {{ visitId: string }} */ v) => v.visitId === visitId);
    if (!visit)
      return show(h('h1', {}, 'Visit report'), problemBox({ title: `No ${visitId} on ${caseId}.` }));
    const takes = /** @type {Record<string, string[]>} */ (TAKES)[visit.status] ?? [];
    const rerender = () => render(true);
    const screen = document.createDocumentFragment();
    screen.append(
      h('h1', {}, `Visit report: ${caseId}`),
      flash,
      h(
        'div',
        { className: 'card' },
        h('p', {}, h('span', { className: 'badge', 'data-status': visit.status }, visitWords(visit.status))),
        h(
          'p',
          {},
          h('strong', {}, 'When: '),
          `${fmtTime(visit.window.start)} – ${fmtTime(visit.window.end)}`,
        ),
        h('p', {}, h('strong', {}, 'Customer: '), `${kase.customer.name}, ${kase.customer.address ?? ''}`),
        h(
          'p',
          {},
          h('strong', {}, 'Device: '),
          `${kase.device.model} (${kase.device.serial}): ${kase.problem.description}`,
        ),
        visit.partsUsed?.length
          ? h('p', {}, h('strong', {}, 'Parts used: '), visit.partsUsed.join(', '))
          : null,
        visit.outcome
          ? h('p', {}, h('strong', {}, 'Outcome: '), `${visit.outcome.result} (${visit.outcome.faultCode})`)
          : null,
      ),
      takes.length === 0 ? h('p', { className: 'hint' }, 'Nothing more to report on this visit.') : null,
      ...reportForms(caseId, visitId, kase, rerender)
        .filter(([type]) => takes.includes(type))
        .map(([, panel]) => panel),
      h('p', {}, h('a', { href: '#/visits' }, 'Back to my visits')),
    );
    keepHeld(app, screen);
    show(screen);
  };
  stopRefresh();
  await render();
  keepCurrent(() => render());
}

/**
 * One panel per report, each with the event type it sends.
 * @param {string} caseId
 * @param {string} visitId
 * @param {any} kase
 * @param {() => unknown} rerender
 * @returns {[string, HTMLElement][]}
 */
function reportForms(caseId, visitId, kase, rerender) {
  /**
   * @param {string} type
   * @param {string} title
   * @param {string} button
   * @param {(value: Record<string, any>) => Record<string, unknown>} body
   * @param {unknown[]} fields
   * @returns {[string, HTMLElement]}
   */
  const panel = (type, title, button, body, fields) => {
    const summary = h('div', { role: 'status' });
    const form = h(
      'form',
      {
        novalidate: true,
        onsubmit: async (/** @type {Event} */ event) => {
          event.preventDefault();
          const response = await api('POST', `/cases/${caseId}/visits/${visitId}/events`, {
            eventId: crypto.randomUUID(),
            occurredAt: new Date().toISOString(),
            type,
            ...body(readForm(form)),
          });
          if (report(form, summary, response, `${title}: recorded.`)) refreshLater(rerender, 300);
        },
      },
      fields,
      h('button', { type: 'submit' }, button),
    );
    return [
      type,
      h('section', { className: 'card', 'data-panel': `visit-${type}` }, h('h2', {}, title), summary, form),
    ];
  };
  return [
    panel('checked-in', 'Check-in', 'I have arrived', () => ({}), []),
    panel('parts-used', 'Parts used', 'Record the parts used', (value) => ({ parts: value.parts ?? [] }), [
      field({
        scope: 'used',
        pointer: '#/parts',
        label: 'Parts used',
        hint: 'Separate with commas.',
        attrs: { 'data-kind': 'list' },
      }),
    ]),
    panel(
      'part-removed',
      'A part removed',
      'Record the removed part',
      (value) => ({
        description: value.description ?? '',
        category: value.category,
        ...(value.serial ? { serial: value.serial } : {}),
      }),
      [
        field({ scope: 'removed', pointer: '#/description', label: 'Part', required: true }),
        field({
          scope: 'removed',
          pointer: '#/category',
          label: 'Kind of part',
          type: 'select',
          required: true,
          options: [
            ['board', 'Main board (may hold data)'],
            ['drive', 'Drive (holds data)'],
            ['memory-card', 'Memory card (holds data)'],
            ['battery', 'Battery'],
            ['screen', 'Screen'],
            ['other', 'Other'],
          ],
        }),
        field({ scope: 'removed', pointer: '#/serial', label: 'Part serial' }),
      ],
    ),
    panel(
      'outcome',
      'Outcome',
      'Record the outcome',
      (value) => ({
        result: value.result,
        faultCode: value.faultCode ?? '',
        needsDepot: value.needsDepot === true,
      }),
      [
        field({
          scope: 'outcome',
          pointer: '#/result',
          label: 'Result',
          type: 'select',
          required: true,
          options: [
            ['fixed', 'Fixed'],
            ['not-fixed', 'Not fixed'],
            ['botched', 'Made it worse'],
          ],
        }),
        field({
          scope: 'outcome',
          pointer: '#/faultCode',
          label: 'Fault code',
          required: true,
          value: kase.diagnosis?.faultCode,
        }),
        field({ scope: 'outcome', pointer: '#/needsDepot', label: 'It needs the depot', type: 'checkbox' }),
      ],
    ),
    panel(
      'signed-off',
      'The customer’s sign-off',
      'Sign off the visit',
      (value) => ({ signedBy: value.signedBy ?? '', accepted: value.accepted === true }),
      [
        h('p', { className: 'hint' }, 'Hand the device to the customer: they sign here.'),
        field({
          scope: 'sign',
          pointer: '#/signedBy',
          label: 'Customer’s name',
          required: true,
          value: kase.customer.name,
          attrs: { autocomplete: 'off' },
        }),
        field({
          scope: 'sign',
          pointer: '#/accepted',
          label: 'I accept the work done',
          type: 'checkbox',
          value: true,
        }),
      ],
    ),
  ];
}
