// Shared set-up of the end-to-end suites: one reference server on 127.0.0.1 (a real SQLite file, serving
// test/e2e/site with its strict CSP and the built drop-in), one Chromium, and the page-side probes the
// suites read (CSP violations, page errors, the script trap of trap.js).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
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
  /** A page in a fresh browser profile (its own storage: another reader). */
  open(url: string): Promise<Page>;
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
  const browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox', '--disable-gpu'], protocolTimeout: 30_000 });
  const contexts: BrowserContext[] = [];
  const clients: CircleClient[] = [];
  return {
    server,
    browser,
    async open(url) {
      const context = await browser.createBrowserContext();
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      await page.goto(url.startsWith('/') ? `${server.url}${url}` : url);
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
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
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
