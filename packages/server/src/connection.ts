import type { WebSocket } from 'ws';
import {
  HearthError, PROTOCOL_VERSION, parseClientFrame,
  type CircleEvent, type ClientFrame, type ErrorInfo, type Member, type ServerFrame,
} from '@hearth/protocol';
import type { Ack } from '@hearth/protocol/rules';
import { viewEventFor } from '@hearth/protocol/rules';
import type { CircleFeeds } from './feeds.js';
import type { Logger } from './logger.js';
import type { ServerMetrics } from './metrics.js';
import type { RateLimiter } from './rate-limit.js';
import type { CircleService } from './service.js';
import { SeqStream } from './seq-stream.js';

/** What a connection needs from the server around it. */
export interface ConnectionHost {
  service: CircleService;
  feeds: CircleFeeds;
  ipLimiter: RateLimiter;
  /**
   * Failed sign-ins per client address (an unknown invite code, a bad member or sign-on token): a token is
   * taken per failure, and an address with none left may not try at all until one is back.
   */
  signInFailures: RateLimiter;
  /** Whether a page of `origin` may use `circleId` (null origin: not a browser, always allowed). */
  originAllowed(origin: string | null, circleId: string): Promise<boolean>;
  /**
   * The send budget of one connection: bytes queued for a client that has not read them yet. Every outgoing
   * frame obeys it; a frame that finds more than this queued drops the connection instead of adding to it.
   */
  maxBufferedBytes: number;
  logger: Logger;
  metrics: ServerMetrics;
}

/** Close codes: 1000 after a fatal error frame (the frame says why), 1001 when the server stops. */
export const CLOSE_AFTER_ERROR = 4000;

/**
 * History requests of one connection waiting for their turn (they are answered one at a time, so a
 * connection holds at most one page in memory before it is written); more than this are refused.
 */
export const MAX_QUEUED_HISTORY_REQUESTS = 8;

type State = 'greeting' | 'entering' | 'open' | 'closed';

/**
 * One client socket: the hello handshake, then commands, history and live events for one member of one
 * circle. Every frame is validated; anything wrong is answered with an error frame and changes nothing.
 */
export class Connection {
  #state: State = 'greeting';
  #circleId: string | null = null;
  #member: Member | null = null;
  /** This connection's events, in order from its session's head on, gaps filled from storage. */
  #stream: SeqStream | null = null;
  #leaveFeed: (() => void) | null = null;
  /** Set once the member was banned or removed: the socket closes once the commands in flight are answered. */
  #ending: ErrorInfo | null = null;
  /** Commands of this connection run one after another, in the order they arrived (the tail of the queue). */
  #commands: Promise<void> = Promise.resolve();
  #inFlight = 0;
  #settled: (() => void)[] = [];
  /** History requests run one after another (the tail of their queue), and how many wait or run. */
  #histories: Promise<void> = Promise.resolve();
  #historiesQueued = 0;
  /** Set while the server shuts down: frames are no longer handled. */
  #draining = false;
  /** Set by the heartbeat; a socket that misses a whole interval is dropped. */
  alive = true;

