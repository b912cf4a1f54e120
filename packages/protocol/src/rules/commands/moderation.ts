// Moderator actions on messages, members and reports. Each one lands in the audit log with its reason.
import { LIMITS } from '../../limits.js';
import type { Member, MessageState } from '../../domain.js';
import type { ErrorInfo } from '../../errors.js';
import type { ExecuteContext } from '../engine.js';
import type { Effects } from '../effects.js';
import { accept, refuse, type Plan } from '../plan.js';
import { hasRole, outranks } from '../policy.js';
import { removedByModerator } from '../removals.js';
import type { Handlers } from './types.js';

type ModerationCommand =
  | 'mod.hide' | 'mod.restore' | 'mod.mute' | 'mod.unmute' | 'mod.ban' | 'mod.unban' | 'mod.remove' | 'mod.role' | 'report.resolve';

export function notModerator(ctx: ExecuteContext): { error: ErrorInfo } | null {
  return hasRole(ctx.actor, 'moderator') ? null : refuse('forbidden', 'only moderators can do this');
}

/** Moves a message between visible and hidden, if it is in the `from` state. */
function setMessageState(ctx: ExecuteContext, command: { type: string; messageId: string; reason?: string | null }, from: MessageState, to: MessageState): Plan {
  const denied = notModerator(ctx);
  if (denied) return denied;
  const message = ctx.repo.getMessage(command.messageId);
  if (!message) return refuse('not_found', 'no such message', 'command.messageId');
  if (!outranks(ctx.actor, ctx.repo.getMember(message.authorId), message.authorId)) {
    return refuse('forbidden', 'the author has the same or a higher role than you');
  }
  if (message.state !== from) return refuse('conflict', `the message is ${message.state}, not ${from}`);
  return accept((fx) => {
    const updated = { ...message, state: to };
    ctx.repo.putMessage(updated);
    fx.emit({ type: 'message.upserted', message: updated });
    fx.audit(command.type, message.id, command.reason);
  });
}

/** The member a moderator acts on: moderator+, the member exists, and the actor outranks them. */
function targetMember(ctx: ExecuteContext, memberId: string): { error: ErrorInfo } | { target: Member } {
  const denied = notModerator(ctx);
  if (denied) return denied;
  const target = ctx.repo.getMember(memberId);
  if (!target) return refuse('not_found', 'no such member', 'command.memberId');
  if (target.id === ctx.actor.id || !outranks(ctx.actor, target, target.id)) {
    return refuse('forbidden', 'you can act only on members of a lower role than yours', 'command.memberId');
  }
  return { target };
}

/**
 * Member moderation that rewrites the member: `check` may refuse, `change` gives the new record, `also`
 * makes further writes of the same step (its return value is the ack's result).
 */
function moderateMember(
  ctx: ExecuteContext,
  command: { type: string; memberId: string; reason?: string | null },
  check: (target: Member) => { error: ErrorInfo } | null,
  change: (target: Member) => Member,
  also?: (target: Member, fx: Effects) => unknown,
): Plan {
  const found = targetMember(ctx, command.memberId);
  if ('error' in found) return found;
  const refused = check(found.target);
  if (refused) return refused;
  return accept((fx) => {
    const member = change(found.target);
    ctx.repo.putMember(member);
    fx.emit({ type: 'member.upserted', member });
    fx.audit(command.type, member.id, command.reason);
    return also?.(found.target, fx);
  });
}

/**
 * Revokes the invite a banned member came in by (a multi-use invite would let them straight back in), in
 * the ban's own step, with its own audit entry. Returns its id, or null when there was none left to revoke.
 */
function revokeInviteOf(ctx: ExecuteContext, target: Member, fx: Effects): { revokedInviteId: string | null } {
  const invite = target.inviteId === undefined ? undefined : ctx.repo.getInvite(target.inviteId);
  if (!invite || invite.revoked) return { revokedInviteId: null };
  ctx.repo.putInvite({ ...invite, revoked: true });
  fx.audit('invite.revoke', invite.id, `revoked with the ban of ${target.displayName}`);
  return { revokedInviteId: invite.id };
}

const unless = (condition: boolean, message: string) => (condition ? refuse('conflict', message) : null);

export const moderationHandlers: Handlers<ModerationCommand> = {
  'mod.hide': (ctx, command) => setMessageState(ctx, command, 'visible', 'hidden-by-moderator'),
  'mod.restore': (ctx, command) => setMessageState(ctx, command, 'hidden-by-moderator', 'visible'),

  'mod.mute'(ctx, command) {
    // Checked before the target so a bad time is reported whoever the target is.
    if (hasRole(ctx.actor, 'moderator') && (command.until <= ctx.now || command.until - ctx.now > LIMITS.muteMaxMs)) {
      return refuse('invalid', 'a mute ends in the future and lasts at most 28 days', 'command.until');
    }
    return moderateMember(ctx, command,
      (t) => unless(t.state === 'banned', 'the member is banned'),
      (t) => ({ ...t, state: 'muted', mutedUntil: command.until }));
  },
  'mod.unmute': (ctx, command) =>
    moderateMember(ctx, command,
      (t) => unless(t.state !== 'muted', 'the member is not muted'),
      (t) => ({ ...t, state: 'active', mutedUntil: null })),
  'mod.ban': (ctx, command) =>
    moderateMember(ctx, command,
      (t) => unless(t.state === 'banned', 'the member is already banned'),
      (t) => ({ ...t, state: 'banned', mutedUntil: null }),
      command.revokeInvite ? (t, fx) => revokeInviteOf(ctx, t, fx) : undefined),
  'mod.unban'(ctx, command) {
    // Someone removed has no member record left: letting them back is the audit entry itself (see removals.ts).
    if (!notModerator(ctx) && !ctx.repo.getMember(command.memberId) && removedByModerator(ctx.repo, command.memberId)) {
      return accept((fx) => fx.audit(command.type, command.memberId, command.reason));
    }
    return moderateMember(ctx, command,
      (t) => unless(t.state !== 'banned', 'the member is not banned'),
      (t) => ({ ...t, state: 'active', mutedUntil: null }));
  },

  'mod.remove'(ctx, command) {
    const found = targetMember(ctx, command.memberId);
    if ('error' in found) return found;
    return accept((fx) => {
      ctx.repo.deleteMember(found.target.id);
      fx.emit({ type: 'member.removed', memberId: found.target.id });
      fx.audit(command.type, found.target.id, command.reason);
    });
  },

  'mod.role'(ctx, command) {
    if (ctx.actor.role !== 'owner') return refuse('forbidden', 'only the owner can change roles');
    if (command.memberId === ctx.actor.id) return refuse('forbidden', 'you cannot change your own role', 'command.memberId');
    if (command.role === 'owner') return refuse('invalid', 'ownership cannot be transferred', 'command.role');
    return moderateMember(ctx, command,
      (t) => unless(t.state === 'banned', 'the member is banned') ?? unless(t.role === command.role, `the member is already a ${command.role}`),
      (t) => ({ ...t, role: command.role }));
  },

  'report.resolve'(ctx, command) {
    const denied = notModerator(ctx);
    if (denied) return denied;
    const report = ctx.repo.getReport(command.reportId);
    if (!report) return refuse('not_found', 'no such report', 'command.reportId');
    if (report.resolvedAt !== null) return refuse('conflict', 'the report is already resolved');
    return accept((fx) => {
      ctx.repo.putReport({ ...report, resolvedAt: ctx.now });
      fx.audit(command.type, report.id, command.reason);
    });
  },
};
