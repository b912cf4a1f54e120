// What the hostile-content suite expects, written from the protocol's documented rules rather than read
// from its validators: which strings a field refuses (and with which stable code), and what a message body
// renders as.
import { LIMITS, comparable, parseDisplayName } from '@hearth/protocol';
import { nameSkeletons } from '@hearth/protocol/confusables';
import { parse, type Block, type Inline } from '../../../packages/elements/src/markdown/parse.js';

/** Control characters a text refuses: everything below U+0020 but tab, LF and CR, and DEL. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
/** A one-line field refuses line breaks and tabs too. */
const CONTROL_OR_BREAK = /[\u0000-\u001F\u007F]/;

/** `reason`: a report's reason, a moderator's reason, a join request's note (multi-line, like a body). */
export type Field = 'body' | 'displayName' | 'threadKey' | 'reaction' | 'reason';

const MAX: Record<Field, number> = {
  body: LIMITS.bodyMaxChars,
  displayName: LIMITS.displayNameMaxChars,
  threadKey: LIMITS.threadKeyMaxChars,
  reaction: LIMITS.reactionMaxChars,
  reason: LIMITS.reasonMaxChars,
};

/**
 * The code a field refuses `value` with, or null when the field takes it. The protocol checks, in order:
 * not blank, not too long (`too_large`), no control characters (`invalid`); a reaction is not `__proto__`,
 * `constructor` or `prototype`.
 */
export function refusal(field: Field, value: string): 'invalid' | 'too_large' | null {
  if (field === 'displayName') {
    // Names follow the protocol's one display-name rule (NFKC; no control, bidi or needless invisible
    // characters), whose cases have their own tests (test/protocol/names.test.ts): here it is the oracle, and
    // the suite checks what the widget shows of the names it lets through.
    const parsed = parseDisplayName(value);
    return parsed.ok ? null : (parsed.error.code as 'invalid' | 'too_large');
  }
  if (value.trim() === '') return 'invalid';
  if (value.length > MAX[field]) return 'too_large';
  if ((field === 'body' || field === 'reason' ? CONTROL : CONTROL_OR_BREAK).test(value)) return 'invalid';
  // A reaction is a key of an object on the wire: the names objects treat as special are refused.
  if (field === 'reaction' && ['__proto__', 'constructor', 'prototype'].includes(value)) return 'invalid';
  return null;
}

/** A name as the circle stores and shows it: normalised by the display-name rule. */
export function shownName(name: string): string {
  const parsed = parseDisplayName(name);
  return parsed.ok ? parsed.value : name;
}

/**
 * What a name is compared by: two names clash (`conflict`) when they share a key — the same letters once
 * case, width and invisible characters are set aside, or the same confusable skeleton ("Аnn", "Ann").
 */
export function nameKeys(name: string): string[] {
  return [`=${comparable(name)}`, ...nameSkeletons(name).map((s) => `~${s}`)];
}

/**
 * Splits names into `lanes` that can be tried side by side: names that may clash with each other (directly
 * or through a chain of shared keys) go to one lane, in their order, so which of them the circle takes
 * first is fixed whatever the timing.
 */
export function laneOf(names: readonly string[], lanes: number): number[][] {
  const parent = names.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i]!)));
  const firstWithKey = new Map<string, number>();
  names.forEach((name, i) => {
    for (const key of nameKeys(name)) {
      const other = firstWithKey.get(key);
      if (other === undefined) firstWithKey.set(key, i);
      else parent[root(i)] = root(other);
    }
  });
  const out: number[][] = Array.from({ length: lanes }, () => []);
  names.forEach((_, i) => out[root(i) % lanes]!.push(i));
  return out;
}

export interface Rendering {
  /** The text a reader sees: the body's textContent. */
  text: string;
  /** Tag names of the elements inside the body, in document order. */
  tags: string[];
  /** Link targets, in order. */
  hrefs: string[];
}

/**
 * What a body renders as. "Exactly" for a markdown-bearing body means: the text a reader sees is the text of
 * the body's markdown tree (delimiters such as `**` or `[…](…)` are markup, not text), inside exactly the
 * elements that tree calls for. The tree is the elements' own parser (its rules have their own tests); the
 * source text itself must come back from the server unchanged, and `plainText` below checks plain bodies
 * without the parser.
 */
export function rendering(body: string): Rendering {
  const out: Rendering = { text: '', tags: [], hrefs: [] };
  const inline = (nodes: readonly Inline[]) => {
    for (const node of nodes) {
      if (typeof node === 'string') out.text += node;
      else if (node.t === 'br') out.tags.push('br');
      else if (node.t === 'code') (out.tags.push('code'), (out.text += node.v));
      else if (node.t === 'link') (out.tags.push('a'), out.hrefs.push(node.href), inline(node.c));
      else (out.tags.push({ em: 'em', strong: 'strong', strike: 's', spoiler: 'span' }[node.t]), inline(node.c));
    }
  };
  const blocks = (list: readonly Block[]) => {
    for (const block of list) {
      if (block.t === 'p') (out.tags.push('p'), inline(block.c));
      else if (block.t === 'quote') (out.tags.push('blockquote'), blocks(block.c));
      else if (block.t === 'pre') (out.tags.push('pre', 'code'), (out.text += block.v));
      else {
        out.tags.push(block.t);
        for (const item of block.items) (out.tags.push('li'), inline(item));
      }
    }
  };
  blocks(parse(body));
  return out;
}

/** Characters that can start markdown in the subset (or an autolink's scheme separator). */
const MARKUP = /[`*_~|[\]()\\>#+\-.!:]/;

/**
 * For a body with no markup character at all, what a reader sees without consulting the parser: its lines,
 * with line breaks as `<br>` (no text) and blank lines as paragraph ends (no text either).
 */
export function plainText(body: string): string | null {
  if (MARKUP.test(body)) return null;
  return body
    .split(/\r\n?|\n/)
    .filter((line) => line.trim() !== '')
    .join('');
}
