// The blog example as `npm start` serves it, in Chromium against the real server: one private circle with a
// thread per post (keyed by the page path), the owner inviting a reader and hiding what they post, and a
// blog account joining through host-site sign-on with a JWT minted by the blog's backend.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'puppeteer-core';
import { inside, joinByInvite, joinWithToken, notBuilt, post, shownMessages, startHarness, storedBodies, waitForMessage, waitUntil, type Harness } from './helpers.js';

let h: Harness;

describe('the blog example', { skip: notBuilt }, () => {
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h?.close();
  });

  it('gives each post its own thread in the one circle, keyed by the page path', async () => {
    const ana = await h.reader('Ana');
    await ana.goto(`${h.site.url}/blog/small-rooms/?invite=${h.site.demo.inviteCode}`);
    await joinByInvite(ana, 'Ana');
    await post(ana, 'Twelve people is a room, not a stadium.');
    await waitForMessage(ana, 'Twelve people is a room, not a stadium.');

    // Another post: the same membership (saved by the page), a thread of its own.
    await ana.goto(`${h.site.url}/blog/slow-reading/`);
    await ana.waitForSelector(inside('hearth-circle', 'hearth-thread >>> hearth-composer >>> textarea'));
    assert.deepEqual(await shownMessages(ana), [], 'a post’s thread shows only its own messages');
    await post(ana, 'One chapter a night: Middlemarch.');
    await waitForMessage(ana, 'One chapter a night: Middlemarch.');

    await ana.goto(`${h.site.url}/blog/small-rooms/`);
    await waitForMessage(ana, 'Twelve people is a room, not a stadium.');
    assert.deepEqual((await shownMessages(ana)).map((m) => m.body), ['Twelve people is a room, not a stadium.']);

    assert.deepEqual(await storedBodies(h.site, '/blog/small-rooms/'), ['Twelve people is a room, not a stadium.']);
    assert.deepEqual(await storedBodies(h.site, '/blog/slow-reading/'), ['One chapter a night: Middlemarch.']);
    const threads = ((await h.site.server.service.exportCircle('demo')) as { threads: { key: string | null; title: string }[] }).threads;
    assert.equal(threads.find((t) => t.key === '/blog/small-rooms/')?.title, 'Why small rooms', 'the first post named the thread after the article');
    await h.assertNoProblems();
  });

  it('lets the owner invite a reader from the moderation tools, and hide what they post', async () => {
    const owner = await h.reader('Owner');
    await owner.goto(`${h.site.url}/blog/owner.html`);
    await joinWithToken(owner, h.site.demo.ownerToken!);
    await clickByText(owner, inside('hearth-circle', 'nav button'), 'Moderation');
    await clickByText(owner, inside('hearth-circle', 'hearth-moderation >>> [role=tab]'), 'Invites');
    const before = await listedInvites(owner);
    await owner.locator(inside('hearth-circle', 'hearth-moderation >>> form button[type=submit]')).click();
    const listed = await waitUntil(() => listedInvites(owner), (list) => list.length === before.length + 1, 'the new invite in the list');
    // The new link is shown once (the server keeps only a hash of its code), and never in the list.
    const notice = await waitUntil(() => owner.$eval(inside('hearth-circle', 'hearth-moderation >>> [role=status]'), (p) => p.textContent ?? '').catch(() => ''), (text) => /[?&]invite=/.test(text), 'the new invitation link');
    const code = /[?&]invite=([A-Za-z0-9_-]+)/.exec(notice)![1]!;
    assert.ok(!listed.some((item) => item.includes(code)), 'the list shows no code');

    const wren = await h.reader('Wren');
    await wren.goto(`${h.site.url}/blog/letters-not-feeds/?invite=${code}`);
    await joinByInvite(wren, 'Wren');
    await post(wren, 'Letters are slower, and kinder.');
    await waitForMessage(wren, 'Letters are slower, and kinder.');
    assert.equal((await h.site.server.storage.read('demo', (tx) => tx.repo.findInviteByCode(code)))?.uses, 1, 'the invite was used once');

    // The owner opens the post's thread in the whole-circle view and hides the message.
    await clickByText(owner, inside('hearth-circle', 'nav button'), 'Threads');
    await clickByText(owner, inside('hearth-circle', 'hearth-thread-list >>> [part=thread]'), 'Letters, not feeds');
    await waitForMessage(owner, 'Letters are slower, and kinder.');
    const message = inside('hearth-circle', 'hearth-thread >>> hearth-message');
    await owner.locator(`${message} >>> button[data-action=hide]`).click();
    await owner.locator(`${message} >>> textarea#field`).fill('testing the tools');
    await owner.locator(`${message} >>> form button[type=submit]`).click();

    const shown = await waitUntil(() => shownMessages(wren), (m) => m.length === 1 && !m[0]!.body.includes('kinder'), 'the message hidden for the reader');
    assert.match(shown[0]!.body, /Hidden by a moderator/);
    await h.assertNoProblems();
  });

  it('lets a blog account join by host-site sign-on: a JWT from the blog’s backend, the secret never in the browser', async () => {
    const page = await h.reader('Blog user');
    const bodies: string[] = [];
    page.on('response', (response) => {
      if (response.request().method() !== 'OPTIONS') void response.text().then((text) => bodies.push(text), () => {});
    });
    await page.goto(`${h.site.url}/blog/sign-on.html`);
    await page.waitForSelector('#sign-in:not([hidden])');
    assert.equal(await page.$eval('hearth-circle', (c) => c.hidden), true, 'no circle before signing in to the blog');

    await page.locator('#sign-in input[name=name]').fill('Juniper');
    await page.locator('#sign-in button[type=submit]').click();
    await page.waitForSelector('hearth-circle:not([hidden])');
    // The gate asks no invite: the site vouches for the reader.
    await page.waitForSelector(inside('hearth-circle', 'hearth-join >>> input[name=accept]'));
    assert.equal(await page.$(inside('hearth-circle', 'hearth-join >>> #code')), null, 'no invite code asked');
    await page.locator(inside('hearth-circle', 'hearth-join >>> input[name=accept]')).click();
    await page.locator(inside('hearth-circle', 'hearth-join >>> [part=submit]')).click();
    await post(page, 'Signed in with my blog account.');
    const shown = await waitForMessage(page, 'Signed in with my blog account.');
    assert.equal(shown.find((m) => m.body === 'Signed in with my blog account.')?.author, 'Juniper', 'the name the blog gave');

    const members = (await h.site.server.service.exportCircle('demo')) as { members: { id: string; displayName: string }[] };
    const member = members.members.find((m) => m.displayName === 'Juniper');
    assert.match(member?.id ?? '', /^sso_/, 'a sign-on member, derived from the blog’s user id');
    const secret = (await h.site.server.storage.read('demo', (tx) => tx.serverSettings().ssoSecret))!;
    assert.ok(secret.length >= 32);
    await waitUntil(async () => bodies.length, (n) => n > 5, 'the responses to be read');
    assert.ok(bodies.some((text) => /"token":"ey/.test(text)), 'the page got a signed token');
    assert.ok(bodies.every((text) => !text.includes(secret)), 'the secret never reached the browser');

    // Without a blog session, the backend mints nothing.
    const anonymous = await fetch(`${h.site.url}/blog/api/hearth-token`, { method: 'POST' });
    assert.equal(anonymous.status, 401);
    await h.assertNoProblems();
  });
});

/** Clicks the first element matching `selector` whose text contains `text`, once there is one. */
async function clickByText(page: Page, selector: string, text: string): Promise<void> {
  const texts = () => page.$$eval(selector, (elements) => elements.map((el) => el.textContent ?? ''));
  const found = await waitUntil(texts, (list) => list.some((t) => t.includes(text)), `"${text}" in ${selector}`);
  const elements = await page.$$(selector);
  await elements[found.findIndex((t) => t.includes(text))]!.click();
}

/** The invites the moderation tools list, as the text of each. */
function listedInvites(page: Page): Promise<string[]> {
  return page.$$eval(inside('hearth-circle', 'hearth-moderation >>> #panel li'), (items) => items.map((li) => li.textContent ?? ''));
}
