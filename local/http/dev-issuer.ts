import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { Tenant } from '../../functions/api/http-handler.ts';
import { Role } from '../../functions/api/operations.ts';
import { BodyTooLargeError, readBody } from '../body.ts';
import { EXAMPLE_BRANDS } from '../brands.ts';
import { currentDefaultSubject, type DevTokens, LOCAL_ISSUER } from './dev-tokens.ts';

/** The web app's client id at the local issuer, as a real issuer would register it. */
export const LOCAL_CLIENT_ID = 'fairfix-web';
/** The issuer's endpoints live under the development endpoints, so FAIRFIX_DEV_ENDPOINTS=off ends them too. */
const BASE = '/_local/oidc';
/** A code is for the redirect straight after sign-in; one not redeemed within a minute is void. */
const CODE_TTL_MS = 60_000;
const TOKEN_TTL_SECONDS = 3_600;
const FORM_LIMIT = 16_384;

const Authorize = z.object({
  response_type: z.literal('code', 'Only the authorization code flow is offered: response_type=code.'),
  client_id: z.literal(LOCAL_CLIENT_ID, `The local issuer knows one client: ${LOCAL_CLIENT_ID}.`),
  redirect_uri: z.string('Give the redirect_uri.'),
  scope: z.string().optional(),
  state: z.string('Send a state, to tie the answer to the request.').min(8).max(512),
  nonce: z.string('Send a nonce, to tie the ID token to the request.').min(8).max(512),
  // PKCE is required: a code is worth nothing without the verifier only the requesting tab holds.
  code_challenge: z
    .string('PKCE is required: send a code_challenge.')
    .regex(
      /^[A-Za-z0-9_-]{43}$/,
      'The code_challenge is the base64url SHA-256 of the verifier: 43 characters.',
    ),
  code_challenge_method: z.literal('S256', 'PKCE with code_challenge_method=S256 is required.'),
});
type Authorize = z.infer<typeof Authorize>;

const Choice = Authorize.extend({
  tenant: Tenant,
  role: Role,
  sub: z.string().trim().max(128, 'Give at most 128 characters.').optional(),
});

const TokenRequest = z.object({
  grant_type: z.literal('authorization_code'),
  code: z.string().min(1),
  redirect_uri: z.string(),
  client_id: z.literal(LOCAL_CLIENT_ID),
  code_verifier: z.string().regex(/^[A-Za-z0-9._~-]{43,128}$/),
});

interface Grant {
  tenant: string;
  role: string;
  sub: string;
  redirectUri: string;
  challenge: string;
  nonce: string;
  expiresAt: number;
}

/**
 * The local cloud as a development OpenID Connect issuer: discovery, an /authorize page where one picks
 * brand, role and subject, and a /token endpoint that checks the PKCE verifier, so the web app runs the
 * same authorization code flow with PKCE it runs against a real issuer on AWS. It signs the tokens
 * POST /_local/tokens signs. It also serves the site's /config.json, naming itself as the issuer.
 */
export class DevIssuer {
  private readonly grants = new Map<string, Grant>();

  constructor(private readonly tokens: DevTokens) {}

  /** Codes live in real time: a test may run the cloud's clock fast, but a browser redirect takes what it takes. */
  private now = () => Date.now();

