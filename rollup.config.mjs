// Builds every workspace package to ESM with .d.ts files, in dependency order (the `workspaces` order of
// the root package.json), and the drop-in bundle. Entries are read from each package's `exports` map: the
// `source` condition names the TypeScript entry and `default` names the file it becomes, so adding an entry
// point is a package.json change only.
import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import typescript from '@rollup/plugin-typescript';

const root = JSON.parse(readFileSync('package.json', 'utf8'));
const only = process.env.HEARTH_PACKAGES?.split(',');

function entriesOf(pkgDir, pkg) {
  const entries = {};
  for (const target of Object.values(pkg.exports ?? {})) {
    if (typeof target !== 'object' || !target.source || !target.default?.endsWith('.js')) continue;
    entries[path.basename(target.default, '.js')] = path.join(pkgDir, target.source);
  }
  for (const extra of pkg.hearthBuild?.entries ?? []) {
    entries[path.basename(extra, '.ts')] = path.join(pkgDir, extra);
  }
  return entries;
}

/** Everything that is not a relative import stays external: packages resolve their own dependencies. */
const external = (id) => !id.startsWith('.') && !path.isAbsolute(id) && !id.startsWith('\0');

const builds = [];
for (const pkgDir of root.workspaces) {
  const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  if (only && !only.includes(path.basename(pkgDir))) continue;
  const dist = path.join(pkgDir, 'dist');
  builds.push({
    input: entriesOf(pkgDir, pkg),
    external,
    output: { dir: dist, format: 'es', sourcemap: true, entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    plugins: [
      {
        name: 'clean-dist',
        buildStart() {
          if (existsSync(dist)) rmSync(dist, { recursive: true });
        },
      },
      {
        // A package's `bin` files must be executable, or `npx hearth-server` answers "Permission denied".
        name: 'executable-bins',
        writeBundle() {
          for (const bin of Object.values(typeof pkg.bin === 'string' ? { [pkg.name]: pkg.bin } : (pkg.bin ?? {}))) {
            const file = path.join(pkgDir, bin);
            if (existsSync(file)) chmodSync(file, 0o755);
          }
        },
      },
      typescript({
        tsconfig: 'tsconfig.json',
        include: [path.resolve(pkgDir, "src/**/*.ts")],
        // Against siblings' built .d.ts, not their sources, so each package's declarations stay its own.
        compilerOptions: { customConditions: [], rootDir: `${pkgDir}/src`, outDir: dist, declaration: true, declarationMap: false, noEmit: false, types: ['node'] },
        noEmitOnError: true,
      }),
    ],
    onwarn(warning, warn) {
      if (warning.code === 'CIRCULAR_DEPENDENCY' && warning.ids?.every((id) => id.includes('node_modules'))) return;
      warn(warning);
    },
  });
}

// Packages may add bundles of their own (the elements' drop-in) in a `rollup.bundles.mjs` beside their package.json.
for (const pkgDir of root.workspaces) {
  if (only && !only.includes(path.basename(pkgDir))) continue;
  const extra = path.join(pkgDir, 'rollup.bundles.mjs');
  if (existsSync(extra)) builds.push(...(await import(path.resolve(extra))).default);
}

export default builds;
