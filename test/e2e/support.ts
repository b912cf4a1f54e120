// Shared set-up of the end-to-end suites: one reference server on 127.0.0.1 (a real SQLite file, serving
// test/e2e/site with its strict CSP and the built drop-in), one Chromium, and the page-side probes the
// suites read (CSP violations, page errors, the script trap of trap.js).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type BrowserContext, type Page } from 'puppeteer-core';
import WebSocket from 'ws';
import { createHearthServer, type HearthServer, type HearthServerOptions } from '@hearth/server';
import { createCircleClient, memoryStorage, type CircleClient, type Credentials } from '@hearth/core';
import { createWebSocketTransport, type SocketConstructor } from '@hearth/transport-websocket';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const bundleFile = path.join(root, 'packages/elements/dist/hearth.js');
export const built = existsSync(bundleFile);
/** Debian's Chromium (or $CHROME_PATH): every end-to-end run drives it through puppeteer-core. */
export const chromium = process.env.CHROME_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

/** The circle element's shadow tree, searched with puppeteer's `>>>` (which crosses shadow roots). */
export const inCircle = (selector: string, circle = 'hearth-circle') => `${circle} >>> ${selector}`;

export interface Harness {
  server: HearthServer;
  browser: Browser;
  /**
   * A page in a fresh browser profile (its own storage: another reader). With `csp: false` it is served
   * through `bareOrigin`, without its Content-Security-Policy header, as by a host site that sets none.
   */
  open(url: string, options?: { csp?: boolean }): Promise<Page>;
  /** The origin of a front that passes everything to the server but drops the CSP header (see `open`). */
  bareOrigin: string;
  /** A headless client in Node over the WebSocket transport, for setting a scene the pages then show. */
  connect(circle: string, credentials: Credentials): Promise<CircleClient>;
  close(): Promise<void>;
}

export async function startHarness(options: Partial<HearthServerOptions> = {}): Promise<Harness> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hearth-e2e-'));
  const server = await createHearthServer({
    dataFile: path.join(dataDir, 'hearth.db'),
    port: 0,
    host: '127.0.0.1',
    staticDir: path.join(root, 'test/e2e/site'),
    bundleFile,
    log: () => {},
    ...options,
  });
  const bare = await startBareFront(new URL(server.url));
  const browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox', '--disable-gpu'], protocolTimeout: 30_000 });
  const contexts: BrowserContext[] = [];
  const clients: CircleClient[] = [];
  return {
    server,
    browser,
    bareOrigin: bare.origin,
    async open(url, options = {}) {
      const context = await browser.createBrowserContext();
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      await page.goto(url.startsWith('/') ? `${options.csp === false ? bare.origin : server.url}${url}` : url);
      return page;
    },
    async connect(circle, credentials) {
      const client = createCircleClient({
        transport: createWebSocketTransport({ url: server.url, WebSocket: WebSocket as unknown as SocketConstructor }),
        circle,
        storage: memoryStorage(),
      });
      clients.push(client);
      await client.join(credentials);
      return client;
    },
    async close() {
      for (const client of clients) client.dispose();
      for (const context of contexts) await context.close().catch(() => {});
      await browser.close();
      await bare.close();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * An HTTP front on another port of 127.0.0.1: every request and the WebSocket go through to the server as they
 * are (Host included), and responses come back without the CSP header. A page served this way is the same
 * page the server serves, with no policy at all: no script-src, no Trusted Types. (Answering the page from
 * the test instead, through request interception, makes Chromium treat it as a public page and block its
 * socket to 127.0.0.1.)
 */
async function startBareFront(target: URL): Promise<{ origin: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const front = http.createServer((req, res) => {
    const upstream = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      const headers = { ...answer.headers };
      delete headers['content-security-policy'];
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  // The socket's upgrade request is replayed as it came, then bytes flow both ways untouched.
  front.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const upstream = net.connect(Number(target.port), target.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    for (const end of [socket, upstream]) {
      sockets.add(end);
      end.on('error', () => (socket.destroy(), upstream.destroy()));
      end.on('close', () => (sockets.delete(end), socket.destroy(), upstream.destroy()));
    }
  });
  front.on('connection', (socket) => (sockets.add(socket), socket.on('close', () => sockets.delete(socket))));
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(front.address() as net.AddressInfo).port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => front.close(resolve));
    },
  };
}

/** Joins through the drop-in's join gate: an invite with a display name, or a member token. */
export async function joinAs(page: Page, who: { name: string } | { token: string }, circle = 'hearth-circle'): Promise<void> {
  const join = (selector: string) => inCircle(`hearth-join >>> ${selector}`, circle);
  await page.waitForSelector(join('#code'));
  if ('token' in who) {
    await page.locator(join('button.link')).click();
    await page.locator(join('#code')).fill(who.token);
  } else {
    await page.locator(join('#name')).fill(who.name);
    await page.locator(join('input[name=accept]')).click();
  }
  await page.locator(join('[part=submit]')).click();
  await page.waitForSelector(inCircle('nav[part=nav]', circle));
}

/** What watch.js and trap.js recorded on a page: CSP violations, uncaught errors, and calls into the trap. */
export function probes(page: Page): Promise<{ violations: string[]; errors: string[]; trapped: string[] }> {
  return page.evaluate(() => {
    const w = window as unknown as { __violations?: string[]; __errors?: string[]; __trapped?: string[] };
    return { violations: w.__violations ?? [], errors: w.__errors ?? [], trapped: w.__trapped ?? [] };
  });
}

/** Polls `check` (run in Node) until it returns a truthy value. */
export async function eventually<T>(check: () => Promise<T | false | null | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const start = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
