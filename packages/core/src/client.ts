import {
  HearthError, QUERY_TYPES,
  type Ack, type Circle, type CircleEvent, type Command, type CommandInput, type CommandType, type Credentials, type ErrorCode,
  type ErrorInfo, type Invite, type ResultOf, type Session,
} from '@hearth/protocol';
import { nanoid } from 'nanoid';
import { NORMAL_TIER, SLOW_TIER, backoffDelay } from './backoff.js';
import { defaultEnvironment, type ClientEnvironment } from './environment.js';
import { Outbox } from './outbox.js';
import { EMPTY_SERVER_STATE, applyEvents, applyHistoryPage, applySession, type CircleSnapshot, type ConnectionStatus, type ServerState } from './state.js';
import { browserStorage, memoryStorage, readJson, type ClientStorage } from './storage.js';
import type { Transport, TransportSink } from './transport.js';
import { SnapshotDeriver } from './view.js';

export interface CircleClientOptions {
  transport: Transport;
  /** The circle's id (slug). */
  circle: string;
  /** How to sign in. Omit to use a member token saved by an earlier join, or to call `join()` later. */
  credentials?: Credentials;
  /** Defaults to `localStorage` in browsers, memory elsewhere. */
  storage?: ClientStorage;
  /** Time, randomness and online/visibility signals; injectable for tests. */
  environment?: Partial<ClientEnvironment>;
}

export interface ClientEvents {
  /** A reconnect resumed from the last cursor and every missed event has been applied, with no gap. */
  recovered: { cursor: string | null; replayed: number };
  /** The resume cursor was too old (or there was none): loaded threads were reloaded from scratch. */
  reset: Record<string, never>;
  /** A confirmed event was applied. */
  event: CircleEvent;
}

/** Codes after which reconnecting cannot help until the user acts (signs in again, is unbanned, …). */
const STOP_RETRYING: ReadonlySet<ErrorCode> = new Set([
  'unauthorized', 'forbidden', 'invite_expired', 'pending_approval', 'unsupported_version', 'invalid', 'too_large', 'not_found', 'conflict',
]);
/** Codes that mean "not now": retry on the slow tier. */
const SLOW_DOWN: ReadonlySet<ErrorCode> = new Set(['rate_limited', 'circle_full']);

type Waiter = { resolve: (value: unknown) => void; reject: (error: HearthError) => void };
type PostInput = { threadId: string; threadKey?: undefined } | { threadKey: string; threadTitle?: string; threadId?: undefined };

/**
 * The headless client of one circle. Bind any UI to `subscribe`/`getSnapshot`; call commands; the client
 * applies them optimistically, queues them durably, sends each exactly once, and keeps the feed gap-free
 * across reconnects.
 */
export class CircleClient {
  readonly circle: string;
  readonly #transport: Transport;
  readonly #storage: ClientStorage;
  readonly #env: ClientEnvironment;
  readonly #outbox: Outbox;
  readonly #deriver = new SnapshotDeriver();
  readonly #listeners = new Set<() => void>();
  readonly #eventListeners: { [K in keyof ClientEvents]: Set<(detail: ClientEvents[K]) => void> } = { recovered: new Set(), reset: new Set(), event: new Set() };
  readonly #waiters = new Map<string, Waiter>();

  #credentials: Credentials | null;
  #server: ServerState = EMPTY_SERVER_STATE;
  #status: ConnectionStatus = 'initial';
  #error: ErrorInfo | null = null;
  #snapshot: CircleSnapshot | null = null;
  #notifyScheduled = false;
  /** Each connection attempt gets a generation; callbacks of an older one are ignored (as stream-chat does). */
  #generation = 0;
  #attempt = 0;
  #everConnected = false;
  #retryTimer: unknown = null;
  #flushing = false;
  #flushRequested = false;
  #incoming: CircleEvent[] = [];
  #flushPausedUntil = 0;
  #readMarks: Record<string, number>;
  #unsubscribeWake: () => void;

