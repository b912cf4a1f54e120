// Weight: what a page downloads.
//
// Method: deterministic, one run. Reads the built files (the runner builds first): the drop-in
// `packages/elements/dist/hearth.js` and its lazy chunks (`hearth-moderation.js`, `hearth-fr.js`). Bundles the
// headless packages from their built `dist/` the way an application's bundler would (browser builds, terser with
// the drop-in's options; see bench/lib/bundle-size.ts). Sizes: gzip level 9 (as the build's budget check),
// brotli quality 11. Each byte of the minified drop-in is attributed to its source through the source map,
// giving the per-dependency table (printed, and in the JSON under details.weight.modules) and each element's
// module: its folder's minified code, compressed on its own (so the parts sum to more than the whole, which
// shares one compression window).
// Budgets are asserted by the test command (build + test/elements/bundle.test.ts for the drop-in,
// test/build/core-budget.test.ts for core + protocol); here they are only shown.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defineBench, KB, type Figure } from './lib/harness.js';
import { bundleHeadless, CORE_BUDGET_BYTES, HEADLESS_ENTRIES, sizesOf, type HeadlessEntry } from './lib/bundle-size.js';
import { attribute, ownerOf } from './lib/sourcemap.js';

const DROP_IN_BUDGET_BYTES = 35 * KB;

export default defineBench({
  name: 'weight',
  title: 'gzip and brotli sizes of the drop-in, the headless packages and each element',
  order: 10,
  async run({ root, log, attach }) {
    const dist = path.join(root, 'packages/elements/dist');
    const figures: Figure[] = [];
    const kb = (bytes: number) => bytes / KB;
    const add = (name: string, bytes: number, unit: string, target?: number, note?: string) =>
      figures.push({ group: 'weight', name, unit, samples: [kb(bytes)], ...(target ? { target: { op: '<=', value: kb(target) } } : {}), ...(note ? { note } : {}) });

    // The drop-in and its lazy chunks.
    const dropIn = readFileSync(path.join(dist, 'hearth.js'), 'utf8');
    const dropInSizes = sizesOf(dropIn);
    add('hearth.js (drop-in) gzip', dropInSizes.gzip, 'KB', DROP_IN_BUDGET_BYTES);
    add('hearth.js (drop-in) brotli', dropInSizes.brotli, 'KB');
    add('hearth.js (drop-in) minified', dropInSizes.raw, 'KB');
    for (const chunk of ['hearth-moderation.js', 'hearth-fr.js']) {
      add(`${chunk} (lazy) gzip`, sizesOf(readFileSync(path.join(dist, chunk))).gzip, 'KB');
    }

    // The headless packages.
    const headless: Record<string, { sizes: ReturnType<typeof sizesOf>; modules: string[] }> = {};
    for (const entry of Object.keys(HEADLESS_ENTRIES) as HeadlessEntry[]) {
      const { code, modules } = await bundleHeadless(root, entry);
      const sizes = sizesOf(code);
      headless[entry] = { sizes, modules: modules.map((m) => path.relative(root, m)) };
      const budgeted = entry === 'core + protocol (client)';
      add(`${entry} gzip`, sizes.gzip, 'KB', budgeted ? CORE_BUDGET_BYTES : undefined);
      if (budgeted) add(`${entry} brotli`, sizes.brotli, 'KB');
    }
    attach('headless', headless);

    // Per source: minified bytes of the drop-in (and the moderation chunk), by package and by element.
    const byOwner = new Map<string, string[]>();
    for (const file of ['hearth.js', 'hearth-moderation.js']) {
      const code = readFileSync(path.join(dist, file), 'utf8');
      const map = JSON.parse(readFileSync(path.join(dist, `${file}.map`), 'utf8'));
      for (const [source, pieces] of attribute(code, map)) {
        const owner = file === 'hearth.js' ? ownerOf(source) : `${ownerOf(source)} (lazy chunk)`;
        byOwner.set(owner, [...(byOwner.get(owner) ?? []), ...pieces]);
      }
    }
    const modules = [...byOwner].map(([owner, pieces]) => {
      const sizes = sizesOf(pieces.join(''));
      return { owner, minified: sizes.raw, gzipAlone: sizes.gzip, brotliAlone: sizes.brotli, shareOfDropIn: owner.endsWith('(lazy chunk)') ? null : sizes.raw / dropInSizes.raw };
    }).sort((a, b) => b.minified - a.minified);
    attach('modules', modules);

    log('what each part contributes (minified bytes of the drop-in; "alone" = compressed on its own):');
    log(`${'part'.padEnd(44)} ${'minified'.padStart(9)} ${'share'.padStart(6)} ${'gzip alone'.padStart(11)}`);
    for (const m of modules) {
      const share = m.shareOfDropIn === null ? '' : `${(m.shareOfDropIn * 100).toFixed(1)}%`;
      log(`${m.owner.padEnd(44)} ${String(m.minified).padStart(9)} ${share.padStart(6)} ${String(m.gzipAlone).padStart(11)}`);
    }

    // Each element's module: its folder in packages/elements/src (class and styles).
    const elements = modules
      .map((m) => ({ ...m, element: /^@hearth\/elements: (hearth-[a-z-]+)/.exec(m.owner)?.[1] }))
      .filter((m) => m.element)
      .sort((a, b) => a.element!.localeCompare(b.element!));
    for (const m of elements) {
      add(`${m.element} module gzip`, m.gzipAlone, 'KB');
      add(`${m.element} module brotli`, m.brotliAlone, 'KB');
    }
    return figures;
  },
});
