import * as v from 'valibot';
import { CircleId, Id } from './fields.js';
import { LIMITS } from './limits.js';
import { CredentialsSchema, CursorSchema, HistoryQuerySchema } from './session.js';

// Frames are what travels over a socket. A transport other than the WebSocket one may carry the same
// commands and events in any shape it likes; these frames are the reference server's wire format.
// Client-to-server frames live apart from server-to-client ones, so a browser bundle carries only the
// schemas it parses with.

const V = { v: v.number('must be a number') };

// Client → server. `command` is checked separately (see parse.ts) so an unknown type or bad field gets
// a precise error naming it.
export const HelloFrame = /* @__PURE__ */ v.strictObject({ ...V, type: v.literal('hello'), circle: CircleId, credentials: CredentialsSchema, cursor: v.nullable(CursorSchema) });
export const CommandFrameEnvelope = /* @__PURE__ */ v.strictObject({ ...V, type: v.literal('command'), command: v.looseObject({ id: Id, type: v.string() }) });
export const HistoryRequestFrame = /* @__PURE__ */ v.strictObject({ ...V, type: v.literal('history'), id: Id, query: HistoryQuerySchema });
export const PingFrame = /* @__PURE__ */ v.strictObject({ ...V, type: v.literal('ping') });
/**
 * Before joining: the circle as an invited person may see it (its name and the norms they are asked to
 * accept). Sent instead of `hello`; the answer is a `preview` frame or an error frame with this `id`.
 */
export const PreviewRequestFrame = /* @__PURE__ */ v.strictObject({
  ...V,
  type: v.literal('preview'),
  id: Id,
  circle: CircleId,
  invite: v.optional(v.pipe(v.string(), v.minLength(LIMITS.inviteCodeMinChars), v.maxLength(64))),
});
