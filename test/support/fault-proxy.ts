// A TCP proxy on 127.0.0.1 that misbehaves on purpose, the way a real network does: it delays data (keeping
// order, as TCP does), splits chunks into small pieces, stalls a connection without closing it (a dead
// route: only a heartbeat notices), loses the bytes in flight and then breaks the connection, and cuts
// connections at random. It never corrupts or reorders bytes inside a live connection: TCP never does
// either, so a client or server that "handled" that would be handling a fault that cannot happen.
//
// Decisions come from a seeded generator, so a seed always asks for the same sequence of faults. Which
// chunk a decision lands on still depends on how the OS splits the stream, so a rerun follows the same
// fault recipe, not a byte-identical trace.
import net from 'node:net';

export interface FaultOptions {
  random: () => number;
  /** Per chunk: hold it back (and everything after it in that direction) up to `maxDelayMs`. */
  delay?: number;
  maxDelayMs?: number;
  /** Per chunk: deliver it in several small pieces. */
  split?: number;
  /** Per chunk: lose it and everything after it, then break both sides (data in flight is gone). */
  drop?: number;
  /** Per chunk: deliver it, then break both sides. */
  cut?: number;
  /** Per chunk: stop forwarding in both directions but keep both sockets open (a dead route). */
  stall?: number;
  /** Per new connection: close it at once (the server is unreachable for a moment). */
  refuse?: number;
}

export interface FaultCounts {
  connections: number;
  delayed: number;
  split: number;
  dropped: number;
  cuts: number;
  stalls: number;
  refused: number;
}

export interface FaultProxy {
  readonly port: number;
  /** `ws://127.0.0.1:port/ws` */
  readonly socketUrl: string;
  readonly faults: FaultCounts;
  /** Starts injecting faults (a proxy starts calm, so setup can finish first). */
  unleash(): void;
  /** Stops injecting faults; stalled connections are broken so their clients reconnect at once. */
  heal(): void;
  /** Points new connections at another port (a restarted server); existing ones are broken. */
  retarget(port: number): void;
  /** Breaks every open connection now. */
  cutAll(): void;
  close(): Promise<void>;
}

interface Pair {
  client: net.Socket;
  server: net.Socket;
  stalled: boolean;
  dead: boolean;
  /** Per direction: when the last queued chunk is released, so delays never reorder bytes. */
  releaseAt: { up: number; down: number };
  /** Per direction: chunks waiting for their release, oldest first, written strictly in that order. */
  lanes: { up: Lane; down: Lane };
}

interface Lane {
  queue: { at: number; pieces: Buffer[]; cutAfter: boolean }[];
  timer: NodeJS.Timeout | null;
}

export async function startFaultProxy(targetPort: number, options: FaultOptions): Promise<FaultProxy> {
  const { random } = options;
  let target = targetPort;
  let active = false;
  const faults: FaultCounts = { connections: 0, delayed: 0, split: 0, dropped: 0, cuts: 0, stalls: 0, refused: 0 };
  const pairs = new Set<Pair>();
  const chance = (p = 0) => active && p > 0 && random() < p;

  const kill = (pair: Pair) => {
    if (pair.dead) return;
    pair.dead = true;
    pairs.delete(pair);
    // An abortive close (RST) on both sides, like a route that vanished; no goodbye frames.
    pair.client.resetAndDestroy();
    pair.server.resetAndDestroy();
  };

  const forward = (pair: Pair, direction: 'up' | 'down', chunk: Buffer) => {
    if (pair.dead || pair.stalled) return;
    const to = direction === 'up' ? pair.server : pair.client;
    if (chance(options.stall)) {
      faults.stalls++;
      pair.stalled = true;
      return;
    }
    if (chance(options.drop)) {
      faults.dropped++;
      return kill(pair);
    }
    const cutAfter = chance(options.cut);
    let pieces = [chunk];
    if (chunk.length > 1 && chance(options.split)) {
      faults.split++;
      pieces = [];
      for (let at = 0; at < chunk.length; ) {
        const size = 1 + Math.floor(random() * Math.min(64, chunk.length - at));
        pieces.push(chunk.subarray(at, at + size));
        at += size;
      }
    }
    const now = Date.now();
    let release = Math.max(now, pair.releaseAt[direction]);
    if (chance(options.delay)) {
      faults.delayed++;
      release += 1 + Math.floor(random() * (options.maxDelayMs ?? 20));
    }
    pair.releaseAt[direction] = release;
    // One queue per direction: a chunk never overtakes one still waiting (timers due in the same
    // millisecond need not fire in the order they were set, and a chunk sent at once would jump the queue).
    const lane = pair.lanes[direction];
    lane.queue.push({ at: release, pieces, cutAfter });
    if (!lane.timer) pump(pair, to, lane);
  };

  /** Writes every chunk of a lane that is due, then waits for the next one. */
  const pump = (pair: Pair, to: net.Socket, lane: Lane) => {
    if (lane.timer) clearTimeout(lane.timer);
    lane.timer = null;
    while (!pair.dead && !pair.stalled && lane.queue.length > 0) {
      const next = lane.queue[0]!;
      const wait = next.at - Date.now();
      if (wait > 0) {
        lane.timer = setTimeout(() => pump(pair, to, lane), wait);
        return;
      }
      lane.queue.shift();
      for (const piece of next.pieces) to.write(piece);
      if (next.cutAfter) {
        faults.cuts++;
        kill(pair);
      }
    }
  };

  const server = net.createServer((client) => {
    faults.connections++;
    client.on('error', () => {});
    if (chance(options.refuse)) {
      faults.refused++;
      client.resetAndDestroy();
      return;
    }
    client.pause();
    const upstream = net.connect({ host: '127.0.0.1', port: target });
    upstream.on('error', () => {});
    const pair: Pair = {
      client, server: upstream, stalled: false, dead: false, releaseAt: { up: 0, down: 0 },
      lanes: { up: { queue: [], timer: null }, down: { queue: [], timer: null } },
    };
    pairs.add(pair);
    upstream.once('connect', () => client.resume());
    client.on('data', (chunk: Buffer) => forward(pair, 'up', chunk));
    upstream.on('data', (chunk: Buffer) => forward(pair, 'down', chunk));
    // A side that closes is passed on once everything queued before it has been written.
    const passOn = (direction: 'up' | 'down') => () => {
      const wait = Math.max(0, pair.releaseAt[direction] - Date.now());
      setTimeout(() => {
        // What was queued before the close is all due now: write it, then break the pair.
        pump(pair, direction === 'up' ? pair.server : pair.client, pair.lanes[direction]);
        kill(pair);
      }, wait + 1);
    };
    client.once('close', passOn('up'));
    upstream.once('close', passOn('down'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    socketUrl: `ws://127.0.0.1:${port}/ws`,
    faults,
    unleash() {
      active = true;
    },
    heal() {
      active = false;
      for (const pair of [...pairs]) if (pair.stalled) kill(pair);
    },
    retarget(next) {
      target = next;
      for (const pair of [...pairs]) kill(pair);
    },
    cutAll() {
      for (const pair of [...pairs]) kill(pair);
    },
    async close() {
      active = false;
      for (const pair of [...pairs]) kill(pair);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
