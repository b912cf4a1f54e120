// Threads and messages: what members write.
import { LIMITS } from '../../limits.js';
import { clipLine } from '../../fields.js';
import type { Message, ReportSnapshot, Thread } from '../../domain.js';
import type { ErrorInfo } from '../../errors.js';
import type { ExecuteContext } from '../engine.js';
import type { Effects } from '../effects.js';
import { accept, refuse } from '../plan.js';
import { hasRole, isMuted, outranks, screenFields } from '../policy.js';
import type { WordFilter } from '../repository.js';
import type { Handlers } from './types.js';

type ContentCommand = 'thread.create' | 'message.post' | 'message.edit' | 'message.delete' | 'message.react' | 'message.report';

const HELD_REASON = 'held for review';

/** Banned words refuse the text (naming the field); suspect words hold it for review. */
function screenText(filter: WordFilter, fields: Record<string, string | null | undefined>): { error: ErrorInfo } | { held: boolean } {
  return screenFields(filter, Object.fromEntries(Object.entries(fields).map(([field, value]) => [`command.${field}`, value])));
}

function newThread(ctx: ExecuteContext, id: string, title: string, key: string | null): Thread {
  return { id, title, key, createdBy: ctx.actor.id, createdAt: ctx.now, lastMessageAt: null, messageCount: 0 };
}

/** The reported text as it reads now: the moderators see this even if the author edits it later. */
function snapshotOf(message: Message): ReportSnapshot {
  return { body: message.body, contentWarning: message.contentWarning };
}

/** Files the automatic report that puts a held message in the moderators' queue. */
function holdForReview(ctx: ExecuteContext, message: Message): void {
  ctx.repo.putReport({
    id: ctx.newId(), messageId: message.id, threadId: message.threadId, reporterId: message.authorId,
    reason: HELD_REASON, createdAt: ctx.now, resolvedAt: null, snapshot: snapshotOf(message),
  });
}

function putMessage(ctx: ExecuteContext, fx: Effects, message: Message): void {
  ctx.repo.putMessage(message);
  fx.emit({ type: 'message.upserted', message });
}

/** Milliseconds a plain member still has to wait under slow mode; 0 when they may post. */
function slowModeWait(ctx: ExecuteContext): number {
  const seconds = ctx.repo.getCircle().circle.settings.slowModeSeconds;
  if (seconds <= 0 || hasRole(ctx.actor, 'moderator')) return 0;
  const last = ctx.repo.lastPostAt(ctx.actor.id);
  return last === undefined ? 0 : Math.max(0, last + seconds * 1000 - ctx.now);
}

