// The contract between `scripts/bench.mjs` and the `bench/<name>.bench.ts` modules (see bench/README.md).
// A module's default export is a `Bench`; `run` returns figures, each with the raw samples of its runs, and
// the runner prints one table and writes the JSON. Nothing here fails on time: targets are compared and
// printed, never asserted (the bundle budgets are asserted by the test command instead).

/** A target a figure is compared against: `<=` for costs (time, bytes), `>=` for rates. */
export interface Target {
  op: '<=' | '>=';
  value: number;
}

export interface Figure {
  /** Row group in the table, e.g. `weight`, `client`, `server`. */
  group: string;
  /** What was measured, short: `hearth.js gzip`, `p99 send → delivered to all`. */
  name: string;
  unit: string;
  /** One value per run (or per observation, when a run yields many and `samples` says so). Deterministic figures have one. */
  samples: number[];
  target?: Target;
  /** Where the samples come from when they are not whole runs ("per event, 40 events"), and any caveat. */
  note?: string;
}

export interface BenchContext {
  /** Repository root. */
  root: string;
  /** A fresh directory for this bench's files (data files, bundles); removed after the run. */
  tmp: string;
  /** Progress line (stderr), so the table on stdout stays clean. */
  log(message: string): void;
  /** `--quick`: fewer runs and shorter phases, for checking the harness itself. Figures are then not comparable. */
  quick: boolean;
  /** Adds structured detail (a per-module table, raw distributions) to this bench's entry in the JSON. */
  attach(key: string, data: unknown): void;
}

export interface Bench {
  /** Name used on the command line (`npm run bench -- client`), unique. */
  name: string;
  /** One line on what it measures. */
  title: string;
  /** Where it runs in a full run, lowest first (default 100; ties by name): cheap and deterministic first. */
  order?: number;
  run(context: BenchContext): Promise<Figure[]>;
}

/** Type helper for a module's default export. */
export function defineBench(bench: Bench): Bench {
  return bench;
}

export interface Summary {
  min: number;
  median: number;
  max: number;
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) return { min: NaN, median: NaN, max: NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0]!, median, max: sorted[sorted.length - 1]! };
}

/** Nearest-rank percentile (p in 0..100) of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Whether the median meets the target; undefined without one. */
export function meets(figure: Figure): boolean | undefined {
  if (!figure.target) return undefined;
  const { median } = summarize(figure.samples);
  return figure.target.op === '<=' ? median <= figure.target.value : median >= figure.target.value;
}

export const KB = 1024;
