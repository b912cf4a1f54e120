import { chmodSync } from 'node:fs';
import Database from 'better-sqlite3';
import { HearthError, type CircleEvent, type HistoryPage, type Message } from '@hearth/protocol';
import type { CircleRepository } from '@hearth/protocol/rules';
import type { CircleServerSettings, Storage, TokenHolder } from '../storage.js';
import { migrate } from './migrations.js';
import { SqliteCircleRepository } from './sqlite-repository.js';

export interface SqliteStorageOptions {
  /** Path of the single data file; `:memory:` for a throwaway store. */
  file: string;
  /** How long a write waits for another process holding the lock (the CLI next to a running server). */
  busyTimeoutMs?: number;
}

/**
 * The default store: one SQLite file in WAL mode.
 *
 * Durability: `synchronous = FULL`. In WAL mode NORMAL would survive a crash of this process (the WAL is
 * written before commit returns) but may lose the last commits on power loss or an OS crash, because the WAL
 * is only fsynced at checkpoints. Hearth acknowledges a command only once it is durably stored, so every
 * commit fsyncs the WAL. The price is one fsync per command, which a small circle never notices.
 */
export class SqliteStorage implements Storage {
  readonly db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();
  readonly #repositories = new Map<string, SqliteCircleRepository>();

  constructor(options: SqliteStorageOptions) {
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    migrate(this.db);
  }

  /** A prepared statement, compiled once per storage. */
  stmt(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  transaction<T>(fn: () => T): T {
    // IMMEDIATE takes the write lock up front, so two processes never both read a head seq and append after it.
    // Inside an outer transaction better-sqlite3 turns this into a savepoint.
    return this.db.transaction(fn).immediate();
  }

  repository(circleId: string): CircleRepository | undefined {
    const cached = this.#repositories.get(circleId);
    if (cached) return cached;
    if (!this.stmt('SELECT 1 FROM circles WHERE id = ?').get(circleId)) return undefined;
    const repo = new SqliteCircleRepository(this, circleId);
    this.#repositories.set(circleId, repo);
    return repo;
  }

  createCircleShell(circleId: string, settings: CircleServerSettings, now: number): CircleRepository {
    if (this.stmt('SELECT 1 FROM circles WHERE id = ?').get(circleId)) {
      throw new HearthError('conflict', `a circle with id ${circleId} already exists`);
    }
    this.stmt('INSERT INTO circles (id, record, sso_secret, allowed_origins, created_at) VALUES (?, NULL, ?, ?, ?)').run(
      circleId,
      settings.ssoSecret,
      JSON.stringify(settings.allowedOrigins),
      now,
    );
    return this.repository(circleId)!;
  }

  listCircleIds(): string[] {
    return (this.stmt('SELECT id FROM circles WHERE record IS NOT NULL ORDER BY id').all() as { id: string }[]).map((r) => r.id);
  }

  getServerSettings(circleId: string): CircleServerSettings | undefined {
    const row = this.stmt('SELECT sso_secret, allowed_origins FROM circles WHERE id = ?').get(circleId) as
      | { sso_secret: string | null; allowed_origins: string }
      | undefined;
    if (!row) return undefined;
    return { ssoSecret: row.sso_secret, allowedOrigins: JSON.parse(row.allowed_origins) as string[] };
  }

  putServerSettings(circleId: string, settings: CircleServerSettings): void {
    const { changes } = this.stmt('UPDATE circles SET sso_secret = ?, allowed_origins = ? WHERE id = ?').run(
      settings.ssoSecret,
      JSON.stringify(settings.allowedOrigins),
      circleId,
    );
    if (changes === 0) throw new HearthError('not_found', `no circle ${circleId}`);
  }

  headSeq(circleId: string): number {
    const row = this.stmt('SELECT MAX(seq) AS head FROM events WHERE circle_id = ?').get(circleId) as { head: number | null };
    return row.head ?? 0;
  }

  eventsAfter(circleId: string, after: number, limit: number): CircleEvent[] {
    const rows = this.stmt('SELECT data FROM events WHERE circle_id = ? AND seq > ? ORDER BY seq LIMIT ?').all(circleId, after, limit) as { data: string }[];
    return rows.map((r) => JSON.parse(r.data) as CircleEvent);
  }

  allMessages(circleId: string): Message[] {
    return (this.stmt('SELECT data FROM messages WHERE circle_id = ? ORDER BY seq').all(circleId) as { data: string }[]).map((r) => JSON.parse(r.data) as Message);
  }

  historyPage(circleId: string, threadId: string, before: string | null, limit: number): HistoryPage {
    let beforeSeq = Number.MAX_SAFE_INTEGER;
    if (before !== null) {
      beforeSeq = Number(before);
      if (!/^\d{1,15}$/.test(before) || !Number.isSafeInteger(beforeSeq)) {
        throw new HearthError('invalid', 'history cursor is not one this server issued', { field: 'query.before' });
      }
    }
    // One row more than asked tells whether an older page exists.
    const rows = this.stmt('SELECT data FROM messages WHERE circle_id = ? AND thread_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?').all(
      circleId,
      threadId,
      beforeSeq,
      limit + 1,
    ) as { data: string }[];
    const more = rows.length > limit;
    const messages = rows.slice(0, limit).reverse().map((r) => JSON.parse(r.data) as Message);
    return { threadId, messages, before: more && messages.length > 0 ? String(messages[0]!.seq) : null };
  }

  putToken(tokenHash: string, holder: TokenHolder, now: number): void {
    this.stmt('INSERT INTO tokens (hash, circle_id, member_id, request_id, created_at) VALUES (?, ?, ?, ?, ?)').run(
      tokenHash,
      holder.circleId,
      holder.memberId,
      holder.requestId,
      now,
    );
  }

  getToken(tokenHash: string): TokenHolder | undefined {
    const row = this.stmt('SELECT circle_id, member_id, request_id FROM tokens WHERE hash = ?').get(tokenHash) as
      | { circle_id: string; member_id: string | null; request_id: string | null }
      | undefined;
    return row && { circleId: row.circle_id, memberId: row.member_id, requestId: row.request_id };
  }

  promoteRequestTokens(circleId: string, requestId: string, memberId: string): void {
    this.stmt('UPDATE tokens SET member_id = ?, request_id = NULL WHERE circle_id = ? AND request_id = ?').run(memberId, circleId, requestId);
  }

  deleteMemberTokens(circleId: string, memberId: string): void {
    this.stmt('DELETE FROM tokens WHERE circle_id = ? AND member_id = ?').run(circleId, memberId);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** Opens (creating and migrating when needed) a SQLite data file. */
export function createSqliteStorage(options: SqliteStorageOptions): SqliteStorage {
  return new SqliteStorage(options);
}

/**
 * Copies a data file to `out` with SQLite's online backup, so a running server (and its WAL) can keep
 * writing meanwhile: the copy is one consistent snapshot of every committed command. The copy holds
 * sign-on secrets and messages, so only its owner may read it.
 */
export async function backupSqliteFile(file: string, out: string): Promise<void> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    await db.backup(out);
  } finally {
    db.close();
  }
  chmodSync(out, 0o600);
}
