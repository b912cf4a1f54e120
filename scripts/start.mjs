// `npm start`: runs the reference server on this machine with its data under ./data, a demo circle and an
// invite that does not expire, serving the examples and the drop-in bundle. Runs until stopped (Ctrl+C).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const serverEntry = path.join(root, 'packages/server/dist/index.js');
if (!existsSync(serverEntry)) {
  console.error('The server is not built yet: run `npm start` (which builds first) or `npm run build`.');
  process.exit(1);
}
const { createHearthServer, createLogger } = await import(serverEntry);

const port = process.env.PORT ? Number(process.env.PORT) : 8787;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, not ${JSON.stringify(process.env.PORT)}`);
  process.exit(1);
}
const dataDir = path.join(root, 'data');
mkdirSync(dataDir, { recursive: true });
const demoFile = path.join(dataDir, 'demo.json');
const bundleFile = path.join(root, 'packages/elements/dist/hearth.js');

let server;
try {
  server = await createHearthServer({
    dataFile: path.join(dataDir, 'hearth.db'),
    port,
    host: '127.0.0.1',
    staticDir: path.join(root, 'examples'),
    bundleFile,
    logger: createLogger({ format: 'text' }),
  });
} catch (error) {
  if (error.code === 'EADDRINUSE') {
    console.error(`Port ${port} is busy: another program (perhaps another \`npm start\`) is using it.`);
    console.error(`Stop it, or pick another port: PORT=${port + 1} npm start`);
    process.exit(1);
  }
  throw error;
}

/** The demo circle and an invite to it, created on the first run and remembered in data/demo.json. */
async function demo() {
  const { service } = server;
  let saved = null;
  try {
    saved = JSON.parse(readFileSync(demoFile, 'utf8'));
  } catch {
    // first run, or the file was removed: make it again below
  }
  const exists = (await server.storage.listCircleIds()).includes('demo');
  if (!exists) {
    const created = await service.createCircle({
      id: 'demo',
      name: 'Demo circle',
      description: 'A circle to try Hearth in.',
      ownerName: 'Host',
    });
    saved = { circle: 'demo', ownerId: created.ownerId, ownerToken: created.ownerToken, inviteCode: null };
  }
  saved ??= { circle: 'demo', ownerId: null, ownerToken: null, inviteCode: null };
  const code = saved.inviteCode;
  const invite = code ? await server.storage.read('demo', (tx) => tx.repo.getInvite(code)) : undefined;
  if (!invite || invite.revoked || (invite.expiresAt !== null && invite.expiresAt <= Date.now()) || (invite.maxUses !== null && invite.uses >= invite.maxUses)) {
    saved.inviteCode = (await service.createInvite('demo', { expiresInMs: null, maxUses: null })).code;
  }
  writeFileSync(demoFile, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 });
  return saved;
}

const { inviteCode, ownerToken } = await demo();
const base = `http://localhost:${server.port}`;
console.log('');
console.log(`  Hearth is running at   ${base}/`);
console.log(`  Invite to the demo:    ${base}/?invite=${inviteCode}`);
if (ownerToken) console.log(`  Owner token (keep it):  in data/demo.json`);
if (!existsSync(bundleFile)) console.log('  (the drop-in bundle packages/elements/dist/hearth.js is not built, so /hearth.js is not served)');
console.log('');
console.log('  Data lives in ./data. Stop with Ctrl+C.');

const stop = () => server.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
