// End to end: the reference server on 127.0.0.1 serves a page (with its strict CSP header) carrying the
// one-tag drop-in; two readers in separate browser profiles join through an invite, one posts, the other
// sees it live; the owner hides it and it disappears for both. No CSP violation, no page error.
//
// Needs the built bundle (`npm run build`). Run: node --conditions=source --import tsx --test test/e2e/drop-in.e2e.ts
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'puppeteer-core';
import { built, eventually, inCircle, joinAs, probes, startHarness, type Harness } from './support.js';

let harness: Harness;
let inviteCode: string;
let ownerToken: string;
const pages: { name: string; page: Page }[] = [];

async function open(name: string): Promise<Page> {
  const page = await harness.open(`/article.html?invite=${inviteCode}`); // a browser profile of its own: a different reader
  page.setDefaultTimeout(10_000);
  pages.push({ name, page });
  return page;
}

/** Text of every message body the page shows. */
function bodies(page: Page): Promise<string[]> {
  return page.$$eval(inCircle('hearth-thread >>> hearth-message >>> article'), (articles) =>
    articles.map((a) => (a.querySelector('[part=body]')?.textContent ?? a.querySelector('.tombstone')?.textContent ?? '').trim()),
  );
}

function waitForBodies(page: Page, check: (bodies: string[]) => boolean, what: string): Promise<string[]> {
  return eventually(async () => {
    const current = await bodies(page);
    return check(current) && current;
  }, what, 10_000);
}

describe('the drop-in against the reference server', { skip: !built && 'build first: npm run build' }, () => {
  before(async () => {
    harness = await startHarness();
    const created = await harness.server.service.createCircle({ id: 'e2e', name: 'Slow readers', ownerName: 'Host' });
    ownerToken = created.ownerToken;
    inviteCode = (await harness.server.service.createInvite('e2e', { maxUses: null, expiresInMs: null })).code;
  });

  after(async () => {
    await harness?.close();
  });

  it('two readers join by invite; one posts, the other sees it live; the owner hides it for both', async () => {
    const ana = await open('Ana');
    const ben = await open('Ben');
    const host = await open('Host');
    await joinAs(ana, { name: 'Ana' });
    await joinAs(ben, { name: 'Ben' });
    await joinAs(host, { token: ownerToken });

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
      // The page's watch script must have run, or empty probes would prove nothing.
      assert.ok(await page.evaluate(() => Array.isArray((window as { __violations?: unknown }).__violations)), `${name}: watch.js ran`);
      const { violations, errors } = await probes(page);
      assert.deepEqual(violations, [], `${name}: no CSP violation`);
      assert.deepEqual(errors, [], `${name}: no page error`);
    }
    const csp = (await fetch(`${harness.server.url}/article.html`)).headers.get('content-security-policy') ?? '';
    assert.match(csp, /require-trusted-types-for 'script'/);
    assert.match(csp, /script-src 'self'/);
  });
});
