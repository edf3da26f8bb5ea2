import {
  createECDH,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  type JsonWebKey,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';

export const LOCAL_ISSUER = 'https://fairfix.local/';

export interface DevClaims {
  tenant: string;
  role: string;
  sub: string;
}

/** How many verified tokens {@link DevTokens} remembers. */
const VERIFIED_KEPT = 1_000;

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Development tokens: JWTs (ES256) the local cloud signs and checks the way API Gateway's JWT
 * authorizer checks real ones (signature, issuer, audience, expiry), so the same claims reach the
 * handlers. The signing key is derived from the secret in the local data directory, so tokens outlive
 * a restart; its public half is published as the development issuer's JWKS. They are worthless anywhere
 * else.
 */
export class DevTokens {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  /** The public key as the issuer's JWKS lists it. */
  readonly jwk: JsonWebKey & { kid: string; alg: 'ES256'; use: 'sig' };

  constructor(
    secret: string,
    private readonly audience: string[],
    private readonly now: () => number,
  ) {
    // A P-256 private key is any 32 bytes below the curve's order: an HMAC of the secret is, but for a
    // chance of about 2^-32.
    const d = createHmac('sha256', secret).update('fairfix dev tokens ES256').digest();
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(d);
    const point = ecdh.getPublicKey();
    const publicJwk = {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33, 65).toString('base64url'),
    };
    this.privateKey = createPrivateKey({ key: { ...publicJwk, d: d.toString('base64url') }, format: 'jwk' });
    this.publicKey = createPublicKey({ key: publicJwk, format: 'jwk' });
    const kid = createHash('sha256').update(JSON.stringify(publicJwk)).digest('base64url').slice(0, 16);
    this.jwk = { ...publicJwk, kid, alg: 'ES256', use: 'sig' };
  }

  issue(claims: DevClaims, ttlSeconds = 30 * 86_400): string {
    return this.signed({ ...claims, aud: this.audience[0] }, ttlSeconds);
  }

  /**
   * An OpenID Connect ID token for the web app (`aud` is its client id, with the nonce it sent): it
   * tells the app who signed in; the API refuses it, as API Gateway refuses a token for another audience.
   */
  issueIdToken(claims: DevClaims, clientId: string, nonce: string, ttlSeconds: number): string {
    return this.signed({ ...claims, aud: clientId, nonce }, ttlSeconds);
  }

  private signed(claims: Record<string, unknown>, ttlSeconds: number): string {
    const iat = Math.floor(this.now() / 1000);
    const body = `${b64({ alg: 'ES256', typ: 'JWT', kid: this.jwk.kid })}.${b64({ ...claims, iss: LOCAL_ISSUER, iat, exp: iat + ttlSeconds })}`;
    return `${body}.${sign('sha256', Buffer.from(body), { key: this.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  }

  /** The token's claims, or undefined for anything API Gateway would refuse. */
  verify(token: string): Record<string, unknown> | undefined {
    const claims = this.signedClaims(token);
    if (!claims) return undefined;
    if (claims.iss !== LOCAL_ISSUER || !this.audience.includes(String(claims.aud))) return undefined;
    if (typeof claims.exp !== 'number' || claims.exp * 1000 < this.now()) return undefined;
    return claims;
  }

  /**
   * Tokens whose signature was checked, with their claims: a client sends the same token with every
   * request, and an ES256 check per request was about 1% of the local cloud's CPU. Only a token that
   * verified is kept (a forged one costs its check every time), at most {@link VERIFIED_KEPT} of them,
   * the oldest forgotten first; expiry is still checked on every request.
   */
  private readonly verified = new Map<string, Readonly<Record<string, unknown>>>();

  private signedClaims(token: string): Readonly<Record<string, unknown>> | undefined {
    const known = this.verified.get(token);
    if (known) return known;
    const [header, payload, signature] = token.split('.');
    if (!header || !payload || !signature) return undefined;
    try {
      // The algorithm is ours to choose, never the token's: anything but ES256 is refused.
      if (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')).alg !== 'ES256') return undefined;
      const key = { key: this.publicKey, dsaEncoding: 'ieee-p1363' as const };
      if (!verify('sha256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url')))
        return undefined;
      const claims = Object.freeze(
        JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>,
      );
      if (this.verified.size >= VERIFIED_KEPT)
        this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(token, claims);
      return claims;
    } catch {
      return undefined;
    }
  }
}

/**
 * Who a development token speaks for when no subject is given: one stable subject per role and brand,
 * so the cases one opens are the cases one sees; a technician is the brand's first technician, so the
 * visits assigned to them can be reported.
 */
export function defaultSubject(
  tenant: string,
  role: string,
  technicianId = seededTechnicians.get(tenant),
): string {
  if (role === 'technician' && technicianId) return technicianId;
  return `${role}@${tenant}.example`;
}

/** The first technician of each example brand as seeded, for the start banner's tokens. */
export const seededTechnicians = new Map<string, string>();

/** As {@link defaultSubject}, with the brand's current first technician read from its policy now. */
export async function currentDefaultSubject(tenant: string, role: string): Promise<string> {
  if (role !== 'technician') return defaultSubject(tenant, role);
  // Loaded when a token is asked for, once the local cloud has pointed the SDK's clients at itself.
  const { DynamoPolicyRepository } = await import('../../functions/adapters/policy-repository.ts');
  const current = await new DynamoPolicyRepository().current(tenant);
  return defaultSubject(tenant, role, current?.policy.technicians[0]?.id);
}
