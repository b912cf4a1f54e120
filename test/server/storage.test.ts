// The SQLite store: the storage conformance set, plus what only SQLite has (pragmas, the schema version in
// the file, the token table's contents), and the in-memory token bucket.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { rmSync } from 'node:fs';
import { createSqliteStorage, hashToken, MIGRATIONS, newToken, RateLimiter, SqliteStorage } from '@hearth/server';
import { tempDir } from './helpers.js';
import { runStorageConformance } from './storage-conformance.js';

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

runStorageConformance('SQLite', {
  open: async () => createSqliteStorage({ file: path.join(dir, `conformance-${++files}.db`) }),
  openAgain: async (storage) => createSqliteStorage({ file: (storage as SqliteStorage).db.name }),
  writerStore: (storage) => ({ kind: 'sqlite', file: (storage as SqliteStorage).db.name }),
});

describe('SQLite storage', () => {
  it('applies migrations once and opens an existing file again', async () => {
    const file = path.join(dir, 'migrate.db');
    const first = createSqliteStorage({ file });
    assert.equal(first.db.pragma('user_version', { simple: true }), MIGRATIONS.length);
    assert.equal(first.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(first.db.pragma('synchronous', { simple: true }), 2, 'synchronous = FULL');
    await first.create('kept', { ssoSecret: null, allowedOrigins: [] }, 1, () => {});
    await first.close();
    const second = createSqliteStorage({ file });
    assert.equal(await second.read('kept', (tx) => tx.headSeq()), 0, 'data survives reopening');
    await second.close();
  });

  it('refuses a data file from a newer server', async () => {
    const file = path.join(dir, 'newer.db');
    const storage = createSqliteStorage({ file });
    storage.db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    await storage.close();
    assert.throws(() => createSqliteStorage({ file }), /newer than this server/);
  });

  it('keeps only token hashes', async () => {
    const storage = createSqliteStorage({ file: path.join(dir, 'tokens.db') });
    const token = newToken();
    assert.equal(token.length, 32);
    await storage.create('t', { ssoSecret: null, allowedOrigins: [] }, 1, (tx) => tx.putToken(hashToken(token), { circleId: 't', memberId: 'member-001', requestId: null }, 1));
    const rows = storage.db.prepare('SELECT * FROM tokens').all() as Record<string, unknown>[];
    assert.equal(rows.length, 1);
    assert.ok(!JSON.stringify(rows).includes(token), 'the token itself is not stored');
    await storage.close();
  });
});

describe('token bucket', () => {
  it('allows a burst, then refuses with the wait, and refills over time', () => {
    let now = 0;
    const limiter = new RateLimiter({ capacity: 3, refillPerSecond: 2 }, () => now);
    assert.deepEqual([limiter.take('a'), limiter.take('a'), limiter.take('a')], [0, 0, 0]);
    assert.equal(limiter.take('a'), 500, 'half a second until the next token');
    assert.equal(limiter.take('b'), 0, 'another key has its own bucket');
    limiter.refund('a');
    assert.equal(limiter.take('a'), 0, 'a refunded token can be taken again');
    now += 500;
    assert.equal(limiter.take('a'), 0);
    now += 10_000;
    limiter.sweep();
    assert.equal(limiter.size, 0, 'full buckets are forgotten');
  });
});
