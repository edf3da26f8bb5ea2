import { createHash, createHmac, createPublicKey, randomBytes, verify } from 'node:crypto';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud.ts';
import { axeViolations, browserAvailable, launchBrowser, SCREENSHOTS } from '../support/browser.ts';
import { startTestCloud } from '../support/cloud.ts';

/**
 * Issue 16: the web app signs in with OpenID Connect (authorization code + PKCE). Locally the local
 * cloud is the issuer, so the very flow the site runs against Cognito or another issuer on AWS runs here.
 */
const hasBrowser = browserAvailable();
const POLL = { timeout: 15_000, interval: 100 };

let cloud: LocalCloud;
let browser: Browser;

async function newPage(): Promise<Page> {
  return (await browser.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
}

/** Starts the provider sign-in from the depot page and waits at the issuer's page. */
async function atIssuer(page: Page): Promise<void> {
  await page.goto(`${cloud.urls.http}/#/depot`);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect.poll(() => page.locator('h1').textContent(), POLL).toBe('Sign in to fairfix (local)');
}

async function choose(page: Page, tenant: string, role: string): Promise<void> {
  await page.getByLabel('Brand').fill(tenant);
  await page.getByLabel('Role').selectOption(role);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const stored = (page: Page) =>
  page.evaluate(() => ({
    local: Object.keys(localStorage),
    session: Object.keys(sessionStorage),
    token: JSON.parse(sessionStorage.getItem('fairfix:session') ?? 'null')?.token as string | undefined,
  }));

beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(async () => {
  await cloud?.stop();
});

describe.runIf(hasBrowser)('signing in with OpenID Connect in Chromium', () => {
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('signs in through the code flow with PKCE, keeps nothing in localStorage, and signs out', async () => {
    const page = await newPage();
    await atIssuer(page);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'sign-in-local-issuer.png') });
    // The request carries a PKCE challenge (S256), a state and a nonce.
    const request = new URL(page.url());
    expect(request.searchParams.get('code_challenge_method')).toBe('S256');
    expect(request.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(request.searchParams.get('state')).toBeTruthy();
    expect(request.searchParams.get('nonce')).toBeTruthy();

    await choose(page, 'globex', 'depot');
    await expect.poll(() => page.locator('#session').textContent(), POLL).toContain('depot of globex');
    // Back where the sign-in began, with the code gone from the address.
    expect(new URL(page.url()).search).toBe('');
    expect(new URL(page.url()).hash).toBe('#/depot');
    const kept = await stored(page);
    expect(kept.local).toEqual([]);
    // The verifier was for the round trip only: only the session remains.
    expect(kept.session).toEqual(['fairfix:session']);
    // The token is one the API accepts, for the brand and role chosen at the issuer.
    const queue = await fetch(`${cloud.urls.http}/queues/depot`, {
      headers: { authorization: `Bearer ${kept.token}` },
    });
    expect(queue.status).toBe(200);
    expect(await axeViolations(page)).toEqual([]);

    const visited: string[] = [];
    page.on('request', (sent) => visited.push(sent.url()));
    await page.getByRole('button', { name: 'Sign out' }).click();
    // The issuer's end_session_endpoint was visited, with the ID token, and sent the browser home.
    await expect
      .poll(() => visited.find((address) => address.includes('/_local/oidc/logout')), POLL)
      .toContain('id_token_hint=');
    await expect.poll(() => page.url(), POLL).toBe(`${cloud.urls.http}/`);
    await expect.poll(() => page.locator('#session').textContent(), POLL).toBe('Not signed in');
    expect((await stored(page)).session).toEqual([]);
  });

  it('refuses an answer whose state is not the one the tab sent', async () => {
    const page = await newPage();
    await atIssuer(page);
    await page.locator('input[name="state"]').evaluate((input: HTMLInputElement) => {
      input.value = 'a-state-from-somewhere-else';
    });
    await choose(page, 'acme', 'depot');
    await expect
      .poll(() => page.getByRole('alert').textContent(), POLL)
      .toContain('not for a sign-in started here');
    expect(await page.locator('#session').textContent()).toBe('Not signed in');
    expect((await stored(page)).session).toEqual([]);
  });

  it('refuses a code redeemed with another verifier', async () => {
    const page = await newPage();
    await atIssuer(page);
    // As if another tab's verifier were sent with this code.
    await page.evaluate(() => {
      const pending = JSON.parse(sessionStorage.getItem('fairfix:sign-in-pending') ?? '{}');
      sessionStorage.setItem(
        'fairfix:sign-in-pending',
        JSON.stringify({ ...pending, verifier: 'x'.repeat(43) }),
      );
    });
    await choose(page, 'acme', 'depot');
    await expect
      .poll(() => page.getByRole('alert').textContent(), POLL)
      .toContain('The code_verifier does not match the code_challenge');
    expect(await page.locator('#session').textContent()).toBe('Not signed in');
  });
});

