// Screenshots of the drop-in against the reference server, light and dark, desktop and 360 px wide, with a
// seeded conversation (markdown, a reply, reactions, a content warning, right-to-left text, a hidden message),
// and the moderator's views with what anyone can put there: a report, a join request and an audit entry
// whose reason or note is one 500-character word, and right-to-left names (375 and 1280 px).
// Needs the built bundle. Run: node --conditions=source --import tsx test/e2e/screenshots.ts [out-dir]
// (default /tmp/hearth-screenshots).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Page } from 'puppeteer-core';
import WebSocket from 'ws';
import { createHearthServer } from '@hearth/server';
import { createCircleClient, memoryStorage, type CircleClient } from '@hearth/core';
import { createWebSocketTransport, type SocketConstructor } from '@hearth/transport-websocket';
import { chromium } from './support.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = process.argv[2] ?? '/tmp/hearth-screenshots';
mkdirSync(out, { recursive: true });
const dataDir = mkdtempSync(path.join(tmpdir(), 'hearth-shots-'));
const server = await createHearthServer({
  dataFile: path.join(dataDir, 'hearth.db'),
  port: 0,
  staticDir: path.join(root, 'test/e2e/site'),
  bundleFile: path.join(root, 'packages/elements/dist/hearth.js'),
  rateLimits: { member: { capacity: 1000, refillPerSecond: 1000 } },
  log: () => {},
});

