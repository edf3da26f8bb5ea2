// @ts-check
// The session: a bearer token for one brand and role, kept for this tab only (sessionStorage), never
// in localStorage: closing the tab ends it.

import { completeSignIn, endIssuerSession, readClaims } from './oidc.js';
import { t } from './words.js';

/** @typedef {{ tenant: string, role: string, token: string, sub?: string, idToken?: string }} Session */

const KEY = 'fairfix:session';

export const session = {
  /** @returns {Session | null} */
  get() {
    try {
      return JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
    } catch {
      return null;
    }
  },
  /** @param {Session} value */
  set(value) {
    sessionStorage.setItem(KEY, JSON.stringify(value));
    renderSession();
  },
};

/** Says who is signed in, in the header, and shows the navigation's links for their role only. */
export function renderSession() {
  const box = /** @type {HTMLElement} */ (document.getElementById('session'));
  const current = session.get();
  for (const link of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('nav [data-roles]')))
    link.hidden = !(link.dataset.roles ?? '').split(' ').includes(current?.role ?? '');
  if (!current) return box.replaceChildren(t('session.none'));
  const out = document.createElement('button');
  out.type = 'button';
  out.className = 'link';
  out.textContent = t('session.signOut');
  out.addEventListener('click', signOut);
  box.replaceChildren(`${t('session.who', { role: current.role, brand: current.tenant })} `, out);
}

/**
 * Forgets the token (it lives only in this tab's session storage) and goes home; a session from the
 * sign-in provider is ended there too, when the provider offers that.
 */
export async function signOut() {
  const idToken = session.get()?.idToken;
  sessionStorage.removeItem(KEY);
  renderSession();
  location.hash = '#/';
  window.dispatchEvent(new Event('fairfix:signed-in'));
  if (idToken) await endIssuerSession(idToken);
}

/**
 * Takes the tokens the sign-in provider sent back (when the address is such a return) into the session.
 * @returns {Promise<string | undefined>} why the sign-in failed, if it did
 */
export async function finishProviderSignIn() {
  try {
    const done = await completeSignIn();
    if (!done) return undefined;
    const claims = decodeClaims(done.token);
    if (!claims?.tenant || !claims?.role)
      return 'The sign-in provider’s token has no brand (tenant) or role: ask your administrator to set them.';
    session.set({
      tenant: claims.tenant,
      role: claims.role,
      token: done.token,
      ...(claims.sub ? { sub: claims.sub } : {}),
      ...(done.idToken ? { idToken: done.idToken } : {}),
    });
    location.hash = done.returnTo;
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Local development sign-in: the local cloud signs tokens; on AWS the identity provider does.
 * @param {string} tenant
 * @param {string} role
 * @param {string} [sub] who, within the role (a technician's id); by default `role@tenant.example`
 */
export async function signIn(tenant, role, sub = `${role}@${tenant}.example`) {
  const response = await fetch('/_local/tokens', {
    method: 'POST',
    body: JSON.stringify({ tenant, role, sub }),
  });
  if (!response.ok) throw new Error('Sign-in is only available on the local cloud; paste a token instead.');
  const { token } = await response.json();
  session.set({ tenant, role, token, sub });
}

/**
 * The claims of a JWT, read (not verified: the API verifies every request) to show who is signed in.
 * @param {string} token
 * @returns {{ tenant?: string, role?: string, sub?: string } | undefined}
 */
export function decodeClaims(token) {
  return /** @type {{ tenant?: string, role?: string, sub?: string } | undefined} */ (readClaims(token));
}
