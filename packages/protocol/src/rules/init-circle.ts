import { HearthError } from '../errors.js';
import type { Member } from '../domain.js';
import { Effects } from './effects.js';
import type { InitCircleInput, InitCircleOutcome, RulesContext } from './engine.js';

/**
 * Sets up a fresh circle: stores its record and seats its owner. Emits `circle.updated` and
 * `member.upserted`, so the event log alone can rebuild the circle. Throws `conflict` on a circle that
 * already has members: that is an operator mistake, not a user's.
 */
export function initCircle(ctx: RulesContext, input: InitCircleInput): InitCircleOutcome {
  if (ctx.repo.listMembers().length > 0) throw new HearthError('conflict', `circle ${ctx.repo.circleId} is already set up`);
  const owner: Member = {
    id: ctx.newId(), displayName: input.owner.displayName, role: 'owner', flair: null,
    state: 'active', mutedUntil: null, joinedAt: ctx.now,
  };
  ctx.repo.putCircle({ circle: input.circle, wordFilter: input.wordFilter ?? { banned: [], suspect: [] } });
  ctx.repo.putMember(owner);
  const fx = new Effects(ctx, null, owner.id);
  fx.emit({ type: 'circle.updated', circle: input.circle });
  fx.emit({ type: 'member.upserted', member: owner });
  return { owner, events: fx.events };
}
