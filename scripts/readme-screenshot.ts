// The README's screenshot: the blog example's "On slow reading" post with a short conversation below it,
// as a reader sees it, on the site `npm start` serves (with a throwaway data folder).
// Needs the build. Run: npm run screenshot:readme  (writes docs/screenshot.png)
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import WebSocket from 'ws';
import { createCircleClient, memoryStorage, type CircleClient } from '@hearth/core';
import { createWebSocketTransport, type SocketConstructor } from '@hearth/transport-websocket';
import { startDemoSite } from './demo-site.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'docs/screenshot.png');
const dataDir = mkdtempSync(path.join(tmpdir(), 'hearth-readme-'));
const site = await startDemoSite({ dataDir, port: 0, log: () => {} });
const clients: CircleClient[] = [];

try {
  const join = async (credentials: Parameters<CircleClient['join']>[0]) => {
    const client = createCircleClient({
      transport: createWebSocketTransport({ url: site.url, WebSocket: WebSocket as unknown as SocketConstructor }),
      circle: 'demo',
      storage: memoryStorage(),
    });
    await client.join(credentials);
    clients.push(client);
    return client;
  };
  const invite = (displayName: string) => join({ kind: 'invite', code: site.demo.inviteCode, displayName, acceptNorms: true });
  const host = await join({ kind: 'token', token: site.demo.ownerToken! });
  const ana = await invite('Ana Lindqvist');
  const tomas = await invite('Tomás');
  await ana.command({ type: 'member.update', flair: 'bookworm' });

  const thread = { threadKey: '/blog/slow-reading/', threadTitle: 'On slow reading' };
  const first = await host.post(thread, 'What are you reading *slowly* this month? One sentence you would keep, please.');
  const threadId = await new Promise<string>((resolve) => {
    const found = () => host.getSnapshot().threadsByKey['/blog/slow-reading/']?.id;
    if (found()) return resolve(found()!);
    const stop = host.subscribe(() => found() && (stop(), resolve(found()!)));
  });
  for (const client of [ana, tomas]) await client.loadOlder(threadId);
  const reply = await ana.reply({ threadId, messageId: first }, 'Middlemarch, one chapter a night.\n\n> It is a narrow mind which cannot look at a subject from various points of view.');
  await host.react(reply, '❤️');
  await tomas.react(reply, '❤️');
  await tomas.post({ threadId }, 'Rereading *Stoner*. This time I am noticing the weather in every chapter.');

  const browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    const page = await (await browser.createBrowserContext()).newPage();
    await page.setViewport({ width: 1000, height: 900, deviceScaleFactor: 1 });
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
    await page.goto(`${site.url}/blog/slow-reading/?invite=${site.demo.inviteCode}`);
    await page.locator('hearth-circle >>> hearth-join >>> #name').fill('Wren');
    await page.locator('hearth-circle >>> hearth-join >>> input[name=accept]').click();
    await page.locator('hearth-circle >>> hearth-join >>> [part=submit]').click();
    await page.waitForSelector('hearth-circle >>> hearth-thread >>> hearth-message');
    await page.locator('hearth-circle >>> hearth-thread >>> hearth-composer >>> textarea').fill('Joining late: Middlemarch too!');
    await new Promise((resolve) => setTimeout(resolve, 600));
    // From the post's last paragraph to the bottom of the circle.
    const top = await page.$eval('article p:last-of-type', (p) => p.getBoundingClientRect().top + window.scrollY - 24);
    const bottom = await page.$eval('hearth-circle', (c) => c.getBoundingClientRect().bottom + window.scrollY + 24);
    await page.setViewport({ width: 1000, height: Math.ceil(bottom) + 10, deviceScaleFactor: 1 });
    await page.screenshot({ path: out, clip: { x: 0, y: Math.max(0, top), width: 1000, height: Math.ceil(bottom - top) } });
    console.log(out);
  } finally {
    await browser.close();
  }
} finally {
  for (const client of clients) client.dispose();
  await site.close();
  rmSync(dataDir, { recursive: true, force: true });
}
