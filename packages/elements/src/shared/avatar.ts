import { html, type TemplateResult } from 'lit';

/** Number of avatar colours in the styles (`.hue-0` … `.hue-7`): chosen from the id, so no fetch and no inline style. */
const HUES = 8;

/**
 * Up to two initials from the words that have a letter or digit ("Maren (host)" → "MH"), counting whole
 * characters so a non-Latin letter is never split; a name of symbols only keeps its first one.
 */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word));
  if (words.length === 0) return Array.from(name.trim())[0] ?? '?';
  const first = (word: string | undefined) => (word ? (/[\p{L}\p{N}]/u.exec(word)?.[0] ?? '') : '');
  return (first(words[0]) + (words.length > 1 ? first(words[words.length - 1]) : '')).toUpperCase() || '?';
}

export function hue(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) | 0;
  return Math.abs(hash) % HUES;
}

/** An avatar generated locally from the member's id and name. Decorative: the name is always shown beside it. */
export function avatar(id: string, name: string): TemplateResult {
  return html`<span class="avatar hue-${hue(id)}" part="avatar" aria-hidden="true">${initials(name)}</span>`;
}
