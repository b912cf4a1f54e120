// Taking a seat in the circle: shared by every join flow and by approving a join request.
import type { Member } from '../domain.js';
import type { ErrorInfo } from '../errors.js';
import { refuse } from './plan.js';
import { nameRefusal } from './policy.js';
import type { RulesContext } from './engine.js';
import type { CircleRepository } from './repository.js';

/**
 * Where a newcomer's name comes from: `chosen` by them (invite, link, join request) or given by the `host`
 * site that signed them on.
 */
export type NameSource = 'chosen' | 'host';

/**
 * Why a newcomer cannot take a seat now, or null: the circle is full; the circle does not allow pseudonyms
 * and the name was chosen, not given by the host site (see `pseudonymRefusal`); or the name is not theirs to
 * take.
 */
export function seatRefusal(
  ctx: Pick<RulesContext, 'repo' | 'nameSkeletons'>, displayName: string, field?: string, nameSource: NameSource = 'chosen',
): { error: ErrorInfo } | null {
  const { repo } = ctx;
  const { memberCap } = repo.getCircle().circle;
  // Banned members do not hold a seat, so banning someone frees room under the cap.
  if (repo.countSeatedMembers() >= memberCap) return refuse('circle_full', `the circle is full (${memberCap} members)`);
  if (nameSource === 'chosen') {
    const refused = pseudonymRefusal(repo, 'this circle admits people through its host site’s sign-on only, under the name the site gives them');
    if (refused) return refused;
  }
  return nameRefusal(ctx, displayName, field);
}

/**
 * `pseudonymsAllowed: false` means members are known by the name their host site gives them: only host-site
 * sign-on seats newcomers (its name is followed at every sign-on), and nobody picks or changes a name inside
 * the circle. `forbidden` with `message` when the circle says so, else null.
 */
export function pseudonymRefusal(repo: CircleRepository, message: string, field?: string): { error: ErrorInfo } | null {
  return repo.getCircle().circle.settings.pseudonymsAllowed ? null : refuse('forbidden', message, field);
}

/** A new plain member, active from `now`; `inviteId` when they came in by an invite. */
export function newMember(id: string, displayName: string, now: number, inviteId?: string): Member {
  const member: Member = { id, displayName, role: 'member', flair: null, state: 'active', mutedUntil: null, joinedAt: now };
  if (inviteId !== undefined) member.inviteId = inviteId;
  return member;
}
