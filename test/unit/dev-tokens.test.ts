import { expect, it } from 'vitest';
import { DevTokens } from '../../local/http/dev-tokens.ts';

const claims = { tenant: 'acme', role: 'customer', sub: 'ann' };

it('checks expiry on every request, also for a token whose signature it already verified', () => {
  let now = Date.parse('2026-12-05T10:00:00Z');
  const tokens = new DevTokens('secret', ['fairfix'], () => now);
  const token = tokens.issue(claims, 60);
  expect(tokens.verify(token)).toMatchObject(claims);
  expect(tokens.verify(token)).toMatchObject(claims);
  now += 61_000;
  expect(tokens.verify(token)).toBeUndefined();
});

it('refuses a token changed after signing, even once the genuine one was verified', () => {
  const tokens = new DevTokens('secret', ['fairfix'], () => Date.now());
  const token = tokens.issue(claims);
  expect(tokens.verify(token)).toMatchObject(claims);
  const [header, payload, signature] = token.split('.');
  const forged = Buffer.from(
    JSON.stringify({ ...JSON.parse(Buffer.from(payload as string, 'base64url').toString()), role: 'admin' }),
  ).toString('base64url');
  expect(tokens.verify(`${header}.${forged}.${signature}`)).toBeUndefined();
  // Another issuer's secret signs a token this one refuses, cached or not.
  expect(tokens.verify(new DevTokens('other', ['fairfix'], () => Date.now()).issue(claims))).toBeUndefined();
});
