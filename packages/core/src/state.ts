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

/** Index of the message with this seq in a list ordered by seq, or where it would go (binary search). */
function seqPosition(list: readonly Message[], seq: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (list[mid]!.seq < seq) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Inserts or replaces a message in a mutable list ordered by seq. A message's seq is that of the event that
 * created it, so it never changes: a live post lands at the end, an edit is found by binary search.
 */
function upsertInto(list: Message[], message: Message): void {
  const last = list[list.length - 1];
  if (!last || last.seq < message.seq) {
    list.push(message);
    return;
  }
  const at = seqPosition(list, message.seq);
  if (list[at]?.id === message.id) list[at] = message;
  else list.splice(at, 0, message);
}

/**
 * Applies a batch of events. Events carry whole entities, so applying one twice changes nothing. Each
 * touched collection is copied once per batch, not once per event, so a burst of thousands of events
 * costs about as much as the burst itself.
 */
export function applyEvents(state: ServerState, events: readonly CircleEvent[]): ServerState {
  if (events.length === 0) return state;
  let { circle, me, seq } = state;
  let members: Record<string, Member> | null = null;
  let threads: Record<string, Thread> | null = null;
  let messages: Record<string, ServerThreadMessages> | null = null;
  const copied = new Map<string, Message[]>();
  for (const event of events) {
    seq = Math.max(seq, event.seq);
    switch (event.type) {
      case 'circle.updated':
        circle = event.circle;
        break;
      case 'member.upserted':
        (members ??= { ...state.members })[event.member.id] = event.member;
        if (me && me.id === event.member.id) me = event.member;
        break;
      case 'member.removed':
        delete (members ??= { ...state.members })[event.memberId];
        break;
      case 'thread.upserted':
        (threads ??= { ...state.threads })[event.thread.id] = event.thread;
        break;
      case 'message.upserted': {
        const { threadId } = event.message;
        let list = copied.get(threadId);
        if (!list) {
          messages ??= { ...state.messages };
          const current = messages[threadId] ?? { messages: [], before: undefined };
          list = current.messages.slice();
          copied.set(threadId, list);
          messages[threadId] = { ...current, messages: list };
        }
        upsertInto(list, event.message);
        break;
      }
    }
  }
  return {
    circle,
    me,
    seq,
    members: members ?? state.members,
    threads: threads ?? state.threads,
    messages: messages ?? state.messages,
  };
}

export function applyEvent(state: ServerState, event: CircleEvent): ServerState {
  return applyEvents(state, [event]);
}

/**
 * Applies a connection's session: replayed events first (they bring the messages), then the circle-level
 * snapshot, which is at the head and so wins over any older copy a replay carried.
 */
export function applySession(state: ServerState, session: Session, resumed: boolean): ServerState {
  const next = resumed && session.replay ? applyEvents(state, session.replay.filter((event) => event.seq > state.seq)) : state;
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
  const list = current.messages.slice();
  const known = new Set(list.map((m) => m.id));
  for (const message of messages) if (!known.has(message.id)) upsertInto(list, message);
  return { ...state, messages: { ...state.messages, [threadId]: { messages: list, before } } };
}