  constructor(
    readonly socket: WebSocket,
    readonly ip: string,
    readonly origin: string | null,
    private readonly host: ConnectionHost,
  ) {
    socket.on('message', (data, isBinary) => this.#onMessage(data as Buffer | Buffer[] | ArrayBuffer, isBinary));
    socket.on('pong', () => void (this.alive = true));
    socket.on('close', () => this.#closed());
    socket.on('error', () => this.#closed());
  }

  get circleId(): string | null {
    return this.#circleId;
  }

  get memberId(): string | null {
    return this.#member?.id ?? null;
  }

  /** Commands received and not yet answered. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Stops handling frames (the server is shutting down). A command sent from now on goes unanswered: the
   * client still has it in its outbox and sends it again after reconnecting, and its id makes that harmless.
   */
  drain(): void {
    this.#draining = true;
  }

  /** Resolves once every command received so far has been answered. */
  settled(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#settled.push(resolve));
  }

  /** Ends the connection with an error frame saying why; the client should not expect more. */
  fail(error: ErrorInfo, extra: { token?: string } = {}): void {
    if (this.#state === 'closed') return;
    this.host.metrics.errors.inc({ code: error.code });
    this.#send({ v: PROTOCOL_VERSION, type: 'error', error, id: null, fatal: true, ...extra });
    this.#closed();
    this.socket.close(CLOSE_AFTER_ERROR, error.code);
  }

  // ── Frames in ────────────────────────────────────────────────────────────────────────────────

  #onMessage(data: Buffer | Buffer[] | ArrayBuffer, isBinary: boolean): void {
    if (this.#state === 'closed' || this.#draining) return;
    this.alive = true;
    try {
      this.#handle(data, isBinary);
    } catch (error) {
      // Input never crashes the server: whatever slipped through becomes an `internal` error frame.
      this.host.logger.error('unexpected error while handling a frame', { error });
      this.#error({ code: 'internal', message: 'the server could not handle this frame' }, null);
    }
  }

  #handle(data: Buffer | Buffer[] | ArrayBuffer, isBinary: boolean): void {
    if (isBinary) return this.#error({ code: 'invalid', message: 'frames are JSON text, not binary' }, null);
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
    const wait = this.host.ipLimiter.take(this.ip);
    if (wait > 0) return this.#refuse(text, { code: 'rate_limited', message: 'too many frames from your address', retryAfterMs: wait });
    const parsed = parseClientFrame(text);
    if (!parsed.ok) return this.#refuse(text, parsed.error);
    const frame = parsed.value;
    switch (frame.type) {
      case 'ping':
        return this.#send({ v: PROTOCOL_VERSION, type: 'pong' });
      case 'preview':
        if (this.#state !== 'greeting') return this.#error({ code: 'invalid', message: 'a member has no need of a preview' }, frame.id);
        return void this.#preview(frame.id, frame.circle, frame.invite ?? null);
      case 'hello':
        if (this.#state !== 'greeting') return this.#error({ code: 'invalid', message: 'this connection has already said hello' }, null);
        return void this.#hello(frame.circle, frame.credentials, frame.cursor);
      case 'command': {
        if (this.#state !== 'open' || this.#ending) return this.#ackError(frame.command.id, { code: 'unauthorized', message: 'say hello before sending commands' });
        const retryAfterMs = this.host.service.reserve(this.#circleId!, this.#member!.id);
        if (retryAfterMs > 0) return this.#ackError(frame.command.id, { code: 'rate_limited', message: 'slow down: too many commands', retryAfterMs });
        return this.#enqueue(frame.command);
      }
      case 'history': {
        if (this.#state !== 'open') return this.#error({ code: 'unauthorized', message: 'say hello before asking for history' }, frame.id);
        if (this.#historiesQueued >= MAX_QUEUED_HISTORY_REQUESTS) {
          return this.#error({ code: 'rate_limited', message: 'too many history requests at once: wait for the answers', retryAfterMs: 1000 }, frame.id);
        }
        return this.#queueHistory(frame.id, frame.query);
      }
    }
  }

  /** Queues a command behind the ones before it: a client's commands apply in the order it sent them. */
  #enqueue(command: Extract<ClientFrame, { type: 'command' }>['command']): void {
    this.#inFlight += 1;
    const started = performance.now();
    this.#commands = this.#commands.then(async () => {
      let ack: Ack;
      try {
        ack = await this.host.service.submit(this.#circleId!, this.#member!.id, command);
      } catch (error) {
        // The transaction rolled back: nothing was applied, so a refusal is the truth.
        ack = { ok: false, error: infoOf(error, this.host) };
      }
      this.host.metrics.commands.inc({ type: command.type, outcome: ack.ok ? 'ok' : ack.error.code });
      this.host.metrics.commandSeconds.observe((performance.now() - started) / 1000);
      if (ack.ok) this.#send({ v: PROTOCOL_VERSION, type: 'ack', id: command.id, ...ack } as ServerFrame);
      else this.#ackError(command.id, ack.error);
      this.#inFlight -= 1;
      if (this.#inFlight === 0) {
        for (const resolve of this.#settled.splice(0)) resolve();
        if (this.#ending) this.fail(this.#ending);
      }
    });
  }

  /**
   * Answers history requests one at a time: a page can be large, and pages read faster than the client takes
   * them would pile up in memory before the send budget could see them.
   */
  #queueHistory(id: string, query: Extract<ClientFrame, { type: 'history' }>['query']): void {
    this.#historiesQueued += 1;
    this.#histories = this.#histories.then(async () => {
      try {
        if (this.#state !== 'open') return;
        const page = await this.host.service.history(this.#circleId!, this.#member!.id, query);
        this.#send({ v: PROTOCOL_VERSION, type: 'history', id, page });
      } catch (error) {
        this.#error(infoOf(error, this.host), id);
      } finally {
        this.#historiesQueued -= 1;
      }
    });
  }

  /** The public circle for someone about to join; the connection stays as it was (the client closes it). */
  async #preview(id: string, circleId: string, invite: string | null): Promise<void> {
    try {
      if (!(await this.host.originAllowed(this.origin, circleId))) throw new HearthError('forbidden', `this circle cannot be embedded on ${this.origin}`);
      // A preview with an invite code checks it, so it is a way to guess one: budgeted like a sign-in. One
      // without a code guesses nothing (an invite-only circle answers `unauthorized` to every such gate).
      const preview = () => this.host.service.preview(circleId, invite);
      if (invite !== null) this.#refuseLockedOut();
      const circle = invite === null ? await preview() : await this.#countingFailures(preview);
      this.#send({ v: PROTOCOL_VERSION, type: 'preview', id, circle });
    } catch (error) {
      this.#error(infoOf(error, this.host), id);
    }
  }

  /** Throws `rate_limited` while this address has used up its failed sign-ins; the wait says for how long. */
  #refuseLockedOut(): void {
    const retryAfterMs = this.host.signInFailures.wait(this.ip);
    if (retryAfterMs > 0) throw new HearthError('rate_limited', 'too many failed sign-in attempts from your address: try again later', { retryAfterMs });
  }

  /**
   * Runs a credential check and counts its failure against this address. Only `unauthorized` counts (the
   * credentials are not valid: what guessing meets); a right code that is expired or a full circle does not,
   * and a success costs nothing, so a member who signs in often is never locked out.
   */
  async #countingFailures<T>(check: () => Promise<T>): Promise<T> {
    try {
      return await check();
    } catch (error) {
      if (error instanceof HearthError && error.code === 'unauthorized') this.host.signInFailures.take(this.ip);
      throw error;
    }
  }

  async #hello(circleId: string, credentials: Parameters<CircleService['enter']>[1], cursor: string | null): Promise<void> {
    this.#state = 'entering';
    try {
      if (!(await this.host.originAllowed(this.origin, circleId))) {
        return this.fail({ code: 'forbidden', message: `this circle cannot be embedded on ${this.origin}` });
      }
      if (this.#state !== 'entering') return;
      this.#refuseLockedOut();
      // Join the circle's feed before reading the session, buffering: whatever commits after the session's
      // snapshot reaches the stream, and what the snapshot already holds is dropped by seq.
      const stream = new SeqStream({
        fetch: (after, limit) => {
          this.host.metrics.gapFills.inc();
          return this.host.service.eventsAfter(circleId, after, limit);
        },
        emit: (events, publishedAt) => this.#deliver(events, publishedAt),
        gapWaitMs: 0,
        onError: (error) => this.host.logger.warn('could not read events to fill a gap', { error }),
      });
      this.#stream = stream;
      this.#leaveFeed = this.host.feeds.join(circleId, (events, publishedAt) => stream.offer(events, publishedAt));
      const entry = await this.#countingFailures(() => this.host.service.enter(circleId, credentials, cursor));
      if (this.#state !== 'entering') return; // the socket closed while signing in
      this.#circleId = circleId;
      this.#member = entry.member;
      this.#state = 'open';
      this.#send({ v: PROTOCOL_VERSION, type: 'welcome', session: entry.session });
      this.host.feeds.opened(circleId, entry.head);
      stream.start(entry.head);
    } catch (error) {
      const info = infoOf(error, this.host);
      const token = (error as { token?: unknown }).token;
      this.fail(info, typeof token === 'string' ? { token } : {});
    }
  }

  // ── Events out ───────────────────────────────────────────────────────────────────────────────

  #deliver(events: readonly CircleEvent[], publishedAt: number | null): void {
    if (this.#state !== 'open' || this.#ending) return;
    // The events of one delivery leave in one write: a post is two events (the message, its thread), and at
    // fan-out rates the write system call per frame, not the work before it, is what costs.
    if (publishedAt !== null) this.host.metrics.fanOutSeconds.observe(Math.max(0, Date.now() - publishedAt) / 1000);
    const tcp = (this.socket as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    tcp?.cork();
    try {
      for (const event of events) {
        this.#push(event);
        if (this.#state !== 'open' || this.#ending) return;
      }
    } finally {
      tcp?.uncork();
    }
  }

  #push(event: CircleEvent): void {
    const self = this.#member!;
    if (event.type === 'member.upserted' && event.member.id === self.id) this.#member = event.member;
    this.#sendText(eventFrame(viewEventFor(event, this.#member!)));
    const ending: ErrorInfo | null =
      event.type === 'member.removed' && event.memberId === self.id ? { code: 'unauthorized', message: 'you are no longer a member of this circle' }
      : this.#member!.state === 'banned' ? { code: 'forbidden', message: 'you have been banned from this circle' }
      : null;
    if (ending) {
      // Nothing more reaches this member. The socket closes once the commands in flight are answered, so a
      // member who left still gets the ack of their own `member.leave` first.
      this.#ending = ending;
      if (this.#inFlight === 0) queueMicrotask(() => this.fail(ending));
    }
  }

  // ── Frames out ───────────────────────────────────────────────────────────────────────────────

  /** Answers a frame that failed validation: a command gets a refused ack so its sender can settle it. */
  #refuse(text: string, error: ErrorInfo): void {
    const id = idOf(text);
    if (id?.kind === 'command') return this.#ackError(id.id, error);
    this.#error(error, id?.id ?? null);
  }

  #ackError(id: string, error: ErrorInfo): void {
    this.host.metrics.errors.inc({ code: error.code });
    this.#send({ v: PROTOCOL_VERSION, type: 'ack', id, ok: false, error });
  }

  #error(error: ErrorInfo, id: string | null): void {
    this.host.metrics.errors.inc({ code: error.code });
    this.#send({ v: PROTOCOL_VERSION, type: 'error', error, id });
  }

  #send(frame: ServerFrame): void {
    this.#sendText(JSON.stringify(frame));
  }

  /**
   * The one way a frame leaves, so every frame (events, acks, errors, history pages, previews, the welcome)
   * obeys the send budget. A client that leaves more than the budget unread is dropped: its queue is freed at
   * once instead of growing with every frame it asks for, and it resumes from its cursor when it reconnects.
   * The check comes before the write, so one large frame to a client that reads is never mistaken for a
   * slow reader; what one connection holds is at most the budget plus one frame.
   */
  #sendText(text: string): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > this.host.maxBufferedBytes) return this.#dropSlowReader();
    this.socket.send(text);
  }

  #dropSlowReader(): void {
    this.host.metrics.slowReadersDropped.inc();
    this.host.logger.warn('dropped a connection that did not read what it was sent', { bufferedBytes: this.socket.bufferedAmount });
    this.#closed();
    // Not a close handshake: its frame would wait behind everything the client is not reading.
    this.socket.terminate();
  }

  #closed(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#leaveFeed?.();
    this.#leaveFeed = null;
    this.#stream?.close();
  }
}

