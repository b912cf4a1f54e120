// Bundle weights, shared by the weight benchmark and the test command's budget checks (they are deterministic).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { rollup, type Plugin } from 'rollup';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

/** `@hearth/core`'s client with the parts of `@hearth/protocol` it uses, minified, gzip: what a headless page pays. */
export const CORE_BUDGET_BYTES = 10 * 1024;

export interface Sizes {
  raw: number;
  gzip: number;
  brotli: number;
}

/** gzip at level 9 (as the build's budget check), brotli at its default quality (11), as servers precompress. */
export function sizesOf(code: string | Buffer): Sizes {
  const buffer = typeof code === 'string' ? Buffer.from(code) : code;
  return {
    raw: buffer.length,
    gzip: gzipSync(buffer, { level: 9 }).length,
    brotli: brotliCompressSync(buffer, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: buffer.length } }).length,
  };
}

/**
 * Entries measured for the headless packages, as an application would import them. Bundled from the built
 * `dist/` (what npm users get), resolved and minified like the drop-in: browser builds, terser, two passes.
 */
export const HEADLESS_ENTRIES = {
  /** The client a page binds its own UI to: the budgeted figure. */
  'core + protocol (client)': `export { createCircleClient, browserStorage, memoryStorage, HearthError, backoffDelay } from '@hearth/core';`,
  /** The same with the transport to the reference server, which brings the frame validators. */
  'core + protocol + transport-websocket': `export { createCircleClient, browserStorage, memoryStorage, HearthError, backoffDelay } from '@hearth/core';\nexport { createWebSocketTransport } from '@hearth/transport-websocket';`,
  /** Everything core's main entry exports, including the in-memory hub (which embeds the server's rules engine). */
  'core main entry, all exports': `export * from '@hearth/core';`,
} as const;

export type HeadlessEntry = keyof typeof HEADLESS_ENTRIES;

/** Builds one of `HEADLESS_ENTRIES`; resolves with the minified code and the modules it holds. */
export async function bundleHeadless(root: string, entry: HeadlessEntry): Promise<{ code: string; modules: string[] }> {
  for (const pkg of ['protocol', 'core', 'transport-websocket']) {
    if (!existsSync(path.join(root, 'packages', pkg, 'dist/index.js'))) throw new Error(`packages/${pkg} is not built: run \`npm run build\` first`);
  }
  // A virtual entry named as if it sat at the repository root, so the workspace packages resolve from there.
  const entryId = path.join(root, '.headless-entry.js');
  const virtual: Plugin = {
    name: 'entry',
    resolveId: (id) => (id === entryId ? id : null),
    load: (id) => (id === entryId ? HEADLESS_ENTRIES[entry] : null),
  };
  const bundle = await rollup({
    input: entryId,
    plugins: [
      virtual,
      nodeResolve({ browser: true, exportConditions: ['browser', 'production'], rootDir: root }),
      terser({ module: true, ecma: 2022, compress: { passes: 2 }, format: { comments: false } }),
    ],
    onwarn: () => {},
  });
  try {
    const { output } = await bundle.generate({ format: 'es' });
    const chunk = output[0];
    return { code: chunk.code, modules: Object.keys(chunk.modules).filter((m) => m !== entryId) };
  } finally {
    await bundle.close();
  }
}
