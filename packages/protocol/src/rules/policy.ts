// Who may do what: role levels, mute and ban state, names that must not pass for another's, the word filter.
import { ROLE_LEVEL } from '../limits.js';
import { comparable, parseDisplayName } from '../display-name.js';
import type { Member, Role } from '../domain.js';
import type { ErrorInfo } from '../errors.js';
import type { NameSkeletons, RulesContext } from './engine.js';
import { refuse } from './plan.js';
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

/**
 * Why `displayName` cannot be this member's (or a newcomer's) name, or null: it breaks the display-name rule
 * (checked here too, so a host that hands the engine an unparsed name gets the same answer), it carries a
 * word the circle bans, or another member (not `exceptId`) already uses it or a look-alike of it. `field`
 * names the input.
 */
export function nameRefusal(ctx: Pick<RulesContext, 'repo' | 'nameSkeletons'>, displayName: string, field: string | undefined, exceptId?: string): { error: ErrorInfo } | null {
  const parsed = parseDisplayName(displayName, field);
  if (!parsed.ok) return { error: parsed.error };
  // A name is shown beside everything its member writes: it is screened like what they write.
  const screened = screenFields(ctx.repo.getCircle().wordFilter, { [field ?? 'displayName']: displayName });
  if ('error' in screened) return screened;
  const others = ctx.repo.listMembers().filter((m) => m.id !== exceptId).map((m) => m.displayName);
  return clashRefusal(ctx, others, displayName, field, 'another member');
}

const sameLetters: NameSkeletons = (name) => [comparable(name)];

/** `conflict` when `displayName` is one of `names` or passes for one of them; `whose` says whose names they are. */
export function clashRefusal(
  ctx: Pick<RulesContext, 'nameSkeletons'>, names: readonly string[], displayName: string, field: string | undefined, whose: string,
): { error: ErrorInfo } | null {
  const wanted = comparable(displayName);
  if (names.some((name) => comparable(name) === wanted)) return refuse('conflict', `${whose} uses this name`, field);
  const skeletons = ctx.nameSkeletons ?? sameLetters;
  const mine = skeletons(displayName);
  if (names.some((name) => skeletons(name).some((s) => mine.includes(s)))) return refuse('conflict', `this name looks like the name of ${whose}`, field);
  return null;
}

/** Letters, digits and `_` make up words; anything else is a boundary (works for accented and non-Latin text). */
const WORD_CHAR = '[\\p{L}\\p{N}\\p{M}_]';

function wordPattern(words: readonly string[]): RegExp | null {
  const alternatives = words.map(comparable).filter((w) => w.length > 0).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  if (alternatives.length === 0) return null;
  return new RegExp(`(?<!${WORD_CHAR})(?:${alternatives.join('|')})(?!${WORD_CHAR})`, 'iu');
}

export type FilterVerdict = 'banned' | 'suspect' | null;

/**
 * The strictest list one of `texts` hits, as whole words. Texts and listed words are compared in their
 * `comparable` form — NFKC, invisible characters dropped, lower case — so "ｄａｒｎ" (full width), "da\u200Brn"
 * (a zero-width space inside) and "DARN" all hit "darn".
 */
export function screen(filter: WordFilter, ...texts: Array<string | null | undefined>): FilterVerdict {
  const present = texts.filter((t): t is string => typeof t === 'string' && t.length > 0).map(comparable);
  const banned = wordPattern(filter.banned);
  if (banned && present.some((t) => banned.test(t))) return 'banned';
  const suspect = wordPattern(filter.suspect);
  if (suspect && present.some((t) => suspect.test(t))) return 'suspect';
  return null;
}

/**
 * Screens the texts of one input, field by field (`field` is the name the refusal carries, e.g.
 * `command.body`): a banned word refuses it (`forbidden`, naming the first field that has one); a suspect word
 * anywhere holds it for review, where the input can be held (a message); elsewhere it is let through.
 */
export function screenFields(filter: WordFilter, fields: Record<string, string | null | undefined>): { error: ErrorInfo } | { held: boolean } {
  for (const [field, value] of Object.entries(fields)) {
    if (screen(filter, value) === 'banned') return refuse('forbidden', 'this contains a word the circle does not allow', field);
  }
  return { held: screen(filter, ...Object.values(fields)) === 'suspect' };
}
