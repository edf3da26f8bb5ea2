// @ts-check
// The session: a bearer token for one brand and role, kept for this tab only (sessionStorage).

/** @typedef {{ tenant: string, role: string, token: string, sub?: string }} Session */

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
  if (!current) return box.replaceChildren('Not signed in');
  const out = document.createElement('button');
  out.type = 'button';
  out.className = 'link';
  out.textContent = 'Sign out';
  out.addEventListener('click', signOut);
  box.replaceChildren(`Signed in: ${current.role} of ${current.tenant} `, out);
}

/** Forgets the token (it lives only in this tab's session storage) and goes home. */
export function signOut() {
  sessionStorage.removeItem(KEY);
  renderSession();
  location.hash = '#/';
  window.dispatchEvent(new Event('fairfix:signed-in'));
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
  try {
    return JSON.parse(atob((token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    return undefined;
  }
}
