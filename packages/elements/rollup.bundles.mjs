// The drop-in `dist/hearth.js`: elements, core, protocol, the WebSocket transport and Lit in one minified
// file. Every reader of every page embedding Hearth pays for it, so the build prints its gzip size and fails
// above the budget. Then the Custom Elements Manifest is generated from the JSDoc of the sources.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { minifyTemplates } from './build/minify-templates.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
/** The drop-in's budget, gzip. */
export const BUDGET_BYTES = 35 * 1024;

function sizeReport() {
  return {
    name: 'hearth-size-budget',
    writeBundle(options, bundle) {
      for (const [file, chunk] of Object.entries(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const code = readFileSync(path.join(options.dir, file));
        const gzip = gzipSync(code, { level: 9 }).length;
        const line = `${file}: ${(code.length / 1024).toFixed(1)} KB raw, ${(gzip / 1024).toFixed(1)} KB gzip (budget ${BUDGET_BYTES / 1024} KB gzip)`;
        if (gzip > BUDGET_BYTES) this.error(`${line}: over budget`);
        console.log(line);
      }
    },
  };
}

/** Writes custom-elements.json beside package.json with the analyzer (Lit mode, from the JSDoc). */
function manifest() {
  return {
    name: 'hearth-custom-elements-manifest',
    writeBundle() {
      execFileSync(
        process.execPath,
        [path.join(root, 'node_modules/@custom-elements-manifest/analyzer/cem.js'), 'analyze', '--litelement', '--globs', 'src/**/*.ts', '--exclude', 'src/drop-in.ts', '--outdir', 'dist'],
        { cwd: here, stdio: ['ignore', 'ignore', 'inherit'] },
      );
      console.log('custom-elements.json written');
    },
  };
}

/** `hearth-fr.js`, `hearth-moderation.js`: named after what they bring, not after their entry file. */
function chunkName(chunk) {
  const from = chunk.facadeModuleId ?? '';
  if (from.includes('fr-define')) return 'hearth-fr.js';
  if (from.includes('hearth-moderation')) return 'hearth-moderation.js';
  return 'hearth-[name].js';
}

export default [
  {
    input: path.join(here, 'src/drop-in.ts'),
    // Languages other than English come as `hearth-<lang>.js` beside it, fetched only by pages that need them.
    // Lazy chunks import what they share from hearth.js itself, which may export more than the entry does.
    preserveEntrySignatures: 'allow-extension',
    output: { dir: path.join(here, 'dist'), entryFileNames: 'hearth.js', chunkFileNames: chunkName, format: 'es', sourcemap: true },
    plugins: [
      // Sources, not built siblings: the whole graph is bundled and minified together.
      nodeResolve({ browser: true, exportConditions: ['source', 'browser', 'production'], extensions: ['.ts', '.js', '.mjs'] }),
      typescript({
        tsconfig: path.join(root, 'tsconfig.json'),
        include: [path.join(root, 'packages/*/src/**/*.ts')],
        compilerOptions: { noEmit: false, declaration: false, declarationMap: false, sourceMap: true, outDir: path.join(here, 'dist'), rootDir: path.join(root, 'packages'), types: [] },
        noEmitOnError: true,
      }),
      minifyTemplates(),
      terser({ module: true, ecma: 2022, compress: { passes: 2 }, format: { comments: false } }),
      sizeReport(),
      manifest(),
    ],
  },
];
