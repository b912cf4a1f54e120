// `npm run cluster`: Hearth as several processes on this machine, to try or measure scaling out: a throwaway
// PostgreSQL and NATS, N `hearth-server` processes on them, and a round-robin TCP load balancer in front.
// Prints one JSON line with every address (for scripts), then runs until Ctrl+C, removing everything.
//
//   npm run cluster -- --processes 3 [--built] [-- more hearth-server start options]
import { parseArgs } from 'node:util';
import { CircleService, createInProcessFanOut, openPostgresStorage, silentLogger } from '@hearth/server';
import { startBalancer, startHearthProcesses, startThrowawayNats, startThrowawayPostgres } from './engines/index.js';

const { values, positionals } = parseArgs({
  options: {
    processes: { type: 'string', default: '3' },
    built: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
  allowPositionals: true,
});
if (values.help) {
  console.log(`npm run cluster -- [--processes N] [--built] [-- hearth-server start options]

  --processes N   server processes (default 3); they, the balancer, PostgreSQL and NATS take free 127.0.0.1 ports
  --built         run packages/server/dist (npm run build first) instead of the TypeScript sources`);
  process.exit(0);
}
const count = Number(values.processes);
if (!Number.isInteger(count) || count < 1) throw new Error('--processes must be a whole number ≥ 1');

// Until everything is up, a Ctrl+C ends the process and the engines' exit hook removes what was started.
const pg = await startThrowawayPostgres();
const nats = await startThrowawayNats();
const database = await pg.createDatabase('hearth');
const servers = await startHearthProcesses(count, { database, nats: nats.url, source: !values.built, args: ['--log-format', 'text', '--metrics', 'on', ...positionals] });
const balancer = await startBalancer(servers.map((s) => ({ port: s.port })));

// A demo circle, created the way `hearth-server circle create --database …` does.
const storage = await openPostgresStorage({ url: database, logger: silentLogger });
const admin = new CircleService({ storage, fanOut: createInProcessFanOut() });
const { ownerToken } = await admin.createCircle({ id: 'demo', name: 'Demo circle', ownerName: 'Host' });
const invite = await admin.createInvite('demo', { maxUses: null, expiresInMs: null });
await storage.close();

console.log(
  JSON.stringify({
    balancer: balancer.url,
    processes: servers.map((s) => s.url),
    database,
    nats: nats.url,
    circle: 'demo',
    ownerToken,
    inviteCode: invite.code,
  }),
);
console.error(`Hearth on ${count} process(es) behind ${balancer.url} (PostgreSQL ${database}, NATS ${nats.url}). Stop with Ctrl+C.`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await balancer.close();
  await Promise.all(servers.map((s) => s.kill('SIGTERM')));
  await nats.stop();
  await pg.stop();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
