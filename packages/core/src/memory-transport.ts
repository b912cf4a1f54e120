import {
  HearthError, LIMITS, parseClientFrame, parseCommand,
  type Ack, type Circle, type CircleEvent, type Command, type ErrorInfo, type HistoryPage, type HistoryQuery, type Member, type Session,
} from '@hearth/protocol';
import { admit, createMemoryRepository, execute, initCircle, previewCircle, viewEventFor, viewMemberFor, viewMessageFor, viewReplayFor, type NameSkeletons, type WordFilter } from '@hearth/protocol/rules';
import { nanoid } from 'nanoid';
import type { ConnectParams, PreviewQuery, Transport, TransportSink } from './transport.js';

type MemoryRepository = ReturnType<typeof createMemoryRepository>;

export interface MemoryHubOptions {
  now?: () => number;
  /** Delay before each delivery and answer, to make races visible in tests and demos. Default 0 (next task). */
  latencyMs?: number;
  /** Resume replays at most this many events; older cursors get a fresh snapshot. */
  replayLimit?: number;
  /**
   * How names are compared for look-alikes (see `RulesContext.nameSkeletons`). In Node, pass
   * `nameSkeletons` from `@hearth/protocol/confusables` to check as the reference server does; the default
   * (no table, so nothing big reaches a browser) compares letters only.
   */
  nameSkeletons?: NameSkeletons;
}

export interface MemoryCircleInit extends Partial<Omit<Circle, 'id' | 'settings'>> {
  id: string;
  name: string;
  settings?: Partial<Circle['settings']>;
  wordFilter?: WordFilter;
  owner: { displayName: string };
}

interface Connection {
  circle: string;
  memberId: string;
  sink: TransportSink;
  /** Deliveries are chained so they arrive in order even with latency. */
  queue: Promise<void>;
  open: boolean;
}

/**
 * An in-process backend that behaves like a real one — seq ordering, resume cursors, idempotent command
 * ids, permissions and error codes — because it runs the same rules engine as the reference server. For
 * tests, demos and offline prototyping; state lives as long as the hub.
 */
export class MemoryHub {
  readonly #circles = new Map<string, MemoryRepository>();
  /** Token → who it signs in. Kept in memory only, so plain text is fine here; the server stores hashes. */
  readonly #tokens = new Map<string, { circle: string; memberId?: string; requestId?: string }>();
  readonly #connections = new Set<Connection>();
  readonly #now: () => number;
  readonly #latencyMs: number;
  readonly #replayLimit: number;
  readonly #nameSkeletons: NameSkeletons | undefined;
  #offline = false;

  constructor(options: MemoryHubOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#latencyMs = options.latencyMs ?? 0;
    this.#replayLimit = options.replayLimit ?? 5000;
    this.#nameSkeletons = options.nameSkeletons;
  }

