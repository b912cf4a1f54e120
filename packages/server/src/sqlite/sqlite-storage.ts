import Database from 'better-sqlite3';
import { HearthError, type CircleEvent, type HistoryPage, type Message } from '@hearth/protocol';
import { takeFromBucket, type BucketSpec } from '../rate-limit.js';
import { parseHistoryCursor, type CircleReadTx, type CircleServerSettings, type Storage, type TokenHolder } from '../storage.js';
import type { Logger } from '../logger.js';
import { normalizeOrigin } from '../origins.js';
import { preparePrivateDataFile, writePrivateFile } from '../private-files.js';
import { migrate } from './migrations.js';
import { SqliteCircleRepository } from './sqlite-repository.js';

export interface SqliteStorageOptions {
  /** Path of the single data file; `:memory:` for a throwaway store. */
  file: string;
  /** How long a write waits for another process holding the lock (the CLI next to a running server). */
  busyTimeoutMs?: number;
  /** Told when an existing data file was readable by other users and has been made private. */
  logger?: Logger;
}

/**
 * The default store: one SQLite file in WAL mode.
 *
 * Durability: `synchronous = FULL`. In WAL mode NORMAL would survive a crash of this process (the WAL is
 * written before commit returns) but may lose the last commits on power loss or an OS crash, because the WAL
 * is only fsynced at checkpoints. Hearth acknowledges a command only once it is durably stored, so every
 * commit fsyncs the WAL. The price is one fsync per command, which a small circle never notices.
 *
 * Group commit: better-sqlite3 is synchronous, and an fsync per command would cap a busy server at what the
 * disk syncs per second. `write` queues its work; once per turn of the event loop every queued work runs in
 * one IMMEDIATE transaction, each inside its own savepoint (a work that throws takes back only its own
 * writes), and one commit — one fsync — makes them all durable. Each promise settles after that commit, so
 * nothing is acknowledged before it is stored, and each work runs exactly once.
 */
export class SqliteStorage implements Storage {
  readonly kind = 'sqlite';
  readonly shared = false;
  readonly db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();
  readonly #repositories = new Map<string, SqliteCircleRepository>();
  readonly #busyTimeoutMs: number;
  /** Set when a write erased text (a deleted message): the next commit schedules `#checkpointErased`. */
  #erased = false;
  #checkpointTimer: NodeJS.Timeout | null = null;
  /** Writes waiting for the next group commit. */
  #queued: { circleId: string; work: (tx: CircleReadTx) => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void }[] = [];

  constructor(options: SqliteStorageOptions) {
    // Before SQLite opens it: the file's mode decides the mode of the WAL and SHM files SQLite creates.
    for (const { file, mode, tightened } of preparePrivateDataFile(options.file)) {
      if (tightened) options.logger?.warn('a data file was readable by other users: it is now readable by its owner only (0600)', { file, mode });
      else options.logger?.error('a data file is readable by other users and its mode cannot be changed by this user: chmod 600 it', { file, mode });
    }
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.#busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    this.db.pragma(`busy_timeout = ${this.#busyTimeoutMs}`);
    // Deleted text is overwritten with zeros in the page it leaves (and freed pages are zeroed), so a deleted
    // message is not left in the file's free space. See `#checkpointErased` for the WAL.
    this.db.pragma('secure_delete = ON');
    migrate(this.db);
  }

