// The blog's own backend, as small as it gets. It knows who is signed in to the blog (a cookie session) and
// vouches for them to the blog's Hearth circle with a short-lived JWT signed with the circle's sign-on
// secret (HS256, with `jose`). The secret stays on this server: the browser only ever holds signed tokens.
//
//   POST   /blog/api/session       {name}  signs in to the blog (a demo: no password) and sets the cookie
//   GET    /blog/api/session               {name} of whoever is signed in, or 401
//   DELETE /blog/api/session               signs out
//   POST   /blog/api/hearth-token          {token}: a JWT for the circle, for the signed-in user (10 minutes)
//
// `npm start` mounts it beside the demo circle (see scripts/demo-site.ts). A real site does the same in its
// own backend, with its own accounts, and the secret printed by `hearth-server circle sso` in its config.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SignJWT } from 'jose';

export interface HostBackendOptions {
  /** The circle's sign-on secret, read when a token is minted (so a rotated secret is picked up). */
  secret: () => string | null | Promise<string | null>;
  /** Where the routes live. Default `/blog/api`. */
  basePath?: string;
  /** Lifetime of a minted token. It is only needed to join, so it can be short. Default 600 s. */
  tokenSeconds?: number;
}

interface BlogUser {
  /** The blog's own, stable id for the user: the circle member is derived from it. */
  id: string;
  name: string;
}

const COOKIE = 'blog_session';
const NAME_MAX = 40;

/** A request handler: resolves true when it answered, false for paths that are not its own. */
export function createHostBackend(options: HostBackendOptions): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const base = options.basePath ?? '/blog/api';
  const sessions = new Map<string, BlogUser>();

  const signedIn = (req: IncomingMessage): BlogUser | undefined => {
    const id = /(?:^|;\s*)blog_session=([A-Za-z0-9_-]+)/.exec(req.headers.cookie ?? '')?.[1];
    return id ? sessions.get(id) : undefined;
  };

  return async (req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname !== `${base}/session` && pathname !== `${base}/hearth-token`) return false;
    const route = `${req.method} ${pathname.slice(base.length)}`;

    if (route === 'POST /session') {
      const body = await readJson(req);
      const name = typeof body?.name === 'string' ? body.name.trim() : '';
      if (!name || name.length > NAME_MAX) return reply(res, 400, { error: { code: 'invalid', message: `a name of 1 to ${NAME_MAX} characters` } });
      const session = randomBytes(24).toString('base64url');
      // A demo has no passwords: the name is the account. A real site signs its users in its own way.
      sessions.set(session, { id: `blog-user:${name.toLowerCase()}`, name });
      res.setHeader('Set-Cookie', `${COOKIE}=${session}; Path=/blog; HttpOnly; SameSite=Lax`);
      return reply(res, 200, { name });
    }
    if (route === 'GET /session') {
      const user = signedIn(req);
      return user ? reply(res, 200, { name: user.name }) : reply(res, 401, { error: { code: 'unauthorized', message: 'not signed in to the blog' } });
    }
    if (route === 'DELETE /session') {
      const id = /(?:^|;\s*)blog_session=([A-Za-z0-9_-]+)/.exec(req.headers.cookie ?? '')?.[1];
      if (id) sessions.delete(id);
      res.setHeader('Set-Cookie', `${COOKIE}=; Path=/blog; HttpOnly; SameSite=Lax; Max-Age=0`);
      return reply(res, 200, {});
    }
    if (route === 'POST /hearth-token') {
      const user = signedIn(req);
      if (!user) return reply(res, 401, { error: { code: 'unauthorized', message: 'sign in to the blog first' } });
      const secret = await options.secret();
      if (!secret) return reply(res, 503, { error: { code: 'unavailable', message: 'the circle does not accept sign-on' } });
      // What Hearth reads: `sub` (stable per user: the same sub is the same member), `name`, `exp`.
      const token = await new SignJWT({ name: user.name })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(user.id)
        .setIssuedAt()
        .setExpirationTime(`${options.tokenSeconds ?? 600}s`)
        .sign(new TextEncoder().encode(secret));
      return reply(res, 200, { token });
    }
    return reply(res, 405, { error: { code: 'invalid', message: `${req.method} is not used on ${pathname}` } });
  };
}

function reply(res: ServerResponse, status: number, body: unknown): true {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(JSON.stringify(body));
  return true;
}

/** A small JSON body, or null when it is missing, too big or not JSON. */
async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > 1024) return null;
  }
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
