// Server under load: real `hearth-server` processes (the built CLI) on 127.0.0.1, a SQLite data file in a
// temporary folder, rate limits raised for load from one address (bench/lib/hearth-server.ts: LOAD_LIMITS).
// Clients are raw WebSocket connections speaking the protocol (hello with a member token, posts, acks),
// spread over 3 client processes (4 for the idle test) so the client side is not one event loop.
// Members and circles are prepared in the data file beforehand with the server's own service.
//
// Method:
// (a) Latency: one circle of 150 connected members; 100 posts/s for 20 s (2,000 posts), sent at a steady
//     pace by 50 of the members in turn. For each post: from the moment its frame is written by the sender
//     until the last of the 150 members has received its event (clocks: performance.timeOrigin + now(), one
//     machine). p50 and p99 over the 2,000 posts of one run. A post not delivered to all within 5 s after the
//     last was sent is counted, and enters the percentiles with the time it had waited by then (a lower bound).
// (b) Durable acknowledged posts per second: 50 clients, each a member of its own circle, each keeping one
//     post in flight (send, wait for the ack — sent only after the commit with synchronous=FULL — send the
//     next). 1 s warm-up, then 4 s counted; 3 runs. A second figure: the 50 as members of one circle, so every
//     post is also fanned out to all 50 (1 run). And what one durable commit costs on this disk: 300 posts
//     executed one after another through the server's service in-process (no sockets), each timed; samples
//     are the posts.
// (c) Idle: 5,000 members across 50 circles (100 each) connected and welcomed, then left idle; the server's
//     RSS (VmRSS) sampled once a second for 5 s after 3 s of quiet. Samples are those readings.
// (d) Fan-out throughput: on the 150-member circle, 10 members each keep one post in flight; every event
//     frame received by any of the 150 counts as one delivery. The floor: the same clients against a bare `ws`
//     server (bench/lib/floor-server.ts) that sends each frame it gets to every connection. 1 s warm-up, 4 s
//     counted; 3 runs each, alternating floor and Hearth; the ratio is of the medians.
// Figures: min/median/max over the runs (or readings). The server's CPU use during each phase is in the notes.
import path from 'node:path';
import { defineBench, percentile, summarize, type Figure } from './lib/harness.js';
import { commitTimes, prepareCircles, startFloorServer, startHearthServer, type ServerProcess } from './lib/hearth-server.js';
import { closedLoopPosts, cpuDuring, describeLatency, openAll, pacedLatency, pct, range } from './lib/load.js';
import { split, startWorkers, type SocketSpec } from './lib/socket-farm.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export default defineBench({
  name: 'server',
  title: 'hearth-server processes on 127.0.0.1: latency, durable posts/s, idle memory, fan-out vs a bare ws server',
  order: 40,
  async run({ tmp, log, quick }) {
    const figures: Figure[] = [];
    const seconds = quick ? 5 : 20;
    const runs = quick ? 1 : 3;
    const measureMs = quick ? 2000 : 4000;

    // ── (a), (b), (d): one server, one data file ───────────────────────────────────────────────────────
    const dataFile = path.join(tmp, 'load.db');
    const [big] = await prepareCircles(dataFile, 1, 150, 'big');
    const solos = await prepareCircles(dataFile, 50, 1, 'solo');
    const [team] = await prepareCircles(dataFile, 1, 50, 'team');
    const server = await startHearthServer(dataFile);
    const workers = await startWorkers(3);
    let floor: ServerProcess | null = null;
    try {
      const members = big!.tokens.map((token) => ({ circle: big!.id, token, thread: big!.threadId }));
      const opened = await openAll(workers, server.socketUrl, members);
      log(`150 members connected in ${opened.ms} ms; server RSS ${server.rssMB().toFixed(0)} MB`);

      // (a) Latency at 100 posts/s.
      const senders = range(opened.first[0]!, split(members, workers.length)[0]!.length);
      const latency = await pacedLatency(workers, server, senders, members.length, 100, seconds);
      log(`latency: ${describeLatency(latency)}`);
      figures.push({ group: 'server', name: 'p50 send → delivered to all 150, 100 posts/s', unit: 'ms', samples: [percentile(latency.latencies, 50)], note: `one ${seconds} s run: ${latency.note}` });
      figures.push({ group: 'server', name: 'p99 send → delivered to all 150, 100 posts/s', unit: 'ms', samples: [percentile(latency.latencies, 99)], target: { op: '<=', value: 50 } });
      figures.push({ group: 'server', name: 'posts not delivered to all 150', unit: 'posts', samples: [latency.incomplete], target: { op: '<=', value: 0 } });

      // (d) Fan-out: Hearth against the bare broadcast server, alternating.
      floor = await startFloorServer();
      const floorOpened = await openAll(workers, floor.socketUrl, members.map(() => ({})));
      const fanOut = async (first: number, target: ServerProcess) => {
        const loop = cpuDuring(target, () => workers[0]!.request({ cmd: 'closed-loop', senders: range(first, 10), warmupMs: 1000, durationMs: measureMs }));
        const counts = await Promise.all(workers.map((w) => w.request({ cmd: 'count', warmupMs: 1000, durationMs: measureMs })));
        const { result, cpu } = await loop;
        return {
          deliveries: counts.reduce((s, c) => s + c.frames, 0) / (measureMs / 1000), posts: result.done / (measureMs / 1000), refused: result.refused, cpu,
          clients: counts.map((c) => pct(c.cpu)).join('/'),
        };
      };
      const hearthRuns: Awaited<ReturnType<typeof fanOut>>[] = [];
      const floorRuns: Awaited<ReturnType<typeof fanOut>>[] = [];
      for (let i = 0; i < runs; i++) {
        floorRuns.push(await fanOut(floorOpened.first[0]!, floor));
        hearthRuns.push(await fanOut(opened.first[0]!, server));
        const [f, h] = [floorRuns.at(-1)!, hearthRuns.at(-1)!];
        log(`fan-out run ${i + 1}: floor ${f.deliveries.toFixed(0)} deliveries/s (${f.posts.toFixed(0)} posts/s, CPU ${pct(f.cpu)}, clients ${f.clients}), ` +
          `hearth ${h.deliveries.toFixed(0)} deliveries/s (${h.posts.toFixed(0)} posts/s, CPU ${pct(h.cpu)}, clients ${h.clients}, ${h.refused} refused)`);
      }
      const hearthMedian = summarize(hearthRuns.map((r) => r.deliveries)).median;
      const floorMedian = summarize(floorRuns.map((r) => r.deliveries)).median;
      figures.push({
        group: 'server', name: 'fan-out, bare ws broadcast server (floor)', unit: 'deliveries/s', samples: floorRuns.map((r) => r.deliveries),
        note: `10 senders, one post in flight each, 150 receivers; server CPU ${floorRuns.map((r) => pct(r.cpu)).join(', ')}`,
      });
      figures.push({
        group: 'server', name: 'fan-out, Hearth', unit: 'deliveries/s', samples: hearthRuns.map((r) => r.deliveries),
        note: `${hearthRuns.map((r) => r.posts.toFixed(0)).join(', ')} durable posts/s; server CPU ${hearthRuns.map((r) => pct(r.cpu)).join(', ')}`,
      });
      figures.push({ group: 'server', name: 'fan-out, Hearth ÷ floor (medians)', unit: 'ratio', samples: [hearthMedian / floorMedian], target: { op: '>=', value: 0.5 } });
      await floor.stop();
      floor = null;

      // (b) Durable acknowledged posts per second from 50 clients.
      const posts = async (label: string, sockets: SocketSpec[], count: number) => {
        const result = await closedLoopPosts(workers, server, await openAll(workers, server.socketUrl, sockets), sockets, count, measureMs);
        log(`${label}: ${result.samples.map((s) => s.toFixed(0)).join(', ')} acked posts/s, ${result.note}`);
        return result;
      };
      const separate = await posts('50 clients, 50 circles', solos.map((c) => ({ circle: c.id, token: c.tokens[0]!, thread: c.threadId })), runs);
      figures.push({ group: 'server', name: 'durable acked posts/s, 50 clients (own circles)', unit: 'posts/s', samples: separate.samples, target: { op: '>=', value: 2000 }, note: separate.note });
      // What a durable commit costs on this disk, without sockets: the floor under (b)'s figure.
      const probeFile = path.join(tmp, 'commits.db');
      const [probe] = await prepareCircles(probeFile, 1, 1, 'probe');
      const full = await commitTimes(probeFile, probe!, quick ? 100 : 300, 'FULL');
      const normal = await commitTimes(probeFile, probe!, quick ? 100 : 300, 'NORMAL');
      log(`one post executed and committed in-process: p50 ${percentile(full, 50).toFixed(2)} ms with synchronous=FULL (p90 ${percentile(full, 90).toFixed(2)}), ` +
        `${percentile(normal, 50).toFixed(2)} ms with NORMAL`);
      figures.push({
        group: 'server', name: 'one post executed + committed, synchronous=FULL, in-process', unit: 'ms', samples: full,
        note: `per post, one at a time, no sockets: at most ~${Math.round(1000 / percentile(full, 50))} durable posts/s from one writer; ` +
          `${percentile(normal, 50).toFixed(2)} ms per post with synchronous=NORMAL (not what the server uses)`,
      });
      const together = await posts('50 clients, one circle', team!.tokens.map((token) => ({ circle: team!.id, token, thread: team!.threadId })), 1);
      figures.push({ group: 'server', name: 'durable acked posts/s, 50 clients (one circle, each post to all 50)', unit: 'posts/s', samples: together.samples, note: together.note });
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      await floor?.stop();
      await server.stop();
    }

    // ── (c) 5,000 idle members ──────────────────────────────────────────────────────────────────────────
    const idleFile = path.join(tmp, 'idle.db');
    const circles = await prepareCircles(idleFile, quick ? 10 : 50, 100, 'idle');
    const idleServer = await startHearthServer(idleFile);
    const idleWorkers = await startWorkers(4);
    try {
      await sleep(1000);
      const baseline = idleServer.rssMB();
      const sockets = circles.flatMap((c) => c.tokens.map((token) => ({ circle: c.id, token })));
      const { cpu, result } = await cpuDuring(idleServer, () => openAll(idleWorkers, idleServer.socketUrl, sockets, 50));
      log(`${sockets.length} members connected in ${result.ms} ms (server CPU ${pct(cpu)}); RSS ${baseline.toFixed(0)} MB before`);
      await sleep(3000);
      const readings: number[] = [];
      for (let i = 0; i < 5; i++) {
        readings.push(idleServer.rssMB());
        await sleep(1000);
      }
      log(`RSS with ${sockets.length} idle: ${readings.map((r) => r.toFixed(0)).join(', ')} MB`);
      figures.push({
        group: 'server', name: `RSS, ${sockets.length.toLocaleString('en-US')} idle members in ${circles.length} circles`, unit: 'MB', samples: readings,
        target: { op: '<=', value: 400 }, note: `${baseline.toFixed(0)} MB before they connected; connecting took ${(result.ms / 1000).toFixed(1)} s`,
      });
      figures.push({ group: 'server', name: 'RSS per idle connection', unit: 'KB', samples: readings.map((r) => ((r - baseline) * 1024) / sockets.length) });
    } finally {
      await Promise.all(idleWorkers.map((w) => w.close()));
      await idleServer.stop();
    }
    return figures;
  },
});
