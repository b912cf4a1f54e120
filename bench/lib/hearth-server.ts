// Server side of the server benchmarks: circles prepared with the server's own service (as the CLI does), in
// a SQLite file or a PostgreSQL database; real `hearth-server` processes from the build (started through
// scripts/engines, like the tests' servers); and the bare `ws` broadcast server used as the floor.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { CircleService, createInProcessFanOut, createSqliteStorage, openPostgresStorage, type Storage } from '@hearth/server';
import { startHearthProcess, startHearthProcesses, stopChild, waitForOutput, type HearthProcess } from '../../scripts/engines/index.js';

/** Where prepared circles are stored: a SQLite data file, or a PostgreSQL database. */
export type Store = string | { database: string };

export interface PreparedCircle {
  id: string;
  threadId: string;
  /** Member tokens: the owner's first. */
  tokens: string[];
}

/**
 * Creates circles of `members` members each (the owner plus members admitted by invite) with one thread, in
 * a new data file. Preparation is not what is measured: the file is written without an fsync per commit, so
 * preparing thousands of members takes seconds.
 */
export async function prepareCircles(store: Store, circles: number, members: number, prefix = 'circle'): Promise<PreparedCircle[]> {
  let storage: Storage;
  if (typeof store === 'string') {
    const sqlite = createSqliteStorage({ file: store });
    sqlite.db.pragma('synchronous = OFF');
    storage = sqlite;
  } else storage = await openPostgresStorage({ url: store.database });
  try {
    const service = new CircleService({ storage, fanOut: createInProcessFanOut() });
    const prepared: PreparedCircle[] = [];
    for (let c = 0; c < circles; c++) {
      const id = `${prefix}-${c}`;
      const created = await service.createCircle({ id, name: `Circle ${c}`, memberCap: Math.max(150, members) });
      const invite = await service.createInvite(id, { maxUses: null, expiresInMs: null });
      const threadId = randomBytes(12).toString('base64url');
      const thread = await service.execute(id, created.ownerId, { id: randomBytes(12).toString('base64url'), type: 'thread.create', threadId, title: 'Benchmark thread', key: null });
      if (!thread.ok) throw new Error(`thread.create refused: ${thread.error.message}`);
      const tokens = [created.ownerToken];
      for (let m = 1; m < members; m++) {
        const entry = await service.enterVerified(id, { kind: 'invite', code: invite.code, displayName: `Member ${m}`, acceptNorms: true }, null, null);
        tokens.push(entry.session.token!);
      }
      prepared.push({ id, threadId, tokens });
    }
    return prepared;
  } finally {
    await storage.close();
  }
}

/**
 * Commits per post on this machine's disk, without sockets: `count` posts executed one after another through
 * the service on a prepared circle, each its own transaction. Returns the milliseconds of each, with the
 * server's durability (`synchronous = FULL`, an fsync per commit) or, for comparison only, `NORMAL`.
 */
export async function commitTimes(dataFile: string, circle: PreparedCircle, count: number, synchronous: 'FULL' | 'NORMAL'): Promise<number[]> {
  const storage = createSqliteStorage({ file: dataFile });
  try {
    storage.db.pragma(`synchronous = ${synchronous}`);
    const service = new CircleService({ storage, fanOut: createInProcessFanOut() });
    const owner = (await storage.read(circle.id, (tx) => tx.repo.listMembers().find((m) => m.role === 'owner')))!;
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const id = () => randomBytes(12).toString('base64url');
      const t0 = performance.now();
      const ack = await service.execute(circle.id, owner.id, { id: id(), type: 'message.post', messageId: id(), threadId: circle.threadId, body: 'a message of ordinary length' });
      times.push(performance.now() - t0);
      if (!ack.ok) throw new Error(`post refused: ${ack.error.message}`);
    }
    return times;
  } finally {
    await storage.close();
  }
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServerProcess {
  pid: number;
  socketUrl: string;
  /** Resident set size now, in MB (from /proc). */
  rssMB(): number;
  /** CPU seconds used so far (user + system, from /proc). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** A server process as the benchmarks watch it: its address, memory and CPU from /proc. */
function watched(child: ChildProcess, socketUrl: string, stop: () => Promise<void>): ServerProcess {
  const pid = child.pid!;
  return {
    pid,
    socketUrl,
    rssMB: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024,
    cpuSeconds: () => {
      // Fields 14 and 15 of /proc/PID/stat (after the parenthesised name): utime and stime in clock ticks.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    stop,
  };
}

const fromEngines = (p: HearthProcess) => watched(p.child, p.socketUrl, () => p.kill('SIGTERM'));

/** Limits raised for load from one address (the defaults protect a real server from one client). */
export const LOAD_LIMITS = ['--rate-member', '1000000/1000000', '--rate-ip', '1000000000/1000000000', '--max-connections-per-ip', '100000'];

/** Starts the built `hearth-server start` on a SQLite file, on 127.0.0.1 and a free port. */
export async function startHearthServer(dataFile: string): Promise<ServerProcess> {
  return fromEngines(await startHearthProcess(['--data', dataFile, ...LOAD_LIMITS], { source: false }));
}

/** Starts `count` built `hearth-server` processes on one PostgreSQL and one NATS. */
export async function startHearthCluster(count: number, engines: { database: string; nats: string }): Promise<ServerProcess[]> {
  return (await startHearthProcesses(count, { ...engines, args: LOAD_LIMITS, source: false })).map(fromEngines);
}

/** Starts the bare broadcast server (bench/lib/floor-server.ts) on 127.0.0.1 and a free port. */
export async function startFloorServer(): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench/lib/floor-server.ts')], { stdio: ['ignore', 'pipe', 'pipe'] });
  const started = waitForOutput(child, /listening on \S*?:(\d+)/, 30_000, 'floor server');
  const port = Number((await started.ready)[1]);
  return watched(child, `ws://127.0.0.1:${port}/`, () => stopChild(child, 'SIGTERM'));
}
