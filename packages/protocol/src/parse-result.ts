import * as v from 'valibot';
import type { ErrorInfo } from './errors.js';

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export function invalid(message: string, field?: string): { ok: false; error: ErrorInfo } {
  const error: ErrorInfo = { code: 'invalid', message };
  if (field !== undefined) error.field = field;
  return { ok: false, error };
}

/** Turns valibot's first issue into an error naming the field, e.g. `command.body: must not be empty`. */
export function fromIssues(issues: readonly v.BaseIssue<unknown>[], prefix?: string): { ok: false; error: ErrorInfo } {
  const issue = issues[0]!;
  const path = v.getDotPath(issue);
  const field = [prefix, path].filter(Boolean).join('.') || undefined;
  // A length rule broken by a body or a name is `too_large`, so a client can tell "shorten it" from "fix it".
  const tooLarge = issue.type === 'max_length';
  const error: ErrorInfo = {
    code: tooLarge ? 'too_large' : 'invalid',
    message: field ? `${field}: ${issue.message}` : issue.message,
  };
  if (field !== undefined) error.field = field;
  return { ok: false, error };
}
