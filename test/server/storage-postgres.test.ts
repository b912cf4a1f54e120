// The PostgreSQL store on a throwaway cluster (scripts/engines): the storage conformance set, plus what only
// PostgreSQL has (the migrations table, several processes migrating at once, the token table's contents).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { nanoid } from 'nanoid';
import pg from 'pg';
import { CircleService, createInProcessFanOut, hashToken, newToken, openPostgresStorage, PG_MIGRATIONS, PostgresStorage, silentLogger } from '@hearth/server';
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

  it('keeps no invite code in any table, only its hash', async () => {
    const storage = await open(await cluster.createDatabase());
    const service = new CircleService({ storage, fanOut: createInProcessFanOut() });
    const { ownerId } = await service.createCircle({ id: 'hashed', name: 'Hashed' });
    const first = await service.createInvite('hashed', { maxUses: null, expiresInMs: null });
    const created = await service.execute('hashed', ownerId, { id: nanoid(), type: 'invite.create', maxUses: 1, expiresInMs: null });
    const result = (created.ok ? created.result : {}) as { code?: string; invite?: { code?: string } };
    const second = result.code ?? result.invite?.code ?? '';
    await service.enter('hashed', { kind: 'invite', code: second, displayName: 'Joiner', acceptNorms: true }, null);
    const { rows } = await storage.pool.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'");
    for (const { name } of rows) {
      const dump = await storage.pool.query(`SELECT t::text AS row FROM ${name} t`);
      const text = JSON.stringify(dump.rows);
      for (const code of [first.code, second]) assert.ok(!text.includes(code), `table ${name} holds no invite code`);
    }
    await storage.close();
  });

  it('hashes the invite codes stored before migration 4, keeping them findable by code and naming them by id', async () => {
    const url = await cluster.createDatabase();
    const code = 'OldCodeFromBefore_hashing';
    const invite = { code, createdBy: 'owner-0001', createdAt: 2, expiresAt: null, maxUses: null, uses: 0, revoked: false };
    // A database as migrations 1 to 3 left it: the code in the invites table, in the ack and in the audit log.
    const old = new pg.Client({ connectionString: url });
    await old.connect();
    await old.query('CREATE TABLE hearth_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    for (const [i, migration] of PG_MIGRATIONS.slice(0, 3).entries()) {
      await old.query(migration);
      await old.query('INSERT INTO hearth_migrations (version) VALUES ($1)', [i + 1]);
    }
    await old.query("INSERT INTO circles (id, record, created_at) VALUES ('c', NULL, 1)");
    await old.query("INSERT INTO invites (circle_id, code, data) VALUES ('c', $1, $2)", [code, JSON.stringify(invite)]);
    await old.query("INSERT INTO applied_commands (circle_id, command_id, ack, author_id) VALUES ('c', 'command-01', $1, 'owner-0001')", [JSON.stringify({ ok: true, seq: null, result: { invite } })]);
    await old.query("INSERT INTO audit (circle_id, id, at, data) VALUES ('c', 'audit-01', 2, $1)", [JSON.stringify({ id: 'audit-01', actorId: 'owner-0001', action: 'invite.create', targetId: code, reason: null, at: 2 })]);
    await old.end();

    const storage = await open(url);
    for (const name of ['invites', 'applied_commands', 'audit']) {
      const dump = await storage.pool.query(`SELECT t::text AS row FROM ${name} t`);
      assert.ok(!JSON.stringify(dump.rows).includes(code), `table ${name} holds no invite code`);
    }
    const found = await storage.read('c', (tx) => ({ invite: tx.repo.findInviteByCode(code), audit: tx.repo.listAudit(null, 10), ack: tx.repo.getAppliedCommand('command-01') }));
    assert.ok(found.invite && /^[A-Za-z0-9_-]{8,64}$/.test(found.invite.id), 'the old code still finds its invite, which now has an id');
    assert.deepEqual({ ...found.invite, id: 'x' }, { id: 'x', createdBy: 'owner-0001', createdAt: 2, expiresAt: null, maxUses: null, uses: 0, revoked: false });
    assert.equal(found.audit[0]!.targetId, found.invite.id, 'the audit log names the invite by id');
    assert.deepEqual(found.ack, { authorId: 'owner-0001', ack: { ok: true, seq: null, result: { invite: { ...found.invite } } } }, 'the recorded ack names the invite by id');
    await storage.close();
  });

  it('rewrites the events of messages edited before migration 5 to their current words', async () => {
    const url = await cluster.createDatabase();
    const old = new pg.Client({ connectionString: url });
    await old.connect();
    await old.query('CREATE TABLE hearth_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    for (const [i, migration] of PG_MIGRATIONS.slice(0, 4).entries()) {
      await old.query(migration);
      await old.query('INSERT INTO hearth_migrations (version) VALUES ($1)', [i + 1]);
    }
    const first = { id: 'message-edited', threadId: 'thread-1', authorId: 'author-0001', body: 'words said at first', contentWarning: null, replyTo: null, createdAt: 1, editedAt: null, reactions: {}, state: 'visible', seq: 1 };
    const now = { ...first, body: 'words as they stand', editedAt: 5 };
    const event = (m: object, seq: number) => JSON.stringify({ type: 'message.upserted', message: m, at: seq, commandId: null, actorId: null, seq });
    await old.query("INSERT INTO circles (id, record, created_at, head_seq) VALUES ('c', NULL, 1, 2)");
    await old.query("INSERT INTO messages (circle_id, id, thread_id, author_id, seq, created_at, data) VALUES ('c', $1, 'thread-1', 'author-0001', 1, 1, $2)", [now.id, JSON.stringify(now)]);
    await old.query("INSERT INTO events (circle_id, seq, data) VALUES ('c', 1, $1), ('c', 2, $2)", [event(first, 1), event(now, 2)]);
    await old.end();

    const storage = await open(url);
    const events = JSON.stringify(await storage.read('c', (tx) => tx.eventsAfter(0, 10)));
    assert.ok(!events.includes('words said at first') && events.includes('words as they stand'), 'the words edited away before the migration are gone');
    await storage.close();
  });

  it('reports an unreachable database clearly', async () => {
    const url = new URL(cluster.url);
    url.port = '1';
    await assert.rejects(openPostgresStorage({ url: url.toString(), logger: silentLogger }), /cannot use the PostgreSQL database/);
  });
});
