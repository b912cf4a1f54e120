// Shared by the examples' end-to-end tests: the site `npm start` serves (scripts/demo-site.ts) on a free port
// with a throwaway data folder, Debian's Chromium through puppeteer-core, one browser profile per reader, and
// a record of every CSP violation and page error so each test can assert there were none.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type BrowserContext, type Page } from 'puppeteer-core';
import { startDemoSite, type DemoSite } from '../../scripts/demo-site.js';
import { chromium, root } from './support.js';


/** Why the examples' tests cannot run, or false: they need the packages and the examples built. */
export const notBuilt =
  !existsSync(path.join(root, 'packages/elements/dist/hearth.js')) || !existsSync(path.join(root, 'examples/build'))
    ? 'build first: npm run build'
    : false;

export interface Harness {
  site: DemoSite;
  browser: Browser;
  /** A page in a browser profile of its own (its own storage: another reader), recording problems. */
  reader(name: string): Promise<Page>;
  /** Asserts that no page opened so far met a CSP violation or an error. */
  assertNoProblems(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hearth-examples-'));
  const site = await startDemoSite({ dataDir, port: 0, log: () => {} });
  const browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  const contexts: BrowserContext[] = [];
  const pages: { name: string; page: Page; errors: string[] }[] = [];
  return {
    site,
    browser,
    async reader(name) {
      const context = await browser.createBrowserContext();
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(`page error: ${(error as Error).message}`));
      page.on('console', (message) => {
        // A CSP violation is logged by the browser as well as dispatched; a 401 from a probe is the page's business.
        if (message.type() === 'error' && !/status of 40[14]/.test(message.text())) errors.push(`console: ${message.text()}`);
      });
      await page.evaluateOnNewDocument(() => {
        document.addEventListener('securitypolicyviolation', (event) => {
          console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI || event.sample}`);
        });
      });
      pages.push({ name, page, errors });
      return page;
    },
    async assertNoProblems() {
      for (const { name, errors } of pages) assert.deepEqual(errors, [], `${name}: no CSP violation or page error`);
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => {});
      await browser.close();
      await site.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A selector inside an element's shadow trees (puppeteer's `>>>` crosses shadow roots). */
export const inside = (host: string, selector: string) => `${host} >>> ${selector}`;

/** Joins through the join gate of `host` with the invite code it holds (from `?invite=`). */
export async function joinByInvite(page: Page, displayName: string, host = 'hearth-circle'): Promise<void> {
  await page.waitForSelector(inside(host, 'hearth-join >>> #code'));
  await page.locator(inside(host, 'hearth-join >>> #name')).fill(displayName);
  await page.locator(inside(host, 'hearth-join >>> input[name=accept]')).click();
  await page.locator(inside(host, 'hearth-join >>> [part=submit]')).click();
}

/** Joins with a member token (the owner's, say) through the gate's "member token" switch. */
export async function joinWithToken(page: Page, token: string, host = 'hearth-circle'): Promise<void> {
  await page.waitForSelector(inside(host, 'hearth-join >>> #code'));
  await page.locator(inside(host, 'hearth-join >>> button.link')).click();
  await page.locator(inside(host, 'hearth-join >>> #code')).fill(token);
  await page.locator(inside(host, 'hearth-join >>> [part=submit]')).click();
}

/** Types a message into the thread's composer and sends it with Enter. */
export async function post(page: Page, body: string, host = 'hearth-circle'): Promise<void> {
  const textarea = inside(host, 'hearth-thread >>> hearth-composer >>> textarea');
  await page.locator(textarea).fill(body);
  await page.focus(textarea);
  await page.keyboard.press('Enter');
}

export interface ShownMessage {
  author: string;
  body: string;
  /** Acknowledged by the backend (not pending, not failed). */
  confirmed: boolean;
}

/** The messages the thread in `host` shows. */
export function shownMessages(page: Page, host = 'hearth-circle'): Promise<ShownMessage[]> {
  return page.$$eval(inside(host, 'hearth-thread >>> hearth-message >>> article'), (articles) =>
    articles.map((a) => ({
      author: (a.querySelector('[part=author]')?.textContent ?? '').trim(),
      body: (a.querySelector('[part=body]')?.textContent ?? a.querySelector('.tombstone')?.textContent ?? '').trim(),
      confirmed: !a.classList.contains('pending') && !a.classList.contains('failed'),
    })),
  );
}

/** Polls `read` until `check` holds (10 s), failing with what was last seen. */
export async function waitUntil<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() - start > 10_000) throw new Error(`timed out waiting for ${what}; saw ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until the thread in `host` shows `body`, acknowledged by the backend. */
export function waitForMessage(page: Page, body: string, host = 'hearth-circle'): Promise<ShownMessage[]> {
  return waitUntil(() => shownMessages(page, host), (shown) => shown.some((m) => m.body === body && m.confirmed), `"${body}" to show, confirmed`);
}

/** Bodies of the messages the server stored in a thread, by its key (the round trip's other end). */
export async function storedBodies(site: DemoSite, threadKey: string): Promise<string[]> {
  const data = (await site.server.service.exportCircle('demo')) as { threads: { id: string; key: string | null }[]; messages: { threadId: string; body: string }[] };
  const thread = data.threads.find((t) => t.key === threadKey);
  return thread ? data.messages.filter((m) => m.threadId === thread.id).map((m) => m.body) : [];
}
