// @ts-check
// A case's page, for its customer and for the depot: where it stands, who owns it, what comes next,
// what the person can do now, and its timeline.

import { api, downloadDocument, problemBox } from '../lib/api.js';
import { app, h, show } from '../lib/dom.js';
import { field } from '../lib/forms.js';
import { keepCurrent, keepHeld, live, stopRefresh } from '../lib/live.js';
import { session } from '../lib/session.js';
import { fmtTime, stateWords, statusWords, t } from '../lib/words.js';
import { agentActions } from '../panels/agent-actions.js';
import { custodyPanel, decisionsPanel, knownIssuePanel, visitsPanel } from '../panels/case-facts.js';
import { ADDRESS_STEP, addressPanel, escalatePanel, estimatePanel, surveyPanel } from '../panels/customer.js';
import { depotActions } from '../panels/depot-actions.js';
import { noticesPanel, timelinePanel } from '../panels/journal.js';
import { requireSession } from './sign-in.js';

/** The customer finds a case by its number. */
export function findPage() {
  if (!requireSession()) return;
  const input = field({ pointer: '#/caseId', label: t('find.number'), hint: t('find.hint') });
  show(
    h('h1', {}, t('nav.find')),
    h(
      'form',
      {
        onsubmit: (e) => {
          e.preventDefault();
          location.hash = `#/cases/${input.querySelector('input').value.trim()}`;
        },
      },
      input,
      h('button', { type: 'submit' }, t('find.show')),
    ),
  );
}

/**
 * @param {string} caseId
 * @param {'customer' | 'depot' | 'review'} [view] the customer's view with their answers, the depot's
 *   with its actions (and an agent's), or a reviewer's, which reads and changes nothing
 */
export async function casePage(caseId, view = 'customer') {
  const depotView = view !== 'customer';
  const staff = view === 'depot';
  if (!requireSession(view === 'review' ? ['reviewer', 'agent'] : staff ? ['depot', 'agent'] : undefined))
    return;
  const mine = live.generation;
  /** The ETag of the case as shown: the page asks only whether it changed (304 while it has not). */
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
    if (!response.ok) return show(h('h1', {}, 'Case'), problemBox(response.body));
    const kase = response.body;
    // Staff see the customer's other cases beside this one (P3): no one explains twice.
    const others = staff
      ? await api('GET', `/customers/${encodeURIComponent(kase.customer.email)}/cases?limit=10`)
      : undefined;
    if (mine !== live.generation) return;
    shown = response.headers.etag ?? '';
    // A case handed to a person (the case desk) is theirs until it climbs above the level they took it at.
    const handover =
      kase.handover?.status === 'open' && kase.escalationLevel <= kase.handover.level
        ? { role: kase.handover.owner.name, contact: kase.handover.owner.contact }
        : undefined;
    const owner =
      handover ??
      kase.escalation ??
      kase.escalationPath[Math.min(kase.escalationLevel, kase.escalationPath.length - 1)];
    const rerender = () => render(true);
    const focused = document.activeElement?.id;
    const screen = document.createDocumentFragment();
    screen.append(
      h('h1', {}, `Case ${kase.caseId}`),
      ...(view === 'review' ? [h('p', { className: 'hint' }, t('review.readOnly'))] : []),
      flash,
      h(
        'div',
        { className: 'card' },
        h(
          'p',
          {},
          h('strong', {}, `${t('case.status')}: `),
          h('span', { className: 'badge', 'data-status': kase.status }, statusWords(kase.status)),
          kase.outcome ? h('span', { className: 'badge' }, kase.outcome) : null,
        ),
        h(
          'p',
          {},
          h('strong', {}, t('case.next')),
          `${kase.nextStep.name}, by ${fmtTime(kase.nextStep.deadline)}.`,
        ),
        owner ? h('p', {}, h('strong', {}, t('case.ownedBy')), `${owner.role} (${owner.contact})`) : null,
        kase.followUp
          ? h(
              'p',
              {},
              h('strong', {}, t('case.followUp')),
              `${kase.followUp.owner.name} (${kase.followUp.owner.role}, ${kase.followUp.owner.contact}) contacts you by ${fmtTime(kase.followUp.due)}.`,
            )
          : null,
        kase.entitlement ? h('p', {}, h('strong', {}, t('case.cover')), kase.entitlement.reason) : null,
        h('p', {}, h('strong', {}, t('case.device')), `${kase.device.model}, serial ${kase.device.serial}`),
      ),
      kase.shipments.length > 0
        ? h(
            'section',
            {},
            h('h2', {}, t('case.shipments')),
            h(
              'ul',
              {},
              kase.shipments.map((s) =>
                h(
                  'li',
                  {},
                  `${s.direction === 'to-depot' ? t('case.toDepot') : t('case.toYou')}: ${s.trackingNumber}, ${stateWords(s.status)}. `,
                  h(
                    'button',
                    {
                      type: 'button',
                      className: 'secondary',
                      onclick: () =>
                        downloadDocument(kase.caseId, s.labelDocumentId, `label-${s.trackingNumber}.pdf`),
                    },
                    t('case.label'),
                  ),
                ),
              ),
            ),
          )
        : null,
      ...[
        kase.knownIssue ? knownIssuePanel(kase) : null,
        kase.decisions.length > 0 ? decisionsPanel(kase) : null,
        kase.visitOffer || kase.visits.length > 0 ? visitsPanel(kase, rerender, depotView) : null,
        custodyPanel(kase, rerender, depotView),
        !depotView && kase.waitingFor?.step === ADDRESS_STEP ? addressPanel(kase, rerender) : null,
        !depotView && kase.estimate?.status === 'awaiting-answer' ? estimatePanel(kase, rerender) : null,
        !depotView && kase.waitingFor?.step === 'Wait for survey answer' ? surveyPanel(kase, rerender) : null,
        !depotView && kase.status !== 'closed' ? escalatePanel(kase, rerender) : null,
        staff ? depotActions(kase, rerender) : null,
        ...(staff && session.get()?.role === 'agent' ? agentActions(kase, rerender) : []),
        others?.ok ? customerCasesPanel(kase, others.body) : null,
        noticesPanel(kase),
        timelinePanel(kase),
      ].filter(Boolean),
    );
    // What the person typed, and any error they have not fixed, stay as they are (issue 16).
    keepHeld(app, screen);
    show(screen);
    if (focused) document.getElementById(focused)?.focus();
  };
  stopRefresh();
  await render();
  // The workflow moves on its own: the page asks every few seconds whether the case changed.
  keepCurrent(() => render());
}

/** The customer's other cases, newest first, for staff (P3). */
function customerCasesPanel(kase, page) {
  const others = page.cases.filter((other) => other.caseId !== kase.caseId);
  return h(
    'section',
    { 'aria-labelledby': 'customer-cases' },
    h('h2', { id: 'customer-cases' }, `${kase.customer.name}’s other cases`),
    others.length === 0
      ? h('p', {}, t('case.firstCase'))
      : h(
          'ul',
          {},
          others.map((other) =>
            h(
              'li',
              {},
              h('a', { href: `#/depot/cases/${other.caseId}` }, other.caseId),
              ` opened ${fmtTime(other.openedAt)}: ${other.device.model} (${other.device.serial}), ${other.problem.category}, ${statusWords(other.status)}.`,
            ),
          ),
        ),
  );
}
