// Headless Chromium for the browser benchmarks: Debian's Chromium driven by puppeteer-core, pages bundled
// from bench/pages against the built packages (what npm users and the drop-in run), served from 127.0.0.1.
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { rollup, type Plugin } from 'rollup';
import nodeResolve from '@rollup/plugin-node-resolve';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export const CHROMIUM = process.env.CHROME_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

/** TypeScript to JavaScript, file by file, without type checking (`npm run typecheck` checks bench/ too). */
function transpile(): Plugin {
  return {
    name: 'transpile-ts',
    transform(code, id) {
      if (!id.endsWith('.ts')) return null;
      const out = ts.transpileModule(code, {
        fileName: id,
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, experimentalDecorators: true, useDefineForClassFields: false, sourceMap: true },
      });
      return { code: out.outputText, map: out.sourceMapText ? JSON.parse(out.sourceMapText) : null };
    },
  };
}

/**
 * Bundles a page script from bench/pages into `outDir/<name>.js`. Hearth packages resolve to their built
 * `dist/` (no `source` condition), Lit to its production build.
 */
export async function bundlePage(root: string, entry: string, outDir: string): Promise<string> {
  const name = path.basename(entry, '.ts');
  const bundle = await rollup({
    input: path.join(root, 'bench/pages', entry),
    plugins: [nodeResolve({ browser: true, exportConditions: ['browser', 'production'], extensions: ['.ts', '.js', '.mjs'] }), transpile()],
    onwarn: (warning, warn) => {
      if (warning.code === 'CIRCULAR_DEPENDENCY' || warning.code === 'THIS_IS_UNDEFINED') return;
      warn(warning);
    },
  });
  try {
    await bundle.write({ dir: outDir, format: 'es', entryFileNames: '[name].js', sourcemap: true });
  } finally {
    await bundle.close();
  }
  writeFileSync(
    path.join(outDir, `${name}.html`),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${name}</title>` +
      `<style>body{margin:0;font:16px system-ui,sans-serif} hearth-thread{display:block;width:720px}</style></head>` +
      `<body><script type="module" src="./${name}.js"></script></body></html>`,
  );
  return `${name}.html`;
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.map': 'application/json' };

/** Serves the files of one folder on 127.0.0.1 and a free port. */
export async function serveFolder(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const name = path.basename(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.join(dir, name);
    if (!name || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(name)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Chromium headless with `gc()` exposed and exact `performance.memory`; timers and rendering not throttled
 * (a benchmark page must not be treated as a background tab).
 */
export async function launchChromium(): Promise<Browser> {
  if (!CHROMIUM) throw new Error('no Chromium found: apt-get install -y chromium, or set CHROME_PATH');
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
      '--enable-precise-memory-info',
      '--js-flags=--expose-gc',
    ],
  });
}

/** Opens a page and fails loudly on any page error (a benchmark of a broken page measures nothing). */
export async function openPage(browser: Browser, url: string, viewport = { width: 1000, height: 900 }): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewport(viewport);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String((error as Error).stack ?? error)));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction('window.benchReady === true', { timeout: 30_000 });
  if (errors.length > 0) throw new Error(`page errors: ${errors.join('\n')}`);
  (page as Page & { benchErrors?: string[] }).benchErrors = errors;
  return page;
}
