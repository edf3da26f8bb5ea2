import { createHmac, timingSafeEqual } from 'node:crypto';

export const LOCAL_ISSUER = 'https://fairfix.local/';

export interface DevClaims {
  tenant: string;
  role: string;
  sub: string;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Development tokens: JWTs (HS256) the local cloud signs and checks the way API Gateway's JWT
 * authorizer checks real ones (signature, issuer, audience, expiry), so the same claims reach the
 * handlers. They are worthless anywhere else: the secret lives in the local data directory.
 */
export class DevTokens {
  constructor(
    private readonly secret: string,
    private readonly audience: string[],
    private readonly now: () => number,
  ) {}

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
    const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ ...claims, iss: LOCAL_ISSUER, iat, exp: iat + ttlSeconds })}`;
    return `${body}.${this.sign(body)}`;
  }

  /** The token's claims, or undefined for anything API Gateway would refuse. */
  verify(token: string): Record<string, unknown> | undefined {
    const [header, payload, signature] = token.split('.');
    if (!header || !payload || !signature) return undefined;
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
        string,
        unknown
      >;
      if (claims.iss !== LOCAL_ISSUER || !this.audience.includes(String(claims.aud))) return undefined;
      if (typeof claims.exp !== 'number' || claims.exp * 1000 < this.now()) return undefined;
      return claims;
    } catch {
      return undefined;
    }
  }

  private sign(data: string): string {
    return createHmac('sha256', this.secret).update(data).digest('base64url');
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
