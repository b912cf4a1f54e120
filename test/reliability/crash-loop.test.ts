// Crash safety under load: core clients (WebSocket transport, durable outbox) keep issuing a random mix of
// commands while the server process is killed with SIGKILL at random moments and started again on the same
// data file, 20 times in one run. After the last restart every client must hold exactly what the server
// stored, every acknowledged command must be there and applied once, and the data file must pass SQLite's
// integrity check after every kill. The scenario and its checks are test/chaos/converge.ts's.
//
// Clients reach the server through a fault proxy that injects nothing: it only keeps one address while the
// server comes back on a new port, as a load balancer would. `CRASH_SEED=s` reruns one seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { WebSocket } from 'ws';
import { seededRandom } from '@hearth/core/testing';
import { createWebSocketTransport } from '@hearth/transport-websocket';
import { chaosRun, type ChaosBackend } from '../chaos/converge.js';
import { FAST_TRANSPORT, startRealServer, type RealServer } from './server-backend.js';
import { startFaultProxy } from '../support/fault-proxy.js';

const KILLS = 20;
const seed = Number(process.env.CRASH_SEED ?? 1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A backend whose `unleash` starts the kill loop and whose `heal` waits for it to finish. */
async function crashingBackend(real: RealServer, integrity: string[]): Promise<ChaosBackend & { killing: () => boolean }> {
  const circle = `crash-${seed}`;
  const { ownerToken, inviteCode } = await real.createCircle({ id: circle, name: 'Crash loop', reactions: ['+1', 'heart'] });
  const proxy = await startFaultProxy(real.process.port, { random: () => 1 });
  const random = seededRandom(seed ^ 0xdead);
  let kills = 0;
  let loop: Promise<void> | null = null;
  const killLoop = async () => {
    while (kills < KILLS) {
      // A random moment while clients are busy: from just after the last restart to most of a second later.
      await sleep(50 + random() * 700);
      await real.restart({
        signal: 'SIGKILL',
        whileDown: () => {
          kills++;
          // What a restarted server (or an operator) opens must be a sound database, WAL recovered.
          const check = new Database(real.dataFile);
          integrity.push(String(check.pragma('integrity_check', { simple: true })));
          check.close();
        },
      });
      proxy.retarget(real.process.port);
    }
  };
  return {
    circle,
    ownerToken,
    inviteCode,
    transport: () => createWebSocketTransport({ url: proxy.socketUrl, WebSocket, ...FAST_TRANSPORT }),
    unleash: () => void (loop = killLoop()),
    heal: () => loop ?? undefined,
    killing: () => loop !== null && kills < KILLS,
    faults: () => ({ kills }),
    events: () => real.events(circle),
    messages: () => real.messages(circle),
    close: () => proxy.close(),
  };
}

test(`SIGKILL ${KILLS} times under load: nothing acknowledged lost, nothing applied twice, the file opens clean`, { timeout: 10 * 60 * 1000 }, async (t) => {
  const real = await startRealServer(undefined, 'hearth-crash-loop-');
  try {
    const integrity: string[] = [];
    let backend: Awaited<ReturnType<typeof crashingBackend>> | undefined;
    const started = Date.now();
    const result = await chaosRun(seed, {
      clients: 4,
      commandsPerClient: 40,
      pauseMs: 40,
      backend: async () => (backend = await crashingBackend(real, integrity)),
      // Clients stay busy until the last kill, so every kill lands under load.
      keepWorking: () => backend!.killing(),
      settleMs: 5 * 60 * 1000,
      convergeMs: 30_000,
    });
    const messages = real.messages(`crash-${seed}`).length;
    t.diagnostic(`seed ${seed}: ${result.faults.kills} kills, ${result.commands} commands, ${messages} messages stored, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    assert.equal(result.faults.kills, KILLS);
    assert.deepEqual(result.problems, [], `seed ${seed} failed — rerun with CRASH_SEED=${seed}`);
    assert.deepEqual(integrity, Array(KILLS).fill('ok'), 'the data file passes the integrity check after every kill');
  } finally {
    await real.close();
  }
});
