// @ts-check
// Sign-in with OpenID Connect: the authorization code flow with PKCE (RFC 7636, S256), a state and a
// nonce, in the browser with WebCrypto. The site's /config.json names the issuer: on AWS the one the
// stack was given, or its Cognito user pool; locally the local cloud's development issuer.
// Nothing goes to localStorage: the verifier waits in sessionStorage for the one round trip to the
// issuer and is gone after it; the tokens stay in this tab's session (see session.js).

/**
 * @typedef {{
 *   issuer: string,
 *   clientId: string,
 *   discoveryUrl?: string,
 *   scope?: string,
 *   bearer?: 'access_token' | 'id_token',
 *   logoutUrl?: string,
 *   localSignIn?: boolean,
 * }} SignInConfig
 * `bearer` is the token the API is sent: an issuer's access token for the API's audience, or, with
 * Cognito (whose access tokens carry no custom claims), the ID token. `logoutUrl` is for issuers whose
 * discovery names no end_session_endpoint (Cognito's /logout). `localSignIn` says the local cloud's
 * quick sign-in (POST /_local/tokens) is there too.
 */

/** @typedef {{ authorization_endpoint: string, token_endpoint: string, end_session_endpoint?: string, issuer: string }} Discovery */

const PENDING = 'fairfix:sign-in-pending';

/** @type {Promise<SignInConfig | null> | undefined} */
let configLoad;

/** The site's sign-in configuration, or null when the site has none (then only a pasted token signs in). */
export function signInConfig() {
  configLoad ??= fetch('/config.json', { headers: { accept: 'application/json' } })
    .then((response) => (response.ok ? response.json() : null))
    .then((config) => (config?.issuer && config?.clientId ? /** @type {SignInConfig} */ (config) : null))
    .catch(() => null);
  return configLoad;
}

/**
 * The issuer's discovery document, checked to be the issuer's own.
 * @param {SignInConfig} config
 * @returns {Promise<Discovery>}
 */
async function discover(config) {
  const address =
    config.discoveryUrl ?? `${config.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(address, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`The sign-in provider did not answer (${response.status}).`);
  const document = await response.json();
  if (document.issuer !== config.issuer) throw new Error('The sign-in provider names another issuer.');
  return document;
}

/** @param {Uint8Array | ArrayBuffer} bytes */
const base64url = (bytes) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

const randomText = () => base64url(crypto.getRandomValues(new Uint8Array(32)));

/** Where the issuer sends the browser back: the site's root, which finishes the sign-in. */
const redirectUri = () => `${location.origin}/`;

/**
 * Sends the browser to the issuer to sign in, remembering (for this round trip only) the verifier,
 * state and nonce, and the page to come back to.
 */
export async function beginSignIn() {
  const config = await signInConfig();
  if (!config) throw new Error('This site has no sign-in provider configured; paste a token instead.');
  const { authorization_endpoint } = await discover(config);
  const verifier = randomText();
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const state = randomText();
  const nonce = randomText();
  sessionStorage.setItem(
    PENDING,
    JSON.stringify({ verifier, state, nonce, returnTo: location.hash || '#/' }),
  );
  const target = new URL(authorization_endpoint);
  for (const [name, value] of Object.entries({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    scope: config.scope ?? 'openid',
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }))
    target.searchParams.set(name, value);
  location.assign(target.href);
}

/**
 * Finishes a sign-in the issuer sent the browser back from (`?code=…&state=…` on the address): checks the
 * state, redeems the code with the verifier, checks the ID token's nonce. Returns undefined when the
 * address is no such return.
 * @returns {Promise<{ token: string, idToken?: string, returnTo: string } | undefined>}
 */
export async function completeSignIn() {
  const query = new URLSearchParams(location.search);
  const code = query.get('code');
  const error = query.get('error');
  if (!code && !error) return undefined;
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null');
  // The verifier is for this one answer: whatever happens next, it is spent.
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, '', `${location.pathname}${pending?.returnTo ?? '#/'}`);
  if (error) throw new Error(`The sign-in provider refused: ${query.get('error_description') ?? error}.`);
  if (!pending || query.get('state') !== pending.state)
    throw new Error('This sign-in answer is not for a sign-in started here; please sign in again.');
  const config = await signInConfig();
  if (!config) throw new Error('This site has no sign-in provider configured.');
  const { token_endpoint } = await discover(config);
  const response = await fetch(token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: /** @type {string} */ (code),
      redirect_uri: redirectUri(),
      client_id: config.clientId,
      code_verifier: pending.verifier,
    }),
  });
  const tokens = await response.json().catch(() => ({}));
  if (!response.ok)
    throw new Error(`Sign-in failed: ${tokens.error_description ?? tokens.error ?? response.status}.`);
  // The ID token came straight from the issuer over TLS (OpenID Connect Core §3.1.3.7); its nonce
  // proves it answers this sign-in, not a replayed one.
  const idClaims = tokens.id_token ? readClaims(tokens.id_token) : undefined;
  if (!idClaims || idClaims.nonce !== pending.nonce)
    throw new Error('The sign-in answer is not for this sign-in (its nonce differs); please sign in again.');
  const token = config.bearer === 'id_token' ? tokens.id_token : tokens.access_token;
  if (!token) throw new Error('The sign-in provider sent no token for the API.');
  return { token, idToken: tokens.id_token, returnTo: pending.returnTo };
}

/**
 * Ends the session at the issuer too, when it offers that: the browser goes there and comes back home.
 * @param {string | undefined} idToken
 */
export async function endIssuerSession(idToken) {
  const config = await signInConfig();
  if (!config) return;
  if (config.logoutUrl) {
    const target = new URL(config.logoutUrl);
    target.searchParams.set('client_id', config.clientId);
    target.searchParams.set('logout_uri', redirectUri());
    return location.assign(target.href);
  }
  const { end_session_endpoint } = await discover(config).catch(() => ({ end_session_endpoint: undefined }));
  if (!end_session_endpoint) return;
  const target = new URL(end_session_endpoint);
  target.searchParams.set('client_id', config.clientId);
  target.searchParams.set('post_logout_redirect_uri', redirectUri());
  if (idToken) target.searchParams.set('id_token_hint', idToken);
  location.assign(target.href);
}

/**
 * A JWT's claims, read without checking its signature (the API checks every request's token).
 * @param {string} token
 * @returns {Record<string, unknown> | undefined}
 */
export function readClaims(token) {
  try {
    const payload = (token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(payload), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}