export const contentHandlers: Handlers<ContentCommand> = {
  'thread.create'(ctx, command) {
    const key = command.key ?? null;
    if (ctx.repo.getThread(command.threadId)) return refuse('conflict', 'a thread with this id exists', 'command.threadId');
    if (key !== null && ctx.repo.getThreadByKey(key)) return refuse('conflict', 'a thread with this key exists', 'command.key');
    // A key is shown wherever the thread is linked from (and names an untitled page thread): screened too.
    const screened = screenText(ctx.repo.getCircle().wordFilter, { title: command.title, key });
    if ('error' in screened) return screened;
    return accept((fx) => {
      const thread = newThread(ctx, command.threadId, command.title, key);
      ctx.repo.putThread(thread);
      fx.emit({ type: 'thread.upserted', thread });
    });
  },

  'message.post'(ctx, command) {
    const { repo } = ctx;
    let existing: Thread | undefined;
    if (command.threadId !== undefined) {
      existing = repo.getThread(command.threadId);
      if (!existing) return refuse('not_found', 'no such thread', 'command.threadId');
    } else if (command.threadKey !== undefined) {
      existing = repo.getThreadByKey(command.threadKey); // undefined: this post creates it
    } else return refuse('invalid', 'needs a threadId or a threadKey', 'command.threadId');
    if (repo.getMessage(command.messageId)) return refuse('conflict', 'a message with this id exists', 'command.messageId');
    const replyTo = command.replyTo ?? null;
    if (replyTo !== null && repo.getMessage(replyTo)?.threadId !== (existing?.id ?? null)) {
      return refuse('not_found', 'the message replied to is not in this thread', 'command.replyTo');
    }
    const contentWarning = command.contentWarning ?? null;
    // A post that makes its page thread screens the title and key it makes (an untitled thread is named after its key).
    const newThreadTexts = existing ? {} : { threadTitle: command.threadTitle, threadKey: command.threadKey };
    const screened = screenText(repo.getCircle().wordFilter, { body: command.body, contentWarning, ...newThreadTexts });
    if ('error' in screened) return screened;
    const wait = slowModeWait(ctx);
    if (wait > 0) return { error: { code: 'rate_limited', message: `slow mode: wait ${Math.ceil(wait / 1000)} s before posting again`, retryAfterMs: wait } };

    return accept((fx) => {
      let thread = existing;
      if (!thread) {
        // A page-keyed thread comes into being with its first post. Untitled, it is named after its key, cut
        // to a title's length: a key may be longer than a title may be.
        const title = command.threadTitle ?? clipLine(command.threadKey!, LIMITS.threadTitleMaxChars);
        thread = newThread(ctx, ctx.newId(), title, command.threadKey!);
        repo.putThread(thread);
        fx.emit({ type: 'thread.upserted', thread });
      }
      const message: Message = {
        id: command.messageId, threadId: thread.id, authorId: ctx.actor.id, body: command.body, contentWarning, replyTo,
        createdAt: ctx.now, editedAt: null, reactions: {}, state: screened.held ? 'hidden-by-moderator' : 'visible',
        seq: repo.peekNextSeq(),
      };
      putMessage(ctx, fx, message);
      if (screened.held) holdForReview(ctx, message);
      const updated: Thread = { ...thread, messageCount: thread.messageCount + 1, lastMessageAt: ctx.now };
      repo.putThread(updated);
      fx.emit({ type: 'thread.upserted', thread: updated });
      return screened.held ? { held: true } : undefined;
    });
  },

  'message.edit'(ctx, command) {
    const message = ctx.repo.getMessage(command.messageId);
    if (!message) return refuse('not_found', 'no such message', 'command.messageId');
    if (message.authorId !== ctx.actor.id) return refuse('forbidden', 'only its author can edit a message');
    if (message.state !== 'visible') return refuse('conflict', `a ${message.state} message cannot be edited`);
    const contentWarning = command.contentWarning === undefined ? message.contentWarning : command.contentWarning;
    const screened = screenText(ctx.repo.getCircle().wordFilter, { body: command.body, contentWarning });
    if ('error' in screened) return screened;
    return accept((fx) => {
      // An edit that trips the suspect list is held, so editing cannot slip past the filter.
      const state = screened.held ? 'hidden-by-moderator' : message.state;
      const edited: Message = { ...message, body: command.body, contentWarning, editedAt: ctx.now, state };
      putMessage(ctx, fx, edited);
      if (screened.held) holdForReview(ctx, edited);
      return screened.held ? { held: true } : undefined;
    });
  },

  'message.delete'(ctx, command) {
    const message = ctx.repo.getMessage(command.messageId);
    if (!message) return refuse('not_found', 'no such message', 'command.messageId');
    const own = message.authorId === ctx.actor.id;
    if (!own) {
      if (!hasRole(ctx.actor, 'moderator')) return refuse('forbidden', "only its author or a moderator can delete a message");
      if (isMuted(ctx.actor, ctx.now)) return refuse('forbidden', 'a muted moderator can delete only their own messages');
      if (!outranks(ctx.actor, ctx.repo.getMember(message.authorId), message.authorId)) {
        return refuse('forbidden', 'the author has the same or a higher role than you');
      }
    }
    if (message.state === 'deleted') return refuse('conflict', 'the message is already deleted');
    return accept((fx) => {
      // A tombstone keeps the message's place in the feed and nothing of what it said.
      putMessage(ctx, fx, { ...message, state: 'deleted', body: '', contentWarning: null, reactions: {} });
      if (!own) fx.audit('message.delete', message.id, null);
    });
  },

  'message.react'(ctx, command) {
    const message = ctx.repo.getMessage(command.messageId);
    if (!message) return refuse('not_found', 'no such message', 'command.messageId');
    if (message.state !== 'visible') return refuse('conflict', `a ${message.state} message cannot be reacted to`);
    // Own keys only: a reaction may be named like an inherited property (`toString`).
    const current = Object.hasOwn(message.reactions, command.reaction) ? message.reactions[command.reaction]! : [];
    // Taking back a reaction the circle has since dropped from its set is still allowed.
    const known = ctx.repo.getCircle().circle.reactions.includes(command.reaction);
    if (!known && !(command.active === false && current.length > 0)) {
      return refuse('invalid', 'this circle does not use that reaction', 'command.reaction');
    }
    const has = current.includes(ctx.actor.id);
    if (has === command.active) return accept(() => undefined); // already so: nothing changes, no event
    const distinct = Object.keys(message.reactions).length;
    if (command.active && current.length === 0 && distinct >= LIMITS.reactionsPerMessage) {
      return refuse('too_large', `a message carries at most ${LIMITS.reactionsPerMessage} different reactions`, 'command.reaction');
    }
    return accept((fx) => {
      const reactions = { ...message.reactions };
      const next = command.active ? [...current, ctx.actor.id] : current.filter((id) => id !== ctx.actor.id);
      if (next.length > 0) reactions[command.reaction] = next;
      else delete reactions[command.reaction];
      putMessage(ctx, fx, { ...message, reactions });
    });
  },

  'message.report'(ctx, command) {
    const message = ctx.repo.getMessage(command.messageId);
    if (!message) return refuse('not_found', 'no such message', 'command.messageId');
    if (message.state === 'deleted') return refuse('conflict', 'the message is deleted');
    if (ctx.repo.getReport(command.reportId)) return refuse('conflict', 'a report with this id exists', 'command.reportId');
    return accept(() => {
      ctx.repo.putReport({
        id: command.reportId, messageId: message.id, threadId: message.threadId, reporterId: ctx.actor.id,
        reason: command.reason, createdAt: ctx.now, resolvedAt: null, snapshot: snapshotOf(message),
      });
    });
  },
};