try {
  const { ownerToken } = await server.service.createCircle({
    id: 'e2e',
    name: 'Slow readers',
    ownerName: 'Maren (host)',
    norms: 'Be kind. Quote generously, spoil carefully (use ||spoilers||). What is said here stays here.',
    reactions: ['📚', '❤️', '😂', '🤔', '🌱'],
  });
  const invite = (await server.service.createInvite('e2e', { maxUses: null, expiresInMs: null })).code;
  const connect = (credentials: Parameters<CircleClient['join']>[0]) => {
    const client = createCircleClient({
      transport: createWebSocketTransport({ url: server.url, WebSocket: WebSocket as unknown as SocketConstructor }),
      circle: 'e2e',
      storage: memoryStorage(),
    });
    return client.join(credentials).then(() => client);
  };
  const host = await connect({ kind: 'token', token: ownerToken });
  const ana = await connect({ kind: 'invite', code: invite, displayName: 'Ana Lindqvist', acceptNorms: true });
  const yusuf = await connect({ kind: 'invite', code: invite, displayName: 'يوسف', acceptNorms: true });
  const ben = await connect({ kind: 'invite', code: invite, displayName: 'Ben', acceptNorms: true });
  await ana.command({ type: 'member.update', flair: 'bookworm' });

  const key = { threadKey: '/posts/slow-reading', threadTitle: 'On slow reading' };
  const first = await host.post(key, 'Welcome to the circle for **On slow reading**. What are you reading *slowly* this month?');
  const threadId = host.getSnapshot().threadsByKey['/posts/slow-reading']?.id ?? (await new Promise<string>((resolve) => {
    const stop = host.subscribe(() => {
      const id = host.getSnapshot().threadsByKey['/posts/slow-reading']?.id;
      if (id) (stop(), resolve(id));
    });
  }));
  await ana.loadOlder(threadId);
  const anaPost = await ana.reply({ threadId, messageId: first }, 'Middlemarch, one chapter a night.\n\n> It is a narrow mind which cannot look at a subject from various points of view.\n\nI keep notes: https://example.org/notes');
  await ben.loadOlder(threadId);
  await ben.react(anaPost, '📚');
  await host.react(anaPost, '❤️');
  await yusuf.post({ threadId }, 'أقرأ «موسم الهجرة إلى الشمال» ببطء، صفحة بعد صفحة.');
  await ben.post({ threadId }, 'The ending of *Stoner* — ||he dies, quietly||. Still thinking about it.', { contentWarning: 'ending of Stoner' });
  const rude = await ben.post({ threadId }, 'Anyone who reads slowly is wasting time.');
  await host.command({ type: 'mod.hide', messageId: rude, reason: 'not in the spirit of the circle' });
  await ana.post({ threadId }, 'Tips that help me:\n- `one chapter` a day\n- a pencil\n- no phone in the room');
  await host.createThread('Book swap, spring edition');
  await ana.createThread('What are you reading?');
  // What moderators read, written by others: long unbroken words, right-to-left names.
  const word = (length: number) => 'W'.repeat(length);
  await yusuf.loadOlder(threadId);
  await yusuf.report(anaPost, `Spam? ${word(490)}`);
  await host.command({ type: 'mod.mute', memberId: ben.getSnapshot().me!.id, until: Date.now() + 3_600_000, reason: `Cooling off: ${word(480)}` });
  await host.command({ type: 'circle.update', access: 'request' });
  await connect({ kind: 'request', displayName: `דנה ${word(35)}`, note: `Hello! ${word(490)}`, acceptNorms: true }).catch(() => {});
  await connect({ kind: 'request', displayName: 'Ruth', note: 'I read the blog every week.', acceptNorms: true }).catch(() => {});

  const browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  const shoot = async (name: string, page: Page, width: number, dark: boolean) => {
    await page.setViewport({ width, height: 900, deviceScaleFactor: 1 });
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: dark ? 'dark' : 'light' }]);
    await new Promise((r) => setTimeout(r, 400));
    const file = path.join(out, `${name}-${width}-${dark ? 'dark' : 'light'}.png`);
    await page.screenshot({ path: file, fullPage: true });
    console.log(file);
  };
  const signIn = async (page: Page, url: string, token: string) => {
    await page.goto(url);
    await page.locator('hearth-circle >>> hearth-join >>> button.link').click();
    await page.locator('hearth-circle >>> hearth-join >>> #code').fill(token);
    await page.locator('hearth-circle >>> hearth-join >>> [part=submit]').click();
  };

  // A reader on the article page.
  const reader = await (await browser.createBrowserContext()).newPage();
  await reader.goto(`${server.url}/article.html?invite=${invite}`);
  await reader.setViewport({ width: 1280, height: 900 });
  await shoot('join', reader, 1280, false);
  await shoot('join', reader, 360, true);
  await reader.locator('hearth-circle >>> hearth-join >>> #name').fill('Cleo');
  await reader.locator('hearth-circle >>> hearth-join >>> input[name=accept]').click();
  await reader.locator('hearth-circle >>> hearth-join >>> [part=submit]').click();
  await reader.waitForSelector('hearth-circle >>> hearth-thread >>> hearth-message').catch(async (error) => {
    await reader.screenshot({ path: path.join(out, 'failure.png'), fullPage: true });
    throw error;
  });
  await new Promise((r) => setTimeout(r, 500));
  await reader.locator('hearth-circle >>> hearth-thread >>> hearth-composer >>> textarea').fill('Joining late — *Middlemarch* too!');
  for (const width of [1280, 360]) for (const dark of [false, true]) await shoot('article', reader, width, dark);

  // The host on the whole-circle page: threads, a thread, members, moderation.
  const owner = await (await browser.createBrowserContext()).newPage();
  await owner.setViewport({ width: 1280, height: 900 });
  await signIn(owner, `${server.url}/circle.html`, ownerToken);
  await owner.waitForSelector('hearth-circle >>> hearth-thread-list >>> [part=thread]');
  await owner.evaluate(() => {
    const list = document.querySelector('hearth-circle')!.shadowRoot!.querySelector('hearth-thread-list')!;
    [...list.shadowRoot!.querySelectorAll<HTMLElement>('[part=thread]')].find((b) => b.textContent!.includes('On slow reading'))!.click();
  });
  await owner.waitForSelector('hearth-circle >>> hearth-thread >>> hearth-message');
  await new Promise((r) => setTimeout(r, 500));
  for (const dark of [false, true]) await shoot('circle-owner', owner, 1280, dark);
  await shoot('circle-owner', owner, 360, false);
  await owner.evaluate(() => {
    const circle = document.querySelector('hearth-circle')!;
    [...circle.shadowRoot!.querySelectorAll('nav button')].find((b) => b.textContent === 'Members')!.dispatchEvent(new MouseEvent('click'));
  });
  await shoot('members', owner, 1280, false);
  await shoot('members', owner, 375, false);
  await owner.evaluate(() => {
    const circle = document.querySelector('hearth-circle')!;
    [...circle.shadowRoot!.querySelectorAll('nav button')].find((b) => b.textContent === 'Moderation')!.dispatchEvent(new MouseEvent('click'));
  });
  for (const tab of ['queue', 'requests', 'audit']) {
    await owner.locator(`hearth-circle >>> hearth-moderation >>> #tab-${tab}`).click();
    await owner.waitForSelector('hearth-circle >>> hearth-moderation >>> #panel li');
    for (const width of [1280, 375]) for (const dark of [false, true]) await shoot(`moderation-${tab}`, owner, width, dark);
  }
  await browser.close();
  for (const c of [host, ana, yusuf, ben]) c.dispose();
} finally {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}
