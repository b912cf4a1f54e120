// A throwaway PostgreSQL cluster for tests and benchmarks: `initdb` in a temporary folder, `postgres` on a free
// 127.0.0.1 port, trust authentication, removed on stop. Uses the machine's PostgreSQL binaries (Debian:
// `apt-get install postgresql`); as root, runs them as the `postgres` user, since they refuse to run as root.
// With $HEARTH_TEST_DATABASE_URL set, uses that server instead of starting one.
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { findExecutable, freePort, killOnExit, stopChild, userIds, waitForOutput } from './common.js';

export interface ThrowawayPostgres {
  /** Connection string of the cluster's `postgres` database (superuser `hearth`, no password). */
  url: string;
  port: number;
  /** Creates a fresh, empty database and returns its connection string. */
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}

export interface PostgresOptions {
  /**
   * Trade durability for speed (fsync, full-page writes and synchronous commit off): fine for a cluster
   * thrown away afterwards, wrong for measuring what a real deployment does. Default true.
   */
  fast?: boolean;
  /** Connections the cluster accepts. Default 200 (several server processes with their pools). */
  maxConnections?: number;
}

const INSTALL_HINT = 'PostgreSQL is not installed: apt-get install -y postgresql (or set HEARTH_PG_BIN to the folder of initdb and postgres, or HEARTH_TEST_DATABASE_URL to a server to use)';

/** The folder holding `initdb` and `postgres`: $HEARTH_PG_BIN, Debian's newest /usr/lib/postgresql/N/bin, or $PATH. */
export function postgresBinDir(): string | null {
  if (process.env.HEARTH_PG_BIN) return process.env.HEARTH_PG_BIN;
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (existsSync(path.join(debian, v, 'bin', 'initdb'))) return path.join(debian, v, 'bin');
  }
  const initdb = findExecutable(['initdb']);
  return initdb ? path.dirname(initdb) : null;
}

let counter = 0;

async function databaseFactory(adminUrl: string) {
  return async (name = `hearth_${process.pid}_${++counter}_${Date.now().toString(36)}`): Promise<string> => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
}

/** Starts a throwaway cluster (or attaches to $HEARTH_TEST_DATABASE_URL). */
export async function startThrowawayPostgres(options: PostgresOptions = {}): Promise<ThrowawayPostgres> {
  const existing = process.env.HEARTH_TEST_DATABASE_URL;
  if (existing) {
    return { url: existing, port: Number(new URL(existing).port || 5432), createDatabase: await databaseFactory(existing), stop: async () => {} };
  }
  const bin = postgresBinDir();
  if (!bin || !existsSync(path.join(bin, 'initdb')) || !existsSync(path.join(bin, 'postgres'))) throw new Error(INSTALL_HINT);

  // initdb and postgres refuse to run as root: run them as the postgres user, in a folder it owns.
  const asRoot = process.getuid?.() === 0;
  const ids = asRoot ? userIds('postgres') : null;
  if (asRoot && !ids) throw new Error('running as root, PostgreSQL needs a `postgres` user to run as (apt-get install -y postgresql creates it)');
  const dir = mkdtempSync(path.join(tmpdir(), 'hearth-pg-'));
  const data = path.join(dir, 'data');
  mkdirSync(data, { mode: 0o700 });
  if (ids) {
    chownSync(dir, ids.uid, ids.gid);
    chownSync(data, ids.uid, ids.gid);
  }
  const as = ids ? { uid: ids.uid, gid: ids.gid } : {};
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };

  const init = spawnSync(path.join(bin, 'initdb'), ['-D', data, '-U', 'hearth', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync'], {
    ...as,
    env,
    encoding: 'utf8',
    cwd: dir,
  });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status ?? init.signal}): ${init.stderr || init.stdout || init.error?.message}`);
  }

  const fast = options.fast ?? true;
  const settings = [
    'listen_addresses=127.0.0.1',
    `unix_socket_directories=${dir}`,
    `max_connections=${options.maxConnections ?? 200}`,
    ...(fast ? ['fsync=off', 'full_page_writes=off', 'synchronous_commit=off'] : []),
  ];
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(path.join(bin, 'postgres'), ['-D', data, '-p', String(port), ...settings.flatMap((s) => ['-c', s])], {
      ...as,
      env,
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    killOnExit(child, () => rmSync(dir, { recursive: true, force: true }));
    const started = waitForOutput(child, /database system is ready to accept connections/, 30_000, 'postgres');
    try {
      await started.ready;
    } catch (error) {
      await stopChild(child, 'SIGKILL');
      // Someone took the port between our probe and postgres binding it: try another.
      if (attempt < 3 && /could not bind|Address already in use/.test(started.output())) continue;
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    const url = `postgres://hearth@127.0.0.1:${port}/postgres`;
    return {
      url,
      port,
      createDatabase: await databaseFactory(url),
      async stop() {
        // SIGINT is PostgreSQL's fast shutdown: roll back open transactions, close connections, exit.
        await stopChild(child, 'SIGINT');
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}
