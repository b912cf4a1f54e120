// The site `npm start` serves, and the one the examples' browser tests start: the reference server with its
// data in one folder, the examples as static files, the drop-in bundle at /hearth.js, and the two backends
// that live beside it — the blog's host backend (sign-on, /blog/api/…) and the custom transport's own
// REST + SSE backend (/custom-transport/api/…).
//
// On the first run it creates the demo circle (with host-site sign-on on: the secret is generated into the
// data file and never printed), an invite that does not expire, and remembers both in <data>/demo.json.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHearthServer, createLogger, writePrivateFile, type HearthServer } from '@hearth/server';
import { createHostBackend } from '../examples/blog/host-backend.js';
import { createExampleBackend } from '../examples/custom-transport/backend.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The demo circle every example on the reference server uses. */
export const DEMO_CIRCLE = 'demo';
/** The circle of the custom transport's example backend (kept in memory: a new one each start). */
export const EXAMPLE_CIRCLE = 'example';

export interface DemoSite {
  server: HearthServer;
  /** `http://localhost:port` */
  url: string;
  demo: { inviteCode: string; ownerToken: string | null; ownerId: string | null };
  /** The custom transport backend's circle: an invite and the owner's token, for this run only. */
  example: { inviteCode: string; ownerToken: string };
  close(): Promise<void>;
}

export interface DemoSiteOptions {
  /** Folder for hearth.db and demo.json. */
  dataDir: string;
  /** Default 8787; 0 picks a free port. */
  port?: number;
  log?: (message: string, error?: unknown) => void;
}

interface Saved {
  circle: string;
  ownerId: string | null;
  ownerToken: string | null;
  inviteCode: string | null;
}

export async function startDemoSite(options: DemoSiteOptions): Promise<DemoSite> {
  // The folder holds the data file and the owner's token: its owner's only.
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  let server: HearthServer | null = null;
  const hostBackend = createHostBackend({ secret: async () => (server ? server.storage.read(DEMO_CIRCLE, (tx) => tx.serverSettings().ssoSecret) : null) });
  const exampleBackend = createExampleBackend({ basePath: '/custom-transport' });
  server = await createHearthServer({
    dataFile: path.join(options.dataDir, 'hearth.db'),
    port: options.port ?? 8787,
    host: '127.0.0.1',
    staticDir: path.join(root, 'examples'),
    bundleFile: path.join(root, 'packages/elements/dist/hearth.js'),
    // The Vue example: Vue 3 creates a Trusted Types policy named `vue`.
    trustedTypesPolicies: ['vue'],
    // A development demo on this machine: the bundle's source maps help whoever debugs the examples.
    sourceMaps: true,
    handleRequest: async (req, res) => (await hostBackend(req, res)) || (await exampleBackend.handle(req, res)),
    ...(options.log ? { log: options.log } : { logger: createLogger({ format: 'text' }) }),
  });
  const demo = await ensureDemoCircle(server, path.join(options.dataDir, 'demo.json'));
  const example = exampleBackend.createCircle(EXAMPLE_CIRCLE, 'A circle on its own backend');
  const running = server;
  return {
    server,
    url: `http://localhost:${server.port}`,
    demo,
    example,
    async close() {
      exampleBackend.close();
      await running.close();
    },
  };
}

/** demo.json holds the owner's token: written as a private file, replacing the last one. */
function saveDemo(file: string, saved: Saved): Promise<void> {
  return writePrivateFile(file, (temp) => writeFileSync(temp, `${JSON.stringify(saved, null, 2)}\n`), { replace: true });
}

/** The demo circle and an invite to it: made on the first run, repaired when missing, remembered in demo.json. */
async function ensureDemoCircle(server: HearthServer, file: string): Promise<DemoSite['demo']> {
  const { service } = server;
  let saved: Saved | null = null;
  try {
    saved = JSON.parse(readFileSync(file, 'utf8')) as Saved;
  } catch {
    // first run, or the file was removed: made again below
  }
  if (!(await server.storage.listCircleIds()).includes(DEMO_CIRCLE)) {
    const created = await service.createCircle({
      id: DEMO_CIRCLE,
      name: 'Demo circle',
      description: 'A circle to try Hearth in: the landing page, the blog and the examples all talk here.',
      ownerName: 'Host',
      sso: true,
    });
    saved = { circle: DEMO_CIRCLE, ownerId: created.ownerId, ownerToken: created.ownerToken, inviteCode: null };
    // The owner token exists only in this answer (the server keeps its hash): save it before anything else.
    await saveDemo(file, saved);
  }
  saved ??= { circle: DEMO_CIRCLE, ownerId: null, ownerToken: null, inviteCode: null };
  // Data folders from before the sign-on example get a secret too.
  if (!(await service.hasSso(DEMO_CIRCLE))) await service.setSsoSecret(DEMO_CIRCLE);
  const code = saved.inviteCode;
  const invite = code ? await server.storage.read(DEMO_CIRCLE, (tx) => tx.repo.findInviteByCode(code)) : undefined;
  const usable = invite && !invite.revoked && (invite.expiresAt === null || invite.expiresAt > Date.now()) && (invite.maxUses === null || invite.uses < invite.maxUses);
  if (!usable) saved.inviteCode = (await service.createInvite(DEMO_CIRCLE, { expiresInMs: null, maxUses: null })).code;
  await saveDemo(file, saved);
  return { inviteCode: saved.inviteCode!, ownerToken: saved.ownerToken, ownerId: saved.ownerId };
}
