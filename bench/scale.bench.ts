// Scale-out: the server benchmarks' latency and durable throughput, side by side in one run on three set-ups:
// one process on SQLite (the default), one process on PostgreSQL + NATS, and three processes on one
// PostgreSQL + one NATS. PostgreSQL and NATS are throwaway instances on 127.0.0.1 (scripts/engines), started
// by this benchmark; the server processes are the built CLI with the load limits of server.bench.ts.
// Clients are raw protocol sockets in 3 client processes; with three servers, client process i connects to
// server i, so members of one circle sit on every server and each post crosses the broker.
//
// Method, per set-up (fresh store, circles prepared with the server's own service):
// (a) One circle of 150 members; 100 posts/s for 10 s (1,000 posts), sent by the members of the first client
//     process (so, with three servers, from server 1); per post, from the moment its frame is written until the
//     last of the 150 members has its event. p50 and p99 over the posts of one run (unfinished posts after a
//     5 s drain enter with the time they had waited, a lower bound).
// (b) 50 clients, each in its own circle, spread over the servers like the rest; each keeps one post in flight
//     (the ack comes after the commit). 1 s warm-up, 4 s counted; 2 runs; posts/s per run.
// Figures: min/median/max over the runs. Same machine for everything: 2 cores shared by the store, the broker,
// the servers and the clients, so the three-process figures show the cost of sharing, not a gain from more
// machines.
import path from 'node:path';
import { startThrowawayNats, startThrowawayPostgres } from '../scripts/engines/index.js';
import { defineBench, percentile, type Figure } from './lib/harness.js';
import { prepareCircles, startHearthCluster, startHearthServer, type ServerProcess, type Store } from './lib/hearth-server.js';
import { closedLoopPosts, describeLatency, openAll, pacedLatency, range } from './lib/load.js';
import { split, startWorkers } from './lib/socket-farm.js';

interface Setup {
  label: string;
  start(): Promise<{ store: Store; servers: ServerProcess[] }>;
}

export default defineBench({
  name: 'scale',
  title: 'one process on SQLite, one and three processes on PostgreSQL + NATS: latency and durable posts/s',
  order: 50,
  async run({ tmp, log, quick }) {
    const figures: Figure[] = [];
    const seconds = quick ? 4 : 10;
    const runs = quick ? 1 : 2;
    const measureMs = quick ? 2000 : 4000;
    const postgres = await startThrowawayPostgres();
    const nats = await startThrowawayNats();
    const cluster = (count: number) => async () => {
      const database = await postgres.createDatabase();
      return { store: { database }, servers: await startHearthCluster(count, { database, nats: nats.url }) };
    };
    const setups: Setup[] = [
      {
        label: 'SQLite, 1 process',
        async start() {
          const dataFile = path.join(tmp, 'scale-sqlite.db');
          return { store: dataFile, servers: [await startHearthServer(dataFile)] };
        },
      },
      { label: 'PostgreSQL + NATS, 1 process', start: cluster(1) },
      { label: 'PostgreSQL + NATS, 3 processes', start: cluster(3) },
    ];
    try {
      for (const setup of setups) {
        const { store, servers } = await setup.start();
        const workers = await startWorkers(3);
        try {
          // Prepared through the store itself while the servers run, as the CLI would.
          const [big] = await prepareCircles(store, 1, 150, 'big');
          const solos = await prepareCircles(store, 50, 1, 'solo');
          const urls = servers.map((s) => s.socketUrl);

          const members = big!.tokens.map((token) => ({ circle: big!.id, token, thread: big!.threadId }));
          const opened = await openAll(workers, urls, members);
          const senders = range(opened.first[0]!, split(members, workers.length)[0]!.length);
          const latency = await pacedLatency(workers, servers, senders, members.length, 100, seconds);
          log(`${setup.label}: latency ${describeLatency(latency)}`);
          figures.push({ group: 'scale', name: `p50 send → delivered to all 150, 100 posts/s — ${setup.label}`, unit: 'ms', samples: [percentile(latency.latencies, 50)], note: latency.note });
          figures.push({ group: 'scale', name: `p99 send → delivered to all 150, 100 posts/s — ${setup.label}`, unit: 'ms', samples: [percentile(latency.latencies, 99)], target: { op: '<=', value: 50 } });

          const sockets = solos.map((c) => ({ circle: c.id, token: c.tokens[0]!, thread: c.threadId }));
          const posts = await closedLoopPosts(workers, servers, await openAll(workers, urls, sockets), sockets, runs, measureMs);
          log(`${setup.label}: ${posts.samples.map((s) => s.toFixed(0)).join(', ')} durable acked posts/s, ${posts.note}`);
          figures.push({ group: 'scale', name: `durable acked posts/s, 50 clients — ${setup.label}`, unit: 'posts/s', samples: posts.samples, target: { op: '>=', value: 2000 }, note: posts.note });
        } finally {
          await Promise.all(workers.map((w) => w.close()));
          await Promise.all(servers.map((s) => s.stop()));
        }
      }
    } finally {
      await nats.stop();
      await postgres.stop();
    }
    return figures;
  },
});
