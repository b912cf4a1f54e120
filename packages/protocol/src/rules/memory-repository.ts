import type { AuditEntry, Invite, JoinRequest, Member, Message, Report, Thread } from '../domain.js';
import { HearthError } from '../errors.js';
import type { CircleEvent } from '../events.js';
import type { HistoryPage } from '../session.js';
import { rewritesEarlierEvents, type AppliedCommand, type CircleRecord, type CircleRepository, type EventDraft } from './repository.js';

/** A circle repository in plain maps, with what a host needs around the engine. */
export interface MemoryRepository extends CircleRepository {
  /** Runs `fn`; if it throws, every write it made is undone. Nested calls join the outer transaction. */
  transaction<T>(fn: () => T): T;
  /** Stored events with seq greater than `seq`, oldest first, at most `limit`. */
  eventsAfter(seq: number, limit?: number): CircleEvent[];
  /** Seq of the newest event; 0 when there is none. */
  headSeq(): number;
  /**
   * One page of a thread, oldest first: the newest `limit` messages with seq below `before` (the decimal
   * seq from the previous page), or the newest of all when `before` is null.
   */
  historyPage(threadId: string, before: string | null, limit: number): HistoryPage;
}

/** Stored values are private copies, frozen so an accidental mutation by a caller fails loudly. */
function store<T>(value: T): T {
  return deepFreeze(structuredClone(value));
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

const byTime = <T>(time: (x: T) => number) => (a: T, b: T) => time(a) - time(b);

/**
 * A complete in-memory CircleRepository, for tests, demos and the in-browser memory transport (so: no
 * Node APIs). Transactions keep an undo log: each write records how to take itself back.
 */
export function createMemoryRepository(circleId: string): MemoryRepository {
  let record: CircleRecord | undefined;
  const members = new Map<string, Member>();
  const threads = new Map<string, Thread>();
  const messages = new Map<string, Message>();
  /** Message ids per thread, in creation order, which is seq order. */
  const threadMessages = new Map<string, string[]>();
  const lastPosts = new Map<string, number>();
  const invites = new Map<string, Invite>();
  /** Code → invite id. Nothing here outlives the process, so the codes themselves are the keys. */
  const inviteCodes = new Map<string, string>();
  const reports = new Map<string, Report>();
  const requests = new Map<string, JoinRequest>();
  const applied = new Map<string, AppliedCommand>();
  const audit: AuditEntry[] = [];
  const events: CircleEvent[] = [];
  let undo: Array<() => void> | null = null;

  function set<K, V>(map: Map<K, V>, key: K, value: V | undefined): void {
    if (undo) {
      const had = map.has(key);
      const previous = map.get(key);
      undo.push(() => (had ? map.set(key, previous as V) : map.delete(key)));
    }
    if (value === undefined) map.delete(key);
    else map.set(key, value);
  }

  function append<T>(list: T[], value: T): void {
    list.push(value);
    undo?.push(() => list.pop());
  }

  function replace<T>(list: T[], index: number, value: T): void {
    const previous = list[index]!;
    undo?.push(() => (list[index] = previous));
    list[index] = value;
  }

  return {
    circleId,

    getCircle() {
      if (!record) throw new HearthError('not_found', `circle ${circleId} is not set up`);
      return record;
    },
    putCircle(next) {
      const previous = record;
      undo?.push(() => (record = previous));
      record = store(next);
    },

    getMember: (id) => members.get(id),
    listMembers: () => [...members.values()].sort((a, b) => a.joinedAt - b.joinedAt || (a.id < b.id ? -1 : 1)),
    countSeatedMembers: () => [...members.values()].filter((m) => m.state !== 'banned').length,
    putMember: (member) => set(members, member.id, store(member)),
    deleteMember: (id) => set(members, id, undefined),

    getThread: (id) => threads.get(id),
    getThreadByKey: (key) => [...threads.values()].find((t) => t.key === key),
    listThreads: () => [...threads.values()].sort(byTime((t) => t.createdAt)),
    putThread: (thread) => set(threads, thread.id, store(thread)),

    getMessage: (id) => messages.get(id),
    putMessage(message) {
      if (!messages.has(message.id)) {
        const ids = threadMessages.get(message.threadId) ?? [];
        set(threadMessages, message.threadId, ids);
        append(ids, message.id);
        if (message.createdAt > (lastPosts.get(message.authorId) ?? -1)) set(lastPosts, message.authorId, message.createdAt);
      }
      const stored = store(message);
      set(messages, message.id, stored);
      // Deleted or edited: the earlier words leave the events kept for replays, which then show this version.
      if (rewritesEarlierEvents(stored)) {
        events.forEach((event, i) => {
          if (event.type === 'message.upserted' && event.message.id === stored.id) replace(events, i, store({ ...event, message: stored }));
        });
      }
    },
    lastPostAt: (memberId) => lastPosts.get(memberId),

    getInvite: (id) => invites.get(id),
    findInviteByCode(code) {
      const id = inviteCodes.get(code);
      return id === undefined ? undefined : invites.get(id);
    },
    listInvites: () => [...invites.values()].sort(byTime((i) => i.createdAt)),
    addInvite(invite, code) {
      set(invites, invite.id, store(invite));
      set(inviteCodes, code, invite.id);
    },
    putInvite: (invite) => set(invites, invite.id, store(invite)),

    getReport: (id) => reports.get(id),
    listReports: (includeResolved) =>
      [...reports.values()].filter((r) => includeResolved || r.resolvedAt === null).sort(byTime((r) => r.createdAt)),
    putReport: (report) => set(reports, report.id, store(report)),

    getJoinRequest: (id) => requests.get(id),
    listJoinRequests: () => [...requests.values()].sort(byTime((r) => r.createdAt)),
    putJoinRequest: (request) => set(requests, request.id, store(request)),
    deleteJoinRequest: (id) => set(requests, id, undefined),

    appendAudit: (entry) => append(audit, store(entry)),
    listAudit(before, limit) {
      // Appended in time order, so walking backwards gives newest first.
      const older = audit.filter((e) => before === null || e.at < before);
      return older.reverse().slice(0, limit);
    },

    peekNextSeq: () => events.length + 1,
    appendEvent(draft: EventDraft) {
      const event = store({ ...draft, seq: events.length + 1 } as CircleEvent);
      append(events, event);
      return event;
    },

    getAppliedCommand: (commandId) => applied.get(commandId),
    recordAppliedCommand: (commandId, authorId, ack) => set(applied, commandId, store({ authorId, ack })),

    transaction(fn) {
      if (undo) return fn();
      const log: Array<() => void> = [];
      undo = log;
      try {
        return fn();
      } catch (error) {
        for (let i = log.length - 1; i >= 0; i--) log[i]!();
        throw error;
      } finally {
        undo = null;
      }
    },

    eventsAfter: (seq, limit = Number.MAX_SAFE_INTEGER) => events.slice(Math.max(0, seq), Math.max(0, seq) + limit),
    headSeq: () => events.length,

    historyPage(threadId, before, limit) {
      const bound = before === null ? Infinity : Number(before);
      if (before !== null && !(Number.isInteger(bound) && bound >= 0)) throw new HearthError('invalid', 'history cursor is not a seq', { field: 'query.before' });
      const all = (threadMessages.get(threadId) ?? []).map((id) => messages.get(id)!);
      const older = all.filter((m) => m.seq < bound);
      const page = older.slice(Math.max(0, older.length - limit));
      const reachesFirst = page.length === older.length;
      return { threadId, messages: page, before: reachesFirst || page.length === 0 ? null : String(page[0]!.seq) };
    },
  };
}
