// Page for bench/render.bench.ts: `<hearth-thread>` (the built elements) bound to a real CircleClient on a
// hand-driven transport. Every function is one run; the Node side repeats them and keeps the samples.
import '@hearth/elements/define';
import { createCircleClient, memoryStorage, type CircleClient } from '@hearth/core';
import type { HearthThreadElement } from '@hearth/elements';
import { BenchTransport, THREAD_ID, afterPaint, fromWire, messageEvent, messages, nextTask } from './fixtures.js';

type HearthMessage = HTMLElement & { updateComplete: Promise<boolean>; isUpdatePending: boolean; hasUpdated: boolean };

let transport: BenchTransport;
let client: CircleClient;
let thread: HearthThreadElement;
let head = 0;

async function connect(messageCount: number): Promise<void> {
  head = messageCount + 1000;
  transport = new BenchTransport({ head, messageCount });
  client = createCircleClient({ transport, circle: 'bench', credentials: { kind: 'token', token: 'bench-token-0000000000' }, storage: memoryStorage() });
  client.connect();
  while (client.getSnapshot().status !== 'connected') await nextTask();
}

async function mount(): Promise<void> {
  thread = document.createElement('hearth-thread') as HearthThreadElement;
  thread.client = client;
  thread.threadId = THREAD_ID;
  document.body.append(thread);
  await thread.updateComplete;
}

const list = () => thread.shadowRoot!.querySelector<HTMLElement>('.list')!;
const shown = () => [...thread.shadowRoot!.querySelectorAll<HearthMessage>('hearth-message')];

/** Until the thread shows `expected` messages, each rendered, and the thread's own update settled. */
async function rendered(expected: (count: number) => boolean): Promise<void> {
  for (;;) {
    const elements = shown();
    if (!thread.isUpdatePending && expected(elements.length) && elements.every((m) => m.hasUpdated && !m.isUpdatePending)) return;
    await nextTask();
  }
}

/**
 * First render of a thread of `count` messages, the way a reader opens it: the element is mounted and asks
 * for its first page; the answer is what the server would send (the newest messages, as many as asked for).
 * Timed: from handing that page to the client until the frame that shows it has been painted.
 */
async function firstRender(options: { count: number }): Promise<{ ms: number; elements: number }> {
  await connect(options.count);
  await mount();
  const query = await transport.requested();
  const all = messages(1, options.count, 0);
  const start = Math.max(0, all.length - query.limit);
  const page = fromWire({ threadId: THREAD_ID, messages: all.slice(start), before: start > 0 ? String(start) : null });
  await afterPaint();
  const t0 = performance.now();
  transport.answer(page);
  await rendered((n) => n > 0);
  const t1 = await afterPaint();
  return { ms: t1 - t0, elements: shown().length };
}

/**
 * A thread whose `count` messages the client already holds (a reader coming back to it): the element shows
 * its full window. Timed: from mounting the element until the frame that shows it has been painted.
 */
async function renderHeld(options: { count: number }): Promise<{ ms: number; elements: number }> {
  await connect(options.count);
  transport.nextPage = fromWire({ threadId: THREAD_ID, messages: messages(1, options.count, 0), before: null });
  await client.loadOlder(THREAD_ID, options.count);
  await afterPaint();
  const t0 = performance.now();
  await mount();
  await rendered((n) => n > 0);
  const t1 = await afterPaint();
  return { ms: t1 - t0, elements: shown().length };
}

/** Elements in the document, shadow trees included. */
function deepCount(root: Document | ShadowRoot | Element): number {
  let count = 0;
  for (const element of root.querySelectorAll('*')) {
    count++;
    if (element.shadowRoot) count += deepCount(element.shadowRoot);
  }
  return count;
}

/**
 * A thread of `count` messages served page by page as a server would; the element is mounted and shows the
 * newest page.
 */
async function openLongThread(options: { count: number }): Promise<{ elements: number; allElements: number }> {
  await connect(options.count);
  transport.serve = messages(1, options.count, 0);
  await mount();
  await rendered((n) => n > 0);
  await afterPaint();
  return { elements: shown().length, allElements: deepCount(document) };
}