  /** Creates a circle with its owner; returns the owner's sign-in token. */
  createCircle(init: MemoryCircleInit): { ownerToken: string; ownerId: string } {
    if (this.#circles.has(init.id)) throw new HearthError('conflict', `circle ${init.id} exists`);
    const repo = createMemoryRepository(init.id);
    const circle: Circle = {
      id: init.id,
      name: init.name,
      description: init.description ?? '',
      norms: init.norms ?? 'Be kind. Assume good faith. What is said here stays here.',
      access: init.access ?? 'invite',
      memberCap: init.memberCap ?? LIMITS.memberCapDefault,
      reactions: init.reactions ?? ['👍', '❤️', '😂', '🎉', '🤔'],
      settings: { slowModeSeconds: 0, pseudonymsAllowed: true, ...init.settings },
    };
    const { owner } = repo.transaction(() =>
      initCircle({ repo, now: this.#now(), newId: nanoid }, { circle, wordFilter: init.wordFilter ?? { banned: [], suspect: [] }, owner: init.owner }),
    );
    this.#circles.set(init.id, repo);
    return { ownerToken: this.#issueToken(init.id, owner.id), ownerId: owner.id };
  }

  /** Creates an invite as the circle's owner would. */
  createInvite(circleId: string, options: { maxUses?: number | null; expiresInMs?: number | null } = {}): string {
    const repo = this.#repo(circleId);
    const owner = repo.listMembers().find((m) => m.role === 'owner')!;
    const { ack } = repo.transaction(() => execute({ repo, actor: owner, now: this.#now(), newId: nanoid }, { id: nanoid(), type: 'invite.create', ...options }));
    if (!ack.ok) throw HearthError.from(ack.error);
    return (ack.result as { code: string }).code;
  }

  /** Every event of a circle, as stored (for tests). */
  events(circleId: string): CircleEvent[] {
    return this.#repo(circleId).eventsAfter(0);
  }

  /** Cuts every live connection, as a network drop would. */
  dropConnections(): void {
    for (const connection of [...this.#connections]) this.#disconnect(connection, { code: 'unavailable', message: 'connection lost' });
  }

  /** While offline, connecting and sending fail with `unavailable` and live connections are cut. */
  setOffline(offline: boolean): void {
    this.#offline = offline;
    if (offline) this.dropConnections();
  }

  /** A transport for one client. */
  transport(): Transport {
    return new MemoryTransport(this);
  }

  // ── What a MemoryTransport calls ──────────────────────────────────────────────────────────────

  /** @internal */
  async open(params: ConnectParams, sink: TransportSink): Promise<{ connection: Connection; session: Session }> {
    await this.#tick();
    if (this.#offline) throw new HearthError('unavailable', 'offline');
    const hello = parseClientFrame({ v: 1, type: 'hello', ...params });
    if (!hello.ok) throw HearthError.from(hello.error);
    const repo = this.#circles.get(params.circle);
    if (!repo) throw new HearthError('not_found', `no circle ${params.circle}`);
    const { member, token } = this.#authenticate(repo, params);
    const head = repo.headSeq();
    const from = params.cursor === null ? null : Number(params.cursor);
    const replayable = from !== null && Number.isInteger(from) && from >= 0 && from <= head && head - from <= this.#replayLimit;
    const session: Session = {
      circleId: params.circle,
      member: viewMemberFor(member, member),
      token,
      circle: repo.getCircle().circle,
      members: repo.listMembers().map((m) => viewMemberFor(m, member)),
      threads: repo.listThreads(),
      cursor: head > 0 ? String(head) : null,
      replay: replayable ? viewReplayFor(repo.eventsAfter(from), member, (id) => repo.getMessage(id)) : null,
    };
    const connection: Connection = { circle: params.circle, memberId: member.id, sink, queue: Promise.resolve(), open: true };
    this.#connections.add(connection);
    return { connection, session };
  }

  /** @internal */
  async send(connection: Connection, command: Command): Promise<Ack> {
    await this.#tick();
    if (this.#offline || !connection.open) throw new HearthError('unavailable', 'connection lost');
    const parsed = parseCommand(command, 'command');
    if (!parsed.ok) return { ok: false, error: parsed.error };
    const repo = this.#repo(connection.circle);
    const actor = repo.getMember(connection.memberId);
    if (!actor) return { ok: false, error: { code: 'unauthorized', message: 'no longer a member' } };
    const { ack, events } = repo.transaction(() => execute({ repo, actor, now: this.#now(), newId: nanoid, nameSkeletons: this.#nameSkeletons }, parsed.value));
    this.#fanOut(connection.circle, repo, events);
    return ack;
  }

  /** @internal */
  async preview(query: PreviewQuery): Promise<Circle> {
    await this.#tick();
    if (this.#offline) throw new HearthError('unavailable', 'offline');
    const outcome = previewCircle({ repo: this.#repo(query.circle), now: this.#now() }, query.invite);
    if (!outcome.ok) throw HearthError.from(outcome.error);
    return outcome.circle;
  }

  /** @internal */
  async history(connection: Connection, query: HistoryQuery): Promise<HistoryPage> {
    await this.#tick();
    if (this.#offline || !connection.open) throw new HearthError('unavailable', 'connection lost');
    const repo = this.#repo(connection.circle);
    const viewer = repo.getMember(connection.memberId);
    if (!viewer) throw new HearthError('unauthorized', 'no longer a member');
    if (!repo.getThread(query.threadId)) throw new HearthError('not_found', 'no such thread');
    const page = repo.historyPage(query.threadId, query.before, Math.min(query.limit, LIMITS.historyPageMax));
    return { ...page, messages: page.messages.map((m) => viewMessageFor(m, viewer)) };
  }

  /** @internal */
  close(connection: Connection): void {
    connection.open = false;
    this.#connections.delete(connection);
  }

  // ── Internals ─────────────────────────────────────────────────────────────────────────────────

  #authenticate(repo: MemoryRepository, params: ConnectParams): { member: Member; token: string | null } {
    const { credentials } = params;
    const ctx = { repo, now: this.#now(), newId: nanoid, nameSkeletons: this.#nameSkeletons };
    if (credentials.kind === 'token') {
      const holder = this.#tokens.get(credentials.token);
      if (!holder || holder.circle !== params.circle) throw new HearthError('unauthorized', 'unknown token');
      if (holder.requestId) {
        if (repo.getJoinRequest(holder.requestId)) throw new HearthError('pending_approval', 'waiting for a moderator');
        holder.memberId = holder.requestId; // approved members keep the request's id
        delete holder.requestId;
      }
      const member = repo.getMember(holder.memberId!);
      if (!member) throw new HearthError('unauthorized', 'not a member of this circle');
      if (member.state === 'banned') throw new HearthError('forbidden', 'banned from this circle');
      return { member, token: null };
    }
    if (credentials.kind === 'sso') throw new HearthError('unauthorized', 'the memory hub has no sign-on secret');
    const request =
      credentials.kind === 'invite' ? { kind: 'invite' as const, code: credentials.code, displayName: credentials.displayName }
      : credentials.kind === 'link' ? { kind: 'link' as const, displayName: credentials.displayName }
      : { kind: 'request' as const, displayName: credentials.displayName, note: credentials.note ?? null };
    const outcome = repo.transaction(() => admit(ctx, request));
    if (outcome.ok === 'pending') {
      const token = nanoid(32);
      this.#tokens.set(token, { circle: params.circle, requestId: outcome.request.id });
      throw Object.assign(new HearthError('pending_approval', 'your request waits for a moderator'), { token });
    }
    if (!outcome.ok) throw HearthError.from(outcome.error);
    this.#fanOut(params.circle, repo, outcome.events);
    return { member: outcome.member, token: this.#issueToken(params.circle, outcome.member.id) };
  }

  #issueToken(circle: string, memberId: string): string {
    const token = nanoid(32);
    this.#tokens.set(token, { circle, memberId });
    return token;
  }

  #fanOut(circle: string, repo: MemoryRepository, events: readonly CircleEvent[]): void {
    if (events.length === 0) return;
    for (const connection of this.#connections) {
      if (connection.circle !== circle) continue;
      const viewer = repo.getMember(connection.memberId);
      if (!viewer || viewer.state === 'banned') {
        this.#disconnect(connection, viewer ? { code: 'forbidden', message: 'banned from this circle' } : { code: 'unauthorized', message: 'removed from this circle' });
        continue;
      }
      for (const event of events) {
        const view = viewEventFor(event, viewer);
        connection.queue = connection.queue.then(() => this.#tick()).then(() => {
          if (connection.open) connection.sink.event(view);
        });
      }
    }
  }

  #disconnect(connection: Connection, error: ErrorInfo): void {
    if (!connection.open) return;
    this.close(connection);
    connection.queue = connection.queue.then(() => this.#tick()).then(() => connection.sink.disconnected(error));
  }

  #repo(circleId: string): MemoryRepository {
    const repo = this.#circles.get(circleId);
    if (!repo) throw new HearthError('not_found', `no circle ${circleId}`);
    return repo;
  }

  #tick(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.#latencyMs));
  }
}

/** One client's connection to a MemoryHub. */
class MemoryTransport implements Transport {
  #connection: { circle: string; memberId: string; sink: TransportSink; queue: Promise<void>; open: boolean } | null = null;

  constructor(private readonly hub: MemoryHub) {}

  async connect(params: ConnectParams, sink: TransportSink): Promise<Session> {
    if (this.#connection) this.hub.close(this.#connection);
    const { connection, session } = await this.hub.open(params, sink);
    this.#connection = connection;
    return session;
  }

  send(command: Command): Promise<Ack> {
    if (!this.#connection) return Promise.reject(new HearthError('unavailable', 'not connected'));
    return this.hub.send(this.#connection, command);
  }

  history(query: HistoryQuery): Promise<HistoryPage> {
    if (!this.#connection) return Promise.reject(new HearthError('unavailable', 'not connected'));
    return this.hub.history(this.#connection, query);
  }

  async close(): Promise<void> {
    if (this.#connection) this.hub.close(this.#connection);
    this.#connection = null;
  }

  preview(query: PreviewQuery): Promise<Circle> {
    return this.hub.preview(query);
  }
}

/** Creates an in-process backend; call `hub.transport()` for each client. */
export function createMemoryHub(options?: MemoryHubOptions): MemoryHub {
  return new MemoryHub(options);
}