  /**
   * Calls `listener` soon after another connection — another process: the CLI beside a running server —
   * commits to the data file. SQLite's `data_version` changes only for commits made by other connections, so
   * this process's own writes do not wake it. Checked every `intervalMs` (a read of the WAL index, no I/O).
   * Returns the function that stops watching.
   */
  watchOtherWriters(listener: () => void, intervalMs = 1000): () => void {
    const version = () => this.db.pragma('data_version', { simple: true }) as number;
    let seen = version();
    const timer = setInterval(() => {
      if (!this.db.open) return;
      let now: number;
      try {
        now = version();
      } catch {
        return; // the file is busy or going away: look again next time
      }
      if (now === seen) return;
      seen = now;
      listener();
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
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

  write<T>(circleId: string, work: (tx: CircleReadTx) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const first = this.#queued.push({ circleId, work, resolve: resolve as (value: unknown) => void, reject }) === 1;
      if (first) setImmediate(() => this.#commitQueued());
    });
  }

  /** Runs every queued write in one transaction, each in a savepoint, and settles them after the commit. */
  #commitQueued(): void {
    const batch = this.#queued;
    this.#queued = [];
    if (batch.length === 0) return;
    if (!this.db.open) {
      for (const item of batch) item.reject(new HearthError('unavailable', 'the store is closed'));
      return;
    }
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      // IMMEDIATE takes the write lock up front, so two processes never both read a head seq and append after it.
      this.db
        .transaction(() => {
          for (const item of batch) {
            try {
              // Nested in the batch's transaction, better-sqlite3 makes this a savepoint.
              outcomes.push({ ok: true, value: this.db.transaction(() => item.work(this.#tx(item.circleId)))() });
            } catch (error) {
              outcomes.push({ ok: false, error });
            }
          }
        })
        .immediate();
    } catch (error) {
      // The commit itself failed (disk full, I/O error, lock timeout): nothing of the batch is stored.
      for (const item of batch) item.reject(error);
      return;
    }
    if (this.#erased) {
      // Before the acknowledgements: a deletion or edit is answered once its earlier words are gone.
      this.#erased = false;
      this.#checkpointErased();
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  }

  /** A write in the current transaction erased text: once committed, the WAL holding its old pages goes. */
  noteErasure(): void {
    this.#erased = true;
  }

  /**
   * The WAL still holds the pages a deleted or edited message was written in, and a checkpoint copies pages into
   * the data file without erasing the WAL: only a TRUNCATE checkpoint empties it. It runs right after the commit
   * of a group of writes that erased text (one for a burst of deletions in the same turn): measured here, a
   * deletion followed by its checkpoint took ~12 ms against ~4 ms without (the checkpoint syncs the data file),
   * while `secure_delete` cost posts under 10%. It must not wait for a reader in another process (the CLI)
   * while blocking this one, so it gives up at once when busy and tries again a second later.
   */
  #checkpointErased(): void {
    if (this.#checkpointTimer) clearTimeout(this.#checkpointTimer);
    this.#checkpointTimer = null;
    if (!this.db.open) return;
    let busy = true;
    this.db.pragma('busy_timeout = 0');
    try {
      busy = (this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[])[0]?.busy !== 0;
    } catch {
      // SQLITE_BUSY or I/O: try again below.
    } finally {
      this.db.pragma(`busy_timeout = ${this.#busyTimeoutMs}`);
    }
    if (busy) {
      this.#checkpointTimer = setTimeout(() => this.#checkpointErased(), 1000);
      this.#checkpointTimer.unref();
    }
  }

  read<T>(circleId: string, work: (tx: CircleReadTx) => T): Promise<T> {
    return settle(() => {
      // A deferred transaction reads one snapshot of the WAL; query_only makes any write throw.
      this.db.pragma('query_only = ON');
      try {
        return this.db.transaction(() => work(this.#tx(circleId))).deferred();
      } finally {
        this.db.pragma('query_only = OFF');
      }
    });
  }

  create<T>(circleId: string, settings: CircleServerSettings, now: number, work: (tx: CircleReadTx) => T): Promise<T> {
    return settle(() =>
      this.db
        .transaction(() => {
          if (this.stmt('SELECT 1 FROM circles WHERE id = ?').get(circleId)) {
            throw new HearthError('conflict', `a circle with id ${circleId} already exists`);
          }
          this.stmt('INSERT INTO circles (id, record, sso_secret, allowed_origins, created_at) VALUES (?, NULL, ?, ?, ?)').run(
            circleId,
            settings.ssoSecret,
            JSON.stringify(settings.allowedOrigins),
            now,
          );
          return work(this.#tx(circleId));
        })
        .immediate(),
    );
  }

  listCircleIds(): Promise<string[]> {
    return settle(() => (this.stmt('SELECT id FROM circles WHERE record IS NOT NULL ORDER BY id').all() as { id: string }[]).map((r) => r.id));
  }

  anyCircleAllowsOrigin(origin: string): Promise<boolean> {
    return settle(() => {
      // Origins are kept as the operator wrote them: compare normalized.
      const rows = this.stmt("SELECT allowed_origins FROM circles WHERE allowed_origins != '[]'").all() as { allowed_origins: string }[];
      return rows.some((r) => (JSON.parse(r.allowed_origins) as string[]).some((o) => normalizeOrigin(o) === origin));
    });
  }

  ping(): Promise<void> {
    return settle(() => void this.stmt('SELECT 1').get());
  }

  close(): Promise<void> {
    // Writes already queued are committed first: a caller may be waiting for their acknowledgement.
    this.#commitQueued();
    if (this.#checkpointTimer) clearTimeout(this.#checkpointTimer);
    this.#checkpointTimer = null;
    // Closing the last connection checkpoints and removes the WAL, erased text with it.
    if (this.db.open) this.db.close();
    return Promise.resolve();
  }

  /** Seq of the newest event of a circle; 0 when it has none (inside the current transaction). */
  headSeqOf(circleId: string): number {
    const row = this.stmt('SELECT MAX(seq) AS head FROM events WHERE circle_id = ?').get(circleId) as { head: number | null };
    return row.head ?? 0;
  }

  #tx(circleId: string): CircleReadTx {
    let repo = this.#repositories.get(circleId);
    if (!repo) {
      if (!this.stmt('SELECT 1 FROM circles WHERE id = ?').get(circleId)) throw new HearthError('not_found', `no circle ${circleId}`);
      repo = new SqliteCircleRepository(this, circleId);
      this.#repositories.set(circleId, repo);
    }
    return new SqliteCircleTx(this, repo);
  }
}

/** Runs synchronous storage work and reports its outcome as a promise (a throw becomes a rejection). */
function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (error) {
    return Promise.reject(error);
  }
}

/** One circle inside a better-sqlite3 transaction: every call is a statement on the open transaction. */
class SqliteCircleTx implements CircleReadTx {
  readonly circleId: string;

  constructor(
    private readonly storage: SqliteStorage,
    readonly repo: SqliteCircleRepository,
  ) {
    this.circleId = repo.circleId;
  }

  headSeq(): number {
    return this.storage.headSeqOf(this.circleId);
  }

  serverSettings(): CircleServerSettings {
    const row = this.storage.stmt('SELECT sso_secret, allowed_origins FROM circles WHERE id = ?').get(this.circleId) as { sso_secret: string | null; allowed_origins: string };
    return { ssoSecret: row.sso_secret, allowedOrigins: JSON.parse(row.allowed_origins) as string[] };
  }

  putServerSettings(settings: CircleServerSettings): void {
    this.storage.stmt('UPDATE circles SET sso_secret = ?, allowed_origins = ? WHERE id = ?').run(settings.ssoSecret, JSON.stringify(settings.allowedOrigins), this.circleId);
  }

  getToken(tokenHash: string): TokenHolder | undefined {
    const row = this.storage.stmt('SELECT circle_id, member_id, request_id FROM tokens WHERE hash = ?').get(tokenHash) as
      | { circle_id: string; member_id: string | null; request_id: string | null }
      | undefined;
    return row && { circleId: row.circle_id, memberId: row.member_id, requestId: row.request_id };
  }

  putToken(tokenHash: string, holder: TokenHolder, now: number): void {
    this.storage.stmt('INSERT INTO tokens (hash, circle_id, member_id, request_id, created_at) VALUES (?, ?, ?, ?, ?)').run(
      tokenHash,
      holder.circleId,
      holder.memberId,
      holder.requestId,
      now,
    );
  }

  promoteRequestTokens(requestId: string, memberId: string): void {
    this.storage.stmt('UPDATE tokens SET member_id = ?, request_id = NULL WHERE circle_id = ? AND request_id = ?').run(memberId, this.circleId, requestId);
  }

  deleteMemberTokens(memberId: string): void {
    this.storage.stmt('DELETE FROM tokens WHERE circle_id = ? AND member_id = ?').run(this.circleId, memberId);
  }

  takeBucketToken(key: string, spec: BucketSpec, now: number): number {
    const row = this.storage.stmt('SELECT tokens, at FROM buckets WHERE circle_id = ? AND key = ?').get(this.circleId, key) as { tokens: number; at: number } | undefined;
    const { wait, state } = takeFromBucket(row, spec, now);
    if (wait === 0) {
      this.storage
        .stmt('INSERT INTO buckets (circle_id, key, tokens, at) VALUES (?, ?, ?, ?) ON CONFLICT (circle_id, key) DO UPDATE SET tokens = excluded.tokens, at = excluded.at')
        .run(this.circleId, key, state.tokens, state.at);
    }
    return wait;
  }

  eventsAfter(after: number, limit: number): CircleEvent[] {
    const rows = this.storage.stmt('SELECT data FROM events WHERE circle_id = ? AND seq > ? ORDER BY seq LIMIT ?').all(this.circleId, after, limit) as { data: string }[];
    return rows.map((r) => JSON.parse(r.data) as CircleEvent);
  }

  allMessages(): Message[] {
    return (this.storage.stmt('SELECT data FROM messages WHERE circle_id = ? ORDER BY seq').all(this.circleId) as { data: string }[]).map((r) => JSON.parse(r.data) as Message);
  }

  historyPage(threadId: string, before: string | null, limit: number): HistoryPage {
    const beforeSeq = parseHistoryCursor(before);
    // One row more than asked tells whether an older page exists.
    const rows = this.storage.stmt('SELECT data FROM messages WHERE circle_id = ? AND thread_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?').all(
      this.circleId,
      threadId,
      beforeSeq,
      limit + 1,
    ) as { data: string }[];
    const more = rows.length > limit;
    const messages = rows.slice(0, limit).reverse().map((r) => JSON.parse(r.data) as Message);
    return { threadId, messages, before: more && messages.length > 0 ? String(messages[0]!.seq) : null };
  }
}

/** Opens (creating and migrating when needed) a SQLite data file. */
export function createSqliteStorage(options: SqliteStorageOptions): SqliteStorage {
  return new SqliteStorage(options);
}

/**
 * Copies a data file to `out` (a new file) with SQLite's online backup, so a running server (and its WAL) can
 * keep writing meanwhile: the copy is one consistent snapshot of every committed command. The copy holds
 * sign-on secrets and messages, so it is written as a private file (see `writePrivateFile`): nobody else can
 * read it, not even while it is written.
 */
export async function backupSqliteFile(file: string, out: string): Promise<void> {
  await writePrivateFile(
    out,
    async (copy) => {
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        await db.backup(copy);
      } finally {
        db.close();
      }
    },
    { replace: false },
  );
}