/**
 * Scrolls the open thread to one end as a fling does: the list moves `pxPerSecond` with time, set at every
 * animation frame (so a slow frame moves it further, as a real fling would, and the pass takes the same
 * time however busy the machine), until the oldest message is at the top (`up`, fetching older pages on the
 * way) or the newest at the bottom (`down`). Returns the intervals between frames (from the frames' own
 * timestamps) and the most message elements (and elements in all) the DOM held at any frame.
 */
async function scroll(options: { direction: 'up' | 'down'; pxPerSecond: number; timeoutMs: number }): Promise<{
  frames: number[]; maxElements: number; maxAllElements: number; reachedEnd: boolean; loaded: number;
}> {
  const { direction, pxPerSecond } = options;
  const box = list();
  const frames: number[] = [];
  let maxElements = 0;
  let maxAllElements = 0;
  let last = 0;
  const started = performance.now();
  const firstId = transport.serve![0]!.id;
  const lastId = transport.serve![transport.serve!.length - 1]!.id;
  const atEnd = () => {
    const elements = shown();
    if (direction === 'up') return box.scrollTop <= 0 && elements[0]?.dataset.id === firstId;
    return box.scrollHeight - box.scrollTop - box.clientHeight < 1 && elements[elements.length - 1]?.dataset.id === lastId;
  };
  let reachedEnd = false;
  await new Promise<void>((resolve) => {
    const frame = (at: number) => {
      const elapsed = last > 0 ? at - last : 1000 / 60;
      if (last > 0) frames.push(elapsed);
      last = at;
      const elements = shown().length;
      if (elements > maxElements) maxElements = elements;
      // Counting every element is itself work in the frame: sample it now and then.
      if (frames.length % 30 === 0) maxAllElements = Math.max(maxAllElements, deepCount(document));
      if (atEnd()) {
        reachedEnd = true;
        return resolve();
      }
      if (performance.now() - started > options.timeoutMs) return resolve();
      const step = (pxPerSecond * elapsed) / 1000;
      box.scrollTop += direction === 'up' ? -step : step;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
  maxAllElements = Math.max(maxAllElements, deepCount(document));
  return { frames, maxElements, maxAllElements, reachedEnd, loaded: client.getSnapshot().threads[THREAD_ID]!.messages.length };
}

/**
 * Remote events: with the thread following its newest message, `count` new messages arrive one at a time
 * (each event handed to the client as a transport's sink receives it, when the page is idle). Timed per
 * event: until its element is in the thread's DOM with its body rendered, and until that frame is painted.
 */
async function remoteEvents(options: { count: number; gapMs: number }): Promise<{ inDom: number[]; painted: number[] }> {
  const inDom: number[] = [];
  const painted: number[] = [];
  thread.scrollToLatest();
  await rendered((n) => n > 0);
  await afterPaint();
  const total = transport.serve!.length;
  for (let i = 1; i <= options.count; i++) {
    await new Promise((resolve) => setTimeout(resolve, options.gapMs));
    await afterPaint();
    const n = total + i;
    const event = fromWire(messageEvent(n, head + i));
    const id = event.type === 'message.upserted' ? event.message.id : '';
    const arrived = new Promise<number>((resolve) => {
      const observer = new MutationObserver(() => {
        const element = list().querySelector<HearthMessage>(`hearth-message[data-id="${id}"]`);
        if (!element) return;
        observer.disconnect();
        void element.updateComplete.then(() => resolve(performance.now()));
      });
      observer.observe(list(), { childList: true });
    });
    const t0 = performance.now();
    transport.push(event);
    const t1 = await arrived;
    const t2 = await afterPaint();
    inDom.push(t1 - t0);
    painted.push(t2 - t0);
  }
  return { inDom, painted };
}

Object.assign(window, { bench: { firstRender, renderHeld, openLongThread, scroll, remoteEvents }, benchReady: true });
