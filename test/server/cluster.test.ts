// Several server processes sharing circles: three `hearth-server` processes on one PostgreSQL and one NATS
// (throwaway, from scripts/engines), behind a round-robin TCP load balancer. Real core clients over the
// WebSocket transport, spread across the processes, post concurrently; every client ends with the same
// state; a process killed (SIGKILL) or drained (SIGTERM) hands its clients to the others with no loss; a NATS
// outage delays fan-out but loses nothing; a member's command budget holds across processes.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { nanoid } from 'nanoid';
import { createCircleClient, memoryStorage, type CircleClient } from '@hearth/core';
import { createWebSocketTransport } from '@hearth/transport-websocket';
import {
  CircleService, connectNatsFanOut, createHearthServer, openPostgresStorage, runCli as runHearthCli, silentLogger,
  type HearthServer, type NatsFanOut, type PostgresStorage,
} from '@hearth/server';
import type { Message } from '@hearth/protocol';
import {
  startBalancer, startHearthProcesses, startThrowawayNats, startThrowawayPostgres,
  type Balancer, type HearthProcess, type ThrowawayNats, type ThrowawayPostgres,
} from '../../scripts/engines/index.js';
import { RawClient, sleep } from './helpers.js';

/** A CLI command in this process, as an operator would run it beside the servers. */
async function runCli(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await runHearthCli(args, { out: (text) => void (stdout += text), err: (text) => void (stderr += text) });
  return { status, stdout, stderr };
}

type SocketConstructor = NonNullable<Parameters<typeof createWebSocketTransport>[0]['WebSocket']>;

let pg: ThrowawayPostgres;
let nats: ThrowawayNats;
let database: string;
let storage: PostgresStorage;
let fanOut: NatsFanOut;
let admin: CircleService;
let processes: HearthProcess[] = [];
let balancer: Balancer;
const clients: CircleClient[] = [];
const inProcess: HearthServer[] = [];

before(async () => {
  pg = await startThrowawayPostgres();
  nats = await startThrowawayNats();
  database = await pg.createDatabase();
  // Administration runs beside the servers on the same database and NATS, as `hearth-server circle create
  // --database … --nats …` does.
  storage = await openPostgresStorage({ url: database, logger: silentLogger });
  fanOut = await connectNatsFanOut({ servers: nats.url, logger: silentLogger });
  admin = new CircleService({ storage, fanOut });
  processes = await startHearthProcesses(3, {
    database,
    nats: nats.url,
    // Bursts on purpose; the limits are tested below and in abuse.test.ts.
    args: ['--rate-member', '1000/1000', '--rate-ip', '100000/100000', '--drain-timeout-ms', '5000', '--metrics', 'on'],
  });
  balancer = await startBalancer(processes.map((p) => ({ port: p.port })));
});

after(async () => {
  for (const client of clients) client.dispose();
  await balancer?.close();
  for (const server of inProcess) await server.close();
  for (const p of processes) await p.kill('SIGKILL');
  await fanOut?.close();
  await storage?.close();
  await nats?.stop().catch(() => {});
  await pg?.stop();
});

/** A core client through the load balancer, joined and connected. */
async function joinThroughBalancer(circle: string, inviteCode: string, name: string): Promise<CircleClient> {
  const client = createCircleClient({
    transport: createWebSocketTransport({ url: balancer.url, WebSocket: WebSocket as unknown as SocketConstructor }),
    circle,
    storage: memoryStorage(),
  });
  clients.push(client);
  await client.join({ kind: 'invite', code: inviteCode, displayName: name, acceptNorms: true });
  return client;
}

/** Confirmed messages of a thread as the client holds them, in feed order. */
function confirmed(client: CircleClient, threadId: string): Message[] {
  const view = client.getSnapshot().threads[threadId];
  return (view?.messages ?? []).filter((m) => !m.pending);
}

