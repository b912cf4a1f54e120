// A client process for the server benchmarks: holds many raw WebSocket connections (the `ws` package) and
// speaks just enough of the Hearth protocol — hello with a member token, posts, acks — or, against the bare
// broadcast server, sends and counts plain frames. Several of these run at once so the client side is not
// the bottleneck. Driven over IPC by bench/lib/socket-farm.ts; frames are recognised by their first bytes
// (the server writes `{"v":1,"type":…` first), so receiving costs no JSON parsing.
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import type { Envelope, FarmReply, FarmRequest, SocketSpec } from './socket-farm.js';

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes on one machine. */
const now = () => performance.timeOrigin + performance.now();
const newId = () => randomBytes(16).toString('base64url');

const EVENT = '{"v":1,"type":"event"';
const ACK = '{"v":1,"type":"ack"';
const WELCOME = '{"v":1,"type":"welcome"';
const ERROR = '{"v":1,"type":"error"';
const MARK = '"body":"lat:';

/** Starts measuring this process's CPU; the returned function gives the share of one core used since. */
function cpuMeter(): () => number {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(c0);
    return (used.user + used.system) / 1000 / (performance.now() - t0);
  };
}

interface Client {
  spec: SocketSpec;
  socket: WebSocket;
  /** Called with every frame (as text) while set. */
  onFrame: ((text: string) => void) | null;
}

const clients: Client[] = [];
let counting = false;
let counted = 0;
/** Post number → [latest receipt, receipts], while latency is tracked. */
let receipts: Map<number, [number, number]> | null = null;
let trackCpu: (() => number) | null = null;

/** Id of the request being answered (each handler captures its own before awaiting). */
function replier(id: number) {
  return (message: FarmReply) => void process.send!({ ...message, id });
}

function onFrame(client: Client, text: string): void {
  if (counting && (text.startsWith(EVENT) || !client.spec.circle)) counted++;
  if (receipts && text.startsWith(EVENT)) {
    const at = text.indexOf(MARK);
    if (at >= 0) {
      const n = Number(text.slice(at + MARK.length, text.indexOf(':', at + MARK.length)));
      const seen = receipts.get(n);
      const t = now();
      if (seen) (seen[0] = Math.max(seen[0], t), seen[1]++);
      else receipts.set(n, [t, 1]);
    }
  }
  client.onFrame?.(text);
}

/** Opens one connection; for a Hearth server, says hello and waits for the welcome. */
function open(url: string, spec: SocketSpec): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    const client: Client = { spec, socket, onFrame: null };
    const fail = (why: string) => {
      socket.terminate();
      reject(new Error(why));
    };
    const timer = setTimeout(() => fail('no welcome within 60 s'), 60_000);
    socket.on('error', (error) => fail(String(error)));
    socket.on('message', (data) => onFrame(client, data.toString()));
    socket.on('open', () => {
      if (!spec.circle) {
        clearTimeout(timer);
        return resolve(client);
      }
      client.onFrame = (text) => {
        if (text.startsWith(WELCOME)) {
          clearTimeout(timer);
          client.onFrame = null;
          resolve(client);
        } else if (text.startsWith(ERROR)) {
          clearTimeout(timer);
          fail(`refused: ${text.slice(0, 200)}`);
        }
      };
      socket.send(JSON.stringify({ v: 1, type: 'hello', circle: spec.circle, credentials: { kind: 'token', token: spec.token }, cursor: null }));
    });
  });
}

/** A post command as the client sends it; `n` marks it for latency tracking. */
function postFrame(threadId: string, n: number, commandId: string): string {
  const body = `lat:${n}: a message of ordinary length, about as long as people write in a small circle.`;
  return JSON.stringify({ v: 1, type: 'command', command: { id: commandId, type: 'message.post', messageId: newId(), threadId, body } });
}

/**
 * Keeps one post in flight per sender until `until`: send, wait for its ack (Hearth) or its own echo (the
 * bare server), send the next. Counts the ones completed inside [from, until].
 */
