import { networkInterfaces } from 'node:os';

/** `https://Blog.Example.org/` → `https://blog.example.org` (what browsers send in `Origin`). */
export function normalizeOrigin(origin: string): string {
  if (origin === '*') return origin;
  try {
    return new URL(origin).origin;
  } catch {
    return origin.toLowerCase();
  }
}

/** `https://circles.example.org` (a path or trailing slash is dropped); anything but an http(s) origin throws. */
export function parsePublicOrigin(origin: string): string {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new TypeError(`publicOrigins: ${JSON.stringify(origin)} is not a URL such as https://circles.example.org`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`publicOrigins: ${JSON.stringify(origin)} is not an http(s) origin`);
  return url.origin;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
const EVERY_INTERFACE = new Set(['0.0.0.0', '::', '']);

/**
 * The origins of pages this server serves itself when the operator named none: plain HTTP at the address it
 * listens on (for loopback, also `localhost` and the other loopback forms; for every interface, each
 * interface's address). A name the machine is reached by (`https://circles.example.org`, behind a proxy) is
 * not knowable from here and must be given as `publicOrigins`: the request's Host header is the client's say.
 */
export function listenOrigins(listenHost: string, port: number): string[] {
  const hosts = LOOPBACK.has(listenHost)
    ? [...LOOPBACK]
    : EVERY_INTERFACE.has(listenHost)
      ? [...LOOPBACK, ...Object.values(networkInterfaces()).flatMap((addresses) => (addresses ?? []).map((a) => a.address))]
      : [listenHost];
  return [...new Set(hosts.map((host) => normalizeOrigin(`http://${host.includes(':') ? `[${host}]` : host}:${port}`)))];
}
