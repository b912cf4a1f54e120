// The headless client's weight budget, checked like the drop-in's: deterministic, so the test command fails
// when `@hearth/core` (with the parts of `@hearth/protocol` it uses) grows past it. Bundled from the built
// packages as an application's bundler would (bench/lib/bundle-size.ts; `npm run bench -- weight` shows more).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleHeadless, CORE_BUDGET_BYTES, sizesOf } from '../../bench/lib/bundle-size.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('the headless client bundle', () => {
  it(`@hearth/core + @hearth/protocol stay within ${CORE_BUDGET_BYTES / 1024} KB gzip`, async () => {
    const { code, modules } = await bundleHeadless(root, 'core + protocol (client)');
    const { raw, gzip } = sizesOf(code);
    console.log(`core + protocol: ${(raw / 1024).toFixed(1)} KB minified, ${(gzip / 1024).toFixed(1)} KB gzip (budget ${CORE_BUDGET_BYTES / 1024} KB)`);
    // The bundle really is core's client: guards against measuring an empty or wrongly resolved entry.
    assert.ok(modules.some((m) => m.endsWith(path.join('packages', 'core', 'dist', 'index.js'))), `core bundled: ${modules.join(', ')}`);
    assert.ok(code.includes('hearth:'), 'the client code (its storage keys) is in the bundle');
    assert.ok(gzip <= CORE_BUDGET_BYTES, `${gzip} B gzip is over the ${CORE_BUDGET_BYTES} B budget`);
  });
});
