import * as v from 'valibot';
import { CircleSchema, Id, MemberSchema, MessageSchema, ThreadSchema } from './domain.js';
import { Seq, Timestamp } from './fields.js';

// Every change in a circle is an event with a per-circle, strictly increasing `seq` (1, 2, 3, … with no
// holes). Events carry whole entities, so applying one is an idempotent upsert and replay is harmless.

const base = {
  seq: Seq,
  at: Timestamp,
  /** The command that caused it, so its sender can settle the optimistic copy. */
  commandId: v.nullable(Id),
  actorId: v.nullable(Id),
};

export const CircleUpdatedEvent = /* @__PURE__ */ v.object({ ...base, type: v.literal('circle.updated'), circle: CircleSchema });
export const MemberUpsertedEvent = /* @__PURE__ */ v.object({ ...base, type: v.literal('member.upserted'), member: MemberSchema });
export const MemberRemovedEvent = /* @__PURE__ */ v.object({ ...base, type: v.literal('member.removed'), memberId: Id });
export const ThreadUpsertedEvent = /* @__PURE__ */ v.object({ ...base, type: v.literal('thread.upserted'), thread: ThreadSchema });
export const MessageUpsertedEvent = /* @__PURE__ */ v.object({ ...base, type: v.literal('message.upserted'), message: MessageSchema });

export const CircleEventSchema = /* @__PURE__ */ v.variant('type', [
  CircleUpdatedEvent,
  MemberUpsertedEvent,
  MemberRemovedEvent,
  ThreadUpsertedEvent,
  MessageUpsertedEvent,
]);
export type CircleEvent = v.InferOutput<typeof CircleEventSchema>;
export type CircleEventType = CircleEvent['type'];
