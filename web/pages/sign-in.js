// @ts-check
// Signing in (with the site's OpenID Connect provider, the local cloud's development sign-in, or a
// pasted token) and the home page.

import { h, show } from '../lib/dom.js';
import { field } from '../lib/forms.js';
import { beginSignIn, signInConfig } from '../lib/oidc.js';
import { decodeClaims, session, signIn } from '../lib/session.js';
import { t } from '../lib/words.js';

/** Tells the router to show the current page again, now that someone is signed in. */
const signedIn = () => window.dispatchEvent(new Event('fairfix:signed-in'));

/**
 * The session, if its role may see the page; otherwise the page asks to sign in and this says null.
 * @param {string[]} [role] the roles the page is for; any role when absent
 */
export function requireSession(role) {
  const current = session.get();
  if (current && (!role || role.includes(current.role))) return current;
  show(h('h1', {}, t('signin.first')), signInPanel(role));
  return null;
}

export function signInPanel(roles = ['customer', 'depot']) {
  const brand = field({
    pointer: '#/tenant',
    label: t('signin.brand'),
    type: 'select',
    options: [
      ['acme', 'Acme Devices'],
      ['globex', 'Globex Appliances'],
    ],
  });
  // Technicians are known by their id (their visits are assigned to it); others may leave it empty.
  const who = roles.includes('technician')
    ? field({
        pointer: '#/sub',
        label: 'Your staff id (optional)',
        hint: 'A technician signs in with their id, for example tech-ines.',
        attrs: { autocomplete: 'username' },
      })
    : null;
  const pasted = field({
    pointer: '#/token',
    label: t('signin.paste'),
    type: 'password',
    attrs: { autocomplete: 'off' },
  });
  const status = h('p', { role: 'status' });
  const provider = h(
    'button',
    {
      type: 'button',
      hidden: true,
      onclick: () =>
        beginSignIn().catch((error) => {
          status.textContent = error instanceof Error ? error.message : String(error);
        }),
    },
    t('signin.provider'),
  );
  const local = h(
    'div',
    {},
    h('p', {}, t('signin.local')),
    brand,
    who,
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
                await signIn(
                  brand.querySelector('select').value,
                  role,
                  who?.querySelector('input').value.trim() || undefined,
                );
                signedIn();
              } catch (error) {
                status.textContent = error instanceof Error ? error.message : String(error);
              }
            },
          },
          `Sign in as ${role}`,
        ),
      ),
    ),
  );
  // The site's provider signs in for real; the quick role buttons are the local cloud's alone.
  void signInConfig().then((config) => {
    provider.hidden = !config;
    if (config && !config.localSignIn) local.remove();
  });
  const useToken = (event) => {
    event.preventDefault();
    const token = pasted.querySelector('input').value.trim();
    const claims = decodeClaims(token);
    if (!claims?.tenant || !claims?.role) {
      status.textContent = 'That is not a fairfix token: it needs the claims tenant and role.';
      return;
    }
    session.set({ tenant: claims.tenant, role: claims.role, token });
    signedIn();
  };
  return h(
    'div',
    { className: 'card' },
    provider,
    local,
    h(
      'form',
      { onsubmit: useToken },
      pasted,
      h('button', { type: 'submit', className: 'secondary' }, t('signin.useToken')),
    ),
    status,
  );
}

/** The home page: what fairfix does, and sign-in for every role. */
export function homePage() {
  show(
    h('h1', {}, t('home.title')),
    h(
      'p',
      {},
      'Open a repair case with a prepaid label, follow every step with its deadline and who owns it, or work a depot queue.',
    ),
    signInPanel(['customer', 'depot', 'technician', 'agent']),
    h(
      'ul',
      {},
      h('li', {}, h('a', { href: '#/open' }, t('nav.open'))),
      h('li', {}, h('a', { href: '#/find' }, t('nav.find'))),
      h('li', {}, h('a', { href: '#/depot' }, t('nav.depot'))),
      h('li', {}, h('a', { href: '#/visits' }, t('nav.visits'))),
      h('li', {}, h('a', { href: '#/owner' }, t('nav.owner'))),
      h('li', {}, h('a', { href: '#/known-issues' }, t('nav.knownIssues'))),
    ),
  );
}
