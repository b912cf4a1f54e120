// Running the circle: its settings, its invites, its join requests.
import { LIMITS } from '../../limits.js';
import type { Circle, Invite } from '../../domain.js';
import { accept, refuse } from '../plan.js';
import { newMember, seatRefusal } from '../seating.js';
import type { Handlers } from './types.js';
import { notModerator } from './moderation.js';

type AdministrationCommand = 'circle.update' | 'invite.create' | 'invite.revoke' | 'request.approve' | 'request.deny';

/** What the circle is (and who may enter) belongs to the owner; how it runs day to day, to moderators. */
const OWNER_FIELDS = ['name', 'description', 'norms', 'access', 'memberCap', 'reactions'] as const;

/** The settings actually given: valibot leaves absent keys out, but a hand-built command may carry undefined. */
function given<T extends object>(partial: T): Partial<T> {
  return Object.fromEntries(Object.entries(partial).filter(([, value]) => value !== undefined)) as Partial<T>;
}

export const administrationHandlers: Handlers<AdministrationCommand> = {
  'circle.update'(ctx, command) {
    const denied = notModerator(ctx);
    if (denied) return denied;
    const ownerField = OWNER_FIELDS.find((field) => command[field] !== undefined);
    if (ownerField && ctx.actor.role !== 'owner') return refuse('forbidden', `only the owner can change the ${ownerField}`, `command.${ownerField}`);
    const record = ctx.repo.getCircle();
    const circle: Circle = { ...record.circle };
    for (const field of OWNER_FIELDS) if (command[field] !== undefined) Object.assign(circle, { [field]: command[field] });
    if (command.settings) circle.settings = { ...circle.settings, ...given(command.settings) };
    const wordFilter = command.wordFilter ?? record.wordFilter;
    const circleChanged = JSON.stringify(circle) !== JSON.stringify(record.circle);
    const filterChanged = JSON.stringify(wordFilter) !== JSON.stringify(record.wordFilter);
    if (!circleChanged && !filterChanged) return accept(() => undefined);
    const changed = [...OWNER_FIELDS, 'settings', 'wordFilter'].filter((f) => (command as Record<string, unknown>)[f] !== undefined);
    return accept((fx) => {
      ctx.repo.putCircle({ circle, wordFilter });
      // The word lists stay out of events: members would learn exactly what to misspell.
      if (circleChanged) fx.emit({ type: 'circle.updated', circle });
      fx.audit(command.type, circle.id, `changed ${changed.join(', ')}`);
    });
  },

  'invite.create'(ctx, command) {
    const denied = notModerator(ctx);
    if (denied) return denied;
    return accept((fx) => {
      const lifetime = command.expiresInMs === undefined ? LIMITS.inviteDefaultLifetimeMs : command.expiresInMs;
      const code = ctx.newId(24);
      const invite: Invite = {
        id: ctx.newId(), createdBy: ctx.actor.id, createdAt: ctx.now,
        expiresAt: lifetime === null ? null : ctx.now + lifetime,
        maxUses: command.maxUses ?? null, uses: 0, revoked: false,
      };
      ctx.repo.addInvite(invite, code);
      fx.audit(command.type, invite.id, null);
      // The code goes to its creator in this ack and nowhere else (`execute` keeps it out of the record).
      return { invite, code };
    });
  },

  'invite.revoke'(ctx, command) {
    const denied = notModerator(ctx);
    if (denied) return denied;
    const invite = ctx.repo.getInvite(command.inviteId);
    if (!invite) return refuse('not_found', 'no such invite', 'command.inviteId');
    if (invite.revoked) return refuse('conflict', 'the invite is already revoked');
    return accept((fx) => {
      ctx.repo.putInvite({ ...invite, revoked: true });
      fx.audit(command.type, invite.id, null);
    });
  },

  'request.approve'(ctx, command) {
    const denied = notModerator(ctx);
    if (denied) return denied;
    const request = ctx.repo.getJoinRequest(command.requestId);
    if (!request) return refuse('not_found', 'no such join request', 'command.requestId');
    const refused = seatRefusal(ctx, request.displayName);
    if (refused) return refused;
    return accept((fx) => {
      // The member keeps the request's id, so the requester's pending token now signs them in.
      const member = newMember(request.id, request.displayName, ctx.now);
      ctx.repo.putMember(member);
      ctx.repo.deleteJoinRequest(request.id);
      fx.emit({ type: 'member.upserted', member });
      fx.audit(command.type, request.id, null);
    });
  },

  'request.deny'(ctx, command) {
    const denied = notModerator(ctx);
    if (denied) return denied;
    const request = ctx.repo.getJoinRequest(command.requestId);
    if (!request) return refuse('not_found', 'no such join request', 'command.requestId');
    return accept((fx) => {
      ctx.repo.deleteJoinRequest(request.id);
      fx.audit(command.type, request.id, null);
    });
  },
};
