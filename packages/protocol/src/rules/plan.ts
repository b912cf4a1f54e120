import type { ErrorCode, ErrorInfo } from '../errors.js';
import type { Effects } from './effects.js';

/**
 * What a command handler decides. Handlers only read while deciding; every write happens inside `apply`,
 * which runs only when no check refused. That split is how a refused command is guaranteed to write nothing.
 */
export type Plan = { error: ErrorInfo } | { apply: (fx: Effects) => unknown };

/** A refusal with a stable code, and the offending field when one is to blame. */
export function refuse(code: ErrorCode, message: string, field?: string): { error: ErrorInfo } {
  const error: ErrorInfo = { code, message };
  if (field !== undefined) error.field = field;
  return { error };
}

/** An accepted command: `apply` performs its writes and returns the ack's result, if any. */
export function accept(apply: (fx: Effects) => unknown): Plan {
  return { apply };
}
