// The WebSocket transport against a real `hearth-server` process on 127.0.0.1, through core's conformance suite.
import { describe, it, before, after } from 'node:test';
import path from 'node:path';
import { rmSync } from 'node:fs';
import { WebSocket } from 'ws';
import { runTransportConformance, type ConformanceBackend } from '@hearth/core/testing';
import { createWebSocketTransport } from '@hearth/transport-websocket';
import { CircleService, createInProcessFanOut, createSqliteStorage, openPostgresStorage, silentLogger } from '@hearth/server';
import { startBalancer, startHearthProcesses, startThrowawayNats, startThrowawayPostgres } from '../../scripts/engines/index.js';
import { tempDir } from '../server/helpers.js';
import { startServerProcess } from '../server/process.js';

runTransportConformance({
  name: 'WebSocket transport + hearth-server process',
  describe,
  it,
  before,
  after,
  async setup(): Promise<ConformanceBackend> {
    const dir = tempDir('hearth-conformance-');
    const dataFile = path.join(dir, 'hearth.db');
    // The suite posts bursts on purpose; the limits themselves are tested in test/server.
    const server = await startServerProcess(dataFile, ['--rate-member', '1000/1000', '--rate-ip', '10000/10000']);
    // Circles are created through the service on the same data file, as `hearth-server circle create` does.
    const storage = createSqliteStorage({ file: dataFile });
    const service = new CircleService({ storage, fanOut: createInProcessFanOut() });
    let n = 0;
    return {
      async createCircle() {
        const id = `conformance-${++n}`;
        const created = await service.createCircle({ id, name: `Conformance ${n}` });
        const invite = await service.createInvite(id, { maxUses: null, expiresInMs: null });
        return { circle: id, owner: { kind: 'token', token: created.ownerToken }, inviteCode: invite.code };
      },
      createTransport: () => createWebSocketTransport({ url: server.socketUrl, WebSocket }),
      async close() {
        await storage.close();
        await server.kill('SIGTERM');
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});

// The same suite against two processes sharing PostgreSQL and NATS, behind a round-robin balancer: every
// reconnect of the suite may land on the other process, so resume and idempotent resend cross processes.
runTransportConformance({
  name: 'WebSocket transport + two hearth-server processes on PostgreSQL and NATS',
  describe,
  it,
  before,
  after,
  async setup(): Promise<ConformanceBackend> {
    const pg = await startThrowawayPostgres();
    const nats = await startThrowawayNats();
    const database = await pg.createDatabase();
    const servers = await startHearthProcesses(2, { database, nats: nats.url, args: ['--rate-member', '1000/1000', '--rate-ip', '10000/10000'] });
    const balancer = await startBalancer(servers.map((s) => ({ port: s.port })));
    const storage = await openPostgresStorage({ url: database, logger: silentLogger });
    const service = new CircleService({ storage, fanOut: createInProcessFanOut() });
    let n = 0;
    return {
      async createCircle() {
        const id = `conformance-${++n}`;
        const created = await service.createCircle({ id, name: `Conformance ${n}` });
        const invite = await service.createInvite(id, { maxUses: null, expiresInMs: null });
        return { circle: id, owner: { kind: 'token', token: created.ownerToken }, inviteCode: invite.code };
      },
      createTransport: () => createWebSocketTransport({ url: balancer.url, WebSocket }),
      async close() {
        await balancer.close();
        for (const server of servers) await server.kill('SIGTERM');
        await storage.close();
        await nats.stop();
        await pg.stop();
      },
    };
  },
});
