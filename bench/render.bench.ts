// Rendering in headless Chromium: `<hearth-thread>` of the built elements, bound to a real CircleClient on a
// transport the page drives by hand (bench/pages/render.ts), viewport 1000×900, the thread 720 px wide,
// messages of varied length (some markdown, replies, reactions, content warnings), about 128 px tall.
//
// Method:
// - First render of a thread of 1,000 messages, as a reader opens it: a fresh page per run; the element is
//   mounted and asks for its first page (25 messages), answered as the server would (the newest 25 of the
//   1,000). Timed from handing that page to the client until the frame showing it is painted (a task queued
//   from that frame's requestAnimationFrame callback runs after the frame is rendered). 1 warm-up page, then
//   5 runs.
//   Also, without a target: the same thread when the client already holds all 1,000 (a reader coming back),
//   so the element renders its full window of 150; timed from mounting to painted. Same runs.
// - A thread of 10,000 messages, served page by page as the server does (newest first, 50 per page). From
//   its newest page the list is flung to the oldest message at 24,000 px/s (400 px per frame at 60 Hz; the
//   offset follows the clock, so a slow frame moves further), fetching every older page on the way: one
//   pass, end to end. Frame time = the interval between consecutive animation frames, from the frames' own
//   timestamps; p95 over the pass. The DOM is sampled every frame (message elements) and every 30 frames (all
//   elements, shadow trees included); the figure is the most seen at any point.
// - Remote event to DOM: then, back at the newest message and following it, 40 new messages arrive one at a
//   time (handed to the client as a transport's sink gets them, 50 ms apart, each when the page is idle).
//   Timed per event until its element is in the list with its body rendered (MutationObserver, then the
//   element's updateComplete), and until that frame is painted. Samples are per event.
// Figures: min/median/max over the runs (or events, or the one pass).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { defineBench, percentile, type Figure } from './lib/harness.js';
import { bundlePage, launchChromium, openPage, serveFolder } from './lib/browser.js';

type ScrollResult = { frames: number[]; maxElements: number; maxAllElements: number; reachedEnd: boolean; loaded: number };
type BenchApi = {
  firstRender(o: { count: number }): Promise<{ ms: number; elements: number }>;
  renderHeld(o: { count: number }): Promise<{ ms: number; elements: number }>;
  openLongThread(o: { count: number }): Promise<{ elements: number; allElements: number }>;
  scroll(o: { direction: 'up' | 'down'; pxPerSecond: number; timeoutMs: number }): Promise<ScrollResult>;
  remoteEvents(o: { count: number; gapMs: number }): Promise<{ inDom: number[]; painted: number[] }>;
};

function call<K extends keyof BenchApi>(page: Page, name: K, options: Parameters<BenchApi[K]>[0]): ReturnType<BenchApi[K]> {
  return page.evaluate((n, o) => (window as unknown as { bench: Record<string, (o: unknown) => unknown> }).bench[n]!(o), name, options) as ReturnType<BenchApi[K]>;
}

const FRAME_BUDGET_MS = 16.7;

