// @ts-check
// fairfix web: the customer portal and the staff consoles. Plain ES modules, no framework: every
// screen is a function that renders into <main> from the same HTTP API the tests and curl use.
// lib/ holds the DOM, API, form and word helpers; pages/ the screens; panels/ the parts of a case page.

import { knownIssuesPage } from './known-issues.js';
import { api, problemBox } from './lib/api.js';
import { app, h, show } from './lib/dom.js';
import { live, stopRefresh } from './lib/live.js';
import { finishProviderSignIn, renderSession } from './lib/session.js';
import { fmtTime, lang, t } from './lib/words.js';
import { campaignPage, campaignsPage } from './pages/campaign.js';
import { casePage, findPage } from './pages/case.js';
import { depotPage } from './pages/depot.js';
import { myCasesPage } from './pages/my-cases.js';
import { openCasePage } from './pages/open-case.js';
import { ownerPage } from './pages/owner.js';
import { reviewPage } from './pages/review.js';
import { homePage, requireSession } from './pages/sign-in.js';
import { visitReportPage } from './pages/visit-report.js';
import { visitsPage } from './pages/visits.js';
import { webhooksPage } from './pages/webhooks.js';
import { settingsPage } from './settings.js';

/** Shows the page the address names. */
function route() {
  live.generation++;
  stopRefresh();
  // A query after the path (`#/open?serial=…`, a campaign notice's link) is the page's to read.
  const [path = '/', query = ''] = (location.hash.replace(/^#/, '') || '/').split('?');
  const [, first, second, third] = path.split('/');
  if (first === 'open') openCasePage(new URLSearchParams(query));
  else if (first === 'find') findPage();
  else if (first === 'mine') myCasesPage(second ? decodeURIComponent(second) : undefined);
  else if (first === 'cases' && second) casePage(decodeURIComponent(second));
  else if (first === 'depot' && second === 'cases' && third) casePage(decodeURIComponent(third), 'depot');
  else if (first === 'depot') depotPage();
  else if (first === 'visits' && second && third)
    visitReportPage(decodeURIComponent(second), decodeURIComponent(third));
  else if (first === 'visits') visitsPage();
  else if (first === 'review' && second === 'cases' && third) casePage(decodeURIComponent(third), 'review');
  else if (first === 'review') reviewPage();
  else if (first === 'owner') ownerPage(second ? decodeURIComponent(second) : undefined);
  else if (first === 'settings') settingsPage({ h, show, api, requireSession, problemBox, fmtTime });
  else if (first === 'webhooks') webhooksPage();
  else if (first === 'campaigns' && second) campaignPage(decodeURIComponent(second));
  else if (first === 'campaigns') campaignsPage(new URLSearchParams(query).get('before') ?? undefined);
  else if (first === 'known-issues') knownIssuesPage({ h, show, api, requireSession, problemBox, fmtTime });
  else if (first === 'mailbox') import('./mailbox.js').then(({ mailboxPage }) => mailboxPage(h, show));
  else homePage();
  app.focus();
}

// The page speaks the reader's language: its navigation from the same catalogue as every screen.
document.documentElement.lang = lang();
for (const link of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('[data-words]')))
  link.textContent = t(/** @type {any} */ (link.dataset.words));

window.addEventListener('hashchange', route);
window.addEventListener('fairfix:signed-in', route);
// Back from the sign-in provider (`?code=…`): the session is taken in before the first page shows.
const failure = await finishProviderSignIn();
renderSession();
route();
if (failure) app.prepend(h('p', { role: 'alert', className: 'error' }, failure));
