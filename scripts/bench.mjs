// `npm run bench [-- names…] [--no-build] [--quick] [--save NAME]`: builds, runs every `bench/<name>.bench.ts`
// (or the ones named), prints one table and writes the figures as JSON to bench/results/latest.json (and to
// bench/results/NAME.json with --save). Benchmarks report; they never fail on time. The exit code is non-zero
// only when a benchmark could not run at all. The contract is in bench/README.md.
//
// Run with tsx (the modules are TypeScript): node --conditions=source --import tsx scripts/bench.mjs
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { meets, summarize } from '../bench/lib/harness.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.join(root, 'bench');
const resultsDir = path.join(benchDir, 'results');

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const saveAt = args.indexOf('--save');
const saveName = saveAt >= 0 ? args[saveAt + 1] : null;
const names = args.filter((a, i) => !a.startsWith('--') && !(saveAt >= 0 && i === saveAt + 1));
const quick = flags.has('--quick');
const log = (message) => process.stderr.write(`${message}\n`);

if (saveName !== null && (!saveName || !/^[\w.-]+$/.test(saveName) || saveName === 'latest')) {
  log('--save needs a name of letters, digits, ., _ or - (e.g. --save baseline)');
  process.exit(2);
}

const available = readdirSync(benchDir).filter((f) => f.endsWith('.bench.ts')).map((f) => f.slice(0, -'.bench.ts'.length)).sort();
const unknown = names.filter((n) => !available.includes(n));
if (unknown.length > 0) {
  log(`unknown benchmark(s): ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}
const selected = names.length > 0 ? available.filter((n) => names.includes(n)) : available;

const started = Date.now();
if (!flags.has('--no-build')) {
  log('== npm run build');
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) {
    log(build.stdout + build.stderr);
    log('build failed');
    process.exit(1);
  }
  log(`   built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

const figures = [];
const runs = [];
const details = {};
let crashed = 0;
const benches = [];
for (const name of selected) benches.push((await import(pathToFileURL(path.join(benchDir, `${name}.bench.ts`)).href)).default);
benches.sort((a, b) => (a.order ?? 100) - (b.order ?? 100) || a.name.localeCompare(b.name));
for (const bench of benches) {
  const name = bench.name;
  const tmp = mkdtempSync(path.join(os.tmpdir(), `hearth-bench-${name}-`));
  const load = os.loadavg()[0];
  const t0 = Date.now();
  log(`== ${bench.name}: ${bench.title} (load ${load.toFixed(2)})`);
  try {
    const attach = (key, data) => ((details[bench.name] ??= {})[key] = data);
    const produced = await bench.run({ root, tmp, quick, log: (m) => log(`   ${m}`), attach });
    figures.push(...produced.map((f) => ({ bench: bench.name, ...f })));
    runs.push({ bench: bench.name, seconds: (Date.now() - t0) / 1000, loadBefore: load, loadAfter: os.loadavg()[0] });
  } catch (error) {
    crashed++;
    log(`   FAILED: ${error?.stack ?? error}`);
    runs.push({ bench: bench.name, seconds: (Date.now() - t0) / 1000, loadBefore: load, loadAfter: os.loadavg()[0], error: String(error?.message ?? error) });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  log(`   ${((Date.now() - t0) / 1000).toFixed(0)} s, load ${os.loadavg()[0].toFixed(2)}`);
}

// ── The table ─────────────────────────────────────────────────────────────────────────────────────
const baselineFile = path.join(resultsDir, 'baseline.json');
const baseline = existsSync(baselineFile) ? JSON.parse(readFileSync(baselineFile, 'utf8')) : null;
const baselineMedian = (f) => baseline?.figures.find((b) => b.group === f.group && b.name === f.name)?.median;

const rows = figures.map((f) => {
  const s = summarize(f.samples);
  const ok = meets(f);
  return {
    group: f.group,
    figure: f.name,
    min: fmt(s.min),
    median: fmt(s.median),
    max: fmt(s.max),
    runs: String(f.samples.length),
    unit: f.unit,
    target: f.target ? `${f.target.op} ${fmt(f.target.value)}` : '',
    meets: ok === undefined ? '' : ok ? 'yes' : 'NO',
    ...(baseline ? { baseline: fmt(baselineMedian(f)) } : {}),
  };
});
printTable(rows);
const missed = figures.filter((f) => meets(f) === false);
log(`\n${figures.length} figures, ${figures.filter((f) => f.target).length} with a target, ${missed.length} missed; ${((Date.now() - started) / 1000).toFixed(0)} s in all`);
for (const f of figures.filter((f) => f.note)) log(`  · ${f.group} / ${f.name}: ${f.note}`);

// ── The JSON ──────────────────────────────────────────────────────────────────────────────────────
const result = {
  format: 'hearth-bench',
  version: 1,
  at: new Date(started).toISOString(),
  seconds: (Date.now() - started) / 1000,
  quick,
  machine: {
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? null,
    memoryMB: Math.round(os.totalmem() / 2 ** 20),
    loadavg: os.loadavg(),
  },
  commit: gitCommit(),
  runs,
  figures: figures.map((f) => ({ ...f, ...summarize(f.samples), meets: meets(f) ?? null })),
  details,
};
mkdirSync(resultsDir, { recursive: true });
for (const name of ['latest', ...(saveName ? [saveName] : [])]) {
  const file = path.join(resultsDir, `${name}.json`);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  log(`wrote ${path.relative(root, file)}`);
}
process.exit(crashed > 0 ? 1 : 0);

function fmt(value) {
  if (value === undefined || value === null || Number.isNaN(value)) return '';
  const abs = Math.abs(value);
  if (abs >= 10_000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function printTable(rows) {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]);
  const numeric = new Set(['min', 'median', 'max', 'runs', 'baseline']);
  const width = Object.fromEntries(columns.map((c) => [c, Math.max(c.length, ...rows.map((r) => r[c].length))]));
  const cell = (c, text) => (numeric.has(c) ? text.padStart(width[c]) : text.padEnd(width[c]));
  const line = (r) => columns.map((c) => cell(c, r[c])).join('  ').trimEnd();
  console.log(line(Object.fromEntries(columns.map((c) => [c, c]))));
  console.log(columns.map((c) => '-'.repeat(width[c])).join('  '));
  let group = null;
  for (const r of rows) {
    if (group !== null && r.group !== group) console.log('');
    group = r.group;
    console.log(line(r));
  }
}

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}
