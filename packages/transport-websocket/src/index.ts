/**
 * `@hearth/transport-websocket`: the transport that speaks to the Hearth reference server.
 *
 * It moves frames and nothing more: no retries, no reordering across connections, no state kept between
 * connections. The core client owns all of that. Browser-safe (no Node imports); in Node pass the `ws`
 * package's constructor as `WebSocket`.
 */
import {
  HearthError, PROTOCOL_VERSION, parseServerFrame,
  type Ack, type Circle, type Command, type ErrorInfo, type HistoryPage, type HistoryQuery, type ServerFrame, type Session,
} from '@hearth/protocol';
import type { ConnectParams, PreviewQuery, Transport, TransportSink } from '@hearth/core';

// Method-style signature, so handlers typed with an implementation's own event classes (`ws`'s) still fit.
type Handler<E> = { bivariance(event: E): void }['bivariance'] | null;

/** The part of the standard WebSocket API this transport uses (browsers' and `ws`'s both fit). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: Handler<unknown>;
  onmessage: Handler<{ data: unknown }>;
  onclose: Handler<{ code: number; reason: string }>;
  onerror: Handler<unknown>;
}
export type SocketConstructor = new (url: string) => SocketLike;

export interface WebSocketTransportOptions {
  /**
   * The server: its socket endpoint (`wss://circles.example.org/ws`) or its base address
   * (`https://circles.example.org`), which maps to the endpoint at `/ws`.
   */
  url: string;
  /** WebSocket constructor; defaults to the global one. Node 20 has none: pass `ws`'s. */
  WebSocket?: SocketConstructor;
  /** How often to ping an idle connection. Default 20 s. */
  pingIntervalMs?: number;
  /** Silence after which the connection counts as dead and is dropped. Default 45 s. */
  silenceTimeoutMs?: number;
  /** How long `connect` waits for the server's welcome. Default 15 s. */
  connectTimeoutMs?: number;
}

const OPEN = 1;
const unavailable = (message: string): ErrorInfo => ({ code: 'unavailable', message });

/** Maps a server base address to its socket endpoint; socket URLs pass unchanged. */
export function socketUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') {
    parsed.protocol = parsed.protocol === 'https:' ? 'wss:' : 'ws:';
    if (parsed.pathname === '/' || parsed.pathname === '') parsed.pathname = '/ws';
  }
  return parsed.toString();
}

/** Creates a transport for one client. It can connect again after a disconnect or `close()`. */
export function createWebSocketTransport(options: WebSocketTransportOptions): Transport {
  return new WebSocketTransport(options);
}

type Pending<T> = { resolve: (value: T) => void; reject: (error: HearthError) => void };

/** One socket's life: from `connect` until it closes. A new `connect` makes a new link; old ones go quiet. */
class Link {
  state: 'connecting' | 'open' | 'closed' = 'connecting';
  readonly commands = new Map<string, Pending<Ack>[]>();
  readonly histories = new Map<string, Pending<HistoryPage>>();
  /** Sink calls wait here until `connect` has resolved, so the caller sees the session before any event. */
  queue: (() => void)[] | null = [];
  fatal: ErrorInfo | null = null;
  timers: ReturnType<typeof setTimeout>[] = [];
  lastHeard = Date.now();
  /** Rejects the pending `connect`, if it has not settled yet. */
  abort: (error: ErrorInfo) => void = () => {};

  constructor(
    readonly socket: SocketLike,
    readonly sink: TransportSink,
  ) {}
}

class WebSocketTransport implements Transport {
  readonly #options: WebSocketTransportOptions;
  #link: Link | null = null;
  #requests = 0;

  constructor(options: WebSocketTransportOptions) {
    this.#options = options;
  }

