// The drop-in examples as `npm start` serves them, in Chromium against the real server: the one-tag page,
// and the page that dresses it (custom properties for light and dark, ::part(), French on demand and a
// language the page registers itself).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'puppeteer-core';
import { inside, joinByInvite, notBuilt, post, startHarness, storedBodies, waitForMessage, waitUntil, type Harness } from './helpers.js';

let h: Harness;

/** Computed style of a node inside the circle's own shadow root. */
function styleOf(page: Page, selector: string, property: string): Promise<string> {
  return page.$eval(
    'hearth-circle',
    (circle, sel, prop) => getComputedStyle(circle.shadowRoot!.querySelector(sel)!).getPropertyValue(prop),
    selector,
    property,
  );
}

/** The join gate's submit button label. */
const submitLabel = (page: Page) => page.$eval(inside('hearth-circle', 'hearth-join >>> [part=submit]'), (b) => b.textContent?.trim() ?? '');

describe('the drop-in examples', { skip: notBuilt }, () => {
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h?.close();
  });

  it('the landing page carries the demo circle, and every link on it leads somewhere', async () => {
    const page = await h.reader('Visitor');
    await page.goto(`${h.site.url}/?invite=${h.site.demo.inviteCode}`);
    await joinByInvite(page, 'Visitor');
    await page.waitForSelector(inside('hearth-circle', 'hearth-thread-list'));
    const links = await page.$$eval('a[href^="/"]', (anchors) => anchors.map((a) => a.getAttribute('href')!));
    for (const example of ['/blog/', '/blog/owner.html', '/blog/sign-on.html', '/drop-in/', '/drop-in/themed.html', '/custom-transport/', '/headless/', '/react/', '/vue/']) {
      assert.ok(links.includes(example), `the landing page links ${example}`);
    }
    for (const link of links) assert.equal((await fetch(`${h.site.url}${link}`)).status, 200, link);
    await h.assertNoProblems();
  });

  it('one script tag and one element: joins by the invitation link and posts', async () => {
    const page = await h.reader('Reader');
    await page.goto(`${h.site.url}/drop-in/?invite=${h.site.demo.inviteCode}`);
    const html = await (await fetch(`${h.site.url}/drop-in/`)).text();
    assert.equal(html.match(/<script/g)?.length, 1, 'one script tag');
    assert.equal(html.match(/<hearth-/g)?.length, 1, 'one element');
    await joinByInvite(page, 'Rowan');
    // Without a thread attribute the drop-in shows the circle's threads: start one, then write in it.
    await page.locator(inside('hearth-circle', 'hearth-thread-list >>> #title')).fill('Hello from the drop-in');
    await page.focus(inside('hearth-circle', 'hearth-thread-list >>> #title'));
    await page.keyboard.press('Enter');
    await post(page, 'One tag was enough.');
    await waitForMessage(page, 'One tag was enough.');
    const stored = ((await h.site.server.service.exportCircle('demo')) as { messages: { body: string }[] }).messages.map((m) => m.body);
    assert.ok(stored.includes('One tag was enough.'), 'stored by the server');
    await h.assertNoProblems();
  });

  it('takes the page’s theme (custom properties, ::part, dark and light) and language (French, and German from the page)', async () => {
    const page = await h.reader('Themed');
    await page.goto(`${h.site.url}/drop-in/themed.html?invite=${h.site.demo.inviteCode}`);
    // French is fetched on first use (hearth-fr.js) and the gate re-renders in it.
    await waitUntil(() => submitLabel(page), (label) => label === 'Rejoindre', 'the French join button');

    // theme="dark": the page's dark palette, through custom properties; its ::part() rules on the frame and header.
    assert.equal(await styleOf(page, '[part=circle]', 'background-color'), 'rgb(20, 33, 28)');
    assert.equal(await styleOf(page, '[part=circle]', 'color'), 'rgb(230, 239, 233)');
    assert.equal(await styleOf(page, '[part=circle]', 'border-top-width'), '2px', '::part(circle)');
    assert.equal(await styleOf(page, '[part=circle]', 'border-top-left-radius'), '3px', '--hearth-radius (2px) × 1.5');

    await page.locator('#switches input[value=light]').click();
    await waitUntil(() => styleOf(page, '[part=circle]', 'background-color'), (bg) => bg === 'rgb(244, 241, 234)', 'the light palette');
    assert.equal(await styleOf(page, '[part=circle]', 'color'), 'rgb(31, 43, 36)');

    await page.locator('#switches input[value=de]').click();
    await waitUntil(() => submitLabel(page), (label) => label === 'Beitreten', 'the German join button');
    const help = await page.$eval(inside('hearth-circle', 'hearth-join >>> #name-help'), (el) => el.textContent?.trim());
    assert.equal(help, 'Ein Pseudonym genügt. Keine E-Mail nötig.');

    await joinByInvite(page, 'Ilse');
    await page.waitForSelector(inside('hearth-circle', 'hearth-thread >>> hearth-composer >>> textarea'));
    assert.equal(await styleOf(page, '[part=header]', 'border-bottom-style'), 'dashed', '::part(header)');
    assert.equal(await styleOf(page, '[part=nav]', 'font-variant-caps'), 'small-caps', '::part(nav)');
    const send = await page.$eval(inside('hearth-circle', 'hearth-thread >>> hearth-composer >>> [part=send]'), (b) => b.textContent?.trim());
    assert.equal(send, 'Senden');
    await post(page, 'Guten Abend aus dem Kreis.');
    await waitForMessage(page, 'Guten Abend aus dem Kreis.');
    assert.deepEqual(await storedBodies(h.site, '/drop-in/themed.html'), ['Guten Abend aus dem Kreis.']);
    await h.assertNoProblems();
  });
});
