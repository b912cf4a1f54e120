// Page-side fixtures for the browser benchmarks: a circle's data shaped exactly as the wire carries it, and
// a transport the benchmark drives by hand, so what is timed is the client (and the elements), not a network.
import type { Circle, CircleEvent, HistoryPage, HistoryQuery, Member, Message, Session, Thread } from '@hearth/protocol';
import type { Ack, ConnectParams, Transport, TransportSink } from '@hearth/core';

export const CIRCLE_ID = 'bench';
export const THREAD_ID = 'Vq3hLx0nT8cKwZ2pRj7fA';
export const MEMBERS = 150;

const T0 = Date.UTC(2025, 0, 1);

const ALPHABET = 'useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict';

/**
 * A nanoid-like id for item `n` of a kind: 21 characters of nanoid's alphabet, deterministic, and as unlike
 * its neighbours from the first character as real random ids are (string comparisons cost what they would).
 */
export function idOf(kind: string, n: number): string {
  let state = (n + 1) * 0x9e3779b1 + kind.charCodeAt(0) * 0x85ebca6b;
  let id = '';
  for (let i = 0; i < 21; i++) {
    // mulberry32 step
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    id += ALPHABET[((t ^ (t >>> 14)) >>> 0) % 64];
  }
  return id;
}

export function circle(): Circle {
  return {
    id: CIRCLE_ID,
    name: 'Benchmark readers',
    description: 'A circle for measuring Hearth.',
    norms: 'Be kind.',
    access: 'invite',
    memberCap: 150,
    reactions: ['👍', '❤️', '😂', '🎉', '🤔'],
    settings: { slowModeSeconds: 0, pseudonymsAllowed: true },
  };
}

export function member(n: number): Member {
  return {
    id: idOf('u', n),
    displayName: `Reader ${n}`,
    role: n === 0 ? 'owner' : n < 3 ? 'moderator' : 'member',
    flair: n % 7 === 0 ? 'regular' : null,
    state: 'active',
    mutedUntil: null,
    joinedAt: T0,
  };
}

export function thread(messageCount: number): Thread {
  return { id: THREAD_ID, title: 'Long conversation', key: null, createdBy: idOf('u', 0), createdAt: T0, lastMessageAt: T0 + messageCount * 1000, messageCount };
}

const SENTENCES = [
  'I finally finished the book everyone here recommended, and the ending was not what I expected at all.',
  'Does anyone know a good place to start with **slow cooking**? I have a weekend free.',
  'Agreed. The second half drags a bit, but the last chapter makes up for it.',
  'Here is the article I mentioned: https://example.org/articles/long-read',
  'Small update: the garden survived the frost, *mostly*. The tomatoes did not.',
  'Thanks all, this circle is the nicest corner of my week.',
  'I would say `git rebase -i` but that is a conversation for another thread.',
  'Two things:\n- read the first chapter again\n- then decide',
];

/** An ASCII body of 60–200 characters with a little markdown now and then, varying with `n`. */
export function body(n: number): string {
  const text = `${SENTENCES[n % SENTENCES.length]} (#${n})`;
  return n % 3 === 0 ? `${text} ${SENTENCES[(n * 7 + 3) % SENTENCES.length]}` : text;
}

/** Message number `n` of the thread (1-based); its seq leaves room for the session's events. */
export function message(n: number, seq: number): Message {
  return {
    id: idOf('m', n),
    threadId: THREAD_ID,
    authorId: idOf('u', n % MEMBERS),
    body: body(n),
    contentWarning: n % 50 === 0 ? 'spoilers' : null,
    replyTo: n % 10 === 0 && n > 1 ? idOf('m', n - 3) : null,
    createdAt: T0 + n * 1000,
    editedAt: null,
    reactions: n % 4 === 0 ? { '👍': [idOf('u', (n + 1) % MEMBERS), idOf('u', (n + 2) % MEMBERS)] } : {},
    state: 'visible',
    seq,
  };
}

