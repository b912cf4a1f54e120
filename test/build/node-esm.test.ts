// Imports every package's built entry the way a Node ESM user would (from dist/, no source condition).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

const root = JSON.parse(readFileSync('package.json', 'utf8')) as { workspaces: string[] };

describe('built packages', () => {
  for (const dir of root.workspaces) {
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      name: string;
      exports: Record<string, string | { default?: string; types: string }>;
      bin?: Record<string, string>;
    };
    for (const [command, file] of Object.entries(pkg.bin ?? {})) {
      it(`${command} runs as \`npx ${command}\` does (an executable file through node_modules/.bin)`, () => {
        assert.ok(statSync(path.join(dir, file)).mode & 0o100, `${file} is executable`);
        const help = execFileSync(path.join('node_modules/.bin', command), ['--help'], { encoding: 'utf8' });
        assert.match(help, new RegExp(command));
      });
    }
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      const name = `${pkg.name}${subpath === '.' ? '' : subpath.slice(1)}`;
      // A plain string export is a file shipped as is (the drop-in bundle, the manifest); a module has its types;
      // a types-only export (the elements' JSX types for React) has nothing else.
      const files = typeof target === 'string' ? [target] : target.default ? [target.default, target.types] : [target.types];
      it(`${name} is built (${files.join(', ')})`, () => {
        for (const file of files) assert.ok(existsSync(path.join(dir, file)), `${file} built`);
      });
    }
    // Elements define custom elements and need a DOM: their import is checked in the browser suites.
    if (pkg.name === '@hearth/elements') continue;
    it(`${pkg.name} imports from plain Node ESM`, () => {
      // A child process without the `source` condition or tsx: exactly what a user's Node gets.
      const names = execFileSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(pkg.name)}); console.log(Object.keys(m).join(','))`], { encoding: 'utf8' });
      assert.ok(names.trim().length > 0, 'exports something');
    });
  }
});
