import pg from 'pg';
import { HearthError, type AuditEntry, type CircleEvent, type Invite, type JoinRequest, type Member, type Message, type Report, type Thread } from '@hearth/protocol';
import { rewritesEarlierEvents, type AppliedCommand, type CircleRecord } from '@hearth/protocol/rules';
import type { Logger } from '../logger.js';
import type { BucketState } from '../rate-limit.js';
import { normalizeOrigin } from '../origins.js';
import type { CircleReadTx, CircleServerSettings, CircleTx, Storage, TokenHolder } from '../storage.js';
import { CircleSnapshot, SnapshotTx, type Need } from './circle-snapshot.js';
import { migratePostgres } from './migrations.js';

export interface PostgresStorageOptions {
  /** `postgres://user:password@host:5432/database` (any libpq-style connection string `pg` accepts). */
  url: string;
  /** Connections in the pool: the most transactions this process runs at once. Default 10. */
  poolSize?: number;
  logger?: Logger;
}

/** A run that still needs more after this many loads is a bug (each load adds at least one fact). */
const MAX_RUNS = 12;

/** int8 (bigint) columns as numbers: seqs and ms timestamps stay far below 2^53. */
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/**
 * The store for several server processes: PostgreSQL.
 *
 * The rules engine is synchronous and pg is not, so a transaction runs as:
 *
 * 1. `BEGIN`, then `SELECT … FROM circles WHERE id = $1 FOR UPDATE`: the circle's row lock. Every write
 *    transaction of a circle, in any process, takes it first, so they run one at a time per circle (and in
 *    parallel across circles). Reads do not take it.
 * 2. Load the circle's members, threads, settings and `head_seq` (one statement, after the lock, so it sees
 *    everything the previous holder committed).
 * 3. Run the synchronous work against that snapshot (`SnapshotTx`). When it reads something not loaded (a
 *    message by id, an applied command id, a token, …) the read is recorded and answered empty; the run is
 *    then thrown away, the missing rows are loaded, and the work runs again. Nothing else can change the
 *    circle meanwhile (we hold its lock), so the final run sees exactly the database's state.
 * 4. Write what the final run wrote (one statement, a CTE per table), `head_seq` advanced by the events
 *    appended, then `COMMIT`. The caller acknowledges only after that.
 *
 * Seqs come from `head_seq` read and written under the row lock, so they are gapless and unique however
 * many processes write: a transaction that rolls back leaves `head_seq` as it was (a sequence would not),
 * and the `(circle_id, seq)` primary key backs this up.
 *
 * Read transactions (`read`) run at REPEATABLE READ, read only: every load of every run sees one snapshot.
 */
export class PostgresStorage implements Storage {
  readonly kind = 'postgres';
  readonly shared = true;
  readonly pool: pg.Pool;
  readonly #logger: Logger | undefined;

