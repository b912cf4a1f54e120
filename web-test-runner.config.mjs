// Browser tests run in Debian's Chromium (no browser download): core in the browser and the elements. The
// end-to-end runs (test/e2e) need two browser profiles and drive Chromium with puppeteer-core.
// TypeScript is compiled by esbuild; sibling packages resolve to their sources through the `source`
// export condition, and `browser` makes nanoid pick its Web Crypto build.
//
// Two plugins serve the network edge-case tests (test/core/network-edges.test.ts): msw's worker script at
// /mockServiceWorker.js (msw puts it between the page and the network), and a real reference server on
// 127.0.0.1 behind it, whose circles the tests create through /__hearth/*.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

const executablePath = process.env.CHROME_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const require = createRequire(import.meta.url);

/** msw's worker, version-matched with the msw the tests import, served from the page's origin. */
function mswWorker() {
  return {
    name: 'msw-worker',
    serve(context) {
      if (context.path === '/mockServiceWorker.js') return { body: readFileSync(require.resolve('msw/mockServiceWorker.js'), 'utf8'), type: 'js' };
    },
  };
}

/**
 * A reference server (built: `npm run build`) with a real SQLite file, for tests that put msw between the
 * browser and it. `/__hearth/circle` creates a circle (owner token, invite); `/__hearth/post` posts in it as
 * its owner, server-side; `/__hearth/messages` lists a thread's stored messages.
 */
function hearthServer() {
  let server = null;
  let dataDir = null;
  let circles = 0;
  const json = (value) => ({ body: JSON.stringify(value), type: 'json' });
  return {
    name: 'hearth-server',
    async serverStart() {
      const entry = path.resolve('packages/server/dist/index.js');
      if (!existsSync(entry)) return; // not built: the tests that need it say so and skip
      const { createHearthServer } = await import(entry);
      dataDir = mkdtempSync(path.join(tmpdir(), 'hearth-wtr-'));
      server = await createHearthServer({ dataFile: path.join(dataDir, 'hearth.db'), port: 0, host: '127.0.0.1', allowedOrigins: ['*'], log: () => {} });
    },
    async serverStop() {
      await server?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    async serve(context) {
      if (!context.path.startsWith('/__hearth/')) return undefined;
      if (!server) return { body: 'build first: npm run build', status: 503 };
      const query = context.URL.searchParams;
      if (context.path === '/__hearth/circle') {
        const id = `net-${++circles}`;
        const { ownerToken, ownerId } = await server.service.createCircle({ id, name: 'Network edges', ownerName: 'Host' });
        const invite = (await server.service.createInvite(id, { maxUses: null, expiresInMs: null })).code;
        return json({ url: server.url, socketUrl: server.socketUrl, circle: id, ownerToken, ownerId, invite });
      }
      const circle = query.get('circle');
      const owner = circle ? await server.storage.read(circle, (tx) => tx.repo.listMembers().find((m) => m.role === 'owner')).catch(() => undefined) : undefined;
      if (!owner) return { body: 'no such circle', status: 404 };
      if (context.path === '/__hearth/post') {
        const ack = await server.service.execute(circle, owner.id, {
          id: `srv-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`,
          type: 'message.post',
          messageId: `srvmsg-${Math.random().toString(36).slice(2, 12)}`,
          threadId: query.get('thread'),
          body: query.get('body'),
        });
        return json(ack);
      }
      if (context.path === '/__hearth/messages') {
        return json((await server.storage.read(circle, (tx) => tx.historyPage(query.get('thread'), null, 200))).messages);
      }
      return undefined;
    },
  };
}

export default {
  files: ['test/core/**/*.test.ts', 'test/elements/**/*.test.ts'],
  nodeResolve: { exportConditions: ['source', 'browser', 'production'] },
  plugins: [mswWorker(), hearthServer(), esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' })],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
      },
    }),
  ],
  concurrency: 2,
  testFramework: { config: { timeout: 15000 } },
  testsFinishTimeout: 10 * 60 * 1000,
};
