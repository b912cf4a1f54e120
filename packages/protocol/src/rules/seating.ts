// Taking a seat in the circle: shared by every join flow and by approving a join request.
import type { Member } from '../domain.js';
import type { ErrorInfo } from '../errors.js';
import { refuse } from './plan.js';
import { nameRefusal } from './policy.js';
import type { RulesContext } from './engine.js';

/** Why a newcomer cannot take a seat now (the circle is full, or the name is not theirs to take), or null. */
export function seatRefusal(ctx: Pick<RulesContext, 'repo' | 'nameSkeletons'>, displayName: string, field?: string): { error: ErrorInfo } | null {
  const { repo } = ctx;
  const { memberCap } = repo.getCircle().circle;
  // Banned members do not hold a seat, so banning someone frees room under the cap.
  if (repo.countSeatedMembers() >= memberCap) return refuse('circle_full', `the circle is full (${memberCap} members)`);
  return nameRefusal(ctx, displayName, field);
}

/** A new plain member, active from `now`. */
export function newMember(id: string, displayName: string, now: number): Member {
  return { id, displayName, role: 'member', flair: null, state: 'active', mutedUntil: null, joinedAt: now };
}
