import * as v from 'valibot';
import { LIMITS } from './limits.js';
import { fromIssues, type Result } from './parse-result.js';

// The one display-name rule, wherever a name enters a circle (join by invite, link or request, host-site
// sign-on, rename, the CLI). A name is how members recognise each other, so it must read as what it is:
// normalised (NFKC, so full-width "Ａｎｎ" is "Ann"), one line, no control characters, no bidi controls that
// reorder what follows, no invisible characters that make two names differ only in bytes, and something
// visible. Confusable look-alikes of another member's name ("Аnn" with a Cyrillic А) are checked by the rules
// engine against the circle's names (see rules/name-skeleton.ts); this file stays small enough for the browser.

/** Any control character: C0 (tab, newline, NUL…), DEL and C1. */
const CONTROL = /\p{Cc}/u;
/** Line and paragraph separators and lone surrogates: nothing a one-line name should carry. */
const NOT_TEXT = /[\p{Zl}\p{Zp}\p{Cs}]/u;
/**
 * Bidi controls: marks (ALM, LRM, RLM), embeddings and overrides (LRE…RLO) and isolates (LRI…PDI). Inside a
 * name they reorder the text around it (e.g. a reply line, or the names after it in a list).
 */
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
/**
 * Invisible characters a name never needs (zero-width space, word joiner, BOM, soft hyphen, fillers, tags…):
 * default-ignorable code points, except the three that scripts and emoji do need — zero-width (non-)joiner
 * and variation selectors — which the comparisons of names ignore instead (see `comparable`).
 */
const NEEDLESS_INVISIBLE = /(?![\u200C\u200D\uFE00-\uFE0F\u{E0100}-\u{E01EF}])\p{Default_Ignorable_Code_Point}/u;
/** What shows on screen: not whitespace, not default-ignorable, not a combining mark alone, not a blank glyph. */
const VISIBLE = /[^\p{White_Space}\p{Default_Ignorable_Code_Point}\p{M}\u2800\u3164\uFFA0]/u;
const INVISIBLE_ALL = /\p{Default_Ignorable_Code_Point}/gu;

/** NFKC, then trimmed: the form a display name is stored and shown in. */
export function normalizeDisplayName(name: string): string {
  return name.normalize('NFKC').trim();
}

/**
 * The form text is compared in — a name with other names, any text against the word filter: NFKC (full-width
 * and other compatibility forms become plain letters), invisible characters dropped, lower-cased. Two names
 * with the same form read the same to a person.
 */
export function comparable(text: string): string {
  return text.normalize('NFKC').replace(INVISIBLE_ALL, '').toLowerCase().trim();
}

/**
 * A display name as it enters: normalised (the parsed output is the NFKC, trimmed form), then checked. Schemas
 * of commands and credentials use it, and so do host-site sign-on and the CLI.
 */
export const DisplayName = /* @__PURE__ */ v.pipe(
  v.string('must be a string'),
  v.transform(normalizeDisplayName),
  v.minLength(1, 'must not be empty'),
  v.maxLength(LIMITS.displayNameMaxChars, `must be at most ${LIMITS.displayNameMaxChars} characters`),
  v.check((name) => !CONTROL.test(name) && !NOT_TEXT.test(name), 'must be a single line without control characters'),
  v.check((name) => !BIDI_CONTROL.test(name), 'must not contain bidirectional control characters'),
  v.check((name) => !NEEDLESS_INVISIBLE.test(name), 'must not contain invisible characters'),
  v.check((name) => VISIBLE.test(name), 'must contain a visible character'),
);

/**
 * A display name as a server sends it: any string of a name's length. Names are checked where they enter;
 * a reader stays lenient so that one name stored before a rule was tightened cannot make a whole welcome
 * frame unreadable for every member of the circle (elements render names as text, bidi-isolated).
 */
export const StoredDisplayName = /* @__PURE__ */ v.pipe(v.string('must be a string'), v.maxLength(LIMITS.displayNameMaxChars));

/**
 * Checks a display name outside a frame (host-site sign-on, the CLI): the normalised name, or an `invalid`
 * (`too_large` for length) error on `field` saying what is wrong.
 */
export function parseDisplayName(raw: unknown, field?: string): Result<string> {
  const parsed = v.safeParse(DisplayName, raw);
  return parsed.success ? { ok: true, value: parsed.output } : fromIssues(parsed.issues, field);
}
