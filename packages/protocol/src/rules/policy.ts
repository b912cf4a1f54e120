// Who may do what: role levels, mute and ban state, display-name uniqueness, the word filter.
import { ROLE_LEVEL } from '../limits.js';
import type { Member, Role } from '../domain.js';
import type { CircleRepository, WordFilter } from './repository.js';

/** A member's power level; a departed member (undefined) counts as a plain member. */
export function level(member: Member | undefined): number {
  return member ? ROLE_LEVEL[member.role] : ROLE_LEVEL.member;
}

export function hasRole(member: Member, role: Role): boolean {
  return level(member) >= ROLE_LEVEL[role];
}

/** Acting on someone else needs a strictly higher level (Matrix power levels); acting on oneself is fine. */
export function outranks(actor: Member, target: Member | undefined, targetId: string): boolean {
  return actor.id === targetId || level(actor) > level(target);
}

/** A mute is in force only until its time passes; after that the member acts as an active one. */
export function isMuted(member: Member, now: number): boolean {
  return member.state === 'muted' && member.mutedUntil !== null && member.mutedUntil > now;
}

/** Another member (not `exceptId`) already uses this display name, compared case-insensitively. */
export function displayNameTaken(repo: CircleRepository, displayName: string, exceptId?: string): boolean {
  const wanted = fold(displayName);
  return repo.listMembers().some((m) => m.id !== exceptId && fold(m.displayName) === wanted);
}

export function fold(name: string): string {
  return name.trim().toLocaleLowerCase();
}

/** Letters, digits and `_` make up words; anything else is a boundary (works for accented and non-Latin text). */
const WORD_CHAR = '[\\p{L}\\p{N}\\p{M}_]';

function wordPattern(words: readonly string[]): RegExp | null {
  const alternatives = words.map((w) => w.trim()).filter((w) => w.length > 0).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  if (alternatives.length === 0) return null;
  return new RegExp(`(?<!${WORD_CHAR})(?:${alternatives.join('|')})(?!${WORD_CHAR})`, 'iu');
}

export type FilterVerdict = 'banned' | 'suspect' | null;

/** The strictest list one of `texts` hits, as whole words, ignoring case. */
export function screen(filter: WordFilter, ...texts: Array<string | null | undefined>): FilterVerdict {
  const present = texts.filter((t): t is string => typeof t === 'string' && t.length > 0);
  const banned = wordPattern(filter.banned);
  if (banned && present.some((t) => banned.test(t))) return 'banned';
  const suspect = wordPattern(filter.suspect);
  if (suspect && present.some((t) => suspect.test(t))) return 'suspect';
  return null;
}
