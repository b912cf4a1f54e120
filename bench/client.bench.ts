// Client core in headless Chromium: how fast `@hearth/core` applies what arrives, and what it keeps.
//
// Method: the page (bench/pages/client.ts, bundled against the built packages) runs a real CircleClient on a
// transport the page drives by hand, so no network is timed; a subscriber reads every snapshot, as a UI does.
// Each run starts a fresh client; the heap runs a fresh page. Chromium runs with gc() exposed and precise
// performance.memory.
// - Events applied per second: 100,000 `message.upserted` events (objects fresh from JSON.parse, one
//   thread) handed to the client in bursts of 1,000, each burst in one task, a task yielded between bursts.
//   Timed from the first event handed over until a subscriber's snapshot shows all 100,000. 1 warm-up run,
//   then 5 runs. A second figure hands them over one per task, the way a WebSocket dispatches frames
//   (each `message` event is its own task): 10,000 events, 1 warm-up run, then 3.
// - History page: a 5,000-message page handed to `loadOlder`, timed until a subscriber's snapshot shows it;
//   into an empty thread, and in front of 5,000 newer messages already held. 2 warm-up runs, then 10.
// - Retained heap per stored message: 20,000 messages loaded in pages of 5,000 and the snapshot derived;
//   the page's used JS heap (DevTools protocol: HeapProfiler.collectGarbage twice, then Runtime.getHeapUsage)
//   before and after, divided by the count, minus the average
//   body's own bytes (ASCII bodies, one byte per character). 3 runs, each on a fresh page.
// Figures: min/median/max over the runs.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { defineBench, KB, type Figure } from './lib/harness.js';
import { bundlePage, launchChromium, openPage, serveFolder } from './lib/browser.js';

type BenchApi = {
  eventsApplied(o: { total: number; burst: number }): Promise<{ ms: number }>;
  historyPage(o: { size: number; held: number }): Promise<{ ms: number }>;
  heapPrepare(o: { count: number }): Promise<void>;
  heapLoad(o: { count: number; page: number }): Promise<{ bodyBytesPerMessage: number }>;
  heapRelease(o: { count: number }): Promise<void>;
};

/** Calls one of the page's bench functions. */
function call<K extends keyof BenchApi>(page: Page, name: K, options: Parameters<BenchApi[K]>[0]): ReturnType<BenchApi[K]> {
  return page.evaluate((n, o) => (window as unknown as { bench: Record<string, (o: unknown) => unknown> }).bench[n]!(o), name, options) as ReturnType<BenchApi[K]>;
}

/** Bytes of the page's JS heap after a full collection (DevTools protocol), the way DevTools' memory panel forces it. */
async function heapAfterGc(page: Page): Promise<number> {
  const session = await page.createCDPSession();
  try {
    await session.send('HeapProfiler.collectGarbage');
    await session.send('HeapProfiler.collectGarbage');
    return (await session.send('Runtime.getHeapUsage')).usedSize;
  } finally {
    await session.detach();
  }
}

async function repeat<T>(warmups: number, runs: number, run: () => Promise<T>): Promise<T[]> {
  for (let i = 0; i < warmups; i++) await run();
  const results: T[] = [];
  for (let i = 0; i < runs; i++) results.push(await run());
  return results;
}

export default defineBench({
  name: 'client',
  title: 'client core in headless Chromium: events applied, history pages, heap per message',
  order: 20,
  async run({ root, tmp, log, quick }) {
    const out = path.join(tmp, 'pages');
    mkdirSync(out, { recursive: true });
    const html = await bundlePage(root, 'client.ts', out);
    const server = await serveFolder(out);
    const browser = await launchChromium();
    const figures: Figure[] = [];
    try {
      log(`Chromium ${await browser.version()}`);
      let page = await openPage(browser, `${server.url}/${html}`);

      const runs = quick ? 2 : 5;
      const total = quick ? 20_000 : 100_000;
      const bursts = await repeat(1, runs, () => call(page, 'eventsApplied', { total, burst: 1000 }));
      figures.push({
        group: 'client', name: `events applied, ${total.toLocaleString('en-US')} in bursts of 1,000`, unit: 'events/s',
        samples: bursts.map((r) => total / (r.ms / 1000)), target: { op: '>=', value: 200_000 },
      });
      log(`events in bursts: ${bursts.map((r) => r.ms.toFixed(0)).join(', ')} ms`);

      const single = quick ? 5_000 : 10_000;
      const oneByOne = await repeat(1, quick ? 2 : 3, () => call(page, 'eventsApplied', { total: single, burst: 1 }));
      figures.push({
        group: 'client', name: `events applied, ${single.toLocaleString('en-US')} one per task`, unit: 'events/s',
        samples: oneByOne.map((r) => single / (r.ms / 1000)),
        note: 'one event per task, as WebSocket frames are dispatched; no target of its own',
      });
      log(`events one per task: ${oneByOne.map((r) => r.ms.toFixed(0)).join(', ')} ms`);

      for (const held of [0, 5000]) {
        const pages = await repeat(2, quick ? 3 : 10, () => call(page, 'historyPage', { size: 5000, held }));
        figures.push({
          group: 'client', name: held === 0 ? '5,000-message history page, empty thread' : '5,000-message history page before 5,000 held',
          unit: 'ms', samples: pages.map((r) => r.ms),
        });
        log(`history page (held ${held}): ${pages.map((r) => r.ms.toFixed(1)).join(', ')} ms`);
      }
      await page.close();

      const heap: number[] = [];
      let body = 0;
      const count = 20_000;
      for (let i = 0; i < (quick ? 1 : 3); i++) {
        page = await openPage(browser, `${server.url}/${html}`);
        await call(page, 'heapPrepare', { count });
        const before = await heapAfterGc(page);
        const r = await call(page, 'heapLoad', { count, page: 5000 });
        const after = await heapAfterGc(page);
        await call(page, 'heapRelease', { count });
        const perMessage = (after - before) / count;
        heap.push(perMessage - r.bodyBytesPerMessage);
        body = r.bodyBytesPerMessage;
        log(`heap: ${perMessage.toFixed(0)} B per message, of which body ${r.bodyBytesPerMessage.toFixed(0)} B`);
        await page.close();
      }
      figures.push({
        group: 'client', name: 'retained heap per stored message, beyond its body', unit: 'KB',
        samples: heap.map((b) => b / KB), target: { op: '<=', value: 1.5 },
        note: `20,000 messages, bodies averaging ${body.toFixed(0)} B, measured after forced GC`,
      });
    } finally {
      await browser.close();
      await server.close();
    }
    return figures;
  },
});
