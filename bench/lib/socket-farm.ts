// Client processes for the server benchmarks (each runs bench/lib/socket-worker.ts), and the messages the
// benchmark exchanges with them over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** CPU figures are the share of one core the client process used during the phase. */

/** One connection: to a Hearth server (circle and member token; `thread` to post into) or, without a circle, to the bare server. */
export interface SocketSpec {
  circle?: string;
  token?: string;
  thread?: string;
}

export type FarmRequest =
  | { cmd: 'open'; url: string; sockets: SocketSpec[]; concurrency: number }
  | { cmd: 'count'; warmupMs: number; durationMs: number }
  | { cmd: 'closed-loop'; senders: number[]; warmupMs: number; durationMs: number }
  | { cmd: 'track'; on: boolean }
  | { cmd: 'paced'; senders: number[]; perSecond: number; durationMs: number; drainMs: number }
  | { cmd: 'close' };

export type FarmReply =
  | { cmd: 'ready' }
  | { cmd: 'open'; opened: number; failed: number; firstError: string; ms: number }
  | { cmd: 'count'; frames: number; cpu: number }
  | { cmd: 'closed-loop'; done: number; refused: number }
  | { cmd: 'track'; receipts: [post: number, lastReceipt: number, receipts: number][]; cpu: number }
  | { cmd: 'paced'; sent: [post: number, at: number][]; refused: number; cpu: number }
  | { cmd: 'close' }
  | { cmd: 'error'; error: string };

type ReplyOf<C extends FarmRequest['cmd']> = Extract<FarmReply, { cmd: C }>;

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'socket-worker.ts');

/** Over IPC each request carries an id, and its reply the same: a worker runs requests concurrently. */
export type Envelope<T> = T & { id: number };

/** One client process. */
export class SocketWorker {
  readonly #child: ChildProcess;
  readonly #waiting = new Map<number, (reply: FarmReply) => void>();
  readonly ready: Promise<void>;
  #requests = 0;
  #exited = false;

  constructor() {
    this.#child = fork(WORKER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.ready = new Promise((resolve, reject) => {
      this.#waiting.set(0, (reply) => (reply.cmd === 'ready' ? resolve() : reject(new Error(JSON.stringify(reply)))));
      this.#child.once('exit', (code) => {
        this.#exited = true;
        reject(new Error(`client process exited (${code})`));
        for (const waiting of this.#waiting.values()) waiting({ cmd: 'error', error: `client process exited (${code})` });
        this.#waiting.clear();
      });
    });
    this.#child.on('message', (reply: Envelope<FarmReply>) => {
      const waiting = this.#waiting.get(reply.id);
      this.#waiting.delete(reply.id);
      waiting?.(reply);
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  request<R extends FarmRequest>(request: R): Promise<ReplyOf<R['cmd']>> {
    const id = ++this.#requests;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, (reply) => (reply.cmd === 'error' ? reject(new Error(reply.error)) : resolve(reply as ReplyOf<R['cmd']>)));
      this.#child.send({ ...request, id });
    });
  }

  async close(): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.#child.send({ cmd: 'close', id: ++this.#requests } satisfies Envelope<FarmRequest>);
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

/** Starts `count` client processes. */
export async function startWorkers(count: number): Promise<SocketWorker[]> {
  const workers = Array.from({ length: count }, () => new SocketWorker());
  await Promise.all(workers.map((w) => w.ready));
  return workers;
}

/** Splits a list into `parts` nearly equal runs. */
export function split<T>(items: readonly T[], parts: number): T[][] {
  return Array.from({ length: parts }, (_, i) => items.slice(Math.floor((i * items.length) / parts), Math.floor(((i + 1) * items.length) / parts)));
}
