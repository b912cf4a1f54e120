import * as v from 'valibot';
import { LIMITS } from './limits.js';
import { CircleSchema, MemberSchema, MessageSchema, ThreadSchema } from './domain.js';
import { CircleId, DisplayName, Id, text } from './fields.js';
import { CircleEventSchema } from './events.js';

const AcceptNorms = /* @__PURE__ */ v.literal(true, 'the circle’s norms must be accepted to join');

/** How a client proves who it is, or asks to become a member. Pseudonymous: no e-mail anywhere. */
export const CredentialsSchema = /* @__PURE__ */ v.variant('kind', [
  /** A member token issued on joining; stored hashed by the server. */
  v.strictObject({ kind: v.literal('token'), token: v.pipe(v.string(), v.minLength(16), v.maxLength(256)) }),
  /** Join with an invite code. */
  v.strictObject({
    kind: v.literal('invite'),
    code: v.pipe(v.string(), v.minLength(LIMITS.inviteCodeMinChars), v.maxLength(64)),
    displayName: DisplayName,
    acceptNorms: AcceptNorms,
  }),
  /** Host-site single sign-on: a JWT signed with the circle's secret carrying the reader's id and name. */
  v.strictObject({ kind: v.literal('sso'), jwt: v.pipe(v.string(), v.maxLength(4096)), acceptNorms: AcceptNorms }),
  /** Join an `open-link` circle: holding the link is enough. */
  v.strictObject({ kind: v.literal('link'), displayName: DisplayName, acceptNorms: AcceptNorms }),
  /** Ask to join a `request` circle; moderators approve. */
  v.strictObject({
    kind: v.literal('request'),
    displayName: DisplayName,
    note: v.optional(v.nullable(text(LIMITS.reasonMaxChars))),
    acceptNorms: AcceptNorms,
  }),
]);
export type Credentials = v.InferOutput<typeof CredentialsSchema>;

/** Opaque resume position. The reference server uses the decimal `seq` of the last event applied. */
export const CursorSchema = /* @__PURE__ */ v.pipe(v.string(), v.maxLength(128));
export type Cursor = string;

/**
 * What a successful connection yields: the circle-level state at the head of the event stream, plus — when
 * the client resumed from a cursor — every event after that cursor, in order. `replay: null` means there was
 * no cursor or it is too old, and the client must reload the threads it shows.
 */
export const SessionSchema = /* @__PURE__ */ v.object({
  circleId: CircleId,
  member: MemberSchema,
  /** A member token newly issued by this connection (on join); the client keeps it to reconnect. */
  token: v.nullable(v.string()),
  circle: CircleSchema,
  members: v.array(MemberSchema),
  threads: v.array(ThreadSchema),
  /** Cursor of the newest event included in this snapshot. */
  cursor: v.nullable(CursorSchema),
  replay: v.nullable(v.array(CircleEventSchema)),
});
export type Session = v.InferOutput<typeof SessionSchema>;

export const HistoryQuerySchema = /* @__PURE__ */ v.strictObject({
  threadId: Id,
  /** Page cursor from a previous page's `before`; null for the newest page. */
  before: v.nullable(CursorSchema),
  limit: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(LIMITS.historyPageMax)),
});
export type HistoryQuery = v.InferOutput<typeof HistoryQuerySchema>;

export const HistoryPageSchema = /* @__PURE__ */ v.object({
  threadId: Id,
  /** Oldest first. */
  messages: v.array(MessageSchema),
  /** Cursor for the next older page; null when the thread's first message is in this page. */
  before: v.nullable(CursorSchema),
});
export type HistoryPage = v.InferOutput<typeof HistoryPageSchema>;
