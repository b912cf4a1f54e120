// Runs the Node-side tests (protocol rules, server, WebSocket transport, build output) with Node's own test
// runner. Node 20's `--test` does not expand globs, so the files are listed here. Browser-side suites
// (test/core, test/elements, test/e2e) run in Chromium through web-test-runner instead.
import { readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const NODE_SUITES = ['test/protocol', 'test/chaos', 'test/reliability', 'test/server', 'test/transport-websocket', 'test/build', 'test/examples'];
const only = process.argv.slice(2);

function testFiles(dir) {
  let entries;
  try {
    if (statSync(dir).isFile()) return dir.endsWith('.test.ts') ? [dir] : [];
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return testFiles(full);
    return name.endsWith('.test.ts') ? [full] : [];
  });
}

const files = (only.length ? only : NODE_SUITES).flatMap(testFiles).sort();
if (files.length === 0) {
  console.error('no Node test files found');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', '--test', '--test-concurrency=1', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
