// Load patterns shared by the server benchmarks (server.bench.ts, scale.bench.ts): connecting members through
// the client processes, a paced stream of posts timed until every member has it, and closed-loop posting.
import { percentile } from './harness.js';
import type { ServerProcess } from './hearth-server.js';
import { split, type SocketSpec, type SocketWorker } from './socket-farm.js';

export const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
export const pct = (share: number) => `${Math.round(share * 100)}%`;

/**
 * Opens the given connections, one share per client process; resolves with each process's first socket index
 * for them. `url` may be one server for all, or one per client process (several server processes).
 */
export async function openAll(workers: SocketWorker[], url: string | string[], sockets: SocketSpec[], concurrency = 25): Promise<{ first: number[]; ms: number }> {
  const shares = split(sockets, workers.length);
  const urls = typeof url === 'string' ? [url] : url;
  const started = Date.now();
  const first: number[] = [];
  const replies = await Promise.all(workers.map((w, i) => w.request({ cmd: 'open', url: urls[i % urls.length]!, sockets: shares[i]!, concurrency })));
  replies.forEach((r, i) => {
    if (r.failed > 0) throw new Error(`${r.failed} of ${shares[i]!.length} connections failed: ${r.firstError}`);
    first.push(r.opened - shares[i]!.length);
  });
  return { first, ms: Date.now() - started };
}

/** Runs `fn` and returns the CPU the server processes used during it, as a share of one core (summed). */
export async function cpuDuring<T>(servers: ServerProcess | ServerProcess[], fn: () => Promise<T>): Promise<{ result: T; cpu: number }> {
  const list = Array.isArray(servers) ? servers : [servers];
  const cpu0 = list.reduce((s, p) => s + p.cpuSeconds(), 0);
  const t0 = Date.now();
  const result = await fn();
  return { result, cpu: (list.reduce((s, p) => s + p.cpuSeconds(), 0) - cpu0) / ((Date.now() - t0) / 1000) };
}

export interface LatencyResult {
  /** Per post, ms from its frame being written until the last member received its event. */
  latencies: number[];
  /** Posts not delivered to every member within the drain time (they enter `latencies` as a lower bound). */
  incomplete: number;
  note: string;
}

/**
 * `perSecond` posts a second for `seconds`, sent at a steady pace by `senders` (socket indexes in the first
 * client process); every client process records when each post reached its sockets. A post counts as
 * delivered once all `members` sockets have it; one not delivered within 5 s after the last was sent enters
 * the percentiles with the time it had waited by then.
 */
export async function pacedLatency(workers: SocketWorker[], servers: ServerProcess | ServerProcess[], senders: number[], members: number, perSecond: number, seconds: number): Promise<LatencyResult> {
  const drainMs = 5000;
  await Promise.all(workers.map((w) => w.request({ cmd: 'track', on: true })));
  const paced = await cpuDuring(servers, () => workers[0]!.request({ cmd: 'paced', senders, perSecond, durationMs: seconds * 1000, drainMs }));
  const receipts = await Promise.all(workers.map((w) => w.request({ cmd: 'track', on: false })));
  const last = new Map<number, [number, number]>();
  for (const r of receipts) {
    for (const [n, at, count] of r.receipts) {
      const seen = last.get(n);
      last.set(n, seen ? [Math.max(seen[0], at), seen[1] + count] : [at, count]);
    }
  }
  const latencies: number[] = [];
  let incomplete = 0;
  const drained = Math.max(...paced.result.sent.map(([, at]) => at)) + drainMs;
  for (const [n, sentAt] of paced.result.sent) {
    const seen = last.get(n);
    if (seen && seen[1] >= members) latencies.push(seen[0] - sentAt);
    else (incomplete++, latencies.push(drained - sentAt));
  }
  const note =
    `${paced.result.sent.length} posts in ${seconds} s to ${members} members; ${incomplete} not delivered to all, ` +
    `${paced.result.refused} refused; server CPU ${pct(paced.cpu)} of a core, client processes ${receipts.map((r) => pct(r.cpu)).join(', ')}`;
  return { latencies, incomplete, note };
}

export const describeLatency = (r: LatencyResult) =>
  `p50 ${percentile(r.latencies, 50).toFixed(1)} ms, p99 ${percentile(r.latencies, 99).toFixed(1)} ms, max ${Math.max(...r.latencies).toFixed(1)} ms; ${r.note}`;

/**
 * Durable acknowledged posts per second: every opened socket keeps one post in flight (send, wait for the ack,
 * send the next); 1 s warm-up, then `measureMs` counted, `count` times. Samples are posts/s per run.
 */
export async function closedLoopPosts(
  workers: SocketWorker[],
  servers: ServerProcess | ServerProcess[],
  opened: { first: number[] },
  sockets: SocketSpec[],
  count: number,
  measureMs: number,
): Promise<{ samples: number[]; note: string }> {
  const shares = split(sockets, workers.length);
  const samples: number[] = [];
  const cpus: number[] = [];
  let refused = 0;
  for (let i = 0; i < count; i++) {
    const { result, cpu } = await cpuDuring(servers, () =>
      Promise.all(workers.map((w, k) => w.request({ cmd: 'closed-loop', senders: range(opened.first[k]!, shares[k]!.length), warmupMs: 1000, durationMs: measureMs }))),
    );
    refused += result.reduce((s, r) => s + r.refused, 0);
    samples.push(result.reduce((s, r) => s + r.done, 0) / (measureMs / 1000));
    cpus.push(cpu);
  }
  return { samples, note: `server CPU ${cpus.map(pct).join(', ')}; ${refused} refused` };
}
