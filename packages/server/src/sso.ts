import { createHash } from 'node:crypto';
import { jwtVerify, errors } from 'jose';
import { HearthError, LIMITS } from '@hearth/protocol';

export interface SsoIdentity {
  memberId: string;
  displayName: string;
}

/** A stable member id for a host-site user: the same `sub` always signs in the same member. */
export function ssoMemberId(subject: string): string {
  return `sso_${createHash('sha256').update(subject, 'utf8').digest('base64url').slice(0, 24)}`;
}

/**
 * Verifies a host site's sign-on token: HS256 only (no `alg` confusion), signed with the circle's secret,
 * with `sub`, `name` and `exp` present. Any failure is `unauthorized`; the reason stays in the message.
 */
export async function verifySsoToken(jwt: string, secret: string, now: number): Promise<SsoIdentity> {
  let payload;
  try {
    ({ payload } = await jwtVerify(jwt, new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
      requiredClaims: ['sub', 'exp'],
      currentDate: new Date(now),
      clockTolerance: 30,
    }));
  } catch (error) {
    const reason = error instanceof errors.JWTExpired ? 'the sign-on token has expired' : 'the sign-on token is not valid for this circle';
    throw new HearthError('unauthorized', reason);
  }
  const name = typeof payload.name === 'string' ? payload.name.trim().slice(0, LIMITS.displayNameMaxChars) : '';
  if (!payload.sub || !name) throw new HearthError('unauthorized', 'the sign-on token needs sub and name claims');
  return { memberId: ssoMemberId(payload.sub), displayName: name };
}
