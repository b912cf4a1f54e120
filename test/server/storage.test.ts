// The SQLite store on its own: migrations, seq allocation, transactions that roll back, history paging, tokens.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Message } from '@hearth/protocol';
import { createSqliteStorage, hashToken, MIGRATIONS, newToken, RateLimiter } from '@hearth/server';
import { tempDir } from './helpers.js';

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));

function message(id: string, threadId: string, seq: number): Message {
  return { id, threadId, authorId: 'author-0001', body: `body ${seq}`, contentWarning: null, replyTo: null, createdAt: 1000 + seq, editedAt: null, reactions: {}, state: 'visible', seq };
}

describe('SQLite storage', () => {
  it('applies migrations once and opens an existing file again', () => {
    const file = path.join(dir, 'migrate.db');
    const first = createSqliteStorage({ file });
    assert.equal(first.db.pragma('user_version', { simple: true }), MIGRATIONS.length);
    assert.equal(first.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(first.db.pragma('synchronous', { simple: true }), 2, 'synchronous = FULL');
    first.createCircleShell('kept', { ssoSecret: null, allowedOrigins: [] }, 1);
    first.close();
    const second = createSqliteStorage({ file });
    assert.ok(second.repository('kept'), 'data survives reopening');
    second.close();
  });

  it('keeps no trace of a deleted message’s words, in new deletions and in those made before migration 2', () => {
    const file = path.join(dir, 'redact.db');
    const upserted = (m: Message, seq: number) => ({ type: 'message.upserted' as const, message: m, at: seq, commandId: null, actorId: null, seq });
    const tombstone = (m: Message): Message => ({ ...m, body: '', state: 'deleted', reactions: {} });
    // A data file as migration 1 left it, holding a message deleted back then: its first event kept the words.
    const old = new Database(file);
    old.exec(MIGRATIONS[0]!);
    old.pragma('user_version = 1');
    const early = message('message-early', 'thread-1', 1);
    old.prepare('INSERT INTO circles (id, record, allowed_origins, created_at) VALUES (?, NULL, ?, 1)').run('c', '[]');
    old.prepare('INSERT INTO messages (circle_id, id, thread_id, author_id, seq, created_at, data) VALUES (?, ?, ?, ?, ?, ?, ?)').run('c', early.id, early.threadId, early.authorId, 1, 1, JSON.stringify(tombstone(early)));
    old.prepare('INSERT INTO events (circle_id, seq, data) VALUES (?, ?, ?)').run('c', 1, JSON.stringify(upserted(early, 1)));
    old.prepare('INSERT INTO events (circle_id, seq, data) VALUES (?, ?, ?)').run('c', 2, JSON.stringify(upserted(tombstone(early), 2)));
    old.close();

    const storage = createSqliteStorage({ file });
    const repo = storage.repository('c')!;
    const later = message('message-later', 'thread-1', 3);
    const kept = message('message-kept', 'thread-1', 4);
    storage.transaction(() => {
      for (const m of [later, kept]) {
        repo.putMessage(m);
        repo.appendEvent(upserted(m, 0));
      }
      repo.putMessage(tombstone(later));
      repo.appendEvent(upserted(tombstone(later), 0));
    });
    const raw = (storage.db.prepare('SELECT data FROM events').all() as { data: string }[]).map((r) => r.data).join('\n');
    assert.ok(!raw.includes('body 1'), 'the words deleted before the migration are gone');
    assert.ok(!raw.includes('body 3'), 'the words deleted now are gone');
    assert.ok(raw.includes('body 4'), 'other messages keep theirs');
    assert.deepEqual(storage.eventsAfter('c', 0, 10).map((e) => (e.type === 'message.upserted' ? `${e.message.id}:${e.message.state}` : e.type)), [
      'message-early:deleted', 'message-early:deleted', 'message-later:deleted', 'message-kept:visible', 'message-later:deleted',
    ]);
    storage.close();
  });

  it('refuses a data file from a newer server', () => {
    const file = path.join(dir, 'newer.db');
    const storage = createSqliteStorage({ file });
    storage.db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    storage.close();
    assert.throws(() => createSqliteStorage({ file }), /newer than this server/);
  });

  it('gives events consecutive seqs per circle and rolls back a failed transaction', () => {
    const storage = createSqliteStorage({ file: path.join(dir, 'seq.db') });
    const a = storage.createCircleShell('a', { ssoSecret: null, allowedOrigins: [] }, 1);
    const b = storage.createCircleShell('b', { ssoSecret: null, allowedOrigins: [] }, 1);
    const draft = { type: 'member.removed' as const, memberId: 'member-001', at: 1, commandId: null, actorId: null };
    storage.transaction(() => {
      a.appendEvent(draft);
      a.appendEvent(draft);
      b.appendEvent(draft);
    });
    assert.deepEqual(storage.eventsAfter('a', 0, 10).map((e) => e.seq), [1, 2]);
    assert.deepEqual(storage.eventsAfter('b', 0, 10).map((e) => e.seq), [1]);
    assert.throws(() =>
      storage.transaction(() => {
        a.appendEvent(draft);
        a.recordAppliedCommand('command-01', { ok: true, seq: 3 });
        throw new Error('engine failed');
      }),
    );
    assert.equal(storage.headSeq('a'), 2, 'the failed transaction left no event');
    assert.equal(a.getAppliedCommand('command-01'), undefined, 'nor an applied command id');
    assert.equal(a.peekNextSeq(), 3);
    storage.close();
  });

  it('pages a thread backwards, oldest first within a page', () => {
    const storage = createSqliteStorage({ file: path.join(dir, 'history.db') });
    const repo = storage.createCircleShell('h', { ssoSecret: null, allowedOrigins: [] }, 1);
    storage.transaction(() => {
      for (let seq = 1; seq <= 25; seq++) repo.putMessage(message(`m-${String(seq).padStart(6, '0')}`, seq % 5 === 0 ? 'other-thread' : 'thread-0001', seq));
    });
    const pages: number[][] = [];
    let before: string | null = null;
    do {
      const page = storage.historyPage('h', 'thread-0001', before, 8);
      pages.push(page.messages.map((m) => m.seq));
      before = page.before;
    } while (before !== null);
    const expected = Array.from({ length: 25 }, (_, i) => i + 1).filter((s) => s % 5 !== 0);
    assert.deepEqual(pages.map((p) => p.length), [8, 8, 4]);
    assert.deepEqual(pages.reverse().flat(), expected);
    assert.throws(() => storage.historyPage('h', 'thread-0001', 'not-a-seq', 5), { code: 'invalid' });
    storage.close();
  });

  it('keeps only token hashes and finds the holder by hash', () => {
    const storage = createSqliteStorage({ file: path.join(dir, 'tokens.db') });
    storage.createCircleShell('t', { ssoSecret: 's3cret', allowedOrigins: ['https://blog.example'] }, 1);
    const token = newToken();
    assert.equal(token.length, 32);
    storage.putToken(hashToken(token), { circleId: 't', memberId: 'member-001', requestId: null }, 1);
    const rows = storage.db.prepare('SELECT * FROM tokens').all() as Record<string, unknown>[];
    assert.ok(!JSON.stringify(rows).includes(token), 'the token itself is not stored');
    assert.deepEqual(storage.getToken(hashToken(token)), { circleId: 't', memberId: 'member-001', requestId: null });
    storage.deleteMemberTokens('t', 'member-001');
    assert.equal(storage.getToken(hashToken(token)), undefined);
    assert.deepEqual(storage.getServerSettings('t'), { ssoSecret: 's3cret', allowedOrigins: ['https://blog.example'] });
    storage.close();
  });
});

describe('token bucket', () => {
  it('allows a burst, then refuses with the wait, and refills over time', () => {
    let now = 0;
    const limiter = new RateLimiter({ capacity: 3, refillPerSecond: 2 }, () => now);
    assert.deepEqual([limiter.take('a'), limiter.take('a'), limiter.take('a')], [0, 0, 0]);
    assert.equal(limiter.take('a'), 500, 'half a second until the next token');
    assert.equal(limiter.take('b'), 0, 'another key has its own bucket');
    now += 500;
    assert.equal(limiter.take('a'), 0);
    now += 10_000;
    limiter.sweep();
    assert.equal(limiter.size, 0, 'full buckets are forgotten');
  });
});
