/**
 * Stable error codes. Code decides behaviour (retry or not, which message to show); the human message is
 * for people and may change.
 */
export const ERROR_CODES = [
  'unauthorized', // no valid credentials: never retried automatically
  'forbidden', // valid member, but not allowed to do this
  'not_found',
  'invalid', // bad input: a field failed validation or the frame is not understood
  'rate_limited',
  'too_large', // a frame or a field exceeds its limit
  'circle_full',
  'invite_expired', // expired, used up or revoked
  'pending_approval', // a join request waits for a moderator
  'conflict', // the command contradicts current state (e.g. editing a deleted message)
  'cursor_expired', // resume cursor too old: reload from a snapshot
  'unsupported_version',
  'unavailable', // the transport could not reach the backend; safe to retry
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** An error as it travels on the wire and as commands settle with it. */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  /** Dot path of the offending field, when one field is to blame (e.g. `command.body`). */
  field?: string;
  /** For `rate_limited`: how long to wait before trying again. */
  retryAfterMs?: number;
}

/** The one error class thrown across package boundaries: always carries a stable `code`. */
export class HearthError extends Error implements ErrorInfo {
  readonly code: ErrorCode;
  readonly field?: string;
  readonly retryAfterMs?: number;
  constructor(code: ErrorCode, message: string, extra: { field?: string; retryAfterMs?: number } = {}) {
    super(message);
    this.name = 'HearthError';
    this.code = code;
    if (extra.field !== undefined) this.field = extra.field;
    if (extra.retryAfterMs !== undefined) this.retryAfterMs = extra.retryAfterMs;
  }

  static from(info: ErrorInfo): HearthError {
    return new HearthError(info.code, info.message, info);
  }

  toInfo(): ErrorInfo {
    const info: ErrorInfo = { code: this.code, message: this.message };
    if (this.field !== undefined) info.field = this.field;
    if (this.retryAfterMs !== undefined) info.retryAfterMs = this.retryAfterMs;
    return info;
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Codes after which retrying the same thing cannot succeed without the user doing something. */
export const FINAL_ERROR_CODES: ReadonlySet<ErrorCode> = new Set([
  'unauthorized',
  'forbidden',
  'not_found',
  'invalid',
  'too_large',
  'invite_expired',
  'conflict',
  'unsupported_version',
]);