describe('the local issuer’s token endpoint', () => {
  let http: string;
  beforeAll(() => {
    http = cloud.urls.http;
  });

  /** Signs in at /authorize as `role` of acme with the given challenge; the code it redirects with. */
  async function code(challenge: string, redirect = `${http}/`): Promise<Response> {
    return fetch(`${http}/_local/oidc/authorize`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({
        response_type: 'code',
        client_id: 'fairfix-web',
        redirect_uri: redirect,
        state: 'state-0123456789',
        nonce: 'nonce-0123456789',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        tenant: 'acme',
        role: 'admin',
      }),
    });
  }
  const redeem = (code: string, verifier: string) =>
    fetch(`${http}/_local/oidc/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: `${http}/`,
        client_id: 'fairfix-web',
        code_verifier: verifier,
      }),
    });

  it('spends a code on its first redemption: a wrong verifier loses it, the right one comes too late', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const answer = await code(challenge);
    expect(answer.status).toBe(303);
    const back = new URL(answer.headers.get('location') ?? '');
    expect(back.searchParams.get('state')).toBe('state-0123456789');
    const given = back.searchParams.get('code') ?? '';

    const wrong = await redeem(given, randomBytes(32).toString('base64url'));
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await redeem(given, verifier)).status).toBe(400);

    const again =
      new URL((await code(challenge)).headers.get('location') ?? '').searchParams.get('code') ?? '';
    const right = await redeem(again, verifier);
    expect(right.status).toBe(200);
    const tokens = (await right.json()) as { access_token: string; id_token: string };
    const policy = await fetch(`${http}/brand/policy`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(policy.status).toBe(200);
    // Both are signed with the key the issuer publishes (discovery → jwks_uri), as a real issuer's are.
    const discovery = await (await fetch(`${http}/_local/oidc/.well-known/openid-configuration`)).json();
    const { keys } = (await (await fetch(discovery.jwks_uri)).json()) as { keys: { kid: string }[] };
    for (const token of [tokens.access_token, tokens.id_token]) {
      const [header = '', payload = '', signature = ''] = token.split('.');
      const { alg, kid } = JSON.parse(Buffer.from(header, 'base64url').toString());
      expect(alg).toBe('ES256');
      const key = createPublicKey({ key: keys.find((k) => k.kid === kid) as never, format: 'jwk' });
      const signed = Buffer.from(`${header}.${payload}`);
      expect(
        verify('sha256', signed, { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url')),
      ).toBe(true);
    }
    // The ID token is for the web app, not the API.
    const refused = await fetch(`${http}/brand/policy`, {
      headers: { authorization: `Bearer ${tokens.id_token}` },
    });
    expect(refused.status).toBe(401);
  });

  it('has the API refuse a token that names another algorithm than the issuer’s ES256', async () => {
    const good = cloud.tokens.issue({ tenant: 'acme', role: 'admin', sub: 'admin@acme.example' });
    const [, payload] = good.split('.');
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`;
    // The classic confusion: HMAC keyed with the published public key.
    const hsHeader = b64({ alg: 'HS256', typ: 'JWT' });
    const publicKey = JSON.stringify(cloud.tokens.jwk);
    const hs = `${hsHeader}.${payload}.${createHmac('sha256', publicKey).update(`${hsHeader}.${payload}`).digest('base64url')}`;
    for (const token of [none, hs]) {
      const answer = await fetch(`${http}/brand/policy`, { headers: { authorization: `Bearer ${token}` } });
      expect(answer.status).toBe(401);
    }
    expect(
      (await fetch(`${http}/brand/policy`, { headers: { authorization: `Bearer ${good}` } })).status,
    ).toBe(200);
  });

  it('sends a code to no other site and requires PKCE', async () => {
    const elsewhere = await code('a'.repeat(43), 'https://attacker.example/');
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.headers.get('location')).toBeNull();
    const page = await fetch(
      `${http}/_local/oidc/authorize?response_type=code&client_id=fairfix-web&redirect_uri=${encodeURIComponent(`${http}/`)}&state=state-0123456789&nonce=nonce-0123456789`,
    );
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('PKCE is required');
  });
});
