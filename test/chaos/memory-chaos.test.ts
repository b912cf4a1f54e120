// Fault injection over the memory backend: seeded, reproducible. `CHAOS_SEEDS=n` sets how many seeds run
// (the test command runs 200; `npm run soak` runs 10,000); `CHAOS_SEED=s` reruns one failing seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chaosRun } from './converge.js';

const single = process.env.CHAOS_SEED;
const seeds = single ? [Number(single)] : Array.from({ length: Number(process.env.CHAOS_SEEDS ?? 200) }, (_, i) => i + 1);

test(`chaos over the memory transport converges (${seeds.length} seeds)`, { timeout: 60 * 60 * 1000 }, async () => {
  const totals = { commands: 0, dropped: 0, duplicated: 0, delayed: 0, cuts: 0 };
  const started = Date.now();
  // Several seeds at once keep the run short; each seed is independent and reproducible on its own.
  const parallel = 8;
  for (let i = 0; i < seeds.length; i += parallel) {
    const batch = seeds.slice(i, i + parallel);
    const results = await Promise.all(batch.map((seed) => chaosRun(seed)));
    results.forEach((result, j) => {
      totals.commands += result.commands;
      for (const key of ['dropped', 'duplicated', 'delayed', 'cuts'] as const) totals[key] += result.faults[key];
      assert.deepEqual(result.problems, [], `seed ${batch[j]} failed — rerun with CHAOS_SEED=${batch[j]}`);
    });
  }
  console.log(`chaos: ${seeds.length} seeds, ${totals.commands} commands, faults: ${totals.dropped} dropped, ${totals.duplicated} duplicated, ${totals.delayed} delayed, ${totals.cuts} cuts, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  assert.ok(totals.dropped + totals.duplicated + totals.delayed + totals.cuts > 0, 'faults were injected');
});