/** Resolves with `promise`, or fails naming `what` (and what the processes logged) when it takes too long. */
async function within<T>(what: string, promise: Promise<T>, timeoutMs = 20_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}\n${processes.map((p) => `--- ${p.port}\n${p.output().slice(-2000)}`).join('\n')}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Every client holds exactly the stored thread: same messages, same order, each once. */
async function assertConverged(circleId: string, threadId: string, group: CircleClient[], expectedIds: Set<string>): Promise<void> {
  await until('every client to hold every message', () => group.every((c) => confirmed(c, threadId).length >= expectedIds.size));
  const page = await storage.read(circleId, (tx) => tx.historyPage(threadId, null, 10_000));
  const storedIds = page.messages.map((m) => m.id);
  assert.deepEqual(new Set(storedIds), expectedIds, 'the store holds every acknowledged post');
  assert.equal(storedIds.length, expectedIds.size, 'each post stored once');
  const seqs = page.messages.map((m) => m.seq);
  assert.ok(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!), 'feed order is seq order');
  for (const [n, client] of group.entries()) {
    assert.deepEqual(confirmed(client, threadId).map((m) => m.id), storedIds, `client ${n} holds the same feed as the store`);
  }
  const events = await storage.read(circleId, (tx) => ({ head: tx.headSeq(), seqs: tx.eventsAfter(0, 100_000).map((e) => e.seq) }));
  assert.deepEqual(events.seqs, Array.from({ length: events.head }, (_, i) => i + 1), 'the circle log has no gap and no duplicate');
}

/** Which process (by port) each client's connection went to, as the balancer assigned them. */
async function connectionsPerProcess(): Promise<number[]> {
  return Promise.all(
    processes.map(async (p) => {
      if (p.child.exitCode !== null || p.child.signalCode !== null) return 0;
      const text = await (await fetch(`${p.url}/metrics`)).text();
      return Number(/^hearth_connections (\d+)/m.exec(text)?.[1] ?? NaN);
    }),
  );
}

