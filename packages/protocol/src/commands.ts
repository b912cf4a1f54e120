import * as v from 'valibot';
import { LIMITS } from './limits.js';
import {
  AccessModeSchema, Body, CircleSettingsSchema, ContentWarning, DisplayName, Flair, Id, Reaction, Reason,
  RoleSchema, ThreadKey, ThreadTitle, line, text,
} from './domain.js';
import type { AuditEntry, Invite, JoinRequest, Report } from './domain.js';
import { Timestamp } from './fields.js';

// Every command carries a client-generated `id` (nanoid). A backend applies a given id once, however many
// times it arrives, so a retry after a lost ack is always safe.

const cmd = <T extends string, E extends v.ObjectEntries>(type: T, entries: E) =>
  v.strictObject({ id: Id, type: v.literal(type), ...entries });

const MemberTarget = { memberId: Id };
const OptionalReason = { reason: v.optional(v.nullable(Reason)) };

export const ThreadCreateCommand = /* @__PURE__ */ cmd('thread.create', {
  threadId: Id,
  title: ThreadTitle,
  key: v.optional(v.nullable(ThreadKey)),
});

export const MessagePostCommand = /* @__PURE__ */ v.pipe(
  cmd('message.post', {
    /** The new message's id, chosen by the client so the server echo replaces the optimistic copy in place. */
    messageId: Id,
    threadId: v.optional(Id),
    /** Post into the page-keyed thread with this key, creating it on first post. */
    threadKey: v.optional(ThreadKey),
    /** Title for a page-keyed thread created by this post. */
    threadTitle: v.optional(ThreadTitle),
    body: Body,
    contentWarning: v.optional(v.nullable(ContentWarning)),
    replyTo: v.optional(v.nullable(Id)),
  }),
  v.check((c) => (c.threadId === undefined) !== (c.threadKey === undefined), 'needs exactly one of threadId and threadKey'),
);

export const MessageEditCommand = /* @__PURE__ */ cmd('message.edit', {
  messageId: Id,
  body: Body,
  contentWarning: v.optional(v.nullable(ContentWarning)),
});
export const MessageDeleteCommand = /* @__PURE__ */ cmd('message.delete', { messageId: Id });
export const MessageReactCommand = /* @__PURE__ */ cmd('message.react', { messageId: Id, reaction: Reaction, active: v.boolean() });
export const MessageReportCommand = /* @__PURE__ */ cmd('message.report', { reportId: Id, messageId: Id, reason: Reason });
export const MemberUpdateCommand = /* @__PURE__ */ cmd('member.update', {
  displayName: v.optional(DisplayName),
  flair: v.optional(v.nullable(Flair)),
});
export const MemberLeaveCommand = /* @__PURE__ */ cmd('member.leave', {});

export const ModHideCommand = /* @__PURE__ */ cmd('mod.hide', { messageId: Id, reason: Reason });
export const ModRestoreCommand = /* @__PURE__ */ cmd('mod.restore', { messageId: Id, ...OptionalReason });
export const ModMuteCommand = /* @__PURE__ */ cmd('mod.mute', { ...MemberTarget, until: Timestamp, reason: Reason });
export const ModUnmuteCommand = /* @__PURE__ */ cmd('mod.unmute', { ...MemberTarget, ...OptionalReason });
export const ModBanCommand = /* @__PURE__ */ cmd('mod.ban', {
  ...MemberTarget,
  reason: Reason,
  /** Also revoke the invite the member joined by, in the same step, so they cannot come straight back with it. */
  revokeInvite: v.optional(v.boolean()),
});
export const ModUnbanCommand = /* @__PURE__ */ cmd('mod.unban', { ...MemberTarget, ...OptionalReason });
export const ModRemoveCommand = /* @__PURE__ */ cmd('mod.remove', { ...MemberTarget, reason: Reason });
export const ModRoleCommand = /* @__PURE__ */ cmd('mod.role', { ...MemberTarget, role: RoleSchema, ...OptionalReason });
export const ReportResolveCommand = /* @__PURE__ */ cmd('report.resolve', { reportId: Id, ...OptionalReason });

export const CircleUpdateCommand = /* @__PURE__ */ cmd('circle.update', {
  name: v.optional(line(LIMITS.circleNameMaxChars)),
  description: v.optional(v.pipe(v.string('must be a string'), v.maxLength(LIMITS.circleDescriptionMaxChars, `must be at most ${LIMITS.circleDescriptionMaxChars} characters`))),
  norms: v.optional(text(LIMITS.normsMaxChars)),
  access: v.optional(AccessModeSchema),
  memberCap: v.optional(v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(1, 'must be at least 1'), v.maxValue(10_000, 'must be at most 10000'))),
  reactions: v.optional(v.pipe(v.array(Reaction), v.minLength(1), v.maxLength(LIMITS.circleReactionsMax))),
  settings: v.optional(v.partial(CircleSettingsSchema)),
  /** Words that get a post rejected; words that hold it for review. Visible to moderators only. */
  wordFilter: v.optional(
    v.strictObject({ banned: v.array(line(64)), suspect: v.array(line(64)) }),
  ),
});