export default defineBench({
  name: 'render',
  title: '<hearth-thread> in headless Chromium: first render, DOM bound, scrolling, remote event to DOM',
  order: 30,
  async run({ root, tmp, log, quick, attach }) {
    const out = path.join(tmp, 'pages');
    mkdirSync(out, { recursive: true });
    const html = await bundlePage(root, 'render.ts', out);
    const server = await serveFolder(out);
    const browser = await launchChromium();
    const figures: Figure[] = [];
    try {
      // First render, and rendering a thread already held: a fresh page per run.
      for (const kind of ['firstRender', 'renderHeld'] as const) {
        const times: number[] = [];
        let elements = 0;
        for (let i = 0; i < (quick ? 2 : 6); i++) {
          const page = await openPage(browser, `${server.url}/${html}`);
          const r = await call(page, kind, { count: 1000 });
          if (i > 0) times.push(r.ms); // the first page warms the browser up
          elements = r.elements;
          await page.close();
        }
        log(`${kind}: ${times.map((ms) => ms.toFixed(0)).join(', ')} ms (${elements} message elements)`);
        figures.push(kind === 'firstRender'
          ? { group: 'render', name: 'first render, 1,000-message thread, data to painted', unit: 'ms', samples: times, target: { op: '<=', value: 150 }, note: `the first page: ${elements} message elements` }
          : { group: 'render', name: 'render a held 1,000-message thread (window of 150)', unit: 'ms', samples: times, note: `mount to painted, ${elements} message elements` });
      }

      // The long thread: fling it end to end, then remote events.
      const count = quick ? 2000 : 10_000;
      const page = await openPage(browser, `${server.url}/${html}`);
      const opened = await call(page, 'openLongThread', { count });
      log(`${count} messages: opened with ${opened.elements} message elements, ${opened.allElements} elements in all`);
      const t0 = Date.now();
      const pass = await call(page, 'scroll', { direction: 'up', pxPerSecond: 24_000, timeoutMs: 240_000 });
      if (!pass.reachedEnd) throw new Error(`scrolling did not reach the oldest message in time (${pass.frames.length} frames, ${pass.loaded} loaded)`);
      const slow = pass.frames.filter((f) => f > FRAME_BUDGET_MS + 0.5);
      log(`fling up: ${pass.frames.length} frames in ${((Date.now() - t0) / 1000).toFixed(0)} s, p50 ${percentile(pass.frames, 50).toFixed(1)} ms, ` +
        `p95 ${percentile(pass.frames, 95).toFixed(1)} ms, p99 ${percentile(pass.frames, 99).toFixed(1)} ms, max ${Math.max(...pass.frames).toFixed(0)} ms; ` +
        `${slow.length} over ${FRAME_BUDGET_MS} ms; ${pass.loaded} messages loaded; at most ${pass.maxElements} message elements, ${pass.maxAllElements} elements in all`);
      attach('frames', { pxPerSecond: 24_000, intervals: pass.frames.map((f) => Math.round(f * 10) / 10) });
      figures.push({
        group: 'render', name: `message elements in the DOM, ${count.toLocaleString('en-US')}-message thread`, unit: 'elements',
        samples: [opened.elements, pass.maxElements], target: { op: '<=', value: 150 },
        note: 'when opened, and the most seen at any frame while flinging end to end',
      });
      figures.push({
        group: 'render', name: `all elements in the DOM (shadow trees too), ${count.toLocaleString('en-US')}-message thread`, unit: 'elements',
        samples: [opened.allElements, pass.maxAllElements],
      });
      figures.push({
        group: 'render', name: 'p95 frame time flinging end to end', unit: 'ms', samples: [percentile(pass.frames, 95)], target: { op: '<=', value: FRAME_BUDGET_MS },
        note: `one pass, ${pass.frames.length} frames: p50 ${percentile(pass.frames, 50).toFixed(1)}, p99 ${percentile(pass.frames, 99).toFixed(1)}, max ${Math.max(...pass.frames).toFixed(0)} ms`,
      });
      figures.push({ group: 'render', name: 'frames over 16.7 ms while flinging', unit: '%', samples: [(100 * slow.length) / pass.frames.length] });

      const remote = await call(page, 'remoteEvents', { count: quick ? 10 : 40, gapMs: 50 });
      log(`remote event → DOM: median ${percentile(remote.inDom, 50).toFixed(1)} ms, p95 ${percentile(remote.inDom, 95).toFixed(1)} ms`);
      figures.push({ group: 'render', name: 'remote event → message in the DOM', unit: 'ms', samples: remote.inDom, note: `per event (${remote.inDom.length}), on the ${count.toLocaleString('en-US')}-message thread` });
      figures.push({ group: 'render', name: 'remote event → painted', unit: 'ms', samples: remote.painted, note: `per event (${remote.painted.length})` });
      await page.close();
    } finally {
      await browser.close();
      await server.close();
    }
    return figures;
  },
});
