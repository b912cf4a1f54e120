// Host page hazards end to end: pages served by the reference server (with its strict CSP) that do what
// real host pages do to a widget — load the drop-in twice, put two circles on one page, reset every style,
// extend or replace built-ins, block fetch. On each the widget works (join, post, see the post confirmed by
// the server), or fails with a clear console error; the host page keeps working either way.
//
// Needs the built bundle (`npm run build`). Run: node --conditions=source --import tsx --test test/e2e/host-hazards.e2e.ts
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'puppeteer-core';
import { built, eventually, inCircle, joinAs, probes, startHarness, type Harness } from './support.js';

let h: Harness;
const codes: Record<string, string> = {};
const tokens: Record<string, string> = {};
const checked: string[] = [];

/** Posts through the composer and waits until the server has confirmed it (the message is no longer pending). */
async function postAndSee(page: Page, text: string, circle = 'hearth-circle'): Promise<void> {
  await page.locator(inCircle('hearth-thread >>> hearth-composer >>> textarea', circle)).fill(text);
  await page.keyboard.press('Enter');
  await eventually(
    () =>
      page.evaluate(
        (selector, body) => {
          const thread = document.querySelector(selector)?.shadowRoot?.querySelector('hearth-thread');
          return [...(thread?.shadowRoot?.querySelectorAll('hearth-message') ?? [])].some((m) => {
            const message = (m as unknown as { message: { body: string; pending?: string } }).message;
            return message.body === body && !message.pending && m.shadowRoot?.querySelector('[part=body]')?.textContent === body;
          });
        },
        circle,
        text,
      ),
    `"${text}" confirmed and shown`,
  );
}

/** The host page still works: its own script ran, its button responds, its content is where it was. */
async function assertHostWorks(page: Page): Promise<void> {
  await page.click('#host-button');
  const host = await page.evaluate(() => ({
    ready: (window as unknown as { __hostReady?: boolean }).__hostReady,
    clicks: (window as unknown as { __hostClicks: number }).__hostClicks,
    text: document.getElementById('host-text')?.textContent,
  }));
  assert.deepEqual(host, { ready: true, clicks: 1, text: "The host page's own paragraph." });
}

async function assertNoTrouble(page: Page, what: string): Promise<void> {
  const { violations, errors } = await probes(page);
  assert.deepEqual(violations, [], `${what}: no CSP violation`);
  assert.deepEqual(errors, [], `${what}: no uncaught error`);
}

/** Opens a hazard page and records its console. */
async function openHazard(name: string, circle = 'hazards'): Promise<{ page: Page; console: string[] }> {
  const page = await h.open('about:blank');
  const lines: string[] = [];
  page.on('console', (message) => lines.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => lines.push(`pageerror: ${String(error)}`));
  await page.goto(`${h.server.url}/hazards/${name}.html?invite=${codes[circle]}`);
  checked.push(name);
  return { page, console: lines };
}