/** Objects as fresh as the wire makes them: every string and object its own, as after `JSON.parse`. */
export function fromWire<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Messages `from..to` (inclusive, 1-based), with seqs `baseSeq + n`. */
export function messages(from: number, to: number, baseSeq: number): Message[] {
  const list: Message[] = [];
  for (let n = from; n <= to; n++) list.push(message(n, baseSeq + n));
  return list;
}

export function messageEvent(n: number, seq: number): CircleEvent {
  return { type: 'message.upserted', seq, at: T0 + n * 1000, commandId: null, actorId: idOf('u', n % MEMBERS), message: message(n, seq) };
}

/**
 * A transport driven by the benchmark: `connect` resolves with a session at seq `head` (the whole circle, one
 * thread of `messageCount` messages) and `push` hands events to the client exactly as a transport's sink
 * would. `history` answers, in this order of preference: with `nextPage` (once); like a server from the
 * `serve` list (the `limit` messages before the cursor, fresh from the wire); or, with neither, it waits
 * until the benchmark calls `answer`.
 */
export class BenchTransport implements Transport {
  sink: TransportSink | null = null;
  nextPage: HistoryPage | null = null;
  serve: readonly Message[] | null = null;
  head: number;
  messageCount: number;
  #waiting: ((page: HistoryPage) => void) | null = null;
  #query: HistoryQuery | null = null;
  #requested: ((query: HistoryQuery) => void) | null = null;

  constructor(options: { head: number; messageCount: number }) {
    this.head = options.head;
    this.messageCount = options.messageCount;
  }

  async connect(_params: ConnectParams, sink: TransportSink): Promise<Session> {
    this.sink = sink;
    const members: Member[] = [];
    for (let n = 0; n < MEMBERS; n++) members.push(member(n));
    return fromWire({
      circleId: CIRCLE_ID,
      member: member(1),
      token: null,
      circle: circle(),
      members,
      threads: [thread(this.messageCount)],
      cursor: String(this.head),
      replay: null,
    });
  }

  push(event: CircleEvent): void {
    this.sink!.event(event);
  }

  async send(): Promise<Ack> {
    return { ok: true, seq: null };
  }

  history(query: HistoryQuery): Promise<HistoryPage> {
    if (this.nextPage) {
      const page = this.nextPage;
      this.nextPage = null;
      return Promise.resolve(page);
    }
    if (this.serve) {
      const end = query.before === null ? this.serve.length : Number(query.before);
      const start = Math.max(0, end - query.limit);
      return Promise.resolve(fromWire({ threadId: query.threadId, messages: this.serve.slice(start, end), before: start > 0 ? String(start) : null }));
    }
    return new Promise((resolve) => {
      this.#waiting = resolve;
      this.#query = query;
      this.#requested?.(query);
    });
  }

  /** Resolves with the query of a history request once one waits for `answer`. */
  requested(): Promise<HistoryQuery> {
    return this.#waiting ? Promise.resolve(this.#query!) : new Promise((resolve) => (this.#requested = resolve));
  }

  /** Answers the waiting history request. */
  answer(page: HistoryPage): void {
    const waiting = this.#waiting;
    this.#waiting = null;
    this.#requested = null;
    waiting!(page);
  }

  async close(): Promise<void> {
    this.sink = null;
  }
}

/** Resolves in a fresh task, without the 4 ms clamp nested timeouts get. One channel serves every call. */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}
const waiting: (() => void)[] = [];
const channel = new MessageChannel();
channel.port1.onmessage = () => waiting.shift()?.();

/** Resolves after the next frame has been rendered (a task queued from its animation-frame callback runs after paint). */
export function afterPaint(): Promise<number> {
  return new Promise((resolve) => requestAnimationFrame(() => void nextTask().then(() => resolve(performance.now()))));
}

/** Full collection, twice (weak references and finalizers need a second pass), when the page was given `gc`. */
export async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('gc() is not exposed: launch Chromium with --js-flags=--expose-gc');
  gc();
  await nextTask();
  gc();
}