/**
 * Event frames, serialized once however many connections send them. Fan-out hands every connection of a
 * circle the same event object, and `viewEventFor` passes it through unchanged for every viewer who may see
 * it whole (a different view is a new object, serialized on its own), so a post to a circle of 150 costs one
 * `JSON.stringify`, not 150. Events are never changed once committed; the map forgets them with the event.
 */
const eventFrames = new WeakMap<CircleEvent, string>();

function eventFrame(event: CircleEvent): string {
  let frame = eventFrames.get(event);
  if (frame === undefined) {
    frame = JSON.stringify({ v: PROTOCOL_VERSION, type: 'event', event } satisfies ServerFrame);
    eventFrames.set(event, frame);
  }
  return frame;
}

const ID = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * The request id of a frame that failed validation, when one can be read safely, so the client can settle
 * the request it belongs to. Frames too big to parse cheaply get none.
 */
function idOf(data: unknown): { kind: 'command' | 'history'; id: string } | null {
  if (typeof data !== 'string' || data.length > 256 * 1024) return null;
  let frame: unknown;
  try {
    frame = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof frame !== 'object' || frame === null) return null;
  const { type, id, command } = frame as { type?: unknown; id?: unknown; command?: { id?: unknown } };
  if (type === 'command' && typeof command === 'object' && command !== null && typeof command.id === 'string' && ID.test(command.id)) {
    return { kind: 'command', id: command.id };
  }
  if (type === 'history' && typeof id === 'string' && ID.test(id)) return { kind: 'history', id };
  return null;
}

function infoOf(error: unknown, host: ConnectionHost): ErrorInfo {
  if (error instanceof HearthError) return error.toInfo();
  host.logger.error('unexpected error', { error });
  return { code: 'internal', message: 'something went wrong on the server' };
}
