import type Database from 'better-sqlite3';
import { hashInviteCode } from '../tokens.js';

/**
 * Schema migrations, applied in order at start. `PRAGMA user_version` records how many have run, so each runs
 * once per data file. Never edit a migration that has shipped: append a new one.
 *
 * Entities are stored as JSON documents (`data`) beside the columns that queries filter or sort on: the rules
 * engine reads and writes whole entities, and the protocol's schemas already define their shape.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE circles (
    id TEXT PRIMARY KEY,
    record TEXT,
    sso_secret TEXT,
    allowed_origins TEXT NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL
  );
  CREATE TABLE members (
    circle_id TEXT NOT NULL, id TEXT NOT NULL, banned INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (circle_id, id)
  );
  CREATE TABLE threads (
    circle_id TEXT NOT NULL, id TEXT NOT NULL, key TEXT, data TEXT NOT NULL,
    PRIMARY KEY (circle_id, id)
  );
  CREATE UNIQUE INDEX threads_by_key ON threads (circle_id, key) WHERE key IS NOT NULL;
  CREATE TABLE messages (
    circle_id TEXT NOT NULL, id TEXT NOT NULL, thread_id TEXT NOT NULL, author_id TEXT NOT NULL,
    seq INTEGER NOT NULL, created_at INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (circle_id, id)
  );
  CREATE INDEX messages_by_thread ON messages (circle_id, thread_id, seq);
  CREATE INDEX messages_by_author ON messages (circle_id, author_id, created_at);
  CREATE TABLE invites (
    circle_id TEXT NOT NULL, code TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (circle_id, code)
  );
  CREATE TABLE reports (
    circle_id TEXT NOT NULL, id TEXT NOT NULL, resolved INTEGER NOT NULL, created_at INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (circle_id, id)
  );
  CREATE TABLE join_requests (
    circle_id TEXT NOT NULL, id TEXT NOT NULL, created_at INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (circle_id, id)
  );
  CREATE TABLE audit (
    circle_id TEXT NOT NULL, id TEXT NOT NULL, at INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (circle_id, id)
  );
  CREATE INDEX audit_by_time ON audit (circle_id, at);
  CREATE TABLE events (
    circle_id TEXT NOT NULL, seq INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (circle_id, seq)
  ) WITHOUT ROWID;
  CREATE TABLE applied_commands (
    circle_id TEXT NOT NULL, command_id TEXT NOT NULL, ack TEXT NOT NULL,
    PRIMARY KEY (circle_id, command_id)
  ) WITHOUT ROWID;
  CREATE TABLE tokens (
    hash TEXT PRIMARY KEY, circle_id TEXT NOT NULL, member_id TEXT, request_id TEXT, created_at INTEGER NOT NULL
  );
  CREATE INDEX tokens_by_member ON tokens (circle_id, member_id);
  CREATE INDEX tokens_by_request ON tokens (circle_id, request_id);
  `,
  // 2: stored token buckets (members' command budgets when several processes share a store).
  `
  CREATE TABLE buckets (
    circle_id TEXT NOT NULL, key TEXT NOT NULL, tokens REAL NOT NULL, at INTEGER NOT NULL,
    PRIMARY KEY (circle_id, key)
  ) WITHOUT ROWID;
  `,
  // 3: a deleted message's words leave the event log too. The index finds a message's events; the update
  // redacts the messages deleted before this migration.
  `
  CREATE INDEX events_by_message ON events (circle_id, json_extract(data, '$.message.id'))
    WHERE json_extract(data, '$.type') = 'message.upserted';
  UPDATE events SET data = json_set(events.data, '$.message', json(messages.data))
    FROM messages
    WHERE json_extract(events.data, '$.type') = 'message.upserted'
      AND messages.circle_id = events.circle_id
      AND messages.id = json_extract(events.data, '$.message.id')
      AND json_extract(messages.data, '$.state') = 'deleted';
  `,
  // 4: an applied command's ack is answered again only to its author. Records from before name their author
  // when the command left an event (its actorId); the others keep none, and are answered to no one.
  `
  ALTER TABLE applied_commands ADD COLUMN author_id TEXT;
  UPDATE applied_commands SET author_id = authors.actor_id
    FROM (SELECT circle_id, json_extract(data, '$.commandId') AS command_id, MIN(json_extract(data, '$.actorId')) AS actor_id
          FROM events WHERE json_extract(data, '$.commandId') IS NOT NULL GROUP BY 1, 2) AS authors
    WHERE authors.circle_id = applied_commands.circle_id AND authors.command_id = applied_commands.command_id;
  `,
  // 5: invite codes are kept only as hashes (hearth_invite_hash, registered by `migrate`), and invites get
  // an id that is not their code: for listing, revoking and the audit log. The acks and audit entries that
  // held a code name the invite's id instead.
  `
  CREATE TABLE invites_hashed (
    circle_id TEXT NOT NULL, id TEXT NOT NULL, code_hash TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (circle_id, id)
  );
  CREATE UNIQUE INDEX invites_by_code_hash ON invites_hashed (circle_id, code_hash);
  INSERT INTO invites_hashed (circle_id, id, code_hash, data)
    SELECT circle_id, lower(hex(randomblob(12))), hearth_invite_hash(code), data FROM invites;
  UPDATE invites_hashed SET data = json_set(json_remove(data, '$.code'), '$.id', id);
  UPDATE applied_commands SET ack = json_set(json_remove(ack, '$.result.invite.code'), '$.result.invite.id', invites_hashed.id)
    FROM invites_hashed
    WHERE json_extract(applied_commands.ack, '$.result.invite.code') IS NOT NULL
      AND invites_hashed.circle_id = applied_commands.circle_id
      AND invites_hashed.code_hash = hearth_invite_hash(json_extract(applied_commands.ack, '$.result.invite.code'));
  UPDATE audit SET data = json_set(audit.data, '$.targetId', invites_hashed.id)
    FROM invites_hashed
    WHERE json_extract(audit.data, '$.action') IN ('invite.create', 'invite.revoke')
      AND invites_hashed.circle_id = audit.circle_id
      AND invites_hashed.code_hash = hearth_invite_hash(json_extract(audit.data, '$.targetId'));
  DROP TABLE invites;
  ALTER TABLE invites_hashed RENAME TO invites;
  `,
  // 6: an edited message's earlier words leave the event log too (as deleted ones did in 3): its events are
  // rewritten to the message as it is now.
  `
  UPDATE events SET data = json_set(events.data, '$.message', json(messages.data))
    FROM messages
    WHERE json_extract(events.data, '$.type') = 'message.upserted'
      AND messages.circle_id = events.circle_id
      AND messages.id = json_extract(events.data, '$.message.id')
      AND json_extract(messages.data, '$.editedAt') IS NOT NULL;
  `,
];

/** Brings a database up to the newest schema, each migration in its own transaction. */
export function migrate(db: Database.Database): { from: number; to: number } {
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > MIGRATIONS.length) {
    throw new Error(`data file schema version ${from} is newer than this server (${MIGRATIONS.length}); upgrade the server`);
  }
  if (from === MIGRATIONS.length) return { from, to: from };
  db.function('hearth_invite_hash', { deterministic: true }, (code: unknown) => (typeof code === 'string' ? hashInviteCode(code) : null));
  // What a migration rewrites (invite codes, redacted words) must not stay behind in freed pages.
  const secureDelete = db.pragma('secure_delete', { simple: true }) as number;
  db.pragma('secure_delete = ON');
  try {
    for (let version = from; version < MIGRATIONS.length; version++) {
      db.transaction(() => {
        db.exec(MIGRATIONS[version]!);
        db.pragma(`user_version = ${version + 1}`);
      }).immediate();
    }
  } finally {
    db.pragma(`secure_delete = ${secureDelete}`);
  }
  // The pages as they were before live on in the WAL until a checkpoint: write them back and empty it.
  db.pragma('wal_checkpoint(TRUNCATE)');
  return { from, to: MIGRATIONS.length };
}
