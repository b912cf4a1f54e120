import type { Command, Message, Thread } from '@hearth/protocol';
import type { OutboxEntry } from './outbox.js';
import type { CircleSnapshot, ConnectionStatus, MessageView, ServerState, ThreadView } from './state.js';
import type { ErrorInfo } from '@hearth/protocol';

/** Seq given to pending messages so they sort after every confirmed one. */
const PENDING_SEQ = Number.MAX_SAFE_INTEGER;

type MessageCommand = Extract<Command, { messageId: string }>;

interface ThreadInputs {
  thread: Thread | undefined;
  messages: readonly Message[] | undefined;
  hasOlder: boolean;
  pending: readonly OutboxEntry[];
  readMark: number;
  me: string | undefined;
  view: ThreadView;
}

const sameList = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Derives snapshots from confirmed server state plus the outbox's pending commands, laid over it the way
 * Liveblocks keeps optimistic writes apart from server data. Remembers its inputs per thread, so a thread
 * nothing touched keeps the very same view object.
 */
export class SnapshotDeriver {
  #threads = new Map<string, ThreadInputs>();
  #previous: CircleSnapshot | null = null;

  derive(input: {
    server: ServerState;
    outbox: readonly OutboxEntry[];
    status: ConnectionStatus;
    error: ErrorInfo | null;
    readMark: (threadId: string) => number;
  }): CircleSnapshot {
    const { server, outbox } = input;
    const me = server.me?.id;
    const pendingByThread = groupPending(server, outbox);

    const threads: Record<string, ThreadView> = {};
    let changed = false;
    // Threads the server told us of, plus any a pending command names before we have heard of it (a post
    // written offline, before the first connection after a reload).
    const ids = new Set([...Object.keys(server.threads), ...Object.keys(server.messages), ...pendingByThread.keys()]);
    ids.delete(KEYED);
    for (const id of ids) {
      const thread = server.threads[id];
      const serverMessages = server.messages[id];
      const pending = pendingByThread.get(id) ?? [];
      const readMark = input.readMark(id);
      const hasOlder = serverMessages?.before !== null;
      const cached = this.#threads.get(id);
      if (
        cached && cached.thread === thread && cached.messages === serverMessages?.messages && cached.hasOlder === hasOlder &&
        cached.readMark === readMark && cached.me === me && sameList(cached.pending, pending)
      ) {
        threads[id] = cached.view;
        continue;
      }
      changed = true;
      const view = buildThreadView(thread ?? null, id, serverMessages?.messages ?? [], hasOlder, pending, readMark, me, cached);
      this.#threads.set(id, { thread, messages: serverMessages?.messages, hasOlder, pending, readMark, me, view });
      threads[id] = view;
    }
    for (const id of this.#threads.keys()) if (!ids.has(id)) (this.#threads.delete(id), (changed = true));

    const previous = this.#previous;
    const keyedPending = pendingByThread.get(KEYED) ?? [];
    const sameThreads = !changed && previous !== null && Object.keys(previous.threads).length === ids.size && keyedPending.length === 0;
    const snapshot: CircleSnapshot = {
      status: input.status,
      error: input.error,
      circle: server.circle,
      me: server.me,
      members: server.members,
      threads: sameThreads ? previous.threads : threads,
      threadList: sameThreads ? previous.threadList : orderThreads(threads),
      threadsByKey: sameThreads ? previous.threadsByKey : byKey(threads, keyedPending, me),
      pendingCount: outbox.filter((e) => e.state !== 'failed').length,
      cursor: server.seq > 0 ? String(server.seq) : null,
    };
    this.#previous = snapshot;
    return snapshot;
  }
}

const KEYED = '\0keyed';

/** Which thread each pending command touches. Posts into a keyed thread that does not exist yet go under KEYED. */
function groupPending(server: ServerState, outbox: readonly OutboxEntry[]): Map<string, OutboxEntry[]> {
  const groups = new Map<string, OutboxEntry[]>();
  const add = (id: string, e: OutboxEntry) => groups.set(id, [...(groups.get(id) ?? []), e]);
  let messageIndex: Map<string, string> | undefined;
  for (const entry of outbox) {
    if (entry.state === 'acked' && entry.command.type !== 'message.post') continue;
    const c = entry.command;
    if (c.type === 'message.post') {
      const threadId = c.threadId ?? (c.threadKey !== undefined ? findByKey(server, c.threadKey)?.id : undefined);
      add(threadId ?? KEYED, entry);
    } else if ('messageId' in c && c.type !== 'message.report') {
      messageIndex ??= indexMessages(server);
      const threadId = messageIndex.get((c as MessageCommand).messageId);
      if (threadId) add(threadId, entry);
    }
  }
  return groups;
}

function indexMessages(server: ServerState): Map<string, string> {
  const index = new Map<string, string>();
  for (const [threadId, { messages }] of Object.entries(server.messages)) for (const m of messages) index.set(m.id, threadId);
  return index;
}

function findByKey(server: ServerState, key: string): Thread | undefined {
  return Object.values(server.threads).find((t) => t.key === key);
}

function pendingMessage(entry: OutboxEntry, me: string | undefined, threadId: string): MessageView | null {
  const c = entry.command;
  if (c.type !== 'message.post') return null;
  const view: MessageView = {
    id: c.messageId,
    threadId,
    authorId: me ?? '',
    body: c.body,
    contentWarning: c.contentWarning ?? null,
    replyTo: c.replyTo ?? null,
    createdAt: entry.createdAt,
    editedAt: null,
    reactions: {},
    state: 'visible',
    seq: PENDING_SEQ,
    pending: entry.state === 'failed' ? 'failed' : 'sending',
    ...(entry.error ? { error: entry.error } : {}),
  };
  return view;
}

/** Lays one pending command over a confirmed message. */
function overlay(message: MessageView, command: Command, me: string | undefined, at: number): MessageView {
  switch (command.type) {
    case 'message.edit':
      return { ...message, body: command.body, contentWarning: command.contentWarning ?? message.contentWarning, editedAt: at };
    case 'message.delete':
      return { ...message, state: 'deleted', body: '', contentWarning: null, reactions: {} };
    case 'mod.hide':
      return { ...message, state: 'hidden-by-moderator' };
    case 'mod.restore':
      return { ...message, state: 'visible' };
    case 'message.react': {
      if (!me) return message;
      // Own keys only: a reaction may be named like an inherited property (`toString`).
      const who = (Object.hasOwn(message.reactions, command.reaction) ? message.reactions[command.reaction]! : []).filter((id) => id !== me);
      const reactions = { ...message.reactions, [command.reaction]: command.active ? [...who, me] : who };
      if (reactions[command.reaction]!.length === 0) delete reactions[command.reaction];
      return { ...message, reactions };
    }
    default:
      return message;
  }
}

/**
 * Unread messages of a confirmed list. Live events replace messages in place or append them, so when the
 * previous count was taken with the same read mark from a list this one extends, comparing references finds
 * what changed without reading the messages that did not: a burst into a long thread costs what the burst
 * costs. Anything else (an older page spliced in front) is counted afresh.
 */
function countUnread(confirmed: readonly Message[], readMark: number, me: string | undefined, previous?: ThreadInputs): number {
  const counts = (m: Message) => +(m.seq > readMark && m.authorId !== me && m.state === 'visible');
  let unread = 0;
  let i = 0;
  if (previous && previous.readMark === readMark && previous.me === me) {
    const old = previous.messages ?? [];
    unread = previous.view.unread;
    for (; i < old.length && i < confirmed.length; i++) {
      if (old[i] === confirmed[i]) continue;
      if (old[i]!.id !== confirmed[i]!.id) break;
      unread += counts(confirmed[i]!) - counts(old[i]!);
    }
    if (i < old.length) (i = 0), (unread = 0);
  }
  for (; i < confirmed.length; i++) unread += counts(confirmed[i]!);
  return unread;
}

function buildThreadView(
  thread: Thread | null, id: string | null, confirmed: readonly Message[], hasOlder: boolean,
  pending: readonly OutboxEntry[], readMark: number, me: string | undefined,
  previous?: ThreadInputs,
): ThreadView {
  let messages: MessageView[] | readonly MessageView[] = confirmed;
  if (pending.length > 0) {
    const list: MessageView[] = confirmed.slice();
    const position = new Map(list.map((m, i) => [m.id, i]));
    for (const entry of pending) {
      const c = entry.command;
      if (c.type === 'message.post') {
        // Once the echo is here the confirmed copy has replaced the optimistic one, in place.
        if (position.has(c.messageId)) continue;
        const view = pendingMessage(entry, me, id ?? '');
        if (view) (position.set(view.id, list.length), list.push(view));
      } else if ('messageId' in c) {
        const at = position.get(c.messageId);
        if (at !== undefined) list[at] = overlay(list[at]!, c, me, entry.createdAt);
      }
    }
    messages = list;
  }
  return { thread, id, key: thread?.key ?? null, messages, hasOlder, unread: countUnread(confirmed, readMark, me, previous) };
}

function orderThreads(threads: Record<string, ThreadView>): ThreadView[] {
  const activity = (v: ThreadView) => v.thread?.lastMessageAt ?? v.thread?.createdAt ?? 0;
  return Object.values(threads).filter((v) => v.thread).sort((a, b) => activity(b) - activity(a));
}

function byKey(threads: Record<string, ThreadView>, keyedPending: readonly OutboxEntry[], me: string | undefined) {
  const result: Record<string, ThreadView> = {};
  for (const view of Object.values(threads)) if (view.key !== null) result[view.key] = view;
  const provisional = new Map<string, OutboxEntry[]>();
  for (const entry of keyedPending) {
    const key = (entry.command as Extract<Command, { type: 'message.post' }>).threadKey!;
    provisional.set(key, [...(provisional.get(key) ?? []), entry]);
  }
  for (const [key, entries] of provisional) {
    if (result[key]) continue;
    result[key] = { ...buildThreadView(null, null, [], false, entries, 0, me), key };
  }
  return result;
}
