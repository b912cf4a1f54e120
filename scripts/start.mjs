// `npm start`: runs the reference server on this machine with its data under ./data, a demo circle and an
// invite that does not expire, serving the examples, the drop-in bundle and the examples' own backends
// (see demo-site.ts). Runs until stopped (Ctrl+C).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
for (const built of ['packages/server/dist/index.js', 'packages/elements/dist/hearth.js']) {
  if (!existsSync(path.join(root, built))) {
    console.error(`${built} is not built yet: run \`npm start\` (which builds first) or \`npm run build\`.`);
    process.exit(1);
  }
}
if (!existsSync(path.join(root, 'examples/build'))) {
  console.error('The examples are not built yet (examples/build): run `npm start` (which builds first) or `npm run build`.');
  process.exit(1);
}

const port = process.env.PORT ? Number(process.env.PORT) : 8787;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, not ${JSON.stringify(process.env.PORT)}`);
  process.exit(1);
}

// The examples' backends are TypeScript, like the rest of the repository.
register();
const { startDemoSite } = await import('./demo-site.ts');

let site;
try {
  site = await startDemoSite({ dataDir: path.join(root, 'data'), port });
} catch (error) {
  if (error.code === 'EADDRINUSE') {
    console.error(`Port ${port} is busy: another program (perhaps another \`npm start\`) is using it.`);
    console.error(`Stop it, or pick another port: PORT=${port + 1} npm start`);
    process.exit(1);
  }
  throw error;
}

const { url, demo, example } = site;
console.log('');
console.log(`  Hearth is running at   ${url}/`);
console.log(`  Invite to the demo:    ${url}/?invite=${demo.inviteCode}`);
if (demo.ownerToken) console.log(`  Owner token:           in data/demo.json (sign in with it to moderate: /blog/owner.html)`);
console.log(`  Custom transport:      ${url}/custom-transport/?invite=${example.inviteCode}   (its own backend, in memory)`);
console.log('');
console.log('  Data lives in ./data. Stop with Ctrl+C.');

const stop = () => site.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
