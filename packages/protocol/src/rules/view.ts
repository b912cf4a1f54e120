import type { Member, Message } from '../domain.js';
import type { CircleEvent } from '../events.js';
import { hasRole } from './policy.js';

/**
 * A message as `viewer` may see it. A message hidden by a moderator keeps its place in the feed but its
 * words reach only moderators (who review it) and its author (who should know what was hidden).
 */
export function viewMessageFor(message: Message, viewer: Member): Message {
  if (message.state !== 'hidden-by-moderator' || message.authorId === viewer.id || hasRole(viewer, 'moderator')) return message;
  return { ...message, body: '', contentWarning: null };
}

/**
 * A member as `viewer` may see them. Which invite a member came in by is for moderators, who may need to
 * close it; to anyone else it would only tell who invited whom.
 */
export function viewMemberFor(member: Member, viewer: Member): Member {
  if (member.inviteId === undefined || hasRole(viewer, 'moderator')) return member;
  const { inviteId: _moderatorsOnly, ...seen } = member;
  return seen;
}

/**
 * Events replayed to `viewer` after a cursor. A `message.upserted` event carries the message as it was when
 * the event happened; a replay sends it as it is now (`current`), so words deleted or hidden since never
 * reach a member who was away when they were posted. The member ends in the same state either way.
 */
export function viewReplayFor(events: readonly CircleEvent[], viewer: Member, current: (messageId: string) => Message | undefined): CircleEvent[] {
  return events.map((event) => {
    if (event.type !== 'message.upserted') return viewEventFor(event, viewer);
    const now = current(event.message.id) ?? event.message;
    return viewEventFor(now === event.message ? event : { ...event, message: now }, viewer);
  });
}

/** `member.upserted` events as plain members see them (committed events never change). */
const plainMemberViews = new WeakMap<CircleEvent, CircleEvent>();

/** An event as `viewer` may see it; hosts apply it to every event they send live (replays: `viewReplayFor`). */
export function viewEventFor(event: CircleEvent, viewer: Member): CircleEvent {
  if (event.type === 'member.upserted') {
    const member = viewMemberFor(event.member, viewer);
    if (member === event.member) return event;
    // Every plain member gets the same view: one object, so a host serializing per event object does it once.
    let seen = plainMemberViews.get(event);
    if (!seen) plainMemberViews.set(event, (seen = { ...event, member }));
    return seen;
  }
  if (event.type !== 'message.upserted') return event;
  const message = viewMessageFor(event.message, viewer);
  return message === event.message ? event : { ...event, message };
}
