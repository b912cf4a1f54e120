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

/** An event as `viewer` may see it; hosts apply it to every event they send (live or replayed). */
export function viewEventFor(event: CircleEvent, viewer: Member): CircleEvent {
  if (event.type !== 'message.upserted') return event;
  const message = viewMessageFor(event.message, viewer);
  return message === event.message ? event : { ...event, message };
}
