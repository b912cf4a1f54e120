import type { Circle, CircleEvent, ErrorInfo, Member, Message, Session, Thread } from '@hearth/protocol';

/** The five public connection statuses, as the UI shows them. */
export type ConnectionStatus = 'initial' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

/** Messages of one thread as the server has confirmed them, plus how far back they are loaded. */
export interface ServerThreadMessages {
  /** Ordered by seq. */
  readonly messages: readonly Message[];
  /** Cursor for the next older page: undefined = nothing loaded yet; null = the start is loaded. */
  readonly before: string | null | undefined;
}

/** What the server has confirmed: the state every optimistic change is laid over. */
export interface ServerState {
  readonly circle: Circle | null;
  readonly me: Member | null;
  readonly members: Readonly<Record<string, Member>>;
  readonly threads: Readonly<Record<string, Thread>>;
  readonly messages: Readonly<Record<string, ServerThreadMessages>>;
  /** Seq of the last event applied; 0 before any. */
  readonly seq: number;
}

export const EMPTY_SERVER_STATE: ServerState = { circle: null, me: null, members: {}, threads: {}, messages: {}, seq: 0 };

/** A message as the UI shows it: confirmed, or still on its way (`pending`), or refused (`failed`). */
export interface MessageView extends Message {
  readonly pending?: 'sending' | 'failed';
  readonly error?: ErrorInfo;
}

export interface ThreadView {
  /** Null only for a page-keyed thread that the first (still pending) post will create. */
  readonly thread: Thread | null;
  readonly id: string | null;
  readonly key: string | null;
  /** Chronological: confirmed messages by seq, then pending ones in the order they were written. */
  readonly messages: readonly MessageView[];
  /** True until the thread's first message is loaded. */
  readonly hasOlder: boolean;
  readonly unread: number;
}

/**
 * An immutable snapshot. Parts that did not change keep their references from the previous snapshot, so
 * `useSyncExternalStore`, Lit controllers and `===` checks can skip work.
 */
export interface CircleSnapshot {
  readonly status: ConnectionStatus;
  /** Why the client is disconnected or last failed to connect; null while things are fine. */
  readonly error: ErrorInfo | null;
  readonly circle: Circle | null;
  readonly me: Member | null;
  readonly members: Readonly<Record<string, Member>>;
  /** By thread id, in no particular order; `threadList` orders them. */
  readonly threads: Readonly<Record<string, ThreadView>>;
  /** Threads by most recent activity (new topics and replies first), which is chronology, not ranking. */
  readonly threadList: readonly ThreadView[];
  /** Page-keyed threads by key, including one a pending first post is creating. */
  readonly threadsByKey: Readonly<Record<string, ThreadView>>;
  /** Commands waiting in the outbox. */
  readonly pendingCount: number;
  readonly cursor: string | null;
}

function upsertMessage(list: readonly Message[], message: Message): readonly Message[] {
  const index = list.findIndex((m) => m.id === message.id);
  if (index >= 0) {
    const next = list.slice();
    next[index] = message;
    return next;
  }
  // Live messages almost always arrive newest; insert by seq otherwise (history merges, replays).
  const last = list[list.length - 1];
  if (!last || last.seq < message.seq) return [...list, message];
  const next = list.slice();
  let at = next.findIndex((m) => m.seq > message.seq);
  if (at < 0) at = next.length;
  next.splice(at, 0, message);
  return next;
}

/** Applies one event. Events carry whole entities, so applying one twice changes nothing. */
export function applyEvent(state: ServerState, event: CircleEvent): ServerState {
  const seq = Math.max(state.seq, event.seq);
  switch (event.type) {
    case 'circle.updated':
      return { ...state, seq, circle: event.circle };
    case 'member.upserted': {
      const me = state.me && state.me.id === event.member.id ? event.member : state.me;
      return { ...state, seq, me, members: { ...state.members, [event.member.id]: event.member } };
    }
    case 'member.removed': {
      const { [event.memberId]: _removed, ...members } = state.members;
      return { ...state, seq, members };
    }
    case 'thread.upserted':
      return { ...state, seq, threads: { ...state.threads, [event.thread.id]: event.thread } };
    case 'message.upserted': {
      const { message } = event;
      const current = state.messages[message.threadId] ?? { messages: [], before: undefined };
      return {
        ...state,
        seq,
        messages: { ...state.messages, [message.threadId]: { ...current, messages: upsertMessage(current.messages, message) } },
      };
    }
  }
}

/**
 * Applies a connection's session: replayed events first (they bring the messages), then the circle-level
 * snapshot, which is at the head and so wins over any older copy a replay carried.
 */
export function applySession(state: ServerState, session: Session, resumed: boolean): ServerState {
  let next = state;
  if (resumed && session.replay) for (const event of session.replay) if (event.seq > next.seq) next = applyEvent(next, event);
  const head = session.cursor === null ? 0 : Number(session.cursor);
  return {
    ...next,
    circle: session.circle,
    me: session.member,
    members: Object.fromEntries(session.members.map((m) => [m.id, m])),
    threads: Object.fromEntries(session.threads.map((t) => [t.id, t])),
    // Without a gap-free replay, loaded messages may be stale: drop them and load afresh.
    messages: resumed ? next.messages : {},
    seq: Math.max(resumed ? next.seq : 0, head),
  };
}

/** Merges a history page. A message already held is kept: it came from a live event, so it is as new or newer. */
export function applyHistoryPage(state: ServerState, threadId: string, messages: readonly Message[], before: string | null): ServerState {
  const current = state.messages[threadId] ?? { messages: [], before: undefined };
  let list = current.messages;
  const known = new Set(list.map((m) => m.id));
  for (const message of messages) if (!known.has(message.id)) list = upsertMessage(list, message);
  return { ...state, messages: { ...state.messages, [threadId]: { messages: list, before } } };
}
