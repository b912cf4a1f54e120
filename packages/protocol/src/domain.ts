import * as v from 'valibot';
import { LIMITS } from './limits.js';
import {
  Body, CircleId, ContentWarning, DisplayName, Flair, StoredDisplayName, Id, Reaction, Reason, Seq, ThreadKey, ThreadTitle,
  Timestamp, line, text,
} from './fields.js';

export const RoleSchema = /* @__PURE__ */ v.picklist(['owner', 'moderator', 'member'], 'must be owner, moderator or member');
export type Role = v.InferOutput<typeof RoleSchema>;

export const AccessModeSchema = /* @__PURE__ */ v.picklist(['invite', 'request', 'open-link'], 'must be invite, request or open-link');
export type AccessMode = v.InferOutput<typeof AccessModeSchema>;

export const CircleSettingsSchema = /* @__PURE__ */ v.object({
  /** Seconds a member waits between two posts; 0 turns slow mode off. */
  slowModeSeconds: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(3600)),
  /**
   * `true` (default): members pick their own names. `false`: members are known by the name their host site
   * gives them — only host-site sign-on admits newcomers (invite, link and join requests are refused) and
   * names cannot be changed inside the circle; sign-on follows the host's name.
   */
  pseudonymsAllowed: v.boolean(),
});
export type CircleSettings = v.InferOutput<typeof CircleSettingsSchema>;

export const CircleSchema = /* @__PURE__ */ v.object({
  id: CircleId,
  name: line(LIMITS.circleNameMaxChars),
  description: v.string(),
  /** Text every member accepts on joining. */
  norms: v.string(),
  access: AccessModeSchema,
  memberCap: v.pipe(v.number(), v.integer(), v.minValue(1)),
  /** The circle's own reaction set: members react with these and nothing else. */
  reactions: v.pipe(v.array(Reaction), v.maxLength(LIMITS.circleReactionsMax)),
  settings: CircleSettingsSchema,
});
export type Circle = v.InferOutput<typeof CircleSchema>;

export const MemberStateSchema = /* @__PURE__ */ v.picklist(['active', 'muted', 'banned']);
export type MemberState = v.InferOutput<typeof MemberStateSchema>;

export const MemberSchema = /* @__PURE__ */ v.object({
  id: Id,
  /** Checked where it enters (`DisplayName`); read leniently (see `StoredDisplayName`). */
  displayName: StoredDisplayName,
  role: RoleSchema,
  flair: v.nullable(Flair),
  state: MemberStateSchema,
  /** When a mute ends; null unless muted. */
  mutedUntil: v.nullable(Timestamp),
  joinedAt: Timestamp,
  /**
   * The invite the member joined by, so a moderator can close it (`mod.ban` with `revokeInvite`). Only
   * moderators see it (`viewMemberFor`); absent for members who joined otherwise, or before it was kept.
   */
  inviteId: v.optional(Id),
});
export type Member = v.InferOutput<typeof MemberSchema>;

export const ThreadSchema = /* @__PURE__ */ v.object({
  id: Id,
  title: ThreadTitle,
  /** Set for a page-keyed thread (one per article of a blog); null for a topic thread. */
  key: v.nullable(ThreadKey),
  createdBy: Id,
  createdAt: Timestamp,
  lastMessageAt: v.nullable(Timestamp),
  messageCount: v.pipe(v.number(), v.integer(), v.minValue(0)),
});
export type Thread = v.InferOutput<typeof ThreadSchema>;

export const MessageStateSchema = /* @__PURE__ */ v.picklist(['visible', 'hidden-by-moderator', 'deleted']);
export type MessageState = v.InferOutput<typeof MessageStateSchema>;

export const MessageSchema = /* @__PURE__ */ v.object({
  id: Id,
  threadId: Id,
  authorId: Id,
  /** Plain text with a small markdown subset. Empty for tombstones and for hidden messages sent to members. */
  body: v.string(),
  contentWarning: v.nullable(ContentWarning),
  replyTo: v.nullable(Id),
  createdAt: Timestamp,
  editedAt: v.nullable(Timestamp),
  /** Reaction → ids of the members who reacted with it. */
  reactions: v.record(Reaction, v.array(Id)),
  state: MessageStateSchema,
  /** Seq of the event that created the message: the order of the chronological feed. */
  seq: Seq,
});
export type Message = v.InferOutput<typeof MessageSchema>;

/**
 * An invite as stored and listed. Its code is not part of it: the code is shown once, to whoever created the
 * invite (the `invite.create` ack, the CLI), and stored only as a hash, so a copy of the data lets no one in.
 * Moderators list and revoke an invite by its id.
 */
export const InviteSchema = /* @__PURE__ */ v.object({
  id: Id,
  createdBy: Id,
  createdAt: Timestamp,
  expiresAt: v.nullable(Timestamp),
  maxUses: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1))),
  uses: v.pipe(v.number(), v.integer(), v.minValue(0)),
  revoked: v.boolean(),
});
export type Invite = v.InferOutput<typeof InviteSchema>;

/** What a report keeps of the reported message (see `Report.snapshot`). */
export const ReportSnapshotSchema = /* @__PURE__ */ v.object({
  body: v.string(),
  contentWarning: v.nullable(v.string()),
});
export type ReportSnapshot = v.InferOutput<typeof ReportSnapshotSchema>;

export const ReportSchema = /* @__PURE__ */ v.object({
  id: Id,
  messageId: Id,
  threadId: Id,
  reporterId: Id,
  reason: Reason,
  createdAt: Timestamp,
  resolvedAt: v.nullable(Timestamp),
  /**
   * The reported message as it read when it was reported, so an edit made afterwards cannot hide from the
   * moderators what was reported. Absent on reports stored before it was kept.
   */
  snapshot: v.optional(ReportSnapshotSchema),
});
export type Report = v.InferOutput<typeof ReportSchema>;

export const AuditEntrySchema = /* @__PURE__ */ v.object({
  id: Id,
  actorId: Id,
  action: v.string(),
  /** The member, message or invite acted on. */
  targetId: v.nullable(v.string()),
  reason: v.nullable(v.string()),
  at: Timestamp,
});
export type AuditEntry = v.InferOutput<typeof AuditEntrySchema>;

export const JoinRequestSchema = /* @__PURE__ */ v.object({
  id: Id,
  displayName: StoredDisplayName,
  note: v.nullable(v.string()),
  createdAt: Timestamp,
});
export type JoinRequest = v.InferOutput<typeof JoinRequestSchema>;

export { Body, ContentWarning, Reaction, Reason, ThreadKey, ThreadTitle, DisplayName, Flair, Id, CircleId, text, line };
