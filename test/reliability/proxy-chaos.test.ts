// Fault injection against the real server: N core clients over the WebSocket transport reach a
// `hearth-server` process through a TCP proxy that delays, splits, stalls, loses and cuts (seeded). After
// healing, every client must hold exactly what the server stored, every acknowledged command applied once,
// no optimistic message stuck. The scenario is test/chaos/converge.ts, the one the memory backend runs.
//
// `CHAOS_PROXY_SEEDS=n` sets how many seeds run (default 200; `npm run soak` scales it from CHAOS_SEEDS);
// `CHAOS_SEED=s` reruns one failing seed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chaosRun } from '../chaos/converge.js';
import { proxiedBackend, startRealServer, type RealServer } from './server-backend.js';

const DEFAULT_SEEDS = 200;
const single = process.env.CHAOS_SEED;
const count = Number(process.env.CHAOS_PROXY_SEEDS ?? (process.env.CHAOS_SEEDS ? Math.ceil(Number(process.env.CHAOS_SEEDS) / 10) : DEFAULT_SEEDS));
const seeds = single ? [Number(single)] : Array.from({ length: count }, (_, i) => i + 1);

let real: RealServer;
before(async () => {
  real = await startRealServer();
});
after(async () => {
  await real.close();
});

test(`chaos through a faulty TCP proxy to a real server converges (${seeds.length} seeds)`, { timeout: 60 * 60 * 1000 }, async () => {
  const totals: Record<string, number> = { commands: 0 };
  const started = Date.now();
  // A few seeds at once: the server and the proxies share two cores with the rest of the machine.
  const parallel = 4;
  const failures: string[] = [];
  for (let i = 0; i < seeds.length; i += parallel) {
    const batch = seeds.slice(i, i + parallel);
    const results = await Promise.all(
      batch.map((seed) => chaosRun(seed, { backend: proxiedBackend(real), settleMs: 30_000, convergeMs: 15_000 })),
    );
    results.forEach((result, j) => {
      totals.commands! += result.commands;
      for (const [key, n] of Object.entries(result.faults)) totals[key] = (totals[key] ?? 0) + n;
      if (result.problems.length) failures.push(`seed ${batch[j]} failed — rerun with CHAOS_SEED=${batch[j]}:\n  ${result.problems.join('\n  ')}`);
    });
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`chaos through the proxy: ${seeds.length} seeds, ${JSON.stringify(totals)}, in ${seconds} s`);
  assert.deepEqual(failures, []);
  assert.ok(totals.dropped! + totals.cuts! + totals.stalls! > 0, 'connections were broken');
});
