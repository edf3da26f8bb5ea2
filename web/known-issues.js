// fairfix web: the brand's known issues, for its agents and admin (docs/known-issues.md). Each issue
// with the cases that raised it; a person confirms it, widens its firmware range, or dismisses it with
// a reason its customers will read. Below them, an admin starts a service campaign (web/pages/campaign.js).

import { campaignForms } from './pages/campaign.js';

/** The page, rendered with the app's own helpers (passed in, as settings.js takes them). */
export async function knownIssuesPage({ h, show, api, requireSession, problemBox, fmtTime }) {
  const signedIn = requireSession(['agent', 'admin']);
  if (!signedIn) return;
  const listed = await api('GET', '/known-issues');
  if (!listed.ok) {
    show(h('h1', {}, 'Known issues'), problemBox(listed.body, 'The known issues could not be read.'));
    return;
  }
  const rerender = () => knownIssuesPage({ h, show, api, requireSession, problemBox, fmtTime });
  show(
    h('h1', {}, 'Known issues'),
    h(
      'p',
      { className: 'hint' },
      'Several devices of one model and firmware reporting the same symptom or fault: their cases are charged nothing while an issue stands.',
    ),
    listed.body.items.length === 0
      ? h('p', {}, 'No known issue: no symptom or fault has reached the brand’s threshold.')
      : listed.body.items.map((issue) => issueCard(issue, { h, api, problemBox, fmtTime, rerender })),
    campaignForms(listed.body.items),
  );
}

function issueCard(issue, { h, api, problemBox, fmtTime, rerender }) {
  const status = h('div', { role: 'status' });
  const decide = async (body) => {
    const response = await api('POST', `/known-issues/${issue.issueId}/decisions`, {
      decisionId: crypto.randomUUID(),
      ...body,
    });
    if (response.ok) rerender();
    else
      status.replaceChildren(
        problemBox(response.body),
        h(
          'ul',
          {},
          (response.body?.errors ?? []).map((error) => h('li', {}, error.detail)),
        ),
      );
  };
  const firmwares = h('input', { id: `widen-${issue.issueId}`, placeholder: '3.1.1, 3.1.2' });
  const reason = h('textarea', { id: `dismiss-${issue.issueId}`, rows: 2 });
  const label = (input, text) => h('label', { for: input.id }, text);
  return h(
    'section',
    { className: 'card', 'data-issue': issue.issueId, 'data-status': issue.status },
    h('h2', {}, `${issue.model} on firmware ${issue.firmwares.join(', ')}`),
    h(
      'p',
      {},
      `${issue.kind === 'symptom' ? 'Symptom' : 'Fault code'} ${issue.what}; opened ${fmtTime(issue.openedAt)}; `,
      h('strong', {}, issue.status),
      issue.dismissal ? ` (${issue.dismissal.reason})` : '',
    ),
    h('p', {}, `Raised by ${issue.raisedBy.length} cases: ${issue.raisedBy.join(', ')}`),
    issue.status === 'dismissed'
      ? null
      : h(
          'div',
          { className: 'actions' },
          issue.status === 'open'
            ? h('button', { type: 'button', onclick: () => decide({ action: 'confirm' }) }, 'Confirm')
            : null,
          label(firmwares, 'Widen to firmware'),
          firmwares,
          h(
            'button',
            {
              type: 'button',
              className: 'secondary',
              onclick: () =>
                decide({
                  action: 'widen',
                  firmwares: firmwares.value
                    .split(',')
                    .map((value) => value.trim())
                    .filter(Boolean),
                }),
            },
            'Widen',
          ),
          label(reason, 'Why dismiss it (customers read this)'),
          reason,
          h(
            'button',
            {
              type: 'button',
              className: 'secondary',
              onclick: () => decide({ action: 'dismiss', reason: reason.value }),
            },
            'Dismiss',
          ),
        ),
    status,
  );
}
