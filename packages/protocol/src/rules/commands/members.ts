// What a member does to their own membership.
import type { Member } from '../../domain.js';
import { accept, refuse } from '../plan.js';
import { nameRefusal, screenFields } from '../policy.js';
import { pseudonymRefusal } from '../seating.js';
import type { Handlers } from './types.js';

export const memberHandlers: Handlers<'member.update' | 'member.leave'> = {
  'member.update'(ctx, command) {
    const { actor } = ctx;
    const displayName = command.displayName ?? actor.displayName;
    const flair = command.flair === undefined ? actor.flair : command.flair;
    if (displayName === actor.displayName && flair === actor.flair) return accept(() => undefined);
    const refused = displayName === actor.displayName ? null
      : pseudonymRefusal(ctx.repo, 'names in this circle come from its host site’s sign-on and cannot be changed here', 'command.displayName')
        ?? nameRefusal(ctx, displayName, 'command.displayName', actor.id);
    if (refused) return refused;
    // Flair shows beside the name: a banned word refuses it; there is no review to hold it for.
    const screened = flair === actor.flair ? null : screenFields(ctx.repo.getCircle().wordFilter, { 'command.flair': flair });
    if (screened && 'error' in screened) return screened;
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
