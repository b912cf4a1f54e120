import { createHash, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

export interface HttpContext {
  /** Folder served at `/`, or null. */
  staticDir: string | null;
  /** The drop-in bundle served at `/hearth.js`, or null. */
  bundleFile: string | null;
  /** Whether a cross-origin page of this origin may read HTTP responses (CORS) and frame pages. */
  originAllowed(origin: string): Promise<boolean>;
  /** Origins listed for framing (`frame-ancestors`). */
  frameAncestors(): string[];
  /** Trusted Types policy names allowed besides `lit-html`. */
  trustedTypesPolicies?: readonly string[];
  /** Whether this process should get traffic: its store and broker answer and it is not shutting down. */
  readiness(): Promise<{ ready: boolean; checks: Record<string, string> }>;
  /** The Prometheus exposition, or null when `/metrics` is off. */
  metrics: (() => Promise<{ contentType: string; body: string }>) | null;
  /** When set, `/metrics` is served only to `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string | null;
  /** Whether source maps (`*.map`) are served. */
  sourceMaps?: boolean;
}

/**
 * Headers every response gets. The page CSP is the strict one the elements are built for: scripts and styles
 * from this origin only, Trusted Types enforced with Lit's policy, no plugins, no foreign connections.
 */
function securityHeaders(req: IncomingMessage, res: ServerResponse, ctx: HttpContext, html: boolean): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  if (html) {
    const host = req.headers.host && /^[A-Za-z0-9.:[\]-]+$/.test(req.headers.host) ? req.headers.host : null;
    const sockets = host ? ` ws://${host} wss://${host}` : '';
    res.setHeader(
      'Content-Security-Policy',
      [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        `connect-src 'self'${sockets}`,
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        `frame-ancestors 'self'${ctx.frameAncestors().map((o) => ` ${o}`).join('')}`,
        "require-trusted-types-for 'script'",
        `trusted-types lit-html${(ctx.trustedTypesPolicies ?? []).map((name) => ` ${name}`).join('')} 'allow-duplicates'`,
      ].join('; '),
    );
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  }
}

/** CORS for allowed origins only; everyone else gets no `Access-Control-Allow-Origin` and the browser blocks. */
async function cors(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  res.setHeader('Vary', 'Origin');
  const origin = req.headers.origin;
  if (origin && (await ctx.originAllowed(origin))) res.setHeader('Access-Control-Allow-Origin', origin);
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', 'no-store');
  res.end(body);
}

/** `/hearth.js`, its on-demand parts `/hearth-<name>.js`, and their source maps: nothing else from that folder. */
const BUNDLE_FILE = /^\/hearth(-[a-z0-9]+)?\.js(\.map)?$/;

/** Handles one HTTP request: `/healthz`, `/readyz`, `/metrics`, `/hearth.js`, and static files. */
export async function handleHttp(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  await cors(req, res, ctx);
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    securityHeaders(req, res, ctx, false);
    return send(res, 400, 'bad request path\n');
  }
  if (req.method === 'OPTIONS') {
    res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD');
    res.setHeader('Access-Control-Max-Age', '600');
    res.statusCode = 204;
    return void res.end();
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    securityHeaders(req, res, ctx, false);
    res.setHeader('Allow', 'GET, HEAD, OPTIONS');
    return send(res, 405, 'method not allowed\n');
  }
  // Liveness: the process answers. Readiness: it can serve (store and broker reachable, not draining).
  if (pathname === '/healthz') {
    securityHeaders(req, res, ctx, false);
    return send(res, 200, JSON.stringify({ ok: true }), 'application/json; charset=utf-8');
  }
  if (pathname === '/readyz') {
    securityHeaders(req, res, ctx, false);
    const { ready, checks } = await ctx.readiness();
    return send(res, ready ? 200 : 503, JSON.stringify({ ready, checks }), 'application/json; charset=utf-8');
  }
  if (pathname === '/metrics' && ctx.metrics) {
    securityHeaders(req, res, ctx, false);
    if (ctx.metricsToken && !bearerIs(req, ctx.metricsToken)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      return send(res, 401, 'unauthorized: /metrics needs its bearer token\n');
    }
    const { contentType, body } = await ctx.metrics();
    return send(res, 200, body, contentType);
  }
  // Source maps publish the sources: only when the operator says so, for the bundle and the static folder alike.
  if (!ctx.sourceMaps && pathname.toLowerCase().endsWith('.map')) return notFound(req, res, ctx);
  // The drop-in and the parts it loads on demand (`hearth-moderation.js`, `hearth-fr.js`), from beside it.
  if (BUNDLE_FILE.test(pathname)) {
    if (!ctx.bundleFile) return notFound(req, res, ctx);
    // Host pages on other origins load the bundle with a module script tag.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    const file = pathname === '/hearth.js' ? ctx.bundleFile : path.join(path.dirname(ctx.bundleFile), pathname.slice(1));
    return serveFile(req, res, ctx, file);
  }
  if (!ctx.staticDir) return notFound(req, res, ctx);
  const file = await resolveInside(ctx.staticDir, pathname);
  if (!file) return notFound(req, res, ctx);
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  return serveFile(req, res, ctx, file);
}

/** Whether the request carries `Authorization: Bearer <token>`; compared in constant time. */
function bearerIs(req: IncomingMessage, token: string): boolean {
  const match = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '');
  if (!match) return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(match[1]!), digest(token));
}

/**
 * Whether a path (`/`-separated, or the platform's) has a segment starting with a dot: `.env`, `.git/`, an
 * editor's `.swp`. Such files are never meant for the web, and a deploy copies them along unnoticed.
 */
function hasDotSegment(relative: string): boolean {
  return relative.split(/[/\\]/).some((segment) => segment.startsWith('.'));
}

/**
 * Maps a URL path to a file inside `root`, or null. Rejects `..`, NUL bytes, dotfiles and dot-folders (by the
 * requested path and by the real one, so a symbolic link cannot lead to one), and symbolic links that lead
 * out of the folder (the real path must stay inside the real root). A directory means its `index.html`.
 */
export async function resolveInside(root: string, pathname: string): Promise<string | null> {
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const normalized = path.posix.normalize(`/${pathname}`);
  if (hasDotSegment(normalized)) return null;
  const realRoot = await realpath(root).catch(() => null);
  if (!realRoot) return null;
  let candidate = path.resolve(realRoot, `.${normalized}`);
  if (candidate !== realRoot && !candidate.startsWith(realRoot + path.sep)) return null;
  try {
    let info = await stat(candidate);
    if (info.isDirectory()) {
      candidate = path.join(candidate, 'index.html');
      info = await stat(candidate);
    }
    if (!info.isFile()) return null;
    const real = await realpath(candidate);
    return real.startsWith(realRoot + path.sep) && !hasDotSegment(path.relative(realRoot, real)) ? real : null;
  } catch {
    return null;
  }
}

async function serveFile(req: IncomingMessage, res: ServerResponse, ctx: HttpContext, file: string): Promise<void> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) return notFound(req, res, ctx);
    size = info.size;
  } catch {
    return notFound(req, res, ctx);
  }
  const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  securityHeaders(req, res, ctx, type.startsWith('text/html'));
  res.statusCode = 200;
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', size);
  res.setHeader('Cache-Control', 'no-cache');
  if (req.method === 'HEAD') return void res.end();
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

function notFound(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): void {
  securityHeaders(req, res, ctx, false);
  send(res, 404, 'not found\n');
}