export const InviteCreateCommand = /* @__PURE__ */ cmd('invite.create', {
  /** Lifetime in ms; null = never expires; omitted = 24 h. At most 7 days when set. */
  expiresInMs: v.optional(
    v.nullable(
      v.pipe(
        v.number('must be a number'),
        v.integer('must be a whole number'),
        v.minValue(60_000, 'must be at least 1 minute'),
        v.maxValue(LIMITS.inviteMaxLifetimeMs, `must be at most ${LIMITS.inviteMaxLifetimeMs / 86_400_000} days`),
      ),
    ),
  ),
  /** null or omitted = unlimited; 1 = single use. */
  maxUses: v.optional(v.nullable(v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(1, 'must be at least 1'), v.maxValue(1000, 'must be at most 1000')))),
});
export const InviteRevokeCommand = /* @__PURE__ */ cmd('invite.revoke', { inviteId: Id });
export const RequestApproveCommand = /* @__PURE__ */ cmd('request.approve', { requestId: Id });
export const RequestDenyCommand = /* @__PURE__ */ cmd('request.deny', { requestId: Id });

// Queries: read-only commands for moderator views that are not part of the shared event stream.
export const InviteListCommand = /* @__PURE__ */ cmd('invite.list', {});
export const ReportListCommand = /* @__PURE__ */ cmd('report.list', { includeResolved: v.optional(v.boolean()) });
export const AuditListCommand = /* @__PURE__ */ cmd('audit.list', {
  before: v.optional(v.nullable(Timestamp)),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(LIMITS.historyPageMax))),
});
export const RequestListCommand = /* @__PURE__ */ cmd('request.list', {});

export const COMMAND_SCHEMAS = {
  'thread.create': ThreadCreateCommand,
  'message.post': MessagePostCommand,
  'message.edit': MessageEditCommand,
  'message.delete': MessageDeleteCommand,
  'message.react': MessageReactCommand,
  'message.report': MessageReportCommand,
  'member.update': MemberUpdateCommand,
  'member.leave': MemberLeaveCommand,
  'mod.hide': ModHideCommand,
  'mod.restore': ModRestoreCommand,
  'mod.mute': ModMuteCommand,
  'mod.unmute': ModUnmuteCommand,
  'mod.ban': ModBanCommand,
  'mod.unban': ModUnbanCommand,
  'mod.remove': ModRemoveCommand,
  'mod.role': ModRoleCommand,
  'report.resolve': ReportResolveCommand,
  'circle.update': CircleUpdateCommand,
  'invite.create': InviteCreateCommand,
  'invite.revoke': InviteRevokeCommand,
  'request.approve': RequestApproveCommand,
  'request.deny': RequestDenyCommand,
  'invite.list': InviteListCommand,
  'report.list': ReportListCommand,
  'audit.list': AuditListCommand,
  'request.list': RequestListCommand,
} as const;

export type CommandType = keyof typeof COMMAND_SCHEMAS;
export const COMMAND_TYPES = Object.keys(COMMAND_SCHEMAS) as CommandType[];
export type CommandOf<T extends CommandType> = v.InferOutput<(typeof COMMAND_SCHEMAS)[T]>;
export type Command = { [T in CommandType]: CommandOf<T> }[CommandType];
/** A command before it is given its id. */
export type CommandInput<T extends CommandType = CommandType> = T extends CommandType ? Omit<CommandOf<T>, 'id'> : never;


/** What a successful ack carries back, per command type. */
export interface CommandResults {
  /**
   * `code` is shown this once: the store keeps only its hash, so the ack of a retried command (same id)
   * comes without it.
   */
  'invite.create': { invite: Invite; code?: string };
  'invite.list': { invites: Invite[] };
  'report.list': { reports: Report[] };
  'audit.list': { entries: AuditEntry[] };
  'request.list': { requests: JoinRequest[] };
  /** With `revokeInvite`: the invite revoked with the ban, or null when there was none to revoke. */
  'mod.ban': { revokedInviteId: string | null } | undefined;
  /** A post held for review by the word filter is acknowledged as stored but not yet visible. */
  'message.post': { held?: boolean } | undefined;
}
export type ResultOf<T extends CommandType> = T extends keyof CommandResults ? CommandResults[T] : undefined;
