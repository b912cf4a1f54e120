// The `hearth-server` commands: run the reference server and administer circles in its data file.
// `cli.ts` is the executable; this module is importable so tests run commands without a process each.
import { existsSync, writeFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { HearthError, type AccessMode, type Role } from '@hearth/protocol';
import { createInProcessFanOut, type FanOut } from './fanout.js';
import { createLogger, silentLogger } from './logger.js';
import { connectNatsFanOut } from './nats/nats-fanout.js';
import { openPostgresStorage } from './postgres/postgres-storage.js';
import type { BucketSpec } from './rate-limit.js';
import { createHearthServer, DEFAULT_MAX_CONNECTIONS_PER_IP, DEFAULT_RATE_LIMITS } from './server.js';
import { CircleService } from './service.js';
import { backupSqliteFile, createSqliteStorage } from './sqlite/sqlite-storage.js';
import type { Storage } from './storage.js';

type Options = NonNullable<ParseArgsConfig['options']>;

class UsageError extends Error {}

const STORE = {
  data: { type: 'string', short: 'd' },
  database: { type: 'string' },
  nats: { type: 'string' },
} as const satisfies Options;
const HELP = { help: { type: 'boolean', short: 'h' } } as const satisfies Options;
const defaultData = () => process.env.HEARTH_DATA ?? 'hearth.db';

/** Where the data is: `--database URL` (or $HEARTH_DATABASE_URL) for PostgreSQL, else the SQLite `--data` file. */
function storeOf(values: Record<string, unknown>): { database: string } | { dataFile: string } {
  const database = str(values.database) ?? (str(values.data) === undefined ? process.env.HEARTH_DATABASE_URL || undefined : undefined);
  if (database !== undefined) {
    if (str(values.data) !== undefined) throw new UsageError('give --data (SQLite) or --database (PostgreSQL), not both');
    if (!/^postgres(ql)?:\/\//.test(database)) throw new UsageError('--database takes a PostgreSQL URL: postgres://user:password@host:5432/database');
    return { database };
  }
  return { dataFile: str(values.data) ?? defaultData() };
}

/** `--nats URL` (or $HEARTH_NATS_URL), or none. */
function natsOf(values: Record<string, unknown>): string | undefined {
  const nats = str(values.nats) ?? (process.env.HEARTH_NATS_URL || undefined);
  if (nats !== undefined && !nats.split(',').every((u) => /^(nats|tls):\/\/[^\s]+$/.test(u.trim()))) {
    throw new UsageError('--nats takes NATS server URLs: nats://host:4222 (comma-separated for a cluster)');
  }
  return nats;
}

/** A URL without its password, for printing. */
function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}

const USAGE = `hearth-server — the Hearth reference server

Usage:
  hearth-server start          run the server
  hearth-server circle create  create a circle with its owner and a first invite
  hearth-server circle sso     turn host-site sign-on on (a new secret) or off
  hearth-server invite create  create an invite to a circle
  hearth-server invite list    list a circle's invites
  hearth-server invite revoke  revoke an invite
  hearth-server member list    list a circle's members
  hearth-server member role    change a member's role
  hearth-server export         write a circle's data as JSON
  hearth-server backup         copy the data file, safely, while the server runs

Run any command with --help for its options. Every command works on the same store as the server:
  --data, -d FILE     a SQLite data file (default: $HEARTH_DATA or ./hearth.db), or
  --database URL      a PostgreSQL database shared by several server processes (default: $HEARTH_DATABASE_URL)
  --nats URL          with --database: a NATS server that carries events between processes (default: $HEARTH_NATS_URL);
                      administration commands publish their changes there so connected members see them at once
`;

/** Where a command writes: the process's streams, or a test's buffers. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const processIo: CliIo = { out: (text) => void process.stdout.write(text), err: (text) => void process.stderr.write(text) };

interface Command {
  usage: string;
  options: Options;
  run(values: Record<string, string | boolean | undefined>, io: CliIo): Promise<void> | void;
}

const COMMANDS: Record<string, Command> = {
  start: {
    usage: `hearth-server start [options]

  --port, -p N              port to listen on (default 8787; 0 = any free port)
  --host ADDRESS            address to listen on (default 127.0.0.1: this machine only)
  --data, -d FILE           SQLite data file, created when missing (one server process)
  --database URL            PostgreSQL instead (postgres://user:password@host:5432/db): several server processes
                            share it; the schema is migrated on start
  --nats URL                NATS server(s), comma-separated (nats://host:4222): events committed by one process
                            reach the members connected to the others; use it with --database
  --pool-size N             PostgreSQL connections of this process (default 10)
  --allowed-origins LIST    comma-separated origins whose pages may embed every circle (e.g. https://blog.example.org)
  --trusted-proxies LIST    comma-separated proxy addresses whose X-Forwarded-For is believed
  --static DIR              folder to serve at /
  --bundle FILE             drop-in bundle to serve at /hearth.js
  --rate-member BURST/RATE  commands per member: burst, then per second (default 20/2)
  --rate-ip BURST/RATE      frames per client address (default 300/50)
  --max-connections-per-ip N  open sockets per client address (default 64)
  --log-format FORMAT       json (default: one JSON object per line on standard error) or text
  --metrics on|off          Prometheus metrics at /metrics (default on)
  --drain-timeout-ms N      on SIGTERM/SIGINT, how long commands in flight may take before sockets close (default 10000)

Endpoints besides the app: /healthz (alive), /readyz (store and broker reachable, not shutting down), /metrics.
SIGTERM or SIGINT drains: readiness turns 503, commands in flight are answered, clients are asked to reconnect.
`,
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      'allowed-origins': { type: 'string' },
      'trusted-proxies': { type: 'string' },
      static: { type: 'string' },
      bundle: { type: 'string' },
      'rate-member': { type: 'string' },
      'rate-ip': { type: 'string' },
      'max-connections-per-ip': { type: 'string' },
      'pool-size': { type: 'string' },
      'log-format': { type: 'string' },
      metrics: { type: 'string' },
      'drain-timeout-ms': { type: 'string' },
    },
    async run(values, io) {
      const store = storeOf(values);
      const nats = natsOf(values);
      const port = int(values.port, 'port') ?? 8787;
      const format = str(values['log-format']) ?? 'json';
      if (format !== 'json' && format !== 'text') throw new UsageError('--log-format must be json or text');
      const metrics = str(values.metrics) ?? 'on';
      if (metrics !== 'on' && metrics !== 'off') throw new UsageError('--metrics must be on or off');
      const logger = createLogger({ format });
      let server;
      try {
        server = await createHearthServer({
          ...store,
          ...(nats !== undefined ? { nats } : {}),
          ...(values['pool-size'] !== undefined ? { poolSize: int(values['pool-size'], 'pool-size')! } : {}),
          logger,
          metrics: metrics === 'on',
          processMetrics: metrics === 'on',
          drainTimeoutMs: int(values['drain-timeout-ms'], 'drain-timeout-ms') ?? 10_000,
          port,
          host: str(values.host) ?? '127.0.0.1',
          allowedOrigins: list(values['allowed-origins']),
          trustedProxies: list(values['trusted-proxies']),
          staticDir: str(values.static) ?? null,
          bundleFile: str(values.bundle) ?? null,
          rateLimits: { member: bucket(values['rate-member'], 'rate-member', DEFAULT_RATE_LIMITS.member), ip: bucket(values['rate-ip'], 'rate-ip', DEFAULT_RATE_LIMITS.ip) },
          maxConnectionsPerIp: int(values['max-connections-per-ip'], 'max-connections-per-ip') ?? DEFAULT_MAX_CONNECTIONS_PER_IP,
        });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
          throw new UsageError(`port ${port} is already in use: stop what is using it or choose another with --port`);
        }
        throw error;
      }
      const where = 'database' in store ? redact(store.database) : store.dataFile;
      io.out(`Hearth server listening on ${server.url} (data: ${where}${nats ? `, fan-out: ${nats}` : ''})\n`);
      const stop = () => {
        logger.info('stopping: draining connections');
        server.close().then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error('stopping failed', { error });
            process.exit(1);
          },
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
  },

  'circle create': {
    usage: `hearth-server circle create --id SLUG --name NAME [options]

  --id SLUG                 circle id: lower-case letters, digits and -
  --name NAME               circle name
  --description TEXT
  --norms TEXT              what every member accepts on joining
  --access MODE             invite (default), request or open-link
  --cap N                   member cap (default 150)
  --owner-name NAME         the owner's display name (default "Owner")
  --allowed-origins LIST    comma-separated origins whose pages may embed this circle
  --sso                     turn on host-site sign-on; prints the HS256 secret
  --invite-max-uses N       uses of the first invite (default unlimited)
  --invite-expires DURATION lifetime of the first invite: 30m, 24h, 7d or never (default 24h)

Prints JSON: the circle, the owner's id and member token, the invite code and the sign-on secret.
`,
    options: {
      id: { type: 'string' },
      name: { type: 'string' },
      description: { type: 'string' },
      norms: { type: 'string' },
      access: { type: 'string' },
      cap: { type: 'string' },
      'owner-name': { type: 'string' },
      'allowed-origins': { type: 'string' },
      sso: { type: 'boolean' },
      'invite-max-uses': { type: 'string' },
      'invite-expires': { type: 'string' },
    },
    async run(values, io) {
      const id = required(values.id, 'id');
      const name = required(values.name, 'name');
      const access = str(values.access);
      if (access !== undefined && !['invite', 'request', 'open-link'].includes(access)) throw new UsageError('--access must be invite, request or open-link');
      await withService(values, async (service) => {
        const created = await service.createCircle({
          id,
          name,
          ...(str(values.description) !== undefined ? { description: str(values.description)! } : {}),
          ...(str(values.norms) !== undefined ? { norms: str(values.norms)! } : {}),
          ...(access ? { access: access as AccessMode } : {}),
          ...(values.cap !== undefined ? { memberCap: int(values.cap, 'cap')! } : {}),
          ...(str(values['owner-name']) !== undefined ? { ownerName: str(values['owner-name'])! } : {}),
          allowedOrigins: list(values['allowed-origins']),
          sso: values.sso === true,
        });
        const invite = await service.createInvite(id, {
          maxUses: int(values['invite-max-uses'], 'invite-max-uses') ?? null,
          expiresInMs: duration(values['invite-expires']),
        });
        print(io, { ...created, inviteCode: invite.code, invite });
      });
    },
  },

  'circle sso': {
    usage: `hearth-server circle sso --circle ID [--off]

Turns host-site sign-on on with a new HS256 secret, replacing the old one (tokens signed with it stop
working at once; members who already joined keep their membership), and prints the secret as JSON.
Give it to your site's backend only. --off turns sign-on off.
`,
    options: { circle: { type: 'string' }, off: { type: 'boolean' } },
    async run(values, io) {
      const circle = required(values.circle, 'circle');
      await withService(values, async (service) => {
        const ssoSecret = values.off === true ? await service.setSsoSecret(circle, null) : await service.setSsoSecret(circle);
        print(io, { circle, ssoSecret });
      });
    },
  },

  'invite create': {
    usage: `hearth-server invite create --circle ID [options]

  --circle ID               the circle
  --max-uses N              how many people can join with it (default unlimited; 1 = single use)
  --expires DURATION        30m, 24h, 7d or never (default 24h, at most 7d)

Prints the invite as JSON: its id (to list and revoke it) and its code, shown this once (the server keeps
only a hash of it).
`,
    options: { circle: { type: 'string' }, 'max-uses': { type: 'string' }, expires: { type: 'string' } },
    async run(values, io) {
      const circle = required(values.circle, 'circle');
      const options = { maxUses: int(values['max-uses'], 'max-uses') ?? null, expiresInMs: duration(values.expires) };
      await withService(values, async (service) => print(io, await service.createInvite(circle, options)));
    },
  },

  'invite list': {
    usage: `hearth-server invite list --circle ID

Prints the circle's invites as JSON, by id: uses, expiry, revoked. Codes are not kept, so not shown.
`,
    options: { circle: { type: 'string' } },
    async run(values, io) {
      const circle = required(values.circle, 'circle');
      await withService(values, async (service) => print(io, await service.listInvites(circle)));
    },
  },

  'invite revoke': {
    usage: `hearth-server invite revoke --circle ID --invite=INVITE_ID

  --invite=INVITE_ID        the invite's id from \`invite create\` or \`invite list\` (with "=": an id may start with "-")

Prints the revoked invite as JSON. The revoke is made in the owner's name and audited.
`,
    options: { circle: { type: 'string' }, invite: { type: 'string' } },
    async run(values, io) {
      const circle = required(values.circle, 'circle');
      const invite = required(values.invite, 'invite');
      await withService(values, async (service) => print(io, await service.revokeInvite(circle, invite)));
    },
  },

  'member list': {
    usage: `hearth-server member list --circle ID

Prints the circle's members as JSON.
`,
    options: { circle: { type: 'string' } },
    async run(values, io) {
      const circle = required(values.circle, 'circle');
      await withService(values, async (service) => print(io, ((await service.exportCircle(circle)) as { members: unknown }).members));
    },
  },

  'member role': {
    usage: `hearth-server member role --circle ID --member=MEMBER_ID --role ROLE [--reason TEXT]

  --member=MEMBER_ID        the member's id from \`member list\` (with "=": an id may start with "-")
  --role ROLE               member or moderator (the change is made in the owner's name and audited)

Prints the member as JSON. Connected clients see the change when their next event arrives or they reconnect.
`,
    options: { circle: { type: 'string' }, member: { type: 'string' }, role: { type: 'string' }, reason: { type: 'string' } },
    async run(values, io) {
      const circle = required(values.circle, 'circle');
      const member = required(values.member, 'member');
      const role = required(values.role, 'role');
      if (!['owner', 'moderator', 'member'].includes(role)) throw new UsageError('--role must be member, moderator or owner');
      await withService(values, async (service) => print(io, await service.setRole(circle, member, role as Role, str(values.reason))));
    },
  },

  export: {
    usage: `hearth-server export --circle ID [--out FILE]

Writes everything the circle holds (circle, members, threads, messages, invites, reports, audit log) as JSON,
to FILE or standard output. Member tokens and the sign-on secret are never exported.
`,
    options: { circle: { type: 'string' }, out: { type: 'string', short: 'o' } },
    async run(values, io) {
      const circle = required(values.circle, 'circle');
      await withService(values, async (service) => {
        const json = `${JSON.stringify(await service.exportCircle(circle), null, 2)}\n`;
        const out = str(values.out);
        if (out) writeFileSync(out, json, { mode: 0o600 });
        else io.out(json);
      });
    },
  },

  backup: {
    usage: `hearth-server backup --out FILE [--data FILE]

Copies the data file to FILE (a new file) with SQLite's online backup: safe while the server is running,
and a consistent snapshot of every acknowledged message. The copy holds sign-on secrets: keep it private.
To restore, stop the server and start it with --data pointing at the copy (or copy it over the data file).
`,
    options: { out: { type: 'string', short: 'o' } },
    async run(values, io) {
      const out = required(values.out, 'out');
      const store = storeOf(values);
      if ('database' in store) throw new UsageError('a PostgreSQL store is backed up with pg_dump: see docs/scaling.md');
      const data = store.dataFile;
      if (!existsSync(data)) throw new UsageError(`there is no data file at ${data}`);
      if (existsSync(out)) throw new UsageError(`${out} already exists: back up to a new file`);
      await backupSqliteFile(data, out);
      io.out(`backed up ${data} to ${out}\n`);
    },
  },
};

/** Opens the store (and NATS, when given, so running servers hear of the change), runs `fn`, closes both. */
async function withService(values: Record<string, unknown>, fn: (service: CircleService) => Promise<void>): Promise<void> {
  const store = storeOf(values);
  const nats = natsOf(values);
  const storage: Storage = 'database' in store ? await openPostgresStorage({ url: store.database }) : createSqliteStorage({ file: store.dataFile });
  let fanOut: FanOut | null = null;
  try {
    fanOut = nats ? await connectNatsFanOut({ servers: nats, logger: silentLogger }) : createInProcessFanOut();
    await fn(new CircleService({ storage, fanOut }));
  } finally {
    await fanOut?.close();
    await storage.close();
  }
}

function print(io: CliIo, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function required(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

function int(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new UsageError(`--${name} must be a whole number`);
  return n;
}

function list(value: unknown): string[] {
  return typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

/** `20/2` → a bucket of 20 refilled at 2 per second. */
function bucket(value: unknown, name: string, fallback: BucketSpec): BucketSpec {
  if (value === undefined) return fallback;
  const match = typeof value === 'string' ? /^(\d+)\/(\d+(?:\.\d+)?)$/.exec(value) : null;
  if (!match || Number(match[1]) < 1 || Number(match[2]) <= 0) throw new UsageError(`--${name} looks like 20/2 (burst/per second)`);
  return { capacity: Number(match[1]), refillPerSecond: Number(match[2]) };
}

/** `30m`, `24h`, `7d`, `never` → ms or null; missing → undefined (the default lifetime). */
function duration(value: unknown): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === 'never') return null;
  const match = typeof value === 'string' ? /^(\d+)(s|m|h|d)$/.exec(value) : null;
  if (!match) throw new UsageError('durations look like 30m, 24h, 7d or never');
  return Number(match[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
}

/** Runs one command line; resolves with the exit code (`start` resolves once listening and keeps running). */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const two = argv.slice(0, 2).join(' ');
  const name = COMMANDS[two] ? two : argv[0] && COMMANDS[argv[0]] ? argv[0] : null;
  if (!name) {
    const asked = argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help';
    if (asked) io.out(USAGE);
    else io.err(`unknown command: ${argv.join(' ')}\n\n${USAGE}`);
    return asked ? 0 : 2;
  }
  const command = COMMANDS[name]!;
  try {
    const { values } = parseArgs({ args: argv.slice(name.split(' ').length), options: { ...command.options, ...STORE, ...HELP }, strict: true });
    if (values.help) {
      io.out(command.usage);
      return 0;
    }
    await command.run(values, io);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`hearth-server ${name}: ${(error as Error).message}\n\n${command.usage}`);
      return 2;
    }
    if (error instanceof HearthError) {
      io.err(`hearth-server ${name}: ${error.code}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