  connect(params: ConnectParams, sink: TransportSink): Promise<Session> {
    if (this.#link) this.#end(this.#link, null);
    const Socket = this.#options.WebSocket ?? (globalThis as { WebSocket?: SocketConstructor }).WebSocket;
    if (!Socket) return Promise.reject(new HearthError('unavailable', 'no WebSocket implementation: pass one as options.WebSocket'));
    let socket: SocketLike;
    try {
      socket = new Socket(socketUrl(this.#options.url));
    } catch (error) {
      return Promise.reject(new HearthError('unavailable', `cannot open a socket: ${(error as Error).message}`));
    }
    const link = new Link(socket, sink);
    this.#link = link;

    return new Promise<Session>((resolve, reject) => {
      let settled = false;
      const fail = (error: ErrorInfo, token?: string) => {
        if (settled) return;
        settled = true;
        const thrown = HearthError.from(error);
        reject(token === undefined ? thrown : Object.assign(thrown, { token }));
      };
      link.abort = fail;
      // Only a link still waiting for its welcome times out; an open one is the heartbeat's to judge.
      link.timers.push(setTimeout(() => {
        if (link.state !== 'connecting') return;
        fail(unavailable('the server did not answer in time'));
        this.#end(link, null);
      }, this.#options.connectTimeoutMs ?? 15_000));

      socket.onopen = () => this.#write(link, { v: PROTOCOL_VERSION, type: 'hello', ...params });
      socket.onerror = () => {}; // always followed by close, which says what happened
      socket.onclose = (event) => {
        fail(link.fatal ?? unavailable(`connection closed (${event.code})`));
        this.#end(link, link.fatal ?? unavailable('connection lost'));
      };
      socket.onmessage = (event) => {
        if (link.state === 'closed') return;
        link.lastHeard = Date.now();
        const parsed = parseServerFrame(typeof event.data === 'string' ? event.data : new TextDecoder().decode(event.data as ArrayBuffer));
        if (!parsed.ok) {
          const error: ErrorInfo = { code: 'internal', message: `the server sent a frame this client does not understand: ${parsed.error.message}` };
          fail(error);
          return this.#end(link, error);
        }
        const frame = parsed.value;
        if (frame.type === 'welcome' && link.state === 'connecting') {
          link.state = 'open';
          settled = true;
          this.#startHeartbeat(link);
          resolve(frame.session);
          // Let the caller's continuation run first; then deliver what arrived meanwhile, in order.
          setTimeout(() => {
            const queued = link.queue ?? [];
            link.queue = null;
            for (const call of queued) call();
          }, 0);
          return;
        }
        if (frame.type === 'error' && (frame.fatal || link.state === 'connecting') && !this.#settleRequest(link, frame)) {
          link.fatal = frame.error;
          fail(frame.error, frame.token);
          return this.#end(link, frame.error);
        }
        this.#dispatch(link, frame);
      };
    });
  }

  send(command: Command): Promise<Ack> {
    const link = this.#link;
    if (!link || link.state !== 'open') return Promise.reject(new HearthError('unavailable', 'not connected'));
    return new Promise<Ack>((resolve, reject) => {
      const waiting = link.commands.get(command.id) ?? [];
      waiting.push({ resolve, reject });
      link.commands.set(command.id, waiting);
      this.#write(link, { v: PROTOCOL_VERSION, type: 'command', command });
    });
  }

  history(query: HistoryQuery): Promise<HistoryPage> {
    const link = this.#link;
    if (!link || link.state !== 'open') return Promise.reject(new HearthError('unavailable', 'not connected'));
    const id = `history-${++this.#requests}`;
    return new Promise<HistoryPage>((resolve, reject) => {
      link.histories.set(id, { resolve, reject });
      this.#write(link, { v: PROTOCOL_VERSION, type: 'history', id, query });
    });
  }

  async close(): Promise<void> {
    if (this.#link) this.#end(this.#link, null);
    this.#link = null;
  }

  /** Asks on a socket of its own, before any hello, and closes it once answered. */
  preview(query: PreviewQuery): Promise<Circle> {
    return new Promise<Circle>((resolve, reject) => {
      const Socket = this.#options.WebSocket ?? (globalThis as { WebSocket?: SocketConstructor }).WebSocket!;
      const socket = new Socket(socketUrl(this.#options.url));
      const id = `preview-${++this.#requests}`;
      const done = (settle: () => void) => {
        clearTimeout(timer);
        socket.onmessage = socket.onclose = null;
        try {
          socket.close(1000);
        } catch {
          // Still connecting in some implementations: it is going away either way.
        }
        settle();
      };
      const timer = setTimeout(() => done(() => reject(new HearthError('unavailable', 'the server did not answer in time'))), this.#options.connectTimeoutMs ?? 15_000);
      socket.onerror = () => {};
      socket.onopen = () => socket.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'preview', id, circle: query.circle, ...(query.invite ? { invite: query.invite } : {}) }));
      socket.onclose = (event) => done(() => reject(new HearthError('unavailable', `connection closed (${event.code})`)));
      socket.onmessage = (event) => {
        const parsed = parseServerFrame(typeof event.data === 'string' ? event.data : new TextDecoder().decode(event.data as ArrayBuffer));
        const frame = parsed.ok ? parsed.value : null;
        if (frame?.type === 'preview' && frame.id === id) done(() => resolve(frame.circle));
        else if (frame?.type === 'error') done(() => reject(HearthError.from(frame.error)));
        else if (!frame) done(() => reject(new HearthError('internal', 'the server sent a frame this client does not understand')));
      };
    });
  }

  // ── Internals ─────────────────────────────────────────────────────────────────────────────────

  #dispatch(link: Link, frame: ServerFrame): void {
    switch (frame.type) {
      case 'event':
        if (link.state === 'open') this.#emit(link, () => link.sink.event(frame.event));
        return;
      case 'ack': {
        const waiting = link.commands.get(frame.id);
        const next = waiting?.shift();
        if (waiting?.length === 0) link.commands.delete(frame.id);
        next?.resolve(frame.ok ? (frame.result === undefined ? { ok: true, seq: frame.seq } : { ok: true, seq: frame.seq, result: frame.result }) : { ok: false, error: frame.error });
        return;
      }
      case 'history': {
        const pending = link.histories.get(frame.id);
        link.histories.delete(frame.id);
        pending?.resolve(frame.page);
        return;
      }
      case 'error':
        this.#settleRequest(link, frame);
        return;
      default:
        return; // pong, or a second welcome: hearing anything already reset the silence timer
    }
  }

  /** An error frame naming one of our requests settles that request. Returns whether it did. */
  #settleRequest(link: Link, frame: Extract<ServerFrame, { type: 'error' }>): boolean {
    if (!frame.id) return false;
    const history = link.histories.get(frame.id);
    if (history) {
      link.histories.delete(frame.id);
      history.reject(HearthError.from(frame.error));
      return true;
    }
    const waiting = link.commands.get(frame.id);
    const next = waiting?.shift();
    if (waiting?.length === 0) link.commands.delete(frame.id);
    next?.resolve({ ok: false, error: frame.error });
    return next !== undefined;
  }

  #startHeartbeat(link: Link): void {
    const interval = this.#options.pingIntervalMs ?? 20_000;
    const silence = this.#options.silenceTimeoutMs ?? 45_000;
    const tick = () => {
      if (link.state !== 'open') return;
      if (Date.now() - link.lastHeard > silence) return this.#end(link, unavailable('the server went silent'));
      this.#write(link, { v: PROTOCOL_VERSION, type: 'ping' });
      link.timers.push(setTimeout(tick, Math.min(interval, silence)));
    };
    link.timers.push(setTimeout(tick, Math.min(interval, silence)));
  }

  /** Calls the sink now, or after `connect` has resolved if it has not yet. */
  #emit(link: Link, call: () => void): void {
    const guarded = () => {
      try {
        call();
      } catch {
        // A sink that throws must not break delivery of the events after it.
      }
    };
    if (link.queue) link.queue.push(guarded);
    else guarded();
  }

  /**
   * Ends a link at once (not waiting for the close handshake, which a dead network never completes): every
   * request still waiting rejects with `unavailable`, since its outcome is unknown. `lost` is what the sink
   * hears; null when the client ended the link itself.
   */
  #end(link: Link, lost: ErrorInfo | null): void {
    if (link.state === 'closed') return;
    const wasOpen = link.state === 'open';
    link.state = 'closed';
    link.abort(lost ?? unavailable('closed before the server welcomed this client'));
    for (const timer of link.timers) clearTimeout(timer);
    const gone = new HearthError('unavailable', 'the connection closed before the server answered');
    for (const waiting of link.commands.values()) for (const pending of waiting) pending.reject(gone);
    for (const pending of link.histories.values()) pending.reject(gone);
    link.commands.clear();
    link.histories.clear();
    link.socket.onmessage = null;
    link.socket.onclose = null;
    link.socket.onopen = null;
    try {
      if (link.socket.readyState <= OPEN) link.socket.close(1000);
    } catch {
      // Closing a socket that is still connecting throws in some implementations; it is going away either way.
    }
    if (wasOpen && lost && this.#link === link) this.#emit(link, () => link.sink.disconnected(lost));
    if (this.#link === link) this.#link = null;
  }

  #write(link: Link, frame: object): void {
    if (link.socket.readyState !== OPEN) return;
    try {
      link.socket.send(JSON.stringify(frame));
    } catch {
      this.#end(link, unavailable('the connection failed while sending'));
    }
  }
}
