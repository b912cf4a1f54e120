import { createHash } from 'node:crypto';
import { jwtVerify, errors } from 'jose';
import { HearthError, LIMITS, clipLine, normalizeDisplayName, parseDisplayName } from '@hearth/protocol';

export interface SsoIdentity {
  memberId: string;
  displayName: string;
}

/**
 * Longest life of a sign-on token, in seconds: 24 hours, counted from `iat` when the token has one and from
 * now otherwise. A host mints a token per page view (minutes are typical); a leaked token must not stay good
 * for years.
 */
export const SSO_TOKEN_MAX_LIFETIME_S = 24 * 60 * 60;
/** Clock skew allowed between the host site and this server, in seconds. */
const CLOCK_TOLERANCE_S = 30;
/** Longest `sub`: host user ids are short; the claim is hashed into the member id, so any length would do, but unbounded input is not taken. */
export const SSO_SUBJECT_MAX_CHARS = 256;

/** A stable member id for a host-site user: the same `sub` always signs in the same member. */
export function ssoMemberId(subject: string): string {
  return `sso_${createHash('sha256').update(subject, 'utf8').digest('base64url').slice(0, 24)}`;
}

const badClaim = (message: string) => new HearthError('invalid', message, { field: 'credentials.jwt' });

/**
 * Verifies a host site's sign-on token: HS256 only (no `alg` confusion), signed with the circle's secret,
 * with `exp` present and at most `SSO_TOKEN_MAX_LIFETIME_S` away; a bad signature, expiry or lifetime is
 * `unauthorized`. The claims are then input like any other: `sub` a non-empty string of at most 256
 * characters, `name` a display name by the one rule (`DisplayName`), after cutting it to the display-name
 * length — the host cannot be asked to retype it. A bad claim is `invalid` on `credentials.jwt`.
 */
export async function verifySsoToken(jwt: string, secret: string, now: number): Promise<SsoIdentity> {
  let payload;
  try {
    ({ payload } = await jwtVerify(jwt, new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
      requiredClaims: ['sub', 'exp'],
      currentDate: new Date(now),
      clockTolerance: CLOCK_TOLERANCE_S,
    }));
  } catch (error) {
    const reason = error instanceof errors.JWTExpired ? 'the sign-on token has expired' : 'the sign-on token is not valid for this circle';
    throw new HearthError('unauthorized', reason);
  }
  const nowS = Math.floor(now / 1000);
  const issuedAt = typeof payload.iat === 'number' ? Math.min(payload.iat, nowS) : nowS;
  if (payload.exp! - issuedAt > SSO_TOKEN_MAX_LIFETIME_S + CLOCK_TOLERANCE_S) {
    throw new HearthError('unauthorized', 'the sign-on token lives too long: at most 24 hours from its issue');
  }
  const sub: unknown = payload.sub;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > SSO_SUBJECT_MAX_CHARS) {
    throw badClaim(`the sign-on token's sub must be a string of 1–${SSO_SUBJECT_MAX_CHARS} characters`);
  }
  if (typeof payload.name !== 'string') throw badClaim("the sign-on token's name must be a string");
  const name = parseDisplayName(clipLine(normalizeDisplayName(payload.name), LIMITS.displayNameMaxChars), 'credentials.jwt');
  if (!name.ok) throw badClaim(`the sign-on token's name ${name.error.message.replace(/^credentials\.jwt: /, '')}`);
  return { memberId: ssoMemberId(sub), displayName: name.value };
}