function closedLoop(sender: Client, from: number, until: number): Promise<{ done: number; refused: number }> {
  return new Promise((resolve) => {
    let done = 0;
    let refused = 0;
    let n = 0;
    const sendNext = () => {
      if (now() >= until || sender.socket.readyState !== WebSocket.OPEN) {
        sender.onFrame = null;
        return resolve({ done, refused });
      }
      const id = newId();
      sender.onFrame = (text) => {
        const hearth = !!sender.spec.circle;
        if (hearth ? !(text.startsWith(ACK) && text.includes(id)) : !text.includes(id)) return;
        if (hearth && !text.includes('"ok":true')) refused++;
        else if (now() >= from) done++;
        sendNext();
      };
      sender.socket.send(postFrame(sender.spec.thread ?? 'none', n++, id));
    };
    sendNext();
  });
}

async function handle(request: Envelope<FarmRequest>): Promise<void> {
  const reply = replier(request.id);
  switch (request.cmd) {
    case 'open': {
      const started = now();
      let failed = 0;
      let firstError = '';
      // A bounded number of handshakes at a time, as real clients trickle in.
      const queue = [...request.sockets];
      await Promise.all(
        Array.from({ length: Math.min(request.concurrency, queue.length) }, async () => {
          for (let spec = queue.shift(); spec; spec = queue.shift()) {
            try {
              clients.push(await open(request.url, spec));
            } catch (error) {
              failed++;
              firstError ||= String(error);
            }
          }
        }),
      );
      return reply({ cmd: 'open', opened: clients.length, failed, firstError, ms: now() - started });
    }
    case 'count': {
      // Counts frames received on every socket during [start + warmup, + duration].
      await new Promise((r) => setTimeout(r, request.warmupMs));
      counted = 0;
      counting = true;
      const cpu = cpuMeter();
      await new Promise((r) => setTimeout(r, request.durationMs));
      counting = false;
      return reply({ cmd: 'count', frames: counted, cpu: cpu() });
    }
    case 'closed-loop': {
      const from = now() + request.warmupMs;
      const until = from + request.durationMs;
      const results = await Promise.all(request.senders.map((i) => closedLoop(clients[i]!, from, until)));
      return reply({ cmd: 'closed-loop', done: results.reduce((s, r) => s + r.done, 0), refused: results.reduce((s, r) => s + r.refused, 0) });
    }
    case 'track': {
      if (request.on) {
        receipts = new Map();
        trackCpu = cpuMeter();
        return reply({ cmd: 'track', receipts: [], cpu: 0 });
      }
      const out = [...(receipts ?? new Map<number, [number, number]>())].map(([n, [at, count]]) => [n, at, count] as [number, number, number]);
      receipts = null;
      return reply({ cmd: 'track', receipts: out, cpu: trackCpu?.() ?? 0 });
    }
    case 'paced': {
      // Posts at a steady rate from the given senders in turn, each at its scheduled time; records send times.
      const sent: [number, number][] = [];
      let refused = 0;
      const senders = request.senders.map((i) => clients[i]!);
      for (const sender of senders) {
        sender.onFrame = (text) => {
          if (text.startsWith(ACK) && !text.includes('"ok":true')) refused++;
        };
      }
      const cpu = cpuMeter();
      const interval = 1000 / request.perSecond;
      const total = Math.round((request.durationMs / 1000) * request.perSecond);
      const start = now() + 50;
      for (let n = 0; n < total; ) {
        const due = start + n * interval;
        const wait = due - now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait - 0.5));
        while (n < total && start + n * interval <= now()) {
          const sender = senders[n % senders.length]!;
          sent.push([n, now()]);
          sender.socket.send(postFrame(sender.spec.thread!, n, newId()));
          n++;
        }
      }
      await new Promise((r) => setTimeout(r, request.drainMs));
      for (const sender of senders) sender.onFrame = null;
      return reply({ cmd: 'paced', sent, refused, cpu: cpu() });
    }
    case 'close': {
      for (const client of clients) client.socket.terminate();
      clients.length = 0;
      reply({ cmd: 'close' });
      return process.exit(0);
    }
  }
}

process.on('message', (request: Envelope<FarmRequest>) => {
  handle(request).catch((error) => replier(request.id)({ cmd: 'error', error: String(error?.stack ?? error) }));
});
replier(0)({ cmd: 'ready' });
