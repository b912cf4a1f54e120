import * as v from 'valibot';
import { LIMITS } from './limits.js';

export { DisplayName, StoredDisplayName } from './display-name.js';

// Building blocks shared by the domain, command and event schemas. Messages name the rule, so a
// validation error read by a person says what to fix.

/** Client-generated ids (nanoid alphabet). Long enough to be unguessable, short enough to index. */
export const Id = /* @__PURE__ */ v.pipe(
  v.string('must be a string'),
  v.regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8–64 characters of A–Z, a–z, 0–9, _ or -'),
);

/** A circle's id: a lower-case slug that can sit in a URL. */
export const CircleId = /* @__PURE__ */ v.pipe(
  v.string('must be a string'),
  v.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a lower-case slug of 1–63 characters (a–z, 0–9, -)'),
);

// Control characters other than tab and newline have no place in text people read.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
// eslint-disable-next-line no-control-regex
const CONTROL_OR_NEWLINE = /[\u0000-\u001F\u007F]/;

/** Multi-line text (message bodies, norms, reasons): not blank, bounded, no control characters. */
export function text(max: number) {
  return v.pipe(
    v.string('must be a string'),
    v.check((s) => s.trim().length > 0, 'must not be empty'),
    v.maxLength(max, `must be at most ${max} characters`),
    v.check((s) => !CONTROL.test(s), 'must not contain control characters'),
  );
}

/** One-line text (names, titles, flair, reactions). */
export function line(max: number) {
  return v.pipe(
    v.string('must be a string'),
    v.check((s) => s.trim().length > 0, 'must not be empty'),
    v.maxLength(max, `must be at most ${max} characters`),
    v.check((s) => !CONTROL_OR_NEWLINE.test(s), 'must be a single line without control characters'),
  );
}

/**
 * Fits text into a one-line field of `max` characters (e.g. a thread title made from a longer page key or a
 * page's title): trimmed, cut at `max` UTF-16 code units, never between the two halves of a surrogate pair.
 */
export function clipLine(text: string, max: number): string {
  const trimmed = text.trim();
  if (trimmed.length <= max) return trimmed;
  const splitsPair = /[\uD800-\uDBFF]/.test(trimmed[max - 1]!) && /[\uDC00-\uDFFF]/.test(trimmed[max]!);
  return trimmed.slice(0, splitsPair ? max - 1 : max).trimEnd();
}

/** Milliseconds since the epoch. */
export const Timestamp = /* @__PURE__ */ v.pipe(v.number('must be a number'), v.integer('must be an integer'), v.minValue(0));

export const Seq = /* @__PURE__ */ v.pipe(v.number('must be a number'), v.integer('must be an integer'), v.minValue(1));

export const Body = /* @__PURE__ */ text(LIMITS.bodyMaxChars);
export const ContentWarning = /* @__PURE__ */ line(LIMITS.contentWarningMaxChars);
export const Reason = /* @__PURE__ */ text(LIMITS.reasonMaxChars);
/**
 * A reaction names a key of `Message.reactions`: the three names that JavaScript objects (and so every
 * JSON decoder built on them) treat as special are refused.
 */
export const Reaction = /* @__PURE__ */ v.pipe(
  line(LIMITS.reactionMaxChars),
  v.check((s) => s !== '__proto__' && s !== 'constructor' && s !== 'prototype', 'must not be __proto__, constructor or prototype'),
);
export const ThreadTitle = /* @__PURE__ */ line(LIMITS.threadTitleMaxChars);
export const Flair = /* @__PURE__ */ line(LIMITS.flairMaxChars);
/** A page-keyed thread's key, usually the page path (`/posts/my-article`). */
export const ThreadKey = /* @__PURE__ */ line(LIMITS.threadKeyMaxChars);
