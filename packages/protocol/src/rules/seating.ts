// Taking a seat in the circle: shared by every join flow and by approving a join request.
import type { Member } from '../domain.js';
import type { ErrorInfo } from '../errors.js';
import { refuse } from './plan.js';
import { displayNameTaken } from './policy.js';
import type { CircleRepository } from './repository.js';

/** Why a newcomer cannot take a seat now (the circle is full, or the name is taken), or null. */
export function seatRefusal(repo: CircleRepository, displayName: string, field?: string): { error: ErrorInfo } | null {
  const { memberCap } = repo.getCircle().circle;
  // Banned members do not hold a seat, so banning someone frees room under the cap.
  if (repo.countSeatedMembers() >= memberCap) return refuse('circle_full', `the circle is full (${memberCap} members)`);
  if (displayNameTaken(repo, displayName)) return refuse('conflict', 'another member uses this name', field);
  return null;
}

/** A new plain member, active from `now`; `inviteId` when they came in by an invite. */
export function newMember(id: string, displayName: string, now: number, inviteId?: string): Member {
  const member: Member = { id, displayName, role: 'member', flair: null, state: 'active', mutedUntil: null, joinedAt: now };
  if (inviteId !== undefined) member.inviteId = inviteId;
  return member;
}
