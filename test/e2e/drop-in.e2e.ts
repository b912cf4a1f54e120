// End to end: the reference server on 127.0.0.1 serves a page (with its strict CSP header) carrying the
// one-tag drop-in; two readers in separate browser profiles join through an invite, one posts, the other
// sees it live; the owner hides it and it disappears for both. No CSP violation, no page error.
//
// Needs the built bundle (`npm run build`). Run: node --conditions=source --import tsx --test test/e2e/drop-in.e2e.ts
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type BrowserContext, type Page } from 'puppeteer-core';
import { createHearthServer, type HearthServer } from '@hearth/server';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bundleFile = path.join(root, 'packages/elements/dist/hearth.js');
const chromium = process.env.CHROME_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

let server: HearthServer;
let browser: Browser;
let dataDir: string;
let inviteCode: string;
let ownerToken: string;
const contexts: BrowserContext[] = [];
const pages: { name: string; page: Page }[] = [];

/** The circle element's shadow tree, searched with puppeteer's `>>>` (which crosses shadow roots). */
const inCircle = (selector: string) => `hearth-circle >>> ${selector}`;

async function open(name: string): Promise<Page> {
  const context = await browser.createBrowserContext(); // its own storage: a different reader
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  pages.push({ name, page });
  await page.goto(`${server.url}/article.html?invite=${inviteCode}`);
  return page;
}

async function joinAs(page: Page, displayName: string, credentials: 'invite' | 'token' = 'invite'): Promise<void> {
  await page.waitForSelector(inCircle('hearth-join >>> #code'));
  if (credentials === 'token') {
    await page.locator(inCircle('hearth-join >>> button.link')).click();
    await page.locator(inCircle('hearth-join >>> #code')).fill(ownerToken);
  } else {
    await page.locator(inCircle('hearth-join >>> #name')).fill(displayName);
    await page.locator(inCircle('hearth-join >>> input[name=accept]')).click();
  }
  await page.locator(inCircle('hearth-join >>> [part=submit]')).click();
  await page.waitForSelector(inCircle('hearth-thread >>> hearth-composer >>> textarea'));
}

/** Text of every message body the page shows. */
function bodies(page: Page): Promise<string[]> {
  return page.$$eval(inCircle('hearth-thread >>> hearth-message >>> article'), (articles) =>
    articles.map((a) => (a.querySelector('[part=body]')?.textContent ?? a.querySelector('.tombstone')?.textContent ?? '').trim()),
  );
}

async function waitForBodies(page: Page, check: (bodies: string[]) => boolean, what: string): Promise<string[]> {
  const start = Date.now();
  for (;;) {
    const current = await bodies(page);
    if (check(current)) return current;
    if (Date.now() - start > 10_000) throw new Error(`timed out waiting for ${what}; saw ${JSON.stringify(current)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the drop-in against the reference server', { skip: !existsSync(bundleFile) && 'build first: npm run build' }, () => {
  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'hearth-e2e-'));
    server = await createHearthServer({
      dataFile: path.join(dataDir, 'hearth.db'),
      port: 0,
      host: '127.0.0.1',
      staticDir: path.join(root, 'test/e2e/site'),
      bundleFile,
      log: () => {},
    });
    const created = await server.service.createCircle({ id: 'e2e', name: 'Slow readers', ownerName: 'Host' });
    ownerToken = created.ownerToken;
    inviteCode = (await server.service.createInvite('e2e', { maxUses: null, expiresInMs: null })).code;
    browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  });

  after(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('two readers join by invite; one posts, the other sees it live; the owner hides it for both', async () => {
    const ana = await open('Ana');
    const ben = await open('Ben');
    const host = await open('Host');
    await joinAs(ana, 'Ana');
    await joinAs(ben, 'Ben');
    await joinAs(host, 'Host', 'token');

    await ana.locator(inCircle('hearth-thread >>> hearth-composer >>> textarea')).fill('Hello from Ana: <b>not bold</b>');
    await ana.keyboard.press('Enter');

    await waitForBodies(ben, (b) => b.includes('Hello from Ana: <b>not bold</b>'), 'the post, live, for Ben');
    await waitForBodies(host, (b) => b.includes('Hello from Ana: <b>not bold</b>'), 'the post for the owner');
    assert.equal(await ben.$(inCircle('hearth-message >>> [part=body] b')), null, 'HTML in a body stays text');

    // The owner hides it, from the message's own actions.
    const message = inCircle('hearth-thread >>> hearth-message');
    await host.locator(`${message} >>> button[data-action=hide]`).click();
    await host.locator(`${message} >>> textarea#field`).fill('not for this circle');
    await host.locator(`${message} >>> form button[type=submit]`).click();

    for (const page of [ana, ben]) {
      const shown = await waitForBodies(page, (b) => b.length === 1 && !b[0]!.includes('Hello from Ana'), 'the post to disappear');
      assert.match(shown[0]!, /Hidden by a moderator/);
    }
    await waitForBodies(host, (b) => b[0] === 'not bold' || b.some((x) => x.includes('Hello from Ana')), 'the owner still sees what was hidden');

    for (const { name, page } of pages) {
      const { violations, errors } = await page.evaluate(() => ({
        violations: (window as unknown as { __violations: string[] }).__violations,
        errors: (window as unknown as { __errors: string[] }).__errors,
      }));
      assert.deepEqual(violations, [], `${name}: no CSP violation`);
      assert.deepEqual(errors, [], `${name}: no page error`);
    }
    const csp = (await fetch(`${server.url}/article.html`)).headers.get('content-security-policy') ?? '';
    assert.match(csp, /require-trusted-types-for 'script'/);
    assert.match(csp, /script-src 'self'/);
  });
});