  constructor(options: PostgresStorageOptions) {
    this.pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10, types, application_name: 'hearth-server' });
    this.#logger = options.logger;
    // An idle connection that breaks (database restarted) must not take the process down; the pool replaces it.
    this.pool.on('error', (error) => this.#logger?.warn('a pooled PostgreSQL connection failed', { error }));
  }

  /** Applies pending migrations. `openPostgresStorage` calls it. */
  async migrate(): Promise<{ from: number; to: number }> {
    const client = await this.pool.connect();
    try {
      return await migratePostgres(client);
    } finally {
      client.release();
    }
  }

  write<T>(circleId: string, work: (tx: CircleTx) => T): Promise<T> {
    return this.#transaction('BEGIN', async (client) => {
      const locked = await client.query('SELECT 1 FROM circles WHERE id = $1 FOR UPDATE', [circleId]);
      if (locked.rowCount === 0) throw new HearthError('not_found', `no circle ${circleId}`);
      const snap = await this.#loadBase(client, circleId, true);
      return this.#run(client, snap, false, work);
    });
  }

  read<T>(circleId: string, work: (tx: CircleReadTx) => T): Promise<T> {
    return this.#transaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', async (client) => {
      const snap = await this.#loadBase(client, circleId, false);
      return this.#run(client, snap, true, work);
    });
  }

  create<T>(circleId: string, settings: CircleServerSettings, now: number, work: (tx: CircleTx) => T): Promise<T> {
    return this.#transaction('BEGIN', async (client) => {
      // A concurrent create of the same id waits on this row, then finds it taken.
      const inserted = await client.query(
        'INSERT INTO circles (id, record, sso_secret, allowed_origins, created_at, head_seq) VALUES ($1, NULL, $2, $3, $4, 0) ON CONFLICT (id) DO NOTHING',
        [circleId, settings.ssoSecret, JSON.stringify(settings.allowedOrigins.map(normalizeOrigin)), now],
      );
      if (inserted.rowCount === 0) throw new HearthError('conflict', `a circle with id ${circleId} already exists`);
      const snap = new CircleSnapshot(circleId);
      snap.settings = structuredClone(settings);
      snap.members = new Map();
      snap.threads = new Map();
      return this.#run(client, snap, false, work);
    });
  }

  async listCircleIds(): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>('SELECT id FROM circles WHERE record IS NOT NULL ORDER BY id');
    return rows.map((r) => r.id);
  }

  async anyCircleAllowsOrigin(origin: string): Promise<boolean> {
    // Stored normalized, so the GIN index answers.
    const { rows } = await this.pool.query<{ found: boolean }>('SELECT EXISTS (SELECT 1 FROM circles WHERE allowed_origins ? $1) AS found', [origin]);
    return rows[0]?.found === true;
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  // ── Transactions ────────────────────────────────────────────────────────────────────────────────

  async #transaction<T>(begin: string, body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query(begin);
      try {
        const result = await body(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => void (broken = true));
        throw error;
      }
    } catch (error) {
      if (!(error instanceof HearthError)) broken ||= isConnectionError(error);
      throw error;
    } finally {
      // A connection in an unknown state is dropped rather than handed to the next transaction.
      client.release(broken);
    }
  }

  /** Runs the work until a run needs nothing that is not loaded; then writes what that run wrote. */
  async #run<T>(client: pg.PoolClient, snap: CircleSnapshot, readOnly: boolean, work: (tx: SnapshotTx) => T): Promise<T> {
    for (let run = 1; ; run++) {
      const tx = new SnapshotTx(snap, readOnly);
      let result: T | undefined;
      let failure: { error: unknown } | null = null;
      try {
        result = work(tx);
      } catch (error) {
        failure = { error };
      }
      if (tx.needs.size > 0) {
        // Whatever this run returned or threw was decided on missing data: load it and run again.
        if (run >= MAX_RUNS) throw new Error(`storage work still needed data after ${run} runs: ${[...tx.needs.keys()].join(', ')}`);
        await this.#load(client, snap, [...tx.needs.values()]);
        continue;
      }
      if (failure) throw failure.error;
      if (!readOnly && !tx.clean) await this.#flush(client, tx);
      return result as T;
    }
  }

  /** The circle's row (and, for a write, its members and threads) in one statement. */
  async #loadBase(client: pg.PoolClient, circleId: string, withPeople: boolean): Promise<CircleSnapshot> {
    const people = withPeople
      ? `, COALESCE((SELECT jsonb_agg(m.data) FROM members m WHERE m.circle_id = c.id), '[]'::jsonb) AS members,
         COALESCE((SELECT jsonb_agg(t.data) FROM threads t WHERE t.circle_id = c.id), '[]'::jsonb) AS threads`
      : '';
    const { rows } = await client.query<{
      record: CircleRecord | null;
      sso_secret: string | null;
      allowed_origins: string[];
      head_seq: number;
      members?: Member[];
      threads?: Thread[];
    }>(`SELECT c.record, c.sso_secret, c.allowed_origins, c.head_seq${people} FROM circles c WHERE c.id = $1`, [circleId]);
    const row = rows[0];
    if (!row) throw new HearthError('not_found', `no circle ${circleId}`);
    const snap = new CircleSnapshot(circleId);
    snap.record = row.record;
    snap.settings = { ssoSecret: row.sso_secret, allowedOrigins: row.allowed_origins };
    snap.head = row.head_seq;
    if (row.members) snap.members = new Map(row.members.map((m) => [m.id, m]));
    if (row.threads) snap.threads = new Map(row.threads.map((t) => [t.id, t]));
    return snap;
  }

  /** Loads what a run needed: every point read in one statement, listings and pages one by one. */
  async #load(client: pg.PoolClient, snap: CircleSnapshot, needs: Need[]): Promise<void> {
    const id = snap.circleId;
    const keysOf = <K extends Need['t']>(t: K, key: (n: Extract<Need, { t: K }>) => string) =>
      needs.filter((n): n is Extract<Need, { t: K }> => n.t === t).map(key);

    // Every point read in one round trip: one sub-select per kind, each keyed by what was asked.
    const messageIds = keysOf('message', (n) => n.id);
    const authors = keysOf('lastPost', (n) => n.memberId);
    const commandIds = keysOf('applied', (n) => n.id);
    const hashes = keysOf('token', (n) => n.hash);
    const bucketKeys = keysOf('bucket', (n) => n.key);
    const inviteIds = keysOf('invite', (n) => n.id);
    const codeHashes = keysOf('inviteCode', (n) => n.hash);
    const reportIds = keysOf('report', (n) => n.id);
    const requestIds = keysOf('request', (n) => n.id);
    const asked = [messageIds, authors, commandIds, hashes, bucketKeys, inviteIds, reportIds, requestIds, codeHashes];
    if (asked.some((keys) => keys.length > 0)) {
      const { rows } = await client.query<Record<string, Record<string, unknown> | null>>(
        `SELECT
           (SELECT jsonb_object_agg(id, data) FROM messages WHERE circle_id = $1 AND id = ANY($2::text[])) AS messages,
           (SELECT jsonb_object_agg(author_id, at) FROM (SELECT author_id, MAX(created_at) AS at FROM messages
              WHERE circle_id = $1 AND author_id = ANY($3::text[]) GROUP BY author_id) AS p) AS last_posts,
           (SELECT jsonb_object_agg(command_id, jsonb_build_object('authorId', author_id, 'ack', ack)) FROM applied_commands WHERE circle_id = $1 AND command_id = ANY($4::text[])) AS applied,
           (SELECT jsonb_object_agg(hash, jsonb_build_object('circleId', circle_id, 'memberId', member_id, 'requestId', request_id))
              FROM tokens WHERE hash = ANY($5::text[])) AS tokens,
           (SELECT jsonb_object_agg(key, jsonb_build_object('tokens', tokens, 'at', at)) FROM buckets WHERE circle_id = $1 AND key = ANY($6::text[])) AS buckets,
           (SELECT jsonb_object_agg(id, data) FROM invites WHERE circle_id = $1 AND id = ANY($7::text[])) AS invites,
           (SELECT jsonb_object_agg(id, data) FROM reports WHERE circle_id = $1 AND id = ANY($8::text[])) AS reports,
           (SELECT jsonb_object_agg(id, data) FROM join_requests WHERE circle_id = $1 AND id = ANY($9::text[])) AS requests,
           (SELECT jsonb_object_agg(code_hash, data) FROM invites WHERE circle_id = $1 AND code_hash = ANY($10::text[])) AS invites_by_code`,
        [id, ...asked],
      );
      const found = rows[0]!;
      const fill = <T>(keys: string[], column: string, into: Map<string, T | null>) => {
        for (const key of keys) into.set(key, ((found[column] ?? {})[key] as T | undefined) ?? null);
      };
      fill<Message>(messageIds, 'messages', snap.messages);
      fill<number>(authors, 'last_posts', snap.lastPosts);
      fill<AppliedCommand>(commandIds, 'applied', snap.applied);
      fill<TokenHolder>(hashes, 'tokens', snap.tokens);
      fill<BucketState>(bucketKeys, 'buckets', snap.buckets);
      fill<Invite>(inviteIds, 'invites', snap.invites.points);
      for (const hash of codeHashes) {
        const invite = (found.invites_by_code ?? {})[hash] as Invite | undefined;
        snap.inviteIdsByCodeHash.set(hash, invite?.id ?? null);
        if (invite) snap.invites.points.set(invite.id, invite);
      }
      fill<Report>(reportIds, 'reports', snap.reports.points);
      fill<JoinRequest>(requestIds, 'requests', snap.requests.points);
    }

    for (const need of needs) {
      switch (need.t) {
        case 'members':
          snap.members = new Map((await dataRows<Member>(client, 'SELECT data FROM members WHERE circle_id = $1', [id])).map((m) => [m.id, m]));
          break;
        case 'threads':
          snap.threads = new Map((await dataRows<Thread>(client, 'SELECT data FROM threads WHERE circle_id = $1', [id])).map((t) => [t.id, t]));
          break;
        case 'invites':
          snap.invites.all = new Map((await dataRows<Invite>(client, 'SELECT data FROM invites WHERE circle_id = $1', [id])).map((i) => [i.id, i]));
          break;
        case 'requests':
          snap.requests.all = new Map((await dataRows<JoinRequest>(client, 'SELECT data FROM join_requests WHERE circle_id = $1', [id])).map((r) => [r.id, r]));
          break;
        case 'reports':
          if (need.open) snap.openReports = new Map((await dataRows<Report>(client, 'SELECT data FROM reports WHERE circle_id = $1 AND NOT resolved', [id])).map((r) => [r.id, r]));
          else snap.reports.all = new Map((await dataRows<Report>(client, 'SELECT data FROM reports WHERE circle_id = $1', [id])).map((r) => [r.id, r]));
          break;
        case 'audit':
          snap.audit.set(
            `${need.before}:${need.limit}`,
            await dataRows<AuditEntry>(client, 'SELECT data FROM audit WHERE circle_id = $1 AND at < $2 ORDER BY at DESC, pos DESC LIMIT $3', [id, need.before, need.limit]),
          );
          break;
        case 'events':
          snap.events.set(
            `${need.after}:${need.limit}`,
            await dataRows<CircleEvent>(client, 'SELECT data FROM events WHERE circle_id = $1 AND seq > $2 ORDER BY seq LIMIT $3', [id, need.after, need.limit]),
          );
          break;
        case 'history': {
          // One row more than asked tells whether an older page exists.
          const rows = await dataRows<Message>(
            client,
            'SELECT data FROM messages WHERE circle_id = $1 AND thread_id = $2 AND seq < $3 ORDER BY seq DESC LIMIT $4',
            [id, need.threadId, need.before, need.limit + 1],
          );
          const more = rows.length > need.limit;
          const messages = rows.slice(0, need.limit).reverse();
          snap.history.set(`${need.threadId}:${need.before}:${need.limit}`, {
            threadId: need.threadId,
            messages,
            before: more && messages.length > 0 ? String(messages[0]!.seq) : null,
          });
          break;
        }
        case 'allMessages':
          snap.allMessages = await dataRows<Message>(client, 'SELECT data FROM messages WHERE circle_id = $1 ORDER BY seq', [id]);
          break;
        default:
          break; // point reads, loaded above
      }
    }
  }

  /**
   * Writes what the final run wrote in one round trip: a statement of data-modifying CTEs, one per table
   * touched (each gets its rows as one JSON array). Token operations, which may act on each other's rows,
   * follow one by one, in order; they are rare (joins, removals).
   */
  async #flush(client: pg.PoolClient, tx: SnapshotTx): Promise<void> {
    const params: unknown[] = [tx.circleId];
    const $ = (value: unknown) => `$${params.push(value)}`;
    const json = (values: unknown) => $(JSON.stringify(values));
    const upserts = <T>(writes: Map<string, T | null>) => [...writes.values()].filter((v): v is T => v !== null);
    const deletes = <T>(writes: Map<string, T | null>) => [...writes].filter(([, v]) => v === null).map(([k]) => k);
    const parts: string[] = [];

    // The circle's row changes in one UPDATE: a row updated twice in one statement keeps only one change.
    const circle: string[] = [];
    if (tx.record) circle.push(`record = ${json(tx.record)}::jsonb`);
    if (tx.settings) circle.push(`sso_secret = ${$(tx.settings.ssoSecret)}, allowed_origins = ${json(tx.settings.allowedOrigins.map(normalizeOrigin))}::jsonb`);
    if (tx.appended.length) circle.push(`head_seq = ${$(tx.headSeq())}`);
    if (circle.length) parts.push(`UPDATE circles SET ${circle.join(', ')} WHERE id = $1`);

    const members = upserts(tx.members);
    if (members.length) {
      parts.push(`INSERT INTO members (circle_id, id, banned, data)
        SELECT $1, m->>'id', (m->>'state') = 'banned', m FROM jsonb_array_elements(${json(members)}::jsonb) AS m
        ON CONFLICT (circle_id, id) DO UPDATE SET banned = excluded.banned, data = excluded.data`);
    }
    const goneMembers = deletes(tx.members);
    if (goneMembers.length) parts.push(`DELETE FROM members WHERE circle_id = $1 AND id = ANY(${$(goneMembers)}::text[])`);

    const threads = upserts(tx.threads);
    if (threads.length) {
      parts.push(`INSERT INTO threads (circle_id, id, key, data)
        SELECT $1, t->>'id', t->>'key', t FROM jsonb_array_elements(${json(threads)}::jsonb) AS t
        ON CONFLICT (circle_id, id) DO UPDATE SET key = excluded.key, data = excluded.data`);
    }

    const messages = upserts(tx.messages);
    if (messages.length) {
      parts.push(`INSERT INTO messages (circle_id, id, thread_id, author_id, seq, created_at, data)
        SELECT $1, m->>'id', m->>'threadId', m->>'authorId', (m->>'seq')::bigint, (m->>'createdAt')::bigint, m FROM jsonb_array_elements(${json(messages)}::jsonb) AS m
        ON CONFLICT (circle_id, id) DO UPDATE SET thread_id = excluded.thread_id, seq = excluded.seq, data = excluded.data`);
    }
    const rewritten = messages.filter(rewritesEarlierEvents);
    if (rewritten.length) {
      // Deleted or edited: the earlier words leave the events kept for replays, which then show this version.
      parts.push(`UPDATE events e SET data = jsonb_set(e.data, '{message}', d.m)
        FROM jsonb_array_elements(${json(rewritten)}::jsonb) AS d(m)
        WHERE e.circle_id = $1 AND e.data->>'type' = 'message.upserted' AND e.data->'message'->>'id' = d.m->>'id'`);
    }

    // A new invite is stored with its code's hash; an existing one only changes its data (uses, revoked).
    const invites = upserts(tx.invites);
    const added = invites.filter((i) => tx.newInviteCodeHashes.has(i.id)).map((invite) => ({ invite, codeHash: tx.newInviteCodeHashes.get(invite.id) }));
    if (added.length) {
      parts.push(`INSERT INTO invites (circle_id, id, code_hash, data)
        SELECT $1, a->'invite'->>'id', a->>'codeHash', a->'invite' FROM jsonb_array_elements(${json(added)}::jsonb) AS a`);
    }
    const changed = invites.filter((i) => !tx.newInviteCodeHashes.has(i.id));
    if (changed.length) {
      parts.push(`UPDATE invites i SET data = c.d FROM jsonb_array_elements(${json(changed)}::jsonb) AS c(d)
        WHERE i.circle_id = $1 AND i.id = c.d->>'id'`);
    }

    const reports = upserts(tx.reports);
    if (reports.length) {
      parts.push(`INSERT INTO reports (circle_id, id, resolved, created_at, data)
        SELECT $1, r->>'id', jsonb_typeof(r->'resolvedAt') <> 'null', (r->>'createdAt')::bigint, r FROM jsonb_array_elements(${json(reports)}::jsonb) AS r
        ON CONFLICT (circle_id, id) DO UPDATE SET resolved = excluded.resolved, data = excluded.data`);
    }

    const requests = upserts(tx.requests);
    if (requests.length) {
      parts.push(`INSERT INTO join_requests (circle_id, id, created_at, data)
        SELECT $1, r->>'id', (r->>'createdAt')::bigint, r FROM jsonb_array_elements(${json(requests)}::jsonb) AS r
        ON CONFLICT (circle_id, id) DO UPDATE SET data = excluded.data`);
    }
    const goneRequests = deletes(tx.requests);
    if (goneRequests.length) parts.push(`DELETE FROM join_requests WHERE circle_id = $1 AND id = ANY(${$(goneRequests)}::text[])`);

    if (tx.auditEntries.length) {
      // In written order, so `pos` orders entries of the same ms.
      parts.push(`INSERT INTO audit (circle_id, id, at, data)
        SELECT $1, a.e->>'id', (a.e->>'at')::bigint, a.e FROM jsonb_array_elements(${json(tx.auditEntries)}::jsonb) WITH ORDINALITY AS a(e, n) ORDER BY a.n`);
    }

    if (tx.appended.length) {
      parts.push(`INSERT INTO events (circle_id, seq, data) SELECT $1, (e->>'seq')::bigint, e FROM jsonb_array_elements(${json(tx.appended)}::jsonb) AS e`);
    }

    if (tx.appliedAcks.size) {
      parts.push(`INSERT INTO applied_commands (circle_id, command_id, author_id, ack)
        SELECT $1, a.key, a.value->>'authorId', a.value->'ack' FROM jsonb_each(${json(Object.fromEntries(tx.appliedAcks))}::jsonb) AS a
        ON CONFLICT (circle_id, command_id) DO UPDATE SET author_id = excluded.author_id, ack = excluded.ack`);
    }

    if (tx.buckets.size) {
      parts.push(`INSERT INTO buckets (circle_id, key, tokens, at)
        SELECT $1, b.key, (b.value->>'tokens')::double precision, (b.value->>'at')::bigint FROM jsonb_each(${json(Object.fromEntries(tx.buckets))}::jsonb) AS b
        ON CONFLICT (circle_id, key) DO UPDATE SET tokens = excluded.tokens, at = excluded.at`);
    }

    if (parts.length) {
      await client.query(`WITH ${parts.map((sql, i) => `w${i} AS (${sql})`).join(',\n')} SELECT 1`, params);
    }

    for (const op of tx.tokenOps) {
      if (op.op === 'put') {
        await client.query('INSERT INTO tokens (hash, circle_id, member_id, request_id, created_at) VALUES ($1, $2, $3, $4, $5)', [
          op.hash,
          op.holder.circleId,
          op.holder.memberId,
          op.holder.requestId,
          op.now,
        ]);
      } else if (op.op === 'promote') {
        await client.query('UPDATE tokens SET member_id = $3, request_id = NULL WHERE circle_id = $1 AND request_id = $2', [tx.circleId, op.requestId, op.memberId]);
      } else {
        await client.query('DELETE FROM tokens WHERE circle_id = $1 AND member_id = $2', [tx.circleId, op.memberId]);
      }
    }
  }
}

async function dataRows<T>(client: pg.PoolClient, sql: string, params: unknown[]): Promise<T[]> {
  return (await client.query<{ data: T }>(sql, params)).rows.map((r) => r.data);
}

/** Errors after which a pooled connection should not be reused (the socket or the server went away). */
function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code !== 'string' || /^(08|57P)/.test(code) || code.startsWith('E');
}

/** Connects to PostgreSQL, checks it answers, and applies pending migrations. */
export async function openPostgresStorage(options: PostgresStorageOptions): Promise<PostgresStorage> {
  const storage = new PostgresStorage(options);
  try {
    const { from, to } = await storage.migrate();
    if (from !== to) options.logger?.info('migrated the PostgreSQL schema', { from, to });
  } catch (error) {
    await storage.close().catch(() => {});
    throw new Error(`cannot use the PostgreSQL database: ${(error as Error).message}`, { cause: error });
  }
  return storage;
}
