// A real `hearth-server` process for the reliability suites, with circles created on its data file (as
// `hearth-server circle create` does) and a read-only view of what it stores, and a chaos backend that puts
// a faulty TCP proxy between each seed's WebSocket clients and that process.
import path from 'node:path';
import { readFileSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { WebSocket } from 'ws';
import type { CircleEvent, Message } from '@hearth/protocol';
import { seededRandom } from '@hearth/core/testing';
import { createWebSocketTransport } from '@hearth/transport-websocket';
import { CircleService, createInProcessFanOut, createSqliteStorage, type CircleInit } from '@hearth/server';
import { tempDir } from '../server/helpers.js';
import { startServerProcess, type ServerProcess } from '../server/process.js';
import { startFaultProxy, type FaultOptions } from '../support/fault-proxy.js';
import type { ChaosBackend } from '../chaos/converge.js';

/** Limits high enough that the suites measure faults, not the rate limiter (tested in test/server). */
export const UNLIMITED = ['--rate-member', '1000000/1000000', '--rate-ip', '1000000/1000000', '--rate-failed-sign-ins', '1000000/1000000', '--max-connections-per-ip', '100000'];

export interface RealServer {
  readonly dataFile: string;
  process: ServerProcess;
  /** Administration on the same data file, from this process (the server reads it per command). */
  readonly service: CircleService;
  /** A read-only connection to the data file: what the server has durably stored. */
  readonly db: Database.Database;
  createCircle(init: CircleInit): Promise<{ ownerToken: string; ownerId: string; inviteCode: string }>;
  events(circleId: string): CircleEvent[];
  messages(circleId: string): Message[];
  headSeq(circleId: string): number;
  /** Changes whenever another connection (the server) commits a write: cheap "did anything change?". */
  dataVersion(): number;
  /** RSS of the server process, in bytes. */
  rss(): number;
  /** Stops the server (with SIGKILL, the way a crash would) and starts it again on the same data file. */
  restart(options?: { signal?: NodeJS.Signals; whileDown?: () => void }): Promise<void>;
  close(): Promise<void>;
}

export async function startRealServer(extra: string[] = UNLIMITED, prefix = 'hearth-reliability-'): Promise<RealServer> {
  const dir = tempDir(prefix);
  const dataFile = path.join(dir, 'hearth.db');
  const storage = createSqliteStorage({ file: dataFile });
  const service = new CircleService({ storage, fanOut: createInProcessFanOut() });
  const db = new Database(dataFile, { readonly: true });
  const real: RealServer = {
    dataFile,
    process: await startServerProcess(dataFile, extra),
    service,
    db,
    async createCircle(init) {
      const created = await service.createCircle(init);
      const invite = await service.createInvite(init.id, { maxUses: null, expiresInMs: null });
      return { ownerToken: created.ownerToken, ownerId: created.ownerId, inviteCode: invite.code };
    },
    events: (circleId) => (db.prepare('SELECT data FROM events WHERE circle_id = ? ORDER BY seq').all(circleId) as { data: string }[]).map((r) => JSON.parse(r.data) as CircleEvent),
    messages: (circleId) => (db.prepare('SELECT data FROM messages WHERE circle_id = ? ORDER BY seq').all(circleId) as { data: string }[]).map((r) => JSON.parse(r.data) as Message),
    headSeq: (circleId) => (db.prepare('SELECT MAX(seq) AS head FROM events WHERE circle_id = ?').get(circleId) as { head: number | null }).head ?? 0,
    dataVersion: () => db.pragma('data_version', { simple: true }) as number,
    rss() {
      const status = readProc(`/proc/${real.process.child.pid}/status`);
      const match = /VmRSS:\s+(\d+) kB/.exec(status);
      return match ? Number(match[1]) * 1024 : 0;
    },
    async restart({ signal = 'SIGTERM', whileDown } = {}) {
      await real.process.kill(signal);
      whileDown?.();
      real.process = await startServerProcess(dataFile, extra);
    },
    async close() {
      await real.process.kill('SIGTERM');
      db.close();
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return real;
}

function readProc(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Faults through the proxy for the convergence runs: every kind, often enough that each seed meets several. */
export const PROXY_FAULTS: Omit<FaultOptions, 'random'> = { delay: 0.1, maxDelayMs: 30, split: 0.1, drop: 0.015, cut: 0.015, stall: 0.008, refuse: 0.1 };

/** Transport timings short enough that a dead route is noticed within a second. */
export const FAST_TRANSPORT = { pingIntervalMs: 200, silenceTimeoutMs: 800, connectTimeoutMs: 1500 };

/** A chaos backend per seed: a fresh circle on the shared server, reached through a fresh faulty proxy. */
export function proxiedBackend(real: RealServer): (seed: number) => Promise<ChaosBackend> {
  return async (seed) => {
    const circle = `chaos-${seed}`;
    const { ownerToken, inviteCode } = await real.createCircle({ id: circle, name: `Chaos ${seed}`, reactions: ['+1', 'heart'] });
    // The proxy draws from its own stream, so the clients' draws (commands, jitter) do not shift its faults.
    const proxy = await startFaultProxy(real.process.port, { random: seededRandom(seed ^ 0x5eed), ...PROXY_FAULTS });
    return {
      circle,
      ownerToken,
      inviteCode,
      transport: () => createWebSocketTransport({ url: proxy.socketUrl, WebSocket, ...FAST_TRANSPORT }),
      unleash: () => proxy.unleash(),
      heal: () => proxy.heal(),
      faults: () => ({ ...proxy.faults }),
      events: () => real.events(circle),
      messages: () => real.messages(circle),
      close: () => proxy.close(),
    };
  };
}
