// The `hearth-server` commands: run the reference server and administer circles in its data file.
// `cli.ts` is the executable; this module is importable so tests run commands without a process each.
import { existsSync, writeFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import * as v from 'valibot';
import {
  AccessModeSchema, CircleId, CircleUpdateCommand, DisplayName, HearthError, Id, InviteCreateCommand, Reason, type Role,
} from '@hearth/protocol';
import { createInProcessFanOut, type FanOut } from './fanout.js';
import { createLogger, silentLogger } from './logger.js';
import { connectNatsFanOut } from './nats/nats-fanout.js';
import { openPostgresStorage } from './postgres/postgres-storage.js';
import { writePrivateFile } from './private-files.js';
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
  hearth-server member ban     ban a member (and \`member unban\`)
  hearth-server member remove  remove a member
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

/** The options of a moderation command on one member. */
const MEMBER_ACTION = { circle: { type: 'string' }, member: { type: 'string' }, reason: { type: 'string' } } as const satisfies Options;

function memberAction(values: Record<string, unknown>): { circle: string; member: string; reason: string | undefined } {
  return { circle: circleOption(values), member: memberOption(values), reason: reasonOption(values) };
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
  --public-origins LIST     comma-separated origins browsers reach this server at (e.g. https://circles.example.org
                            behind a TLS proxy); their pages are same-origin (default: http:// at --host and --port,
                            with localhost for 127.0.0.1). The request's Host header is never trusted for this.
  --allowed-origins LIST    comma-separated origins whose pages may embed every circle (e.g. https://blog.example.org)
  --trusted-proxies LIST    comma-separated proxy addresses whose X-Forwarded-For is believed
  --static DIR              folder to serve at / (names starting with a dot are never served)
  --bundle FILE             drop-in bundle to serve at /hearth.js
  --source-maps on|off      serve source maps (*.map) of the bundle and the static folder (default off)
  --rate-member BURST/RATE  commands per member: burst, then per second (default 20/2)
  --rate-ip BURST/RATE      frames per client address (default 300/50)
  --rate-failed-sign-ins BURST/RATE
                            failed sign-ins (wrong invite code or token) per client address before it is refused
                            for a while (default 10/0.0167: ten, then one a minute)
  --max-connections-per-ip N  open sockets per client address (default 64)
  --max-pending-requests-per-ip N
                            HTTP connections per client address waiting for a whole request (default 32)
  --headers-timeout-ms N    time for a request's headers to arrive whole (default 10000)
  --log-format FORMAT       json (default: one JSON object per line on standard error) or text
  --metrics on|off          Prometheus metrics at /metrics (default off)
  --metrics-token TOKEN     /metrics only with Authorization: Bearer TOKEN (default: $HEARTH_METRICS_TOKEN;
                            turns metrics on; at least 16 characters)
  --drain-timeout-ms N      on SIGTERM/SIGINT, how long commands in flight may take before sockets close (default 10000)

Endpoints besides the app: /healthz (alive), /readyz (store and broker reachable, not shutting down), /metrics
(when turned on).
SIGTERM or SIGINT drains: readiness turns 503, commands in flight are answered, clients are asked to reconnect.
`,
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      'public-origins': { type: 'string' },
      'allowed-origins': { type: 'string' },
      'trusted-proxies': { type: 'string' },
      static: { type: 'string' },
      bundle: { type: 'string' },
      'source-maps': { type: 'string' },
      'rate-member': { type: 'string' },
      'rate-ip': { type: 'string' },
      'rate-failed-sign-ins': { type: 'string' },
      'max-connections-per-ip': { type: 'string' },
      'max-pending-requests-per-ip': { type: 'string' },
      'headers-timeout-ms': { type: 'string' },
      'pool-size': { type: 'string' },
      'log-format': { type: 'string' },
      metrics: { type: 'string' },
      'metrics-token': { type: 'string' },
      'drain-timeout-ms': { type: 'string' },
    },
    async run(values, io) {
      const store = storeOf(values);
      const nats = natsOf(values);
      const port = int(values.port, 'port') ?? 8787;
      const format = str(values['log-format']) ?? 'json';
      if (format !== 'json' && format !== 'text') throw new UsageError('--log-format must be json or text');
      const metricsToken = str(values['metrics-token']) ?? (process.env.HEARTH_METRICS_TOKEN || undefined);
      const metrics = str(values.metrics) ?? (metricsToken !== undefined ? 'on' : 'off');
      if (metrics !== 'on' && metrics !== 'off') throw new UsageError('--metrics must be on or off');
      if (metricsToken !== undefined && !/^[\x21-\x7e]{16,}$/.test(metricsToken)) throw new UsageError('--metrics-token must be at least 16 characters, no spaces');
      const sourceMaps = str(values['source-maps']) ?? 'off';
      if (sourceMaps !== 'on' && sourceMaps !== 'off') throw new UsageError('--source-maps must be on or off');
      const publicOrigins = list(values['public-origins']);
      for (const origin of publicOrigins) {
        if (!/^https?:\/\/[^\s/]+\/?$/.test(origin)) throw new UsageError(`--public-origins takes origins such as https://circles.example.org, not ${JSON.stringify(origin)}`);
      }
      const logger = createLogger({ format });
      let server;
      try {
        server = await createHearthServer({
          ...store,
          ...(nats !== undefined ? { nats } : {}),
          ...(values['pool-size'] !== undefined ? { poolSize: int(values['pool-size'], 'pool-size')! } : {}),
          logger,
          metrics: metrics === 'on',
          ...(metrics === 'on' && metricsToken !== undefined ? { metricsToken } : {}),
          processMetrics: metrics === 'on',
          sourceMaps: sourceMaps === 'on',
          ...(publicOrigins.length > 0 ? { publicOrigins } : {}),
          drainTimeoutMs: int(values['drain-timeout-ms'], 'drain-timeout-ms') ?? 10_000,
          port,
          host: str(values.host) ?? '127.0.0.1',
          allowedOrigins: list(values['allowed-origins']),
          trustedProxies: list(values['trusted-proxies']),
          staticDir: str(values.static) ?? null,
          bundleFile: str(values.bundle) ?? null,
          rateLimits: {
            member: bucket(values['rate-member'], 'rate-member', DEFAULT_RATE_LIMITS.member),
            ip: bucket(values['rate-ip'], 'rate-ip', DEFAULT_RATE_LIMITS.ip),
            failedSignIns: bucket(values['rate-failed-sign-ins'], 'rate-failed-sign-ins', DEFAULT_RATE_LIMITS.failedSignIns),
          },
          maxConnectionsPerIp: int(values['max-connections-per-ip'], 'max-connections-per-ip') ?? DEFAULT_MAX_CONNECTIONS_PER_IP,
          ...(values['max-pending-requests-per-ip'] !== undefined ? { maxPendingRequestsPerIp: int(values['max-pending-requests-per-ip'], 'max-pending-requests-per-ip')! } : {}),
          ...(values['headers-timeout-ms'] !== undefined ? { headersTimeoutMs: int(values['headers-timeout-ms'], 'headers-timeout-ms')! } : {}),
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
      // Everything is checked before anything is written: a refused first invite must not leave a circle behind.
      const id = checked(CircleId, required(values.id, 'id'), 'id');
      const name = checked(CIRCLE_FIELDS.name, required(values.name, 'name'), 'name')!;
      const description = checkedIfGiven(CIRCLE_FIELDS.description, values.description, 'description');
      const norms = checkedIfGiven(CIRCLE_FIELDS.norms, values.norms, 'norms');
      const access = checkedIfGiven(AccessModeSchema, values.access, 'access');
      const memberCap = checkedIfGiven(CIRCLE_FIELDS.memberCap, int(values.cap, 'cap'), 'cap');
      const ownerName = checkedIfGiven(DisplayName, values['owner-name'], 'owner-name');
      const firstInvite = inviteOptions(values, 'invite-max-uses', 'invite-expires');
      await withService(values, io, async (service) => {
        const created = await service.createCircle({
          id,
          name,
          ...(description !== undefined ? { description } : {}),
          ...(norms !== undefined ? { norms } : {}),
          ...(access !== undefined ? { access } : {}),
          ...(memberCap !== undefined ? { memberCap } : {}),
          ...(ownerName !== undefined ? { ownerName } : {}),
          allowedOrigins: list(values['allowed-origins']),
          sso: values.sso === true,
        });
        const invite = await service.createInvite(id, firstInvite);
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
      const circle = circleOption(values);
      await withService(values, io, async (service) => {
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
      const circle = circleOption(values);
      const options = inviteOptions(values, 'max-uses', 'expires');
      await withService(values, io, async (service) => print(io, await service.createInvite(circle, options)));
    },
  },

  'invite list': {
    usage: `hearth-server invite list --circle ID

Prints the circle's invites as JSON, by id: uses, expiry, revoked. Codes are not kept, so not shown.
`,
    options: { circle: { type: 'string' } },
    async run(values, io) {
      const circle = required(values.circle, 'circle');
      await withService(values, io, async (service) => print(io, await service.listInvites(circle)));
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
      await withService(values, io, async (service) => print(io, await service.revokeInvite(circle, invite)));
    },
  },

  'member list': {
    usage: `hearth-server member list --circle ID

Prints the circle's members as JSON.
`,
    options: { circle: { type: 'string' } },
    async run(values, io) {
      const circle = circleOption(values);
      await withService(values, io, async (service) => print(io, ((await service.exportCircle(circle)) as { members: unknown }).members));
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
      const circle = circleOption(values);
      const member = memberOption(values);
      const role = required(values.role, 'role');
      if (!['owner', 'moderator', 'member'].includes(role)) throw new UsageError('--role must be member, moderator or owner');
      await withService(values, io, async (service) => print(io, await service.setRole(circle, member, role as Role, reasonOption(values))));
    },
  },

  'member ban': {
    usage: `hearth-server member ban --circle ID --member=MEMBER_ID [--reason TEXT]

  --member=MEMBER_ID        the member's id from \`member list\` (with "=": an id may start with "-")
  --reason TEXT             why, for the audit log (default "by the operator")

Bans the member in the owner's name, as a moderator would: the ban is in the audit log, the member's open
connections close within a second or two, and their token no longer signs in. \`member unban\` lifts it.
Prints the member as JSON.
`,
    options: MEMBER_ACTION,
    async run(values, io) {
      const { circle, member, reason } = memberAction(values);
      await withService(values, io, async (service) => print(io, await service.banMember(circle, member, reason)));
    },
  },

  'member unban': {
    usage: `hearth-server member unban --circle ID --member=MEMBER_ID [--reason TEXT]

  --member=MEMBER_ID        the member's id from \`member list\` (with "=": an id may start with "-")
  --reason TEXT             why, for the audit log (default "by the operator")

Lifts a ban in the owner's name (audited): the member signs in again with their token. Prints the member as JSON.
`,
    options: MEMBER_ACTION,
    async run(values, io) {
      const { circle, member, reason } = memberAction(values);
      await withService(values, io, async (service) => print(io, await service.unbanMember(circle, member, reason)));
    },
  },

  'member remove': {
    usage: `hearth-server member remove --circle ID --member=MEMBER_ID [--reason TEXT]

  --member=MEMBER_ID        the member's id from \`member list\` (with "=": an id may start with "-")
  --reason TEXT             why, for the audit log (default "by the operator")

Removes the member in the owner's name, as a moderator would (audited): their open connections close within
a second or two and their token stops working. They may join again with a valid invite; to keep them out,
use \`member ban\`. Prints {"circle", "removed"} as JSON.
`,
    options: MEMBER_ACTION,
    async run(values, io) {
      const { circle, member, reason } = memberAction(values);
      await withService(values, io, async (service) => {
        await service.removeMember(circle, member, reason);
        print(io, { circle, removed: member });
      });
    },
  },

  export: {
    usage: `hearth-server export --circle ID [--out FILE]

Writes everything the circle holds (circle, members, threads, messages, invites, reports, audit log) as JSON,
to FILE or standard output. Member tokens and the sign-on secret are never exported.
`,
    options: { circle: { type: 'string' }, out: { type: 'string', short: 'o' } },
    async run(values, io) {
      const circle = circleOption(values);
      await withService(values, io, async (service) => {
        const json = `${JSON.stringify(await service.exportCircle(circle), null, 2)}\n`;
        const out = str(values.out);
        // An earlier export at --out is replaced, by a file only its owner reads.
        if (out) await writingOut(() => writePrivateFile(out, (file) => writeFileSync(file, json), { replace: true }));
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
      await writingOut(() => backupSqliteFile(data, out));
      io.out(`backed up ${data} to ${out}\n`);
    },
  },
};

// ── Option values, checked by the protocol's own schemas ─────────────────────────────────────────
// What the CLI writes, every client reads: a value the wire would refuse (a tab in a name, a cap of 0, an
// invite for 8 days) would be stored and break the circle for everyone. So each option meets the schema the
// same value meets in a command, and a refusal names the option.

/** The schemas of a circle's fields, as `circle.update` checks them. */
const CIRCLE_FIELDS = CircleUpdateCommand.entries;
/** The schemas of an invite's limits, as `invite.create` checks them. */
const INVITE_FIELDS = InviteCreateCommand.entries;

/** `value` checked by `schema`; the schema's output (which may normalise it) is what is used. */
function checked<T>(schema: v.GenericSchema<unknown, T>, value: unknown, name: string): T {
  const result = v.safeParse(schema, value);
  if (!result.success) throw new UsageError(`--${name} ${result.issues[0].message}`);
  return result.output;
}

function checkedIfGiven<T>(schema: v.GenericSchema<unknown, T>, value: unknown, name: string): T | undefined {
  return value === undefined ? undefined : checked(schema, value, name);
}

function circleOption(values: Record<string, unknown>): string {
  return checked(CircleId, required(values.circle, 'circle'), 'circle');
}

function memberOption(values: Record<string, unknown>): string {
  return checked(Id, required(values.member, 'member'), 'member');
}

function reasonOption(values: Record<string, unknown>): string | undefined {
  return checkedIfGiven(Reason, values.reason, 'reason');
}

/** An invite's uses and lifetime from the options named so; unset means unlimited uses and the default lifetime. */
function inviteOptions(values: Record<string, unknown>, usesName: string, expiresName: string): { maxUses: number | null; expiresInMs?: number | null } {
  const maxUses = checked(INVITE_FIELDS.maxUses, int(values[usesName], usesName) ?? null, usesName) ?? null;
  const expiresInMs = checked(INVITE_FIELDS.expiresInMs, duration(values[expiresName], expiresName), expiresName);
  return { maxUses, ...(expiresInMs !== undefined ? { expiresInMs } : {}) };
}

/** Opens the store (and NATS, when given, so running servers hear of the change), runs `fn`, closes both. */
async function withService(values: Record<string, unknown>, io: CliIo, fn: (service: CircleService) => Promise<void>): Promise<void> {
  const store = storeOf(values);
  const nats = natsOf(values);
  const storage: Storage =
    'database' in store ? await openPostgresStorage({ url: store.database }) : createSqliteStorage({ file: store.dataFile, logger: createLogger({ format: 'text', write: io.err }) });
  let fanOut: FanOut | null = null;
  try {
    fanOut = nats ? await connectNatsFanOut({ servers: nats, logger: silentLogger }) : createInProcessFanOut();
    await fn(new CircleService({ storage, fanOut }));
  } finally {
    await fanOut?.close();
    await storage.close();
  }
}

/** Runs a write to `--out`: a path refused as the destination (a symbolic link, an existing file) is a usage error. */
async function writingOut(write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (error instanceof HearthError && (error.code === 'invalid' || error.code === 'conflict')) throw new UsageError(`--out ${error.message}`);
    throw error;
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
function duration(value: unknown, name: string): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === 'never') return null;
  const match = typeof value === 'string' ? /^(\d+)(s|m|h|d)$/.exec(value) : null;
  if (!match) throw new UsageError(`--${name} takes a duration: 30m, 24h, 7d or never`);
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
