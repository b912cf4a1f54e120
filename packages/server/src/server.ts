import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { LIMITS } from '@hearth/protocol';
import { Connection, type ConnectionHost } from './connection.js';
import { createInProcessFanOut, type FanOut } from './fanout.js';
import { handleHttp, type HttpContext } from './http.js';
import { RateLimiter, type BucketSpec } from './rate-limit.js';
import { CircleService } from './service.js';
import { createSqliteStorage } from './sqlite/sqlite-storage.js';
import type { Storage } from './storage.js';

export interface HearthServerOptions {
  /** SQLite data file, created when missing. Ignored when `storage` is given. Default `hearth.db`. */
  dataFile?: string;
  /** Another store (Postgres later); the server does not close a store it was given. */
  storage?: Storage;
  /** Fan-out between connections; in-process by default. */
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
  };
  /** Open sockets per client address. Default 64. */
  maxConnectionsPerIp?: number;
  /** Ping interval; a socket that does not answer within one interval is dropped. Default 30 s. */
  heartbeatMs?: number;
  /** Largest WebSocket message the socket layer accepts before closing (1009). Default 4× the frame limit. */
  maxPayloadBytes?: number;
  replayLimit?: number;
  now?: () => number;
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
  /** Open client connections (for tests and health). */
  connectionCount(): number;
  close(): Promise<void>;
}

/** Defaults: a person never meets them; a script flooding a circle does. */
export const DEFAULT_RATE_LIMITS = {
  member: { capacity: 20, refillPerSecond: 2 },
  ip: { capacity: 300, refillPerSecond: 50 },
} as const satisfies Record<string, BucketSpec>;
export const DEFAULT_MAX_CONNECTIONS_PER_IP = 64;

/** Path of the WebSocket endpoint. */
export const SOCKET_PATH = '/ws';

/** Starts the reference server: HTTP (static files, `/hearth.js`, `/healthz`) and the WebSocket protocol. */
export async function createHearthServer(options: HearthServerOptions = {}): Promise<HearthServer> {
  // A policy name goes into a header: only the characters the Trusted Types grammar allows.
  for (const name of options.trustedTypesPolicies ?? []) {
    if (!/^[A-Za-z0-9\-#=_/@.%]+$/.test(name)) throw new TypeError(`trustedTypesPolicies: ${JSON.stringify(name)} is not a policy name`);
  }
  const ownsStorage = !options.storage;
  const storage = options.storage ?? createSqliteStorage({ file: options.dataFile ?? 'hearth.db' });
  const fanOut = options.fanOut ?? createInProcessFanOut();
  const now = options.now ?? Date.now;
  const serviceOptions = { storage, fanOut, now, ...(options.replayLimit !== undefined ? { replayLimit: options.replayLimit } : {}) };
  const service = new CircleService(serviceOptions);
  const log = options.log ?? ((message: string, error?: unknown) => console.error(`[hearth] ${message}`, error ?? ''));
  const globalOrigins = new Set((options.allowedOrigins ?? []).map(normalizeOrigin));
  const trusted = new Set((options.trustedProxies ?? []).map(normalizeAddress));
  const maxPerIp = options.maxConnectionsPerIp ?? DEFAULT_MAX_CONNECTIONS_PER_IP;

  const circleOrigins = (circleId: string) => (service.allowedOrigins(circleId) ?? []).map(normalizeOrigin);
  const anyCircleAllows = (origin: string) => storage.listCircleIds().some((id) => circleOrigins(id).includes(origin));
  const globallyAllowed = (origin: string) => globalOrigins.has('*') || globalOrigins.has(origin);

  const host: ConnectionHost = {
    service,
    memberLimiter: new RateLimiter(options.rateLimits?.member ?? DEFAULT_RATE_LIMITS.member, now),
    ipLimiter: new RateLimiter(options.rateLimits?.ip ?? DEFAULT_RATE_LIMITS.ip, now),
    originAllowed: (origin, circleId) => origin === null || globallyAllowed(origin) || circleOrigins(circleId).includes(origin),
    maxBufferedBytes: 8 * 1024 * 1024,
    log,
  };

  const httpContext: HttpContext = {
    staticDir: options.staticDir ?? null,
    bundleFile: options.bundleFile ?? null,
    originAllowed: (origin) => globallyAllowed(normalizeOrigin(origin)) || anyCircleAllows(normalizeOrigin(origin)),
    frameAncestors: () => [...globalOrigins].filter((o) => o !== '*'),
    trustedTypesPolicies: options.trustedTypesPolicies ?? [],
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
  const server: Server = createServer((req, res) => {
    const answer = async () => {
      if (handleRequest && (await handleRequest(req, res))) return;
      await handleHttp(req, res, httpContext);
    };
    answer().catch((error) => {
      log('HTTP request failed', error);
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const { pathname } = new URL(req.url ?? '/', 'http://x');
    if (pathname !== SOCKET_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    const origin = req.headers.origin ? normalizeOrigin(req.headers.origin) : null;
    // Same-origin pages are always welcome; a cross-origin page must be allowed for some circle now and for
    // its own circle at hello. No Origin header means no browser, so no page to protect.
    const sameOrigin = origin !== null && req.headers.host !== undefined && origin.replace(/^https?:\/\//, '') === req.headers.host.toLowerCase();
    const checkedOrigin = origin === null || sameOrigin ? null : origin;
    if (checkedOrigin !== null && !globallyAllowed(checkedOrigin) && !anyCircleAllows(checkedOrigin)) return refuseUpgrade(socket, 403, 'Forbidden');
    const ip = clientIp(req);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new Connection(ws, ip, checkedOrigin, host);
      const count = (perIp.get(ip) ?? 0) + 1;
      perIp.set(ip, count);
      connections.add(connection);
      ws.on('close', () => {
        connections.delete(connection);
        const left = (perIp.get(ip) ?? 1) - 1;
        if (left <= 0) perIp.delete(ip);
        else perIp.set(ip, left);
      });
      if (count > maxPerIp) connection.fail({ code: 'rate_limited', message: 'too many open connections from your address', retryAfterMs: 10_000 });
    });
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
    host.memberLimiter.sweep();
    host.ipLimiter.sweep();
  }, 60_000);
  sweep.unref();

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
    if (ownsStorage) storage.close();
    throw error;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 8787);
  const urlHost = listenHost.includes(':') ? `[${listenHost}]` : listenHost;

  let closing: Promise<void> | null = null;
  return {
    service,
    storage,
    port,
    host: listenHost,
    url: `http://${urlHost}:${port}`,
    socketUrl: `ws://${urlHost}:${port}${SOCKET_PATH}`,
    connectionCount: () => connections.size,
    close() {
      closing ??= (async () => {
        clearInterval(heartbeat);
        clearInterval(sweep);
        for (const connection of connections) connection.socket.close(1001, 'server stopping');
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        for (const connection of connections) connection.socket.terminate();
        wss.close();
        if (ownsStorage) {
          fanOut.close();
          storage.close();
        }
      })();
      return closing;
    },
  };
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** `https://Blog.Example.org/` → `https://blog.example.org` (what browsers send in `Origin`). */
export function normalizeOrigin(origin: string): string {
  if (origin === '*') return origin;
  try {
    return new URL(origin).origin;
  } catch {
    return origin.toLowerCase();
  }
}

/** `::ffff:127.0.0.1` → `127.0.0.1`, so one client has one key whichever way the socket reports it. */
function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
