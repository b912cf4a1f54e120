// Page for bench/client.bench.ts: the headless client in Chromium, fed by a hand-driven transport.
// Every function is one run; the Node side repeats them and keeps the samples.
import { createCircleClient, memoryStorage, type CircleClient, type CircleEvent } from '@hearth/core';
import { BenchTransport, THREAD_ID, collectGarbage, fromWire, messageEvent, messages, nextTask } from './fixtures.js';

const SESSION_HEAD = 1000;

/** A connected client on a fresh transport, with a subscriber that reads every snapshot as a UI binding does. */
async function connectedClient(messageCount: number): Promise<{ client: CircleClient; transport: BenchTransport; shown: () => number }> {
  const transport = new BenchTransport({ head: SESSION_HEAD, messageCount });
  const client = createCircleClient({ transport, circle: 'bench', credentials: { kind: 'token', token: 'bench-token-0000000000' }, storage: memoryStorage() });
  let shown = 0;
  client.subscribe(() => {
    shown = client.getSnapshot().threads[THREAD_ID]?.messages.length ?? 0;
  });
  client.connect();
  while (client.getSnapshot().status !== 'connected') await nextTask();
  return { client, transport, shown: () => shown };
}

/**
 * Delivers `total` message events in bursts of `burst` (each burst in one task, as a transport hands over a
 * batch it received together), yielding a task between bursts. Timed: from the first event handed to the
 * client until the snapshot a subscriber reads shows them all.
 */
async function eventsApplied(options: { total: number; burst: number }): Promise<{ ms: number }> {
  const { client, transport, shown } = await connectedClient(0);
  const events: CircleEvent[] = [];
  for (let n = 1; n <= options.total; n++) events.push(messageEvent(n, SESSION_HEAD + n));
  const wire = fromWire(events);
  events.length = 0;
  await collectGarbage();
  const t0 = performance.now();
  for (let from = 0; from < wire.length; from += options.burst) {
    const to = Math.min(wire.length, from + options.burst);
    for (let i = from; i < to; i++) transport.push(wire[i]!);
    await nextTask();
  }
  while (shown() < options.total) await nextTask();
  const ms = performance.now() - t0;
  client.dispose();
  return { ms };
}

/**
 * Applies a history page of `size` messages to a thread already holding `held` newer ones. Timed: from the
 * transport's answer being handed to the client (`loadOlder`) until the snapshot a subscriber reads shows them.
 */
async function historyPage(options: { size: number; held: number }): Promise<{ ms: number }> {
  const { size, held } = options;
  const { client, transport, shown } = await connectedClient(size + held);
  if (held > 0) {
    transport.nextPage = fromWire({ threadId: THREAD_ID, messages: messages(size + 1, size + held, 0), before: String(size + 1) });
    await client.loadOlder(THREAD_ID, held);
    await nextTask();
  }
  transport.nextPage = fromWire({ threadId: THREAD_ID, messages: messages(1, size, 0), before: null });
  await collectGarbage();
  const t0 = performance.now();
  await client.loadOlder(THREAD_ID, size);
  while (shown() < size + held) await nextTask();
  const ms = performance.now() - t0;
  client.dispose();
  return { ms };
}

/**
 * Retained heap per stored message, in three steps so the Node side can measure the heap between them (through
 * the DevTools protocol, after a forced full GC): `heapPrepare` connects a client, `heapLoad` stores `count`
 * messages through history pages of `page` and derives the snapshot, `heapRelease` checks and drops it.
 * Returns the bodies' own bytes per message (ASCII: one byte per character in V8's one-byte strings).
 */
let held: { client: CircleClient; transport: BenchTransport; shown: () => number } | null = null;

async function heapPrepare(options: { count: number }): Promise<void> {
  held = await connectedClient(options.count);
  held.client.getSnapshot();
}

async function heapLoad(options: { count: number; page: number }): Promise<{ bodyBytesPerMessage: number }> {
  const { count, page } = options;
  const { client, transport, shown } = held!;
  let bodyBytes = 0;
  for (let to = count; to >= 1; to -= page) {
    const from = Math.max(1, to - page + 1);
    const list = messages(from, to, 0);
    for (const m of list) bodyBytes += m.body.length;
    transport.nextPage = fromWire({ threadId: THREAD_ID, messages: list, before: from > 1 ? String(from) : null });
    await client.loadOlder(THREAD_ID, page);
  }
  while (shown() < count) await nextTask();
  client.getSnapshot();
  return { bodyBytesPerMessage: bodyBytes / count };
}

function heapRelease(options: { count: number }): void {
  if (held!.client.getSnapshot().threads[THREAD_ID]!.messages.length !== options.count) throw new Error('not every message was stored');
  held!.client.dispose();
  held = null;
}

Object.assign(window, { bench: { eventsApplied, historyPage, heapPrepare, heapLoad, heapRelease }, benchReady: true });
