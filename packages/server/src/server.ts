import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { LIMITS } from '@hearth/protocol';
import { Connection, type ConnectionHost } from './connection.js';
import { createInProcessFanOut, type FanOut } from './fanout.js';
import { CircleFeeds } from './feeds.js';
import { handleHttp, type HttpContext } from './http.js';
import { createLogger, loggerFromCallback, type Logger } from './logger.js';
import { ServerMetrics } from './metrics.js';
import { connectNatsFanOut } from './nats/nats-fanout.js';
import { listenOrigins, normalizeOrigin, parsePublicOrigin } from './origins.js';
import { openPostgresStorage } from './postgres/postgres-storage.js';
import { RateLimiter, type BucketSpec } from './rate-limit.js';
import { CircleService } from './service.js';
import { createSqliteStorage, SqliteStorage } from './sqlite/sqlite-storage.js';
import type { Storage } from './storage.js';

export interface HearthServerOptions {
  /** SQLite data file, created when missing. Ignored when `database` or `storage` is given. Default `hearth.db`. */
  dataFile?: string;
  /**
   * A PostgreSQL connection string (`postgres://user:pass@host:5432/db`): the store several server processes
   * share. Migrated on start. Instead of `dataFile`.
   */
  database?: string;
  /** PostgreSQL connections of this process (with `database`). Default 10. */
  poolSize?: number;
  /** A store made by the caller, who also closes it. */
  storage?: Storage;
  /**
   * NATS server URL(s) (`nats://host:4222`, comma-separated for a cluster): events committed by one process
   * reach the connections of every other process. Without it, fan-out stays in this process.
   */
  nats?: string;
  /** Fan-out made by the caller, who also closes it. */
  fanOut?: FanOut;
  /** Default 8787; 0 picks a free port (see `server.port`). */
  port?: number;
  /** Default 127.0.0.1: reachable from this machine only until the operator says otherwise. */
  host?: string;
  /**
   * Origins whose pages may embed every circle, read the HTTP endpoints (CORS) and frame the pages, e.g.
   * `https://blog.example.org`. Same-origin pages are always allowed; each circle can list more of its own.
   * `*` allows any origin.
   */
  allowedOrigins?: string[];
  /**
   * The origins browsers reach this server at (`https://circles.example.org` behind a TLS proxy): pages
   * served from them are same-origin, allowed for every circle. Default: plain HTTP at the listening address
   * and port (with `localhost` for loopback). Never taken from a request's Host header, which the client writes.
   */
  publicOrigins?: string[];
  /**
   * Addresses of reverse proxies whose `X-Forwarded-For` is believed. From anyone else the header is ignored,
   * so a client cannot pick the address its rate limit is counted against.
   */
  trustedProxies?: string[];
  /** Folder served at `/` (the examples in the repository). */
  staticDir?: string | null;
  /** The drop-in bundle served at `/hearth.js`, when the file exists. */
  bundleFile?: string | null;
  /**
   * Trusted Types policies the static pages may create besides Lit's `lit-html` (their CSP names them), e.g.
   * `['vue']` for pages built with Vue 3, which creates a policy of that name.
   */
  trustedTypesPolicies?: string[];
  /**
   * Routes of the embedding site served beside Hearth's own (the examples' host backend, say): called for
   * every HTTP request before the built-in endpoints; resolve true when it answered the request. WebSocket
   * upgrades never reach it.
   */
  handleRequest?: (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
  rateLimits?: {
    /** Commands per member. Default 20 at once, 2 per second after. */
    member?: BucketSpec;
    /** Frames per client address, all members and sockets together. Default 300 at once, 50 per second. */
    ip?: BucketSpec;
    /**
     * Failed sign-ins per client address (unknown invite code, bad member or sign-on token, also through a
     * preview): once used up, the address may not sign in at all, right code or not, until the bucket refills.
     * Default 10 at once, then one a minute.
     */
    failedSignIns?: BucketSpec;
  };
  /** Open sockets per client address. Default 64. */
  maxConnectionsPerIp?: number;
  /**
   * HTTP connections per client address waiting for a whole request (headers still arriving, or idle between
   * keep-alive requests); one more is answered 429 and closed. Connections from trusted proxies are not
   * counted: the address is the proxy's, shared by its clients. Default 32.
   */
  maxPendingRequestsPerIp?: number;
  /** Time for a request's headers to arrive whole; a half-sent request is closed after it. Default 10 s. */
  headersTimeoutMs?: number;
  /** Time for a whole request (headers and body) to arrive. Default 30 s. */
  requestTimeoutMs?: number;
  /**
   * Send budget of one connection: bytes queued for its client and not yet read. Every outgoing frame obeys
   * it; a client that leaves more than this unread is dropped (it resumes from its cursor on reconnecting).
   * Default 8 MiB.
   */
  maxBufferedBytes?: number;
  /** Ping interval; a socket that does not answer within one interval is dropped. Default 30 s. */
  heartbeatMs?: number;
  /** Largest WebSocket message the socket layer accepts before closing (1009). Default 4× the frame limit. */
  maxPayloadBytes?: number;
  replayLimit?: number;
  /** How long an event that arrives before the ones preceding it waits for them before they are read from storage. Default 50 ms. */
  gapWaitMs?: number;
  /** On `close`, how long commands in flight may take to finish before sockets close anyway. Default 10 s. */
  drainTimeoutMs?: number;
  /**
   * Serve Prometheus metrics at `/metrics`. Default false: the figures (connections, commands, errors) are
   * the operator's, not the public's. Turned on by `metricsToken` too.
   */
  metrics?: boolean;
  /**
   * `/metrics` answers only requests with `Authorization: Bearer <metricsToken>` (others get 401), for a
   * scraper that reaches the server over a network others share. At least 16 printable characters.
   */
  metricsToken?: string;
  /**
   * Serve source maps (`*.map`) of the drop-in bundle and the static folder. Default false: they publish the
   * sources; turn them on where someone debugs the pages (`npm start` does).
   */
  sourceMaps?: boolean;
  /** Add process metrics (CPU, memory, event loop, GC) to `/metrics`; for a server that owns its process. Default false. */
  processMetrics?: boolean;
  now?: () => number;
  /** Structured logs; JSON lines on standard error by default. */
  logger?: Logger;
  /** @deprecated a plain callback; use `logger`. */
  log?: (message: string, error?: unknown) => void;
}

export interface HearthServer {
  readonly service: CircleService;
  readonly storage: Storage;
  readonly port: number;
  readonly host: string;
  /** `http://host:port` */
  readonly url: string;
  /** `ws://host:port/ws` */
  readonly socketUrl: string;
  readonly metrics: ServerMetrics;
  /** Open client connections (for tests and health). */
  connectionCount(): number;
  /**
   * Graceful stop: readiness turns false, no new connection is accepted, sockets stop reading, commands in
   * flight finish and are acknowledged (up to `drainTimeoutMs`), then every socket closes with 1001 so its
   * client reconnects (to another process behind the load balancer), and what the server opened is closed.
   */
  close(): Promise<void>;
}

/** Defaults: a person never meets them; a script flooding a circle does. */
export const DEFAULT_RATE_LIMITS = {
  member: { capacity: 20, refillPerSecond: 2 },
  ip: { capacity: 300, refillPerSecond: 50 },
  failedSignIns: { capacity: 10, refillPerSecond: 1 / 60 },
} as const satisfies Record<string, BucketSpec>;
export const DEFAULT_MAX_CONNECTIONS_PER_IP = 64;
/** A browser opens at most six connections to a host; several people behind one address stay well under. */
export const DEFAULT_MAX_PENDING_REQUESTS_PER_IP = 32;
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Idle time of a keep-alive connection between requests (Node's default, stated). */
const KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** A few of the largest history pages, or thousands of events: a reader on a slow link never meets it. */
export const DEFAULT_MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** Path of the WebSocket endpoint. */
export const SOCKET_PATH = '/ws';

/** Starts the reference server: HTTP (static files, `/hearth.js`, health, metrics) and the WebSocket protocol. */
export async function createHearthServer(options: HearthServerOptions = {}): Promise<HearthServer> {
  // A policy name goes into a header: only the characters the Trusted Types grammar allows.
  for (const name of options.trustedTypesPolicies ?? []) {
    if (!/^[A-Za-z0-9\-#=_/@.%]+$/.test(name)) throw new TypeError(`trustedTypesPolicies: ${JSON.stringify(name)} is not a policy name`);
  }
  // The token goes into a header comparison: printable, no spaces, long enough not to be guessed.
  if (options.metricsToken !== undefined && !/^[\x21-\x7e]{16,}$/.test(options.metricsToken)) {
    throw new TypeError('metricsToken: at least 16 printable characters, no spaces');
  }
  const publicOrigins = (options.publicOrigins ?? []).map(parsePublicOrigin);
  const logger = options.logger ?? (options.log ? loggerFromCallback(options.log) : createLogger());
  const now = options.now ?? Date.now;
  const metrics = new ServerMetrics();
  if (options.processMetrics) metrics.collectProcessMetrics();
  // What the server opens, it closes (in reverse order); what it was given stays the caller's.
  const owned: { close(): Promise<void> }[] = [];
  const closeOwned = async () => {
    for (const thing of owned.reverse()) await thing.close().catch((error: unknown) => logger.error('closing failed', { error }));
  };

  let storage: Storage;
  let fanOut: FanOut;
  try {
    if (options.storage) storage = options.storage;
    else if (options.database) owned.push((storage = await openPostgresStorage({ url: options.database, logger, ...(options.poolSize ? { poolSize: options.poolSize } : {}) })));
    else owned.push((storage = createSqliteStorage({ file: options.dataFile ?? 'hearth.db', logger })));
    if (options.fanOut) fanOut = options.fanOut;
    else if (options.nats) owned.push((fanOut = await connectNatsFanOut({ servers: options.nats, logger })));
    else owned.push((fanOut = createInProcessFanOut()));
  } catch (error) {
    await closeOwned();
    throw error;
  }
  metrics.brokerConnected.set(fanOut.connected() ? 1 : 0);

  const memberLimit = { spec: options.rateLimits?.member ?? DEFAULT_RATE_LIMITS.member, shared: storage.shared };
  const service = new CircleService({ storage, fanOut, now, memberLimit, ...(options.replayLimit !== undefined ? { replayLimit: options.replayLimit } : {}) });
  const feeds = new CircleFeeds({
    fanOut,
    fetch: (circleId, after, limit) => {
      metrics.gapFills.inc();
      return service.eventsAfter(circleId, after, limit);
    },
    gapWaitMs: options.gapWaitMs ?? 50,
    onError: (error) => logger.warn('could not read events to fill a gap', { error }),
  });
  // The CLI writes the same SQLite file from its own process (a ban, a removal) and publishes to no one here:
  // when the file changes under this process, the feeds read what was committed, so those members' sockets close.
  const stopFileWatch = storage instanceof SqliteStorage ? storage.watchOtherWriters(() => feeds.catchUp()) : () => {};
  const globalOrigins = new Set((options.allowedOrigins ?? []).map(normalizeOrigin));
  // Known once the server listens (the port may be chosen then), before any upgrade can arrive.
  let sameOrigins = new Set(publicOrigins);
  const trusted = new Set((options.trustedProxies ?? []).map(normalizeAddress));
  const maxPerIp = options.maxConnectionsPerIp ?? DEFAULT_MAX_CONNECTIONS_PER_IP;

  const globallyAllowed = (origin: string) => globalOrigins.has('*') || globalOrigins.has(origin);
  const circleAllows = async (circleId: string, origin: string) => ((await service.allowedOrigins(circleId)) ?? []).some((o) => normalizeOrigin(o) === origin);
  const anyCircleAllows = (origin: string) => storage.anyCircleAllowsOrigin(origin);

  const host: ConnectionHost = {
    service,
    feeds,
    ipLimiter: new RateLimiter(options.rateLimits?.ip ?? DEFAULT_RATE_LIMITS.ip, now),
    signInFailures: new RateLimiter(options.rateLimits?.failedSignIns ?? DEFAULT_RATE_LIMITS.failedSignIns, now),
    originAllowed: async (origin, circleId) => origin === null || globallyAllowed(origin) || (await circleAllows(circleId, origin)),
    maxBufferedBytes: options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
    logger,
    metrics,
  };

  let draining = false;
  const httpContext: HttpContext = {
    staticDir: options.staticDir ?? null,
    bundleFile: options.bundleFile ?? null,
    originAllowed: async (origin) => globallyAllowed(normalizeOrigin(origin)) || (await anyCircleAllows(normalizeOrigin(origin))),
    frameAncestors: () => [...globalOrigins].filter((o) => o !== '*'),
    trustedTypesPolicies: options.trustedTypesPolicies ?? [],
    async readiness() {
      const checks: Record<string, string> = {};
      checks.storage = await withTimeout(storage.ping(), 2000).then(
        () => 'ok',
        (error: unknown) => `unavailable: ${(error as Error).message}`,
      );
      checks.broker = fanOut.connected() ? 'ok' : 'unavailable';
      checks.server = draining ? 'draining' : 'ok';
      return { ready: Object.values(checks).every((c) => c === 'ok'), checks };
    },
    metricsToken: options.metricsToken ?? null,
    sourceMaps: options.sourceMaps ?? false,
    metrics:
      options.metrics !== true && options.metricsToken === undefined
        ? null
        : async () => {
            metrics.brokerConnected.set(fanOut.connected() ? 1 : 0);
            return { contentType: metrics.contentType, body: await metrics.text() };
          },
  };

  const connections = new Set<Connection>();
  const perIp = new Map<string, number>();
  const wss = new WebSocketServer({
    noServer: true,
    // Compression off: permessage-deflate fragments memory under load (ws#1202) and frames are small anyway.
    perMessageDeflate: false,
    maxPayload: options.maxPayloadBytes ?? LIMITS.frameMaxBytes * 4,
    clientTracking: false,
  });

  const clientIp = (req: IncomingMessage): string => {
    const remote = normalizeAddress(req.socket.remoteAddress ?? 'unknown');
    if (!trusted.has(remote)) return remote;
    const forwarded = String(req.headers['x-forwarded-for'] ?? '').split(',').map((s) => normalizeAddress(s.trim())).filter(Boolean);
    // The right-most address a trusted proxy did not add is the client.
    for (let i = forwarded.length - 1; i >= 0; i--) if (!trusted.has(forwarded[i]!)) return forwarded[i]!;
    return remote;
  };

  const handleRequest = options.handleRequest;
  const headersTimeout = options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
  // Node refuses a headers timeout longer than the request timeout.
  const requestTimeout = Math.max(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, headersTimeout);
  const server: Server = createServer(
    {
      headersTimeout,
      requestTimeout,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      // Node checks the two timeouts above on this interval (30 s by default), so it bounds how late they act.
      connectionsCheckingInterval: Math.min(1000, headersTimeout),
    },
    (req, res) => {
      const answer = async () => {
        if (handleRequest && (await handleRequest(req, res))) return;
        await handleHttp(req, res, httpContext);
      };
      answer().catch((error: unknown) => {
        logger.error('HTTP request failed', { error, path: req.url });
        if (!res.headersSent) res.statusCode = 500;
        res.end();
      });
    },
  );
  // No inactivity timeout on sockets (Node's default, kept): a site's own routes (`handleRequest`) may stream a
  // response that stays quiet for minutes, such as server-sent events.

  // Per address, the connections waiting for a whole request: a client that opens many and sends each a few
  // bytes (slow-loris) meets this cap long before the headers timeout frees them.
  const maxPendingPerIp = options.maxPendingRequestsPerIp ?? DEFAULT_MAX_PENDING_REQUESTS_PER_IP;
  const pendingPerIp = new Map<string, number>();
  const pendingAddress = new WeakMap<Socket, string>();
  const stopWaiting = (socket: Socket) => {
    const ip = pendingAddress.get(socket);
    if (ip === undefined) return;
    pendingAddress.delete(socket);
    const left = (pendingPerIp.get(ip) ?? 1) - 1;
    if (left <= 0) pendingPerIp.delete(ip);
    else pendingPerIp.set(ip, left);
  };
  const startWaiting = (socket: Socket, ip: string) => {
    if (socket.destroyed || pendingAddress.has(socket)) return;
    pendingAddress.set(socket, ip);
    pendingPerIp.set(ip, (pendingPerIp.get(ip) ?? 0) + 1);
  };
  server.on('connection', (socket: Socket) => {
    const ip = normalizeAddress(socket.remoteAddress ?? 'unknown');
    if (trusted.has(ip)) return;
    if ((pendingPerIp.get(ip) ?? 0) >= maxPendingPerIp) {
      socket.on('error', () => socket.destroy());
      socket.end('HTTP/1.1 429 Too Many Requests\r\nRetry-After: 10\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    startWaiting(socket, ip);
    socket.once('close', () => stopWaiting(socket));
  });
  // Headers complete: no longer waiting. Once answered, a kept-alive connection waits for its next request.
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const ip = pendingAddress.get(req.socket);
    if (ip === undefined) return;
    stopWaiting(req.socket);
    res.once('finish', () => startWaiting(req.socket, ip));
  });

  const accept = (req: IncomingMessage, socket: Duplex, head: Buffer, checkedOrigin: string | null) => {
    const ip = clientIp(req);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new Connection(ws, ip, checkedOrigin, host);
      const count = (perIp.get(ip) ?? 0) + 1;
      perIp.set(ip, count);
      connections.add(connection);
      metrics.connections.set(connections.size);
      metrics.connectionsOpened.inc();
      ws.on('close', () => {
        connections.delete(connection);
        metrics.connections.set(connections.size);
        const left = (perIp.get(ip) ?? 1) - 1;
        if (left <= 0) perIp.delete(ip);
        else perIp.set(ip, left);
      });
      if (count > maxPerIp) connection.fail({ code: 'rate_limited', message: 'too many open connections from your address', retryAfterMs: 10_000 });
    });
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    stopWaiting(socket as Socket);
    socket.on('error', () => socket.destroy());
    if (draining) return refuseUpgrade(socket, 503, 'Service Unavailable');
    const { pathname } = new URL(req.url ?? '/', 'http://x');
    if (pathname !== SOCKET_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    const origin = req.headers.origin ? normalizeOrigin(req.headers.origin) : null;
    // Pages of the server's own public origins are always welcome; any other page must be allowed for some
    // circle now and for its own circle at hello. No Origin header means no browser, so no page to protect.
    // Same-origin is never judged against the Host header: a client writes it, and would name its own page.
    const checkedOrigin = origin === null || sameOrigins.has(origin) ? null : origin;
    if (checkedOrigin === null || globallyAllowed(checkedOrigin)) return accept(req, socket, head, checkedOrigin);
    anyCircleAllows(checkedOrigin).then(
      (allowed) => (allowed && !draining ? accept(req, socket, head, checkedOrigin) : refuseUpgrade(socket, 403, 'Forbidden')),
      (error: unknown) => {
        logger.error('origin check failed', { error });
        refuseUpgrade(socket, 503, 'Service Unavailable');
      },
    );
  });

  // Heartbeat: ping every socket; one that has not answered (or sent anything) since the last round is dead.
  const heartbeat = setInterval(() => {
    for (const connection of connections) {
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }, options.heartbeatMs ?? 30_000);
  heartbeat.unref();
  const sweep = setInterval(() => {
    service.memberLimiter?.sweep();
    host.ipLimiter.sweep();
    host.signInFailures.sweep();
  }, 60_000);
  sweep.unref();
  const stopBrokerWatch = fanOut.onResync(() => metrics.brokerConnected.set(fanOut.connected() ? 1 : 0));

  const listenHost = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 8787, listenHost, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    // Port busy or not allowed: leave nothing open behind, so the caller can report it and exit cleanly.
    clearInterval(heartbeat);
    clearInterval(sweep);
    stopBrokerWatch();
    stopFileWatch();
    feeds.close();
    await closeOwned();
    throw error;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 8787);
  const urlHost = listenHost.includes(':') ? `[${listenHost}]` : listenHost;
  if (sameOrigins.size === 0) sameOrigins = new Set(listenOrigins(listenHost, port));
  logger.info('listening', { url: `http://${urlHost}:${port}`, storage: storage.kind, fanOut: fanOut.kind });

  let closing: Promise<void> | null = null;
  return {
    service,
    storage,
    port,
    host: listenHost,
    url: `http://${urlHost}:${port}`,
    socketUrl: `ws://${urlHost}:${port}${SOCKET_PATH}`,
    metrics,
    connectionCount: () => connections.size,
    close() {
      closing ??= (async () => {
        draining = true;
        clearInterval(heartbeat);
        clearInterval(sweep);
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // Handle no more frames; what a client sends from now on it sends again after reconnecting (its outbox
        // keeps every unacknowledged command, and command ids make the resend harmless).
        for (const connection of connections) connection.drain();
        const inFlight = [...connections].reduce((n, c) => n + c.inFlight, 0);
        if (inFlight > 0) logger.info('draining', { connections: connections.size, commandsInFlight: inFlight });
        await withTimeout(Promise.all([...connections].map((c) => c.settled())), options.drainTimeoutMs ?? 10_000).catch(() => {
          logger.warn('commands still in flight after the drain timeout; closing anyway');
        });
        // 1001 tells clients to reconnect (to another process, behind a load balancer). A client that does not
        // finish the closing handshake promptly is cut off rather than waited for.
        const closed = Promise.all([...connections].map((c) => new Promise<void>((resolve) => (c.socket.readyState === c.socket.CLOSED ? resolve() : c.socket.once('close', () => resolve())))));
        for (const connection of connections) connection.socket.close(1001, 'server stopping');
        await withTimeout(closed, 2000).catch(() => {});
        for (const connection of connections) connection.socket.terminate();
        server.closeAllConnections();
        await stopped;
        wss.close();
        stopBrokerWatch();
        stopFileWatch();
        feeds.close();
        await closeOwned();
        logger.info('stopped');
      })();
      return closing;
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    );
  });
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export { normalizeOrigin };

/** `::ffff:127.0.0.1` → `127.0.0.1`, so one client has one key whichever way the socket reports it. */
function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
