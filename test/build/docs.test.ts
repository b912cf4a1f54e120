// The guides against the code: their generated parts match the elements' manifest, every custom property the
// elements read is documented, and every relative link in the README and the guides leads to a file.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { GUIDES, MANIFEST, updateGuides } from '../../scripts/docs.js';

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sources(full) : entry.name.endsWith('.ts') ? [full] : [];
  });

describe('the guides', { skip: !existsSync(MANIFEST) && 'build first: npm run build' }, () => {
  it('have their generated parts up to date with the manifest (npm run docs)', () => {
    assert.deepEqual(updateGuides({ check: true }), []);
  });

  it('document every custom property the elements read', () => {
    const used = new Set(sources('packages/elements/src').flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/var\((--hearth-[a-z-]+)/g)].map((m) => m[1]!)));
    assert.ok(used.size > 10, 'found the properties in the styles');
    const manifest = readFileSync(MANIFEST, 'utf8');
    const theming = readFileSync('docs/theming.md', 'utf8');
    for (const name of used) {
      assert.ok(manifest.includes(`"${name}"`), `${name} has a @cssproperty in its element's JSDoc`);
      assert.ok(theming.includes(`\`${name}\``), `${name} is in docs/theming.md`);
    }
  });

  it('link only to files that exist', () => {
    const documents = ['README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`), ...GUIDES];
    for (const document of new Set(documents)) {
      const text = readFileSync(document, 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?:|mailto:|#)/.test(target!)) continue;
        const file = path.join(path.dirname(document), decodeURIComponent(target!.replace(/#.*$/, '')));
        assert.ok(existsSync(file), `${document} links to ${target}, which does not exist`);
      }
    }
  });
});
