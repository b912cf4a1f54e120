#!/usr/bin/env node
// `hearth-server`: the executable. The commands live in cli-main.ts.
import { runCli } from './cli-main.js';

runCli(process.argv.slice(2)).then(
  (code) => {
    // `start` keeps running: its server holds the event loop open.
    if (code !== 0) process.exit(code);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
