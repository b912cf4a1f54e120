// The SQLite store: the storage conformance set, plus what only SQLite has (pragmas, the schema version in
// the file, the token table's contents), and the in-memory token bucket.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Message } from '@hearth/protocol';
import { CircleService, createInProcessFanOut, createSqliteStorage, hashToken, MIGRATIONS, newToken, RateLimiter, SqliteStorage } from '@hearth/server';
import { tempDir } from './helpers.js';
import { runStorageConformance } from './storage-conformance.js';

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

function message(id: string, threadId: string, seq: number): Message {
  return { id, threadId, authorId: 'author-0001', body: `body ${seq}`, contentWarning: null, replyTo: null, createdAt: 1000 + seq, editedAt: null, reactions: {}, state: 'visible', seq };
}

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

  it('redacts the messages deleted before migration 3 from its events', async () => {
    const file = path.join(dir, 'redact.db');
    const upserted = (m: Message, seq: number) => ({ type: 'message.upserted' as const, message: m, at: seq, commandId: null, actorId: null, seq });
    const tombstone = (m: Message): Message => ({ ...m, body: '', state: 'deleted', reactions: {} });
    // A data file as migrations 1 and 2 left it, holding a message deleted back then: its first event kept the words.
    const old = new Database(file);
    old.exec(MIGRATIONS[0]!);
    old.exec(MIGRATIONS[1]!);
    old.pragma('user_version = 2');
    const early = { ...message('message-early', 'thread-1', 1), body: 'words from before' };
    const kept = { ...message('message-kept', 'thread-1', 2), body: 'words still here' };
    old.prepare('INSERT INTO circles (id, record, allowed_origins, created_at) VALUES (?, NULL, ?, 1)').run('c', '[]');
    for (const [m, stored] of [[early, tombstone(early)], [kept, kept]] as const) {
      old.prepare('INSERT INTO messages (circle_id, id, thread_id, author_id, seq, created_at, data) VALUES (?, ?, ?, ?, ?, ?, ?)').run('c', m.id, m.threadId, m.authorId, m.seq, m.createdAt, JSON.stringify(stored));
    }
    old.prepare('INSERT INTO events (circle_id, seq, data) VALUES (?, ?, ?)').run('c', 1, JSON.stringify(upserted(early, 1)));
    old.prepare('INSERT INTO events (circle_id, seq, data) VALUES (?, ?, ?)').run('c', 2, JSON.stringify(upserted(kept, 2)));
    old.prepare('INSERT INTO events (circle_id, seq, data) VALUES (?, ?, ?)').run('c', 3, JSON.stringify(upserted(tombstone(early), 3)));
    old.close();

    const storage = createSqliteStorage({ file });
    const raw = (storage.db.prepare('SELECT data FROM events').all() as { data: string }[]).map((r) => r.data).join('\n');
    assert.ok(!raw.includes('words from before'), 'the words deleted before the migration are gone');
    assert.ok(raw.includes('words still here'), 'other messages keep theirs');
    await storage.close();
  });

  it('rewrites the events of messages edited before migration 6 to their current words', async () => {
    const file = path.join(dir, 'edited.db');
    const upserted = (m: Message, seq: number) => ({ type: 'message.upserted' as const, message: m, at: seq, commandId: null, actorId: null, seq });
    const old = new Database(file);
    old.function('hearth_invite_hash', (_code: unknown) => null);
    for (const migration of MIGRATIONS.slice(0, 5)) old.exec(migration);
    old.pragma('user_version = 5');
    const first = { ...message('message-edited', 'thread-1', 1), body: 'words said at first' };
    const now = { ...first, body: 'words as they stand', editedAt: 5000 };
    const kept = { ...message('message-kept', 'thread-1', 2), body: 'words never edited' };
    old.prepare('INSERT INTO circles (id, record, allowed_origins, created_at) VALUES (?, NULL, ?, 1)').run('c', '[]');
    for (const m of [now, kept]) {
      old.prepare('INSERT INTO messages (circle_id, id, thread_id, author_id, seq, created_at, data) VALUES (?, ?, ?, ?, ?, ?, ?)').run('c', m.id, m.threadId, m.authorId, m.seq, m.createdAt, JSON.stringify(m));
    }
    for (const [seq, m] of [[1, first], [2, kept], [3, now]] as const) old.prepare('INSERT INTO events (circle_id, seq, data) VALUES (?, ?, ?)').run('c', seq, JSON.stringify(upserted(m, seq)));
    old.close();

    const storage = createSqliteStorage({ file });
    const raw = (storage.db.prepare('SELECT data FROM events ORDER BY seq').all() as { data: string }[]).map((r) => r.data).join('\n');
    assert.ok(!raw.includes('words said at first'), 'the words edited away before the migration are gone');
    assert.ok(raw.includes('words as they stand') && raw.includes('words never edited'));
    await storage.close();
  });

  it('hashes the invite codes stored before migration 5, and leaves no copy of them in the file or its WAL', async () => {
    const file = path.join(dir, 'invites.db');
    const code = 'OldCodeFromBefore_hashing';
    const circle = { id: 'c', name: 'C', description: '', norms: 'Be kind.', access: 'invite', memberCap: 150, reactions: ['👍'], settings: { slowModeSeconds: 0, pseudonymsAllowed: true } };
    const owner = { id: 'owner-0001', displayName: 'Owner', role: 'owner', flair: null, state: 'active', mutedUntil: null, joinedAt: 1 };
    const invite = { code, createdBy: owner.id, createdAt: 2, expiresAt: null, maxUses: null, uses: 0, revoked: false };
    // A data file as migrations 1 to 4 left it: the code in the invites table, in the ack and in the audit log.
    const old = new Database(file);
    for (const migration of MIGRATIONS.slice(0, 4)) old.exec(migration);
    old.pragma('user_version = 4');
    old.prepare('INSERT INTO circles (id, record, allowed_origins, created_at) VALUES (?, ?, ?, 1)').run('c', JSON.stringify({ circle, wordFilter: { banned: [], suspect: [] } }), '[]');
    old.prepare('INSERT INTO members (circle_id, id, banned, data) VALUES (?, ?, 0, ?)').run('c', owner.id, JSON.stringify(owner));
    old.prepare('INSERT INTO invites (circle_id, code, data) VALUES (?, ?, ?)').run('c', code, JSON.stringify(invite));
    old.prepare('INSERT INTO applied_commands (circle_id, command_id, ack, author_id) VALUES (?, ?, ?, ?)').run('c', 'command-01', JSON.stringify({ ok: true, seq: null, result: { invite } }), owner.id);
    old.prepare('INSERT INTO audit (circle_id, id, at, data) VALUES (?, ?, ?, ?)').run('c', 'audit-01', 2, JSON.stringify({ id: 'audit-01', actorId: owner.id, action: 'invite.create', targetId: code, reason: null, at: 2 }));
    old.close();

    const storage = createSqliteStorage({ file });
    const bytes = Buffer.concat([file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
    assert.equal(bytes.indexOf(code), -1, 'no byte of the file or its WAL holds the old code');
    const found = await storage.read('c', (tx) => ({
      invite: tx.repo.findInviteByCode(code),
      audit: tx.repo.listAudit(null, 10),
      ack: tx.repo.getAppliedCommand('command-01'),
    }));
    assert.ok(found.invite && /^[A-Za-z0-9_-]{8,64}$/.test(found.invite.id), 'the old code still finds its invite, which now has an id');
    assert.deepEqual({ ...found.invite, id: 'x' }, { id: 'x', createdBy: owner.id, createdAt: 2, expiresAt: null, maxUses: null, uses: 0, revoked: false });
    assert.equal(found.audit[0]!.targetId, found.invite.id, 'the audit log names the invite by id');
    assert.equal(found.ack?.authorId, owner.id);
    assert.equal((found.ack!.ack as { result: { invite: { id: string; code?: string } } }).result.invite.id, found.invite.id);
    assert.equal('code' in (found.ack!.ack as { result: { invite: object } }).result.invite, false, 'the recorded ack names the invite by id');
    const service = new CircleService({ storage, fanOut: createInProcessFanOut() });
    const entry = await service.enter('c', { kind: 'invite', code, displayName: 'Reader', acceptNorms: true }, null);
    assert.equal(entry.member.displayName, 'Reader', 'the old code still admits');
    await storage.close();
  });

  it('commits the writes of one event-loop turn together, each once, each settled only after the commit', async () => {
    const file = path.join(dir, 'group.db');
    const storage = createSqliteStorage({ file });
    await storage.create('g', { ssoSecret: null, allowedOrigins: [] }, 1, () => {});
    const other = new Database(file, { readonly: true });
    const runs = new Map<number, number>();
    const seenByOther: boolean[] = [];
    const writes = Array.from({ length: 50 }, (_, i) =>
      storage
        .write('g', (tx) => {
          runs.set(i, (runs.get(i) ?? 0) + 1);
          tx.repo.putMessage(message(`message-${String(i).padStart(3, '0')}`, 'thread-1', i + 1));
          if (i === 7) throw new Error('this one fails');
          return i;
        })
        .then((value) => {
          // Acknowledged only once another connection (another process, a restart) can read it.
          seenByOther.push(!!other.prepare('SELECT 1 FROM messages WHERE id = ?').get(`message-${String(i).padStart(3, '0')}`));
          return value;
        }),
    );
    const settled = await Promise.allSettled(writes);
    assert.deepEqual(settled.map((s) => s.status), settled.map((_, i) => (i === 7 ? 'rejected' : 'fulfilled')));
    assert.deepEqual([...runs.values()], Array(50).fill(1), 'each work ran once');
    assert.deepEqual(seenByOther, Array(49).fill(true), 'every acknowledged write was already committed');
    const stored = await storage.read('g', (tx) => tx.allMessages().map((m) => m.id));
    assert.equal(stored.length, 49);
    assert.ok(!stored.includes('message-007'), 'the failed write took back only its own changes');
    other.close();
    await storage.close();
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