  constructor(options: CircleClientOptions) {
    this.circle = options.circle;
    this.#transport = options.transport;
    this.#storage = options.storage ?? (typeof localStorage !== 'undefined' ? browserStorage() : memoryStorage());
    this.#env = { ...defaultEnvironment(), ...options.environment };
    this.#outbox = new Outbox(this.#storage, this.#key('outbox'));
    const token = this.#storage.get(this.#key('token'));
    this.#credentials = options.credentials ?? (token ? { kind: 'token', token } : null);
    this.#readMarks = readJson(this.#storage, this.#key('read'), {});
    this.#unsubscribeWake = this.#env.onWake(() => this.#wake());
  }

  // ── Binding ────────────────────────────────────────────────────────────────────────────────────

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  getSnapshot(): CircleSnapshot {
    this.#snapshot ??= this.#deriver.derive({
      server: this.#server,
      outbox: this.#outbox.entries,
      status: this.#status,
      error: this.#error,
      readMark: (threadId) => this.#readMarks[threadId] ?? this.#readMarks['*'] ?? 0,
    });
    return this.#snapshot;
  }

  on<K extends keyof ClientEvents>(type: K, listener: (detail: ClientEvents[K]) => void): () => void {
    this.#eventListeners[type].add(listener);
    return () => this.#eventListeners[type].delete(listener);
  }

  /** Whether the client holds credentials (a saved token counts) and so can connect without `join`. */
  get hasCredentials(): boolean {
    return this.#credentials !== null;
  }

  // ── Connection ─────────────────────────────────────────────────────────────────────────────────

  /** Starts connecting (and keeps reconnecting) with the credentials given or saved. */
  connect(): void {
    if (!this.#credentials) throw new HearthError('unauthorized', 'no credentials: join the circle first');
    if (this.#status === 'connecting' || this.#status === 'connected' || this.#status === 'reconnecting') return;
    this.#error = null;
    this.#attempt = 0;
    this.#setStatus(this.#everConnected ? 'reconnecting' : 'connecting');
    void this.#tryConnect();
  }

  /** Joins with an invite (or another admission credential) and connects; resolves once connected. */
  join(credentials: Credentials): Promise<void> {
    this.#credentials = credentials;
    this.#status = 'initial';
    const settled = new Promise<void>((resolve, reject) => {
      const stop = this.subscribe(() => {
        const { status, error } = this.getSnapshot();
        if (status === 'connected') (stop(), resolve());
        else if (status === 'disconnected') (stop(), reject(HearthError.from(error ?? { code: 'unavailable', message: 'disconnected' })));
      });
    });
    this.connect();
    return settled;
  }

  /** Closes the connection and stops reconnecting. Pending commands stay in the outbox for next time. */
  async disconnect(): Promise<void> {
    this.#generation++;
    this.#clearRetry();
    this.#setStatus('disconnected');
    await this.#transport.close();
  }

  /**
   * The circle as someone about to join may see it (name, description, the norms to accept), with the invite
   * code they hold, or none for a circle open to joins by link or request. Rejects with the backend's code
   * (`unauthorized`, `invite_expired`, …), or `unavailable` when the transport cannot show it.
   */
  preview(invite: string | null = null): Promise<Circle> {
    if (!this.#transport.preview) return Promise.reject(new HearthError('unavailable', 'this transport shows nothing before joining'));
    return this.#transport.preview({ circle: this.circle, invite });
  }

  /** Disconnects for good and forgets the saved token (signing out of this circle on this device). */
  async signOut(): Promise<void> {
    await this.disconnect();
    this.#storage.remove(this.#key('token'));
    this.#credentials = null;
  }

  dispose(): void {
    this.#unsubscribeWake();
    void this.disconnect();
    this.#listeners.clear();
  }

  async #tryConnect(): Promise<void> {
    const generation = ++this.#generation;
    const resumeFrom = this.#server.seq > 0 ? String(this.#server.seq) : null;
    const sink: TransportSink = {
      event: (event) => generation === this.#generation && this.#onLiveEvent(event),
      disconnected: (error) => generation === this.#generation && this.#onConnectionLost(error),
    };
    let session: Session;
    try {
      session = await this.#transport.connect({ circle: this.circle, credentials: this.#credentials!, cursor: resumeFrom }, sink);
    } catch (error) {
      if (generation !== this.#generation) return;
      // A join request waiting for approval comes with a token to come back with later.
      const pendingToken = (error as { token?: unknown }).token;
      if (typeof pendingToken === 'string') this.#saveToken(pendingToken);
      this.#onConnectionLost(toInfo(error));
      return;
    }
    if (generation !== this.#generation) return;
    this.#onSession(session, resumeFrom);
  }

  #onSession(session: Session, resumeFrom: string | null): void {
    if (session.token) this.#saveToken(session.token);
    this.#incoming = []; // anything still queued came from the previous connection; the session supersedes it
    const gapFree = resumeFrom !== null && session.replay !== null && isContiguous(Number(resumeFrom), session.replay);
    const loadedThreads = Object.entries(this.#server.messages).filter(([, m]) => m.before !== undefined).map(([id]) => id);
    this.#server = applySession(this.#server, session, gapFree);
    if (!('*' in this.#readMarks)) this.#setReadMark('*', this.#server.seq); // history before the first visit is not "unread"
    this.#attempt = 0;
    this.#everConnected = true;
    this.#settleOutbox();
    this.#setStatus('connected');
    if (gapFree) this.#emit('recovered', { cursor: session.cursor, replayed: session.replay!.length });
    else if (resumeFrom !== null) {
      this.#emit('reset', {});
      for (const threadId of loadedThreads) void this.loadOlder(threadId).catch(() => {});
    }
    void this.#flush();
  }

  /** Live events are queued and applied together at the end of the current task: one copy per burst. */
  #onLiveEvent(event: CircleEvent): void {
    this.#incoming.push(event);
    if (this.#incoming.length === 1) queueMicrotask(() => this.#applyIncoming());
  }

  #applyIncoming(): void {
    const batch = this.#incoming;
    this.#incoming = [];
    const accepted: CircleEvent[] = [];
    let seq = this.#server.seq;
    for (const event of batch) {
      if (event.seq <= seq) continue; // a duplicate
      if (event.seq !== seq + 1) {
        // A hole: drop this connection and resume from the last event we have, which fills it.
        void this.#reconnectNow();
        break;
      }
      accepted.push(event);
      seq = event.seq;
    }
    if (accepted.length === 0) return;
    this.#server = applyEvents(this.#server, accepted);
    this.#settleOutbox();
    this.#changed();
    if (this.#eventListeners.event.size > 0) for (const event of accepted) this.#emit('event', event);
  }

  #onConnectionLost(error: ErrorInfo): void {
    for (const entry of this.#outbox.entries) if (entry.state === 'sending') this.#outbox.update(entry.command.id, { state: 'queued' });
    if (STOP_RETRYING.has(error.code)) {
      this.#error = error;
      this.#generation++;
      this.#setStatus('disconnected');
      return;
    }
    this.#error = error.code === 'unavailable' ? null : error;
    const tier = SLOW_DOWN.has(error.code) ? SLOW_TIER : NORMAL_TIER;
    const delay = Math.max(backoffDelay(tier, this.#attempt++, this.#env.random), error.retryAfterMs ?? 0);
    this.#setStatus(this.#everConnected ? 'reconnecting' : 'connecting');
    this.#clearRetry();
    this.#retryTimer = this.#env.setTimeout(() => {
      this.#retryTimer = null;
      void this.#tryConnect();
    }, delay);
  }

  /** The browser came back online or the page became visible: don't wait for the backoff timer. */
  #wake(): void {
    if (this.#retryTimer === null) return;
    this.#clearRetry();
    void this.#tryConnect();
  }

  async #reconnectNow(): Promise<void> {
    const generation = ++this.#generation;
    this.#setStatus('reconnecting');
    await this.#transport.close();
    // Disconnected or disposed while the old connection closed: it stays down.
    if (generation === this.#generation) void this.#tryConnect();
  }

  #clearRetry(): void {
    if (this.#retryTimer !== null) this.#env.clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }

  // ── Commands ───────────────────────────────────────────────────────────────────────────────────

  /**
   * Sends any command. Changes are applied optimistically, persisted in the outbox and sent once
   * connected; the promise settles with the backend's answer (a `HearthError` with a stable code on refusal).
   * Queries (lists for moderators) are not queued: they need a connection now.
   */
  async command<T extends CommandType>(input: CommandInput<T> & { type: T }): Promise<ResultOf<T>> {
    const command = { ...input, id: nanoid() } as unknown as Command;
    if (QUERY_TYPES.has(command.type)) {
      if (this.#status !== 'connected') throw new HearthError('unavailable', 'not connected');
      return unwrap(await this.#transport.send(command)) as ResultOf<T>;
    }
    const settled = new Promise<unknown>((resolve, reject) => this.#waiters.set(command.id, { resolve, reject }));
    this.#outbox.add(command, this.#env.now());
    this.#changed();
    void this.#flush();
    return settled as Promise<ResultOf<T>>;
  }

  /** Posts a message to a thread, or to the page-keyed thread `threadKey` (created by the first post). */
  post(target: PostInput, body: string, extra: { contentWarning?: string | null; replyTo?: string | null } = {}): Promise<string> {
    const messageId = nanoid();
    const command = { type: 'message.post', messageId, body, ...target, ...extra } as CommandInput<'message.post'> & { type: 'message.post' };
    return this.command(command).then(() => messageId);
  }

  reply(to: { threadId: string; messageId: string }, body: string, extra: { contentWarning?: string | null } = {}): Promise<string> {
    return this.post({ threadId: to.threadId }, body, { ...extra, replyTo: to.messageId });
  }

  edit(messageId: string, body: string, contentWarning?: string | null) {
    return this.command({ type: 'message.edit', messageId, body, ...(contentWarning !== undefined ? { contentWarning } : {}) });
  }

  delete(messageId: string) {
    return this.command({ type: 'message.delete', messageId });
  }

  react(messageId: string, reaction: string, active = true) {
    return this.command({ type: 'message.react', messageId, reaction, active });
  }

  report(messageId: string, reason: string) {
    return this.command({ type: 'message.report', reportId: nanoid(), messageId, reason });
  }

  createThread(title: string, key?: string) {
    const threadId = nanoid();
    return this.command({ type: 'thread.create', threadId, title, key: key ?? null }).then(() => threadId);
  }

  /**
   * Creates an invite. Its `code` is shown this once (the server keeps only a hash), and is null when the ack
   * was a retry's: the invite exists, but its code is lost; revoke it and create another.
   */
  createInvite(options: { expiresInMs?: number | null; maxUses?: number | null } = {}): Promise<Invite & { code: string | null }> {
    return this.command({ type: 'invite.create', ...options }).then((r) => ({ ...r.invite, code: r.code ?? null }));
  }

  /** Retries a failed post, named by its message id (same command id, so it cannot be applied twice). */
  retry(messageId: string): void {
    const entry = this.#failedPost(messageId);
    if (!entry) return;
    this.#outbox.update(entry.command.id, { state: 'queued', attempts: 0, error: undefined });
    this.#changed();
    void this.#flush();
  }

  /** Gives up on a failed post, named by its message id: its optimistic copy goes. */
  discard(messageId: string): void {
    const entry = this.#failedPost(messageId);
    if (!entry) return;
    this.#outbox.remove(entry.command.id);
    this.#changed();
  }

  #failedPost(messageId: string) {
    return this.#outbox.entries.find((e) => e.state === 'failed' && e.command.type === 'message.post' && e.command.messageId === messageId);
  }

  // ── Reading ────────────────────────────────────────────────────────────────────────────────────

  /** Loads the next older page of a thread (the newest page first). Resolves with whether more remain. */
  async loadOlder(threadId: string, limit = 50): Promise<boolean> {
    const before = this.#server.messages[threadId]?.before;
    if (before === null) return false;
    const page = await this.#transport.history({ threadId, before: before ?? null, limit });
    this.#server = applyHistoryPage(this.#server, threadId, page.messages, page.before);
    this.#changed();
    return page.before !== null;
  }

  /** Marks everything currently in a thread as read. */
  markRead(threadId: string): void {
    const messages = this.#server.messages[threadId]?.messages;
    const last = messages?.[messages.length - 1]?.seq ?? this.#server.seq;
    if ((this.#readMarks[threadId] ?? 0) >= last) return;
    this.#setReadMark(threadId, last);
    this.#changed();
  }

  // ── Outbox ─────────────────────────────────────────────────────────────────────────────────────

  /** Sends queued commands one at a time, in order, so a reply never overtakes the post it answers. */
  async #flush(): Promise<void> {
    if (this.#flushing) {
      // A flush is awaiting an answer; it looks again when done, so nothing queued meanwhile is stranded.
      this.#flushRequested = true;
      return;
    }
    this.#flushing = true;
    this.#flushRequested = false;
    try {
      for (let entry = this.#outbox.next(); entry && this.#status === 'connected'; entry = this.#outbox.next()) {
        const wait = this.#flushPausedUntil - this.#env.now();
        if (wait > 0) {
          this.#env.setTimeout(() => void this.#flush(), wait);
          return;
        }
        const { command } = entry;
        this.#outbox.update(command.id, { state: 'sending', attempts: entry.attempts + 1 });
        let ack: Ack;
        try {
          ack = await this.#transport.send(command);
        } catch (error) {
          const info = toInfo(error);
          if (info.code !== 'unavailable') {
            this.#settleFailure(command, info);
            continue;
          }
          // Outcome unknown: keep it queued; the same id goes out again after reconnecting.
          this.#outbox.update(command.id, { state: 'queued' });
          return;
        }
        this.#onAck(command, ack);
      }
    } finally {
      this.#flushing = false;
      if (this.#flushRequested) void this.#flush();
    }
  }

  #onAck(command: Command, ack: Ack): void {
    if (ack.ok) {
      if (ack.seq === null || ack.seq <= this.#server.seq) this.#outbox.remove(command.id);
      else this.#outbox.update(command.id, { state: 'acked', ackSeq: ack.seq });
      this.#waiters.get(command.id)?.resolve(ack.result);
      this.#waiters.delete(command.id);
    } else if (ack.error.code === 'rate_limited') {
      this.#outbox.update(command.id, { state: 'queued' });
      this.#flushPausedUntil = this.#env.now() + (ack.error.retryAfterMs ?? 1000);
    } else {
      this.#settleFailure(command, ack.error);
    }
    this.#changed();
  }

  /** A refusal: roll the optimistic change back, except a post, which stays visible as failed to retry. */
  #settleFailure(command: Command, error: ErrorInfo): void {
    if (command.type === 'message.post') {
      this.#outbox.update(command.id, { state: 'failed', error });
    } else {
      this.#outbox.remove(command.id);
    }
    this.#waiters.get(command.id)?.reject(HearthError.from(error));
    this.#waiters.delete(command.id);
    this.#changed();
  }

  #settleOutbox(): void {
    this.#outbox.settle(this.#server.seq);
  }

  // ── Plumbing ───────────────────────────────────────────────────────────────────────────────────

  #key(name: string): string {
    return `hearth:${this.circle}:${name}`;
  }

  /** From now on sign in with this member token, also after a reload. */
  #saveToken(token: string): void {
    this.#credentials = { kind: 'token', token };
    this.#storage.set(this.#key('token'), token);
  }

  #setReadMark(threadId: string, seq: number): void {
    this.#readMarks = { ...this.#readMarks, [threadId]: seq };
    this.#storage.set(this.#key('read'), JSON.stringify(this.#readMarks));
  }

  #setStatus(status: ConnectionStatus): void {
    if (status === 'connected') this.#error = null;
    if (this.#status === status) return this.#changed();
    this.#status = status;
    this.#changed();
  }

  /** Marks the snapshot stale and notifies once per microtask, so a burst of events renders once. */
  #changed(): void {
    this.#snapshot = null;
    if (this.#notifyScheduled) return;
    this.#notifyScheduled = true;
    queueMicrotask(() => {
      this.#notifyScheduled = false;
      for (const listener of [...this.#listeners]) listener();
    });
  }

  #emit<K extends keyof ClientEvents>(type: K, detail: ClientEvents[K]): void {
    for (const listener of [...this.#eventListeners[type]]) listener(detail);
  }
}

function isContiguous(from: number, events: readonly CircleEvent[]): boolean {
  return events.every((event, i) => event.seq === from + 1 + i);
}

function toInfo(error: unknown): ErrorInfo {
  if (error instanceof HearthError) return error.toInfo();
  if (error && typeof error === 'object' && 'code' in error && 'message' in error) return error as ErrorInfo;
  return { code: 'unavailable', message: error instanceof Error ? error.message : String(error) };
}

function unwrap(ack: Ack): unknown {
  if (!ack.ok) throw HearthError.from(ack.error);
  return ack.result;
}

/** Creates the headless client of one circle. */
export function createCircleClient(options: CircleClientOptions): CircleClient {
  return new CircleClient(options);
}