describe('the drop-in on hazardous host pages', { skip: !built && 'build first: npm run build' }, () => {
  before(async () => {
    h = await startHarness();
    for (const id of ['hazards', 'hazard-a', 'hazard-b']) {
      tokens[id] = (await h.server.service.createCircle({ id, name: `Circle ${id}`, ownerName: 'Host' })).ownerToken;
      codes[id] = (await h.server.service.createInvite(id, { maxUses: null, expiresInMs: null })).code;
    }
  });

  after(async () => {
    await h?.close();
    console.log(`host page hazards checked: ${checked.length} (${checked.join(', ')})`);
  });

  it('two copies of the drop-in: the first defines the elements, the second stands aside, the circle works', async () => {
    const { page, console: lines } = await openHazard('two-copies');
    await joinAs(page, { name: 'Twice' });
    await postAndSee(page, 'loaded twice, working once');
    const versions = await page.evaluate(() => (window as unknown as { litHtmlVersions?: string[] }).litHtmlVersions ?? []);
    assert.equal(versions.length, 2, 'both copies ran (each with its own Lit)');
    assert.deepEqual(lines.filter((l) => l.startsWith('warn') || l.startsWith('error')), [], 'the same version twice is not worth a warning');
    await assertNoTrouble(page, 'two copies');
    await assertHostWorks(page);
  });

  it('two circles on one page: each joins, posts and shows only its own messages', async () => {
    const { page } = await openHazard('two-circles', 'hazard-b');
    // The page's ?invite= is circle B's; circle A is joined with its owner's member token.
    await joinAs(page, { token: tokens['hazard-a']! }, 'hearth-circle#a');
    await joinAs(page, { name: 'Bea' }, 'hearth-circle#b');
    await postAndSee(page, 'only in A', 'hearth-circle#a');
    await postAndSee(page, 'only in B', 'hearth-circle#b');
    const shown = await page.evaluate(() =>
      ['a', 'b'].map((id) => {
        const thread = document.getElementById(id)!.shadowRoot!.querySelector('hearth-thread')!;
        return [...thread.shadowRoot!.querySelectorAll('hearth-message')].map((m) => m.shadowRoot!.querySelector('[part=body]')!.textContent);
      }),
    );
    assert.deepEqual(shown, [['only in A'], ['only in B']]);
    const names = await page.evaluate(() => ['a', 'b'].map((id) => (document.getElementById(id) as unknown as { client: { getSnapshot(): { me: { displayName: string } } } }).client.getSnapshot().me.displayName));
    assert.deepEqual(names, ['Host', 'Bea'], 'each circle signs in its own member');
    await assertNoTrouble(page, 'two circles');
    await assertHostWorks(page);
  });

  it('aggressive global CSS (* { all: unset }, p { display: none }): the widget still shows and works', async () => {
    const { page } = await openHazard('global-css');
    assert.equal(await page.evaluate(() => getComputedStyle(document.getElementById('host-text')!).display), 'none', 'the host stylesheet is in force');
    await joinAs(page, { name: 'Unset' });
    await postAndSee(page, 'still readable');
    const seen = await page.evaluate(() => {
      const thread = document.querySelector('hearth-circle')!.shadowRoot!.querySelector('hearth-thread')!;
      const paragraph = thread.shadowRoot!.querySelector('hearth-message')!.shadowRoot!.querySelector('[part=body] p')!;
      const textarea = thread.shadowRoot!.querySelector('hearth-composer')!.shadowRoot!.querySelector('textarea')!;
      const [p, t, w] = [paragraph, textarea, document.querySelector('hearth-circle')!].map((e) => e.getBoundingClientRect());
      return { paragraph: getComputedStyle(paragraph).display, paragraphHeight: p!.height > 0, textarea: t!.width > 100 && t!.height > 20, widget: w!.width > 200 };
    });
    assert.deepEqual(seen, { paragraph: 'block', paragraphHeight: true, textarea: true, widget: true });
    await assertNoTrouble(page, 'global CSS');
    await assertHostWorks(page);
  });

  it('Array.prototype extended with enumerable methods and polyfills: the widget works', async () => {
    const { page } = await openHazard('array-extended');
    await joinAs(page, { name: 'Mootools' });
    await postAndSee(page, 'extended prototypes');
    await page.reload();
    await page.waitForSelector(inCircle('hearth-composer >>> textarea'));
    await postAndSee(page, 'and after a reload');
    await assertNoTrouble(page, 'extended prototypes');
    await assertHostWorks(page);
  });

  it('Array.prototype.toJSON (Prototype.js 1.6): the widget works, also across a reload', async () => {
    const { page } = await openHazard('array-tojson');
    await joinAs(page, { name: 'Prototype' });
    await postAndSee(page, 'arrays with toJSON');
    await page.reload();
    await page.waitForSelector(inCircle('hearth-composer >>> textarea'));
    await postAndSee(page, 'and after a reload');
    await assertNoTrouble(page, 'toJSON');
    await assertHostWorks(page);
  });

  it('fetch replaced by one that refuses everything: the widget works, moderator tools included', async () => {
    const { page } = await openHazard('fetch-override');
    await joinAs(page, { token: tokens.hazards! });
    await page.waitForSelector(inCircle('hearth-thread-list'));
    // The owner's moderation tools arrive on demand (a module import, not fetch).
    await page.locator(inCircle('nav[part=nav] button:nth-of-type(3)')).click();
    await page.waitForSelector(inCircle('hearth-moderation >>> [role=tablist]'));
    assert.equal(await page.evaluate(() => !!customElements.get('hearth-moderation')), true, 'the moderation tools loaded');
    assert.equal(await page.evaluate(() => (window as unknown as { __fetchCalls: number }).__fetchCalls), 0, 'the widget never needed fetch');
    await assertNoTrouble(page, 'fetch override');
    await assertHostWorks(page);
  });

  it('Object.prototype extended with an enumerable property: the widget says why it cannot work, the host page works on', async () => {
    const { page, console: lines } = await openHazard('object-enumerable');
    await eventually(async () => lines.some((l) => l.startsWith('error:') && l.includes('adds "extend" to Object.prototype')), 'a console error naming the cause');
    assert.equal(lines.filter((l) => l.includes('Object.prototype')).length, 1, 'said once');
    await assertHostWorks(page);
  });

  it('Array.prototype.map broken: the widget fails with a console error naming the cause, the host page works on', async () => {
    const { page, console: lines } = await openHazard('array-broken');
    await eventually(async () => lines.some((l) => l.includes('this page replaced Array.prototype.map')), 'a console error naming the cause');
    const before = lines.length;
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok(lines.length - before <= 2, `no stream of errors afterwards (${lines.length - before} more): ${lines.slice(before).join(' | ')}`);
    await assertHostWorks(page);
  });
});
