// The PostgreSQL store on a throwaway cluster (scripts/engines): the storage conformance set, plus what only
// PostgreSQL has (the migrations table, several processes migrating at once, the token table's contents).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { hashToken, newToken, openPostgresStorage, PG_MIGRATIONS, PostgresStorage, silentLogger } from '@hearth/server';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../../scripts/engines/index.js';
import { runStorageConformance } from './storage-conformance.js';

let cluster: ThrowawayPostgres;
before(async () => {
  cluster = await startThrowawayPostgres();
});
after(async () => {
  await cluster?.stop();
});

const urls = new WeakMap<PostgresStorage, string>();
const open = async (url: string) => {
  const storage = await openPostgresStorage({ url, logger: silentLogger });
  urls.set(storage, url);
  return storage;
};

runStorageConformance('PostgreSQL', {
  open: async () => open(await cluster.createDatabase()),
  openAgain: async (storage) => open(urls.get(storage as PostgresStorage)!),
  writerStore: (storage) => ({ kind: 'postgres', url: urls.get(storage as PostgresStorage)! }),
});

describe('PostgreSQL storage', () => {
  it('migrates once, even when several processes start together, and refuses a newer schema', async () => {
    const url = await cluster.createDatabase();
    const together = await Promise.all([open(url), open(url), open(url)]);
    const { rows } = await together[0]!.pool.query<{ version: number }>('SELECT version FROM hearth_migrations ORDER BY version');
    assert.deepEqual(rows.map((r) => r.version), PG_MIGRATIONS.map((_, i) => i + 1));
    await together[0]!.pool.query('INSERT INTO hearth_migrations (version) VALUES ($1)', [PG_MIGRATIONS.length + 1]);
    for (const storage of together) await storage.close();
    await assert.rejects(openPostgresStorage({ url, logger: silentLogger }), /newer than this server/);
  });

  it('keeps only token hashes, and stores origins normalized', async () => {
    const storage = await open(await cluster.createDatabase());
    const token = newToken();
    await storage.create('t', { ssoSecret: null, allowedOrigins: ['HTTPS://Blog.Example:443/path'] }, 1, (tx) =>
      tx.putToken(hashToken(token), { circleId: 't', memberId: 'member-001', requestId: null }, 1),
    );
    const { rows } = await storage.pool.query('SELECT * FROM tokens');
    assert.equal(rows.length, 1);
    assert.ok(!JSON.stringify(rows).includes(token), 'the token itself is not stored');
    const circles = await storage.pool.query<{ allowed_origins: string[] }>('SELECT allowed_origins FROM circles');
    assert.deepEqual(circles.rows[0]!.allowed_origins, ['https://blog.example']);
    await storage.close();
  });

  it('reports an unreachable database clearly', async () => {
    const url = new URL(cluster.url);
    url.port = '1';
    await assert.rejects(openPostgresStorage({ url: url.toString(), logger: silentLogger }), /cannot use the PostgreSQL database/);
  });
});
