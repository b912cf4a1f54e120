import { createHash } from 'node:crypto';
import { nanoid } from 'nanoid';

/** Member tokens: 32 random characters of nanoid's 64-letter alphabet, 192 bits. */
export const TOKEN_LENGTH = 32;

export function newToken(): string {
  return nanoid(TOKEN_LENGTH);
}

/**
 * What the store keeps instead of the token. A plain SHA-256 is enough (no salt, no slow hash): the token is
 * random with 192 bits of entropy, so there is nothing to guess from the hash, and a lookup stays one index probe.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * What the store keeps instead of an invite code, for the same reason as a token: the code is random (24
 * characters, 144 bits; never under 21), so its SHA-256 is enough. The migrations that hashed the codes
 * stored before compute the same digest in SQL (SQLite: this function; PostgreSQL: `sha256()`).
 */
export function hashInviteCode(code: string): string {
  return hashToken(code);
}
