import * as v from 'valibot';
import { ERROR_CODES } from './errors.js';
import { CircleSchema } from './domain.js';
import { CircleEventSchema } from './events.js';
import { Id, Seq } from './fields.js';
import { HistoryPageSchema, SessionSchema } from './session.js';

// Frames are what travels over a socket. A transport other than the WebSocket one may carry the same
// commands and events in any shape it likes; these frames are the reference server's wire format.

export const ErrorInfoSchema = /* @__PURE__ */ v.object({
  code: v.picklist(ERROR_CODES),
  message: v.string(),
  field: v.optional(v.string()),
  retryAfterMs: v.optional(v.number()),
});

const V = { v: v.number('must be a number') };

// Server → client.
export const WelcomeFrame = /* @__PURE__ */ v.object({ ...V, type: v.literal('welcome'), session: SessionSchema });
export const EventFrame = /* @__PURE__ */ v.object({ ...V, type: v.literal('event'), event: CircleEventSchema });
export const AckFrame = /* @__PURE__ */ v.variant('ok', [
  v.object({ ...V, type: v.literal('ack'), id: Id, ok: v.literal(true), seq: v.nullable(Seq), result: v.optional(v.unknown()) }),
  v.object({ ...V, type: v.literal('ack'), id: Id, ok: v.literal(false), error: ErrorInfoSchema }),
]);
export const HistoryResponseFrame = /* @__PURE__ */ v.object({ ...V, type: v.literal('history'), id: Id, page: HistoryPageSchema });
/** A connection-level error. `id` names the request it answers, when there is one; `fatal` closes the socket. */
export const ErrorFrame = /* @__PURE__ */ v.object({
  ...V,
  type: v.literal('error'),
  error: ErrorInfoSchema,
  id: v.optional(v.nullable(v.string())),
  fatal: v.optional(v.boolean()),
  /** With `pending_approval`: a token to reconnect with once a moderator approves. */
  token: v.optional(v.string()),
});
export const PongFrame = /* @__PURE__ */ v.object({ ...V, type: v.literal('pong') });
/** The answer to a `preview` request: the public circle, as members see it. */
export const PreviewFrame = /* @__PURE__ */ v.object({ ...V, type: v.literal('preview'), id: Id, circle: CircleSchema });

export const ServerFrameSchema = /* @__PURE__ */ v.variant('type', [WelcomeFrame, EventFrame, AckFrame, HistoryResponseFrame, ErrorFrame, PongFrame, PreviewFrame]);
export type ServerFrame = v.InferOutput<typeof ServerFrameSchema>;
export type AckFrame = v.InferOutput<typeof AckFrame>;