  /** Answers the request if it is the issuer's (or the site's config), and says whether it was. */
  async serve(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> {
    const origin = `http://${request.headers.host ?? '127.0.0.1'}`;
    const method = request.method ?? 'GET';
    const route = `${method} ${url.pathname}`;
    if (route === 'GET /config.json')
      return send(response, 200, {
        issuer: LOCAL_ISSUER,
        clientId: LOCAL_CLIENT_ID,
        // The issuer's name is not a reachable address locally; its discovery document is here.
        discoveryUrl: `${origin}${BASE}/.well-known/openid-configuration`,
        bearer: 'access_token',
        // The quick sign-in buttons (POST /_local/tokens) stay for every role.
        localSignIn: true,
      });
    if (route === `GET ${BASE}/.well-known/openid-configuration`)
      return send(response, 200, {
        issuer: LOCAL_ISSUER,
        authorization_endpoint: `${origin}${BASE}/authorize`,
        token_endpoint: `${origin}${BASE}/token`,
        end_session_endpoint: `${origin}${BASE}/logout`,
        jwks_uri: `${origin}${BASE}/jwks`,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code'],
        code_challenge_methods_supported: ['S256'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['ES256'],
        token_endpoint_auth_methods_supported: ['none'],
        scopes_supported: ['openid'],
        claims_supported: ['sub', 'tenant', 'role'],
      });
    if (route === `GET ${BASE}/jwks`) return send(response, 200, { keys: [this.tokens.jwk] });
    if (route === `GET ${BASE}/authorize`) return this.authorizePage(response, url, origin);
    if (route === `POST ${BASE}/authorize`) return this.authorize(request, response, origin);
    if (route === `POST ${BASE}/token`) return this.token(request, response);
    if (route === `GET ${BASE}/logout`) return this.logout(response, url, origin);
    return false;
  }

  private authorizePage(response: ServerResponse, url: URL, origin: string): boolean {
    const params = Object.fromEntries(url.searchParams);
    const refusal = this.refusal(Authorize, params, origin);
    if (refusal) return page(response, 400, 'Sign-in refused', refusal);
    const request = params as Authorize;
    const hidden = Object.keys(Authorize.shape)
      .filter((name) => request[name as keyof Authorize] !== undefined)
      .map(
        (name) =>
          `<input type="hidden" name="${name}" value="${htmlText(request[name as keyof Authorize] ?? '')}">`,
      )
      .join('\n      ');
    const brands = readdirSync(EXAMPLE_BRANDS)
      .filter((file) => file.endsWith('.json'))
      .map((file) => `<option value="${htmlText(file.replace(/\.json$/, ''))}"></option>`)
      .join('');
    const roles = Role.options.map((role) => `<option value="${role}">${role}</option>`).join('');
    return page(
      response,
      200,
      'Sign in to fairfix (local)',
      `<p>The local cloud signs you in as anyone: choose a brand, a role and, if you like, who you are.</p>
    <form method="post" action="${BASE}/authorize">
      ${hidden}
      <p><label for="tenant">Brand</label><br><input id="tenant" name="tenant" list="brands" value="acme" required pattern="[a-z0-9\\-]{2,40}"></p>
      <datalist id="brands">${brands}</datalist>
      <p><label for="role">Role</label><br><select id="role" name="role">${roles}</select></p>
      <p><label for="sub">Who (optional)</label><br><input id="sub" name="sub" autocomplete="username" aria-describedby="sub-hint">
      <br><small id="sub-hint">By default one person per brand and role; a technician by default is the brand’s first.</small></p>
      <p><button type="submit">Sign in</button></p>
    </form>`,
    );
  }

  private async authorize(
    request: IncomingMessage,
    response: ServerResponse,
    origin: string,
  ): Promise<boolean> {
    const form = await readForm(request);
    if (!form) return page(response, 413, 'Sign-in refused', '<p>The form is too large.</p>');
    const refusal = this.refusal(Choice, form, origin);
    if (refusal) return page(response, 400, 'Sign-in refused', refusal);
    const choice = Choice.parse(form);
    const code = randomBytes(32).toString('base64url');
    this.grants.set(code, {
      tenant: choice.tenant,
      role: choice.role,
      sub: choice.sub || (await currentDefaultSubject(choice.tenant, choice.role)),
      redirectUri: choice.redirect_uri,
      challenge: choice.code_challenge,
      nonce: choice.nonce,
      expiresAt: this.now() + CODE_TTL_MS,
    });
    const back = new URL(choice.redirect_uri);
    back.searchParams.set('code', code);
    back.searchParams.set('state', choice.state);
    response.writeHead(303, { location: back.href, 'cache-control': 'no-store' }).end();
    return true;
  }

  /** RFC 6749 §5: exchanges a code once, for the client and redirect it was issued to, given the verifier. */
  private async token(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
    const form = await readForm(request);
    const parsed = TokenRequest.safeParse(form ?? {});
    if (!parsed.success)
      return oauthError(
        response,
        'invalid_request',
        'Send grant_type=authorization_code, code, redirect_uri, client_id and code_verifier as a form.',
      );
    const { code, redirect_uri, code_verifier } = parsed.data;
    const grant = this.grants.get(code);
    // A code is spent by its first redemption, right or wrong: a guessed verifier gets no second try.
    this.grants.delete(code);
    if (!grant || grant.expiresAt < this.now())
      return oauthError(response, 'invalid_grant', 'The code is unknown, used or expired.');
    if (grant.redirectUri !== redirect_uri)
      return oauthError(response, 'invalid_grant', 'The redirect_uri is not the one the code was issued to.');
    if (createHash('sha256').update(code_verifier).digest('base64url') !== grant.challenge)
      return oauthError(response, 'invalid_grant', 'The code_verifier does not match the code_challenge.');
    const claims = { tenant: grant.tenant, role: grant.role, sub: grant.sub };
    return send(response, 200, {
      token_type: 'Bearer',
      expires_in: TOKEN_TTL_SECONDS,
      access_token: this.tokens.issue(claims, TOKEN_TTL_SECONDS),
      id_token: this.tokens.issueIdToken(claims, LOCAL_CLIENT_ID, grant.nonce, TOKEN_TTL_SECONDS),
    });
  }

  /** The end of a session at the issuer: nothing is kept here, so it only sends the browser back. */
  private logout(response: ServerResponse, url: URL, origin: string): boolean {
    const back = url.searchParams.get('post_logout_redirect_uri') ?? '';
    if (!sameOrigin(back, origin))
      return page(response, 200, 'Signed out', '<p>You are signed out of the local issuer.</p>');
    response.writeHead(303, { location: back, 'cache-control': 'no-store' }).end();
    return true;
  }

  /** Why the request is refused, as an HTML list, or undefined when it may go on. Never redirects elsewhere. */
  private refusal(schema: z.ZodType, params: Record<string, unknown>, origin: string): string | undefined {
    const problems: string[] = [];
    const result = schema.safeParse(params);
    if (!result.success)
      for (const issue of result.error.issues)
        problems.push(`${issue.path.join('.') || 'request'}: ${issue.message}`);
    const redirect = String(params.redirect_uri ?? '');
    // RFC 6749 §4.1.2.1: a redirect_uri not registered is told to the person, never redirected to.
    if (!sameOrigin(redirect, origin))
      problems.push(`redirect_uri: only pages of this site (${origin}) may receive a code.`);
    if (problems.length === 0) return undefined;
    return `<p>This sign-in request cannot be answered:</p><ul>${problems.map((p) => `<li>${htmlText(p)}</li>`).join('')}</ul>`;
  }
}

function sameOrigin(address: string, origin: string): boolean {
  try {
    return new URL(address).origin === origin;
  } catch {
    return false;
  }
}

async function readForm(request: IncomingMessage): Promise<Record<string, string> | undefined> {
  try {
    const raw = await readBody(request, FORM_LIMIT);
    return Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
  } catch (error) {
    if (error instanceof BodyTooLargeError) return undefined;
    throw error;
  }
}

function send(response: ServerResponse, status: number, body: unknown): true {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    // Tokens and codes are never cached (RFC 6749 §5.1).
    'cache-control': 'no-store',
  });
  response.end(text);
  return true;
}

/** The token endpoint's errors are OAuth's own shape (RFC 6749 §5.2), which clients expect. */
const oauthError = (response: ServerResponse, error: string, description: string) =>
  send(response, 400, { error, error_description: description });

function page(response: ServerResponse, status: number, title: string, content: string): true {
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${htmlText(title)}</title><link rel="stylesheet" href="/styles.css"></head>
<body>
  <main id="app">
    <h1>${htmlText(title)}</h1>
    ${content}
  </main>
</body>
</html>`;
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
  });
  response.end(html);
  return true;
}

const htmlText = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