describe('three server processes on one PostgreSQL and one NATS', { timeout: 180_000 }, () => {
  let circleId: string;
  let threadId: string;
  let group: CircleClient[] = [];
  const posted = new Set<string>();

  before(async () => {
    circleId = 'shared';
    await admin.createCircle({ id: circleId, name: 'Shared' });
    const invite = await admin.createInvite(circleId, { maxUses: null, expiresInMs: null });
    group = [];
    for (let n = 0; n < 9; n++) group.push(await joinThroughBalancer(circleId, invite.code, `Reader ${n}`));
    threadId = nanoid();
    await group[0]!.command({ type: 'thread.create', threadId, title: 'Everyone' });
    await until('the thread to reach every client', () => group.every((c) => c.getSnapshot().threads[threadId]));
    for (const client of group) await client.loadOlder(threadId);
  });

  it('spreads clients over the processes; concurrent posts reach everyone, and every client ends with the same state', async () => {
    assert.deepEqual(await connectionsPerProcess(), [3, 3, 3], 'the balancer spread the nine clients evenly');
    const rounds = 8;
    await Promise.all(
      group.map(async (client, n) => {
        for (let i = 0; i < rounds; i++) posted.add(await client.post({ threadId }, `client ${n} post ${i}`));
      }),
    );
    assert.equal(posted.size, group.length * rounds);
    await assertConverged(circleId, threadId, group, posted);
    for (const p of processes) {
      const text = await (await fetch(`${p.url}/metrics`)).text();
      const delivered = Number(/^hearth_fanout_latency_seconds_count (\d+)/m.exec(text)?.[1] ?? 0);
      assert.ok(delivered >= group.length * rounds, `process ${p.port} delivered events published by the others (${delivered})`);
    }
  });

  it('lets the CLI administer the shared database, and its changes reach connected members at once through NATS', async () => {
    const listed = await runCli(['member', 'list', '--circle', circleId, '--database', database]);
    assert.equal(listed.status, 0, listed.stderr);
    const members = JSON.parse(listed.stdout) as { id: string; displayName: string }[];
    assert.equal(members.length, group.length + 1, 'the owner and the nine readers');
    const reader = members.find((m) => m.displayName === 'Reader 4')!;
    const changed = await runCli(['member', 'role', '--circle', circleId, `--member=${reader.id}`, '--role', 'moderator', '--database', database, '--nats', nats.url]);
    assert.equal(changed.status, 0, changed.stderr);
    await until('every client to see the new moderator', () => group.every((c) => c.getSnapshot().members[reader.id]?.role === 'moderator'), 5000);
  });

  it('moves the clients of a killed process (SIGKILL) and of a drained one (SIGTERM) to the others with no loss', async () => {
    const [, crashed, drained] = processes;
    let stop = false;
    const writers = group.map(async (client, n) => {
      for (let i = 0; !stop; i++) {
        posted.add(await client.post({ threadId }, `client ${n} during failover ${i}`));
        await sleep(10);
      }
    });
    await sleep(300);
    await crashed!.kill('SIGKILL');
    await sleep(500);
    // Graceful: readiness turns 503, commands in flight are answered, then sockets close with 1001.
    const drainedExit = new Promise<number | null>((resolve) => drained!.child.once('exit', (code) => resolve(code)));
    drained!.child.kill('SIGTERM');
    assert.equal(await drainedExit, 0, 'a drained process exits cleanly');
    await sleep(500);
    stop = true;
    await within('every writer to have its posts acknowledged', Promise.all(writers), 30_000);
    assert.ok(group.every((c) => c.getSnapshot().status === 'connected'), 'every client is connected again');
    assert.deepEqual((await connectionsPerProcess())[0], group.length, 'all clients now on the remaining process');
    assert.ok(group.every((c) => c.getSnapshot().pendingCount === 0), 'nothing left unsent');
    await assertConverged(circleId, threadId, group, posted);
  });

  it('keeps going through a NATS outage: readiness says so, posts still commit, everyone catches up after', async () => {
    const survivor = processes[0]!;
    const [second] = await startHearthProcesses(1, { database, nats: nats.url, args: ['--rate-member', '1000/1000', '--rate-ip', '100000/100000', '--metrics', 'on'] });
    processes.push(second!);
    const onSecond = createCircleClient({
      transport: createWebSocketTransport({ url: second!.url, WebSocket: WebSocket as unknown as SocketConstructor }),
      circle: circleId,
      storage: memoryStorage(),
    });
    clients.push(onSecond);
    const invite = await admin.createInvite(circleId, { maxUses: 1, expiresInMs: null });
    await onSecond.join({ kind: 'invite', code: invite.code, displayName: 'Late reader', acceptNorms: true });
    while (await onSecond.loadOlder(threadId, 200));
    const everyone = [...group, onSecond];

    await nats.stop();
    const deadline = Date.now() + 10_000;
    let ready = await fetch(`${survivor.url}/readyz`);
    while (ready.status === 200 && Date.now() < deadline) {
      await sleep(50);
      ready = await fetch(`${survivor.url}/readyz`);
    }
    assert.equal(ready.status, 503, 'not ready without the broker');
    assert.equal(((await ready.json()) as { checks: { broker: string } }).checks.broker, 'unavailable');

    // Posts on both processes commit while NATS is down.
    posted.add(await within('a post on the first process during the outage', group[0]!.post({ threadId }, 'during the outage, first process')));
    posted.add(await within('a post on the second process during the outage', onSecond.post({ threadId }, 'during the outage, second process')));

    await nats.start();
    await assertConverged(circleId, threadId, everyone, posted);
    assert.equal((await fetch(`${survivor.url}/readyz`)).status, 200, 'ready again once NATS is back');
  });
});

describe('limits across processes', () => {
  it("holds a member's command budget across the processes they are connected to", async () => {
    // Two servers in this process on the same store: the budget lives in PostgreSQL, not in either server.
    for (let n = 0; n < 2; n++) {
      inProcess.push(
        await createHearthServer({ database, nats: nats.url, port: 0, logger: silentLogger, metrics: false, rateLimits: { member: { capacity: 5, refillPerSecond: 0.001 } } }),
      );
    }
    const { ownerToken } = await admin.createCircle({ id: 'budget', name: 'Budget' });
    const threadId = nanoid();
    const sockets = await Promise.all(inProcess.map((s) => RawClient.open(s.socketUrl)));
    for (const socket of sockets) await socket.hello('budget', { kind: 'token', token: ownerToken });
    const acks = [];
    for (let i = 0; i < 4; i++) {
      for (const socket of sockets) acks.push(await socket.command({ type: 'thread.create', threadId: i === 0 && socket === sockets[0] ? threadId : nanoid(), title: `T${i}` }));
    }
    const ok = acks.filter((a) => a.ok).length;
    const limited = acks.filter((a) => !a.ok && a.error.code === 'rate_limited');
    assert.equal(ok, 5, 'five commands in all, not five per process');
    assert.equal(limited.length, 3);
    assert.ok(limited.every((a) => !a.ok && a.error.retryAfterMs! > 0), 'refusals say when to retry');
    for (const socket of sockets) socket.close();
  });
});
