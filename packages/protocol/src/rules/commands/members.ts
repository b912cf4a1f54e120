// What a member does to their own membership.
import type { Member } from '../../domain.js';
import { accept, refuse } from '../plan.js';
import { displayNameTaken } from '../policy.js';
import type { Handlers } from './types.js';

export const memberHandlers: Handlers<'member.update' | 'member.leave'> = {
  'member.update'(ctx, command) {
    const { actor } = ctx;
    const displayName = command.displayName ?? actor.displayName;
    const flair = command.flair === undefined ? actor.flair : command.flair;
    if (displayName === actor.displayName && flair === actor.flair) return accept(() => undefined);
    if (displayNameTaken(ctx.repo, displayName, actor.id)) return refuse('conflict', 'another member uses this name', 'command.displayName');
    return accept((fx) => {
      const member: Member = { ...actor, displayName, flair };
      ctx.repo.putMember(member);
      fx.emit({ type: 'member.upserted', member });
    });
  },

  'member.leave'(ctx) {
    // A circle always has its owner; there is no ownership transfer to make leaving safe.
    if (ctx.actor.role === 'owner') return refuse('conflict', 'the owner cannot leave the circle');
    return accept((fx) => {
      ctx.repo.deleteMember(ctx.actor.id);
      fx.emit({ type: 'member.removed', memberId: ctx.actor.id });
    });
  },
};
