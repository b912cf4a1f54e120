import type pg from 'pg';

/**
 * PostgreSQL schema migrations, applied in order at start by whichever process gets there first (under an
 * advisory lock, so processes starting together do not race). `hearth_migrations` records each version.
 * Never edit a migration that has shipped: append a new one.
 *
 * Like the SQLite schema, entities are JSON documents (`jsonb`) beside the columns queries filter or sort on.
 * `circles.head_seq` is the circle's last event seq: it is read and advanced only under the circle row's
 * lock, which is what makes seqs gapless and unique across processes.
 */
export const PG_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE circles (
    id text PRIMARY KEY,
    record jsonb,
    sso_secret text,
    allowed_origins jsonb NOT NULL DEFAULT '[]',
    created_at bigint NOT NULL,
    head_seq bigint NOT NULL DEFAULT 0
  );
  CREATE INDEX circles_by_origin ON circles USING gin (allowed_origins);
  CREATE TABLE members (
    circle_id text NOT NULL, id text NOT NULL, banned boolean NOT NULL, data jsonb NOT NULL,
    PRIMARY KEY (circle_id, id)
  );
  CREATE TABLE threads (
    circle_id text NOT NULL, id text NOT NULL, key text, data jsonb NOT NULL,
    PRIMARY KEY (circle_id, id)
  );
  CREATE UNIQUE INDEX threads_by_key ON threads (circle_id, key) WHERE key IS NOT NULL;
  CREATE TABLE messages (
    circle_id text NOT NULL, id text NOT NULL, thread_id text NOT NULL, author_id text NOT NULL,
    seq bigint NOT NULL, created_at bigint NOT NULL, data jsonb NOT NULL,
    PRIMARY KEY (circle_id, id)
  );
  CREATE INDEX messages_by_thread ON messages (circle_id, thread_id, seq);
  CREATE INDEX messages_by_author ON messages (circle_id, author_id, created_at);
  CREATE TABLE invites (
    circle_id text NOT NULL, code text NOT NULL, data jsonb NOT NULL,
    PRIMARY KEY (circle_id, code)
  );
  CREATE TABLE reports (
    circle_id text NOT NULL, id text NOT NULL, resolved boolean NOT NULL, created_at bigint NOT NULL, data jsonb NOT NULL,
    PRIMARY KEY (circle_id, id)
  );
  CREATE INDEX reports_open ON reports (circle_id, created_at) WHERE NOT resolved;
  CREATE TABLE join_requests (
    circle_id text NOT NULL, id text NOT NULL, created_at bigint NOT NULL, data jsonb NOT NULL,
    PRIMARY KEY (circle_id, id)
  );
  CREATE TABLE audit (
    circle_id text NOT NULL, id text NOT NULL, pos bigserial, at bigint NOT NULL, data jsonb NOT NULL,
    PRIMARY KEY (circle_id, id)
  );
  CREATE INDEX audit_by_time ON audit (circle_id, at DESC, pos DESC);
  CREATE TABLE events (
    circle_id text NOT NULL, seq bigint NOT NULL, data jsonb NOT NULL,
    PRIMARY KEY (circle_id, seq)
  );
  CREATE TABLE applied_commands (
    circle_id text NOT NULL, command_id text NOT NULL, ack jsonb NOT NULL,
    PRIMARY KEY (circle_id, command_id)
  );
  CREATE TABLE tokens (
    hash text PRIMARY KEY, circle_id text NOT NULL, member_id text, request_id text, created_at bigint NOT NULL
  );
  CREATE INDEX tokens_by_member ON tokens (circle_id, member_id);
  CREATE INDEX tokens_by_request ON tokens (circle_id, request_id);
  CREATE TABLE buckets (
    circle_id text NOT NULL, key text NOT NULL, tokens double precision NOT NULL, at bigint NOT NULL,
    PRIMARY KEY (circle_id, key)
  );
  `,
  // 2: a deleted message's words leave the event log too. The index finds a message's events; the update
  // redacts the messages deleted before this migration.
  `
  CREATE INDEX events_by_message ON events (circle_id, (data->'message'->>'id')) WHERE data->>'type' = 'message.upserted';
  UPDATE events e SET data = jsonb_set(e.data, '{message}', m.data)
    FROM messages m
    WHERE e.data->>'type' = 'message.upserted'
      AND m.circle_id = e.circle_id AND m.id = e.data->'message'->>'id'
      AND m.data->>'state' = 'deleted';
  `,
  // 3: an applied command's ack is answered again only to its author. Records from before name their author
  // when the command left an event (its actorId); the others keep none, and are answered to no one.
  `
  ALTER TABLE applied_commands ADD COLUMN author_id text;
  UPDATE applied_commands a SET author_id = authors.actor_id
    FROM (SELECT circle_id, data->>'commandId' AS command_id, MIN(data->>'actorId') AS actor_id
          FROM events WHERE data->>'commandId' IS NOT NULL GROUP BY 1, 2) AS authors
    WHERE authors.circle_id = a.circle_id AND authors.command_id = a.command_id;
  `,
  // 4: invite codes are kept only as hashes (the same SHA-256 as \`hashInviteCode\`), and invites get an id
  // that is not their code: for listing, revoking and the audit log. The acks and audit entries that held a
  // code name the invite's id instead. A new table, so the old one's files (holding the codes) are deleted.
  `
  CREATE TABLE invites_hashed (
    circle_id text NOT NULL, id text NOT NULL, code_hash text NOT NULL, data jsonb NOT NULL,
    PRIMARY KEY (circle_id, id)
  );
  INSERT INTO invites_hashed (circle_id, id, code_hash, data)
    SELECT circle_id, replace(gen_random_uuid()::text, '-', ''), encode(sha256(convert_to(code, 'UTF8')), 'hex'), data FROM invites;
  UPDATE invites_hashed SET data = (data - 'code') || jsonb_build_object('id', id);
  UPDATE applied_commands a SET ack = jsonb_set(a.ack #- '{result,invite,code}', '{result,invite,id}', to_jsonb(i.id))
    FROM invites_hashed i
    WHERE a.ack->'result'->'invite' ? 'code' AND i.circle_id = a.circle_id
      AND i.code_hash = encode(sha256(convert_to(a.ack->'result'->'invite'->>'code', 'UTF8')), 'hex');
  UPDATE audit u SET data = jsonb_set(u.data, '{targetId}', to_jsonb(i.id))
    FROM invites_hashed i
    WHERE u.data->>'action' IN ('invite.create', 'invite.revoke') AND i.circle_id = u.circle_id
      AND i.code_hash = encode(sha256(convert_to(u.data->>'targetId', 'UTF8')), 'hex');
  DROP TABLE invites;
  ALTER TABLE invites_hashed RENAME TO invites;
  ALTER INDEX invites_hashed_pkey RENAME TO invites_pkey;
  CREATE UNIQUE INDEX invites_by_code_hash ON invites (circle_id, code_hash);
  `,
  // 5: an edited message's earlier words leave the event log too (as deleted ones did in 2): its events are
  // rewritten to the message as it is now.
  `
  UPDATE events e SET data = jsonb_set(e.data, '{message}', m.data)
    FROM messages m
    WHERE e.data->>'type' = 'message.upserted'
      AND m.circle_id = e.circle_id AND m.id = e.data->'message'->>'id'
      AND jsonb_typeof(m.data->'editedAt') = 'number';
  `,
];

/** Any constant works; this one spells "hearth" in ASCII. */
const MIGRATION_LOCK = 0x686561727468;

/** Brings the database up to the newest schema, each migration in its own transaction. */
export async function migratePostgres(client: pg.ClientBase): Promise<{ from: number; to: number }> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query('CREATE TABLE IF NOT EXISTS hearth_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ version: number | null }>('SELECT MAX(version) AS version FROM hearth_migrations');
    const from = rows[0]?.version ?? 0;
    if (from > PG_MIGRATIONS.length) {
      throw new Error(`database schema version ${from} is newer than this server (${PG_MIGRATIONS.length}); upgrade the server`);
    }
    for (let version = from; version < PG_MIGRATIONS.length; version++) {
      await client.query('BEGIN');
      try {
        await client.query(PG_MIGRATIONS[version]!);
        await client.query('INSERT INTO hearth_migrations (version) VALUES ($1)', [version + 1]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
    return { from, to: PG_MIGRATIONS.length };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}
