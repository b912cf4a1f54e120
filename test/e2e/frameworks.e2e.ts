// The headless and framework examples as `npm start` serves them, in Chromium against the real server: the
// core client under a plain-DOM UI, and the elements inside a React 19 app and a Vue 3 app (both built with
// Vite). Each renders, joins, posts, and the message comes back from the server.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'puppeteer-core';
import { joinByInvite, notBuilt, post, startHarness, storedBodies, waitForMessage, waitUntil, type Harness } from './helpers.js';

let h: Harness;

/** The headless page's messages: body and whether it is still pending. */
function headlessMessages(page: Page) {
  return page.$$eval('#messages li', (items) =>
    items.map((li) => ({ body: li.querySelector('.body')?.textContent ?? '', author: li.querySelector('.author')?.textContent ?? '', pending: 'pending' in (li as HTMLElement).dataset })),
  );
}

const text = (page: Page, selector: string) => page.$eval(selector, (el) => el.textContent?.trim() ?? '');

describe('the headless and framework examples', { skip: notBuilt }, () => {
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h?.close();
  });

  it('headless: a plain-DOM UI over the core client joins, posts, and finds the message again after a reload', async () => {
    const page = await h.reader('Headless');
    await page.goto(`${h.site.url}/headless/?invite=${h.site.demo.inviteCode}`);
    await page.waitForSelector('#join:not([hidden])');
    assert.equal(await page.$('hearth-circle'), null, 'no elements on this page');
    await page.locator('#join input[name=name]').fill('Hana');
    await page.locator('#join input[name=accept]').click();
    await page.locator('#join button[type=submit]').click();
    await page.waitForSelector('#thread:not([hidden])');
    assert.match(await text(page, '#me'), /You are Hana \(member\)/);

    await page.locator('#body').fill('No components, just the client. <b>as text</b>');
    await page.locator('#post button[type=submit]').click();
    const body = 'No components, just the client. <b>as text</b>';
    await waitUntil(() => headlessMessages(page), (list) => list.some((m) => m.body === body && !m.pending), 'the message, confirmed');
    assert.equal(await page.$('#messages b'), null, 'user text is never HTML');
    assert.deepEqual(await storedBodies(h.site, '/headless/'), [body]);

    // A reload signs in with the saved token and loads the thread from the server.
    await page.reload();
    const after = await waitUntil(() => headlessMessages(page), (list) => list.length === 1, 'the thread after a reload');
    assert.deepEqual(after, [{ body, author: 'Hana', pending: false }]);
    assert.match(await text(page, '#status'), /Connected/);
    await h.assertNoProblems();
  });

  for (const framework of ['react', 'vue'] as const) {
    it(`${framework}: the elements render in the app, its typed events update the app’s state, and a post round-trips`, async () => {
      const page = await h.reader(framework);
      await page.goto(`${h.site.url}/${framework}/?invite=${h.site.demo.inviteCode}`);
      await page.waitForSelector(`#${framework}-status`);
      assert.match(await page.$eval('h1', (el) => el.textContent ?? ''), new RegExp(framework === 'react' ? 'React' : 'Vue'), 'the app rendered');
      await joinByInvite(page, framework === 'react' ? 'Rea' : 'Vuong');
      await waitUntil(() => text(page, `#${framework}-status`), (status) => status === 'connected', 'the status event in the app');

      const body = `Hello from ${framework}.`;
      await post(page, body);
      await waitForMessage(page, body);
      await waitUntil(() => text(page, `#${framework}-sent`), (sent) => sent === '1', 'the send event counted by the app');
      assert.deepEqual(await storedBodies(h.site, `/${framework}/`), [body]);

      // A prop from the app reaches the element: the theme switch.
      await page.select('select', 'dark');
      await waitUntil(() => page.$eval('hearth-circle', (el) => el.getAttribute('theme')), (theme) => theme === 'dark', 'the theme prop');
      await h.assertNoProblems();
    });
  }
});
