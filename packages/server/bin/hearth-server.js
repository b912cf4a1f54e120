#!/usr/bin/env node
// The `hearth-server` executable. A committed file, so that `npm install` links it into node_modules/.bin
// before the first build: npm skips a bin whose file does not exist yet, and `npx hearth-server` would then
// look for a package of that name on the registry instead.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('hearth-server is not built yet: run `npm run build` (or `npm start`) in the repository first.');
  process.exit(1);
}
await import(cli.href);
