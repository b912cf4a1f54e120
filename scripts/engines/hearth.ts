// Starts `hearth-server start` processes: one on a SQLite file, or several on one PostgreSQL and one NATS,
// each on a free 127.0.0.1 port. For tests (from the TypeScript sources) and benchmarks (from the build).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { killOnExit, stopChild, waitForOutput } from './common.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface HearthProcess {
  child: ChildProcess;
  port: number;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `ws://127.0.0.1:PORT/ws` */
  socketUrl: string;
  /** Everything it printed so far (standard output and error). */
  output(): string;
  /** Sends a signal and waits for the exit: SIGKILL is a crash, SIGTERM a graceful drain. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface HearthProcessOptions {
  /** Run the TypeScript sources through tsx (tests; no build needed) or the built `dist` (benchmarks). Default true. */
  source?: boolean;
  env?: NodeJS.ProcessEnv;
  /** How long to wait for "listening". Default 30 s. */
  startTimeoutMs?: number;
}

/** The command line that runs the CLI: `node [--conditions=source --import tsx] …/cli.(ts|js)`. */
export function hearthCommand(source = true): string[] {
  return source
    ? [process.execPath, '--conditions=source', '--import', 'tsx', path.join(root, 'packages/server/src/cli.ts')]
    : [process.execPath, path.join(root, 'packages/server/dist/cli.js')];
}

/** Starts `hearth-server start --port 0 --host 127.0.0.1 …args`; resolves once it listens. */
export async function startHearthProcess(args: string[], options: HearthProcessOptions = {}): Promise<HearthProcess> {
  const [node, ...prefix] = hearthCommand(options.source ?? true);
  const child = spawn(node!, [...prefix, 'start', '--port', '0', '--host', '127.0.0.1', ...args], {
    cwd: root,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  killOnExit(child);
  const started = waitForOutput(child, /listening on http:\/\/127\.0\.0\.1:(\d+)/, options.startTimeoutMs ?? 30_000, 'hearth-server');
  const port = Number((await started.ready)[1]);
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    socketUrl: `ws://127.0.0.1:${port}/ws`,
    output: started.output,
    kill: (signal: NodeJS.Signals = 'SIGKILL') => stopChild(child, signal, 15_000),
  };
}

export interface ClusterOptions extends HearthProcessOptions {
  /** PostgreSQL connection string every process shares. */
  database: string;
  /** NATS URL every process shares. */
  nats: string;
  /** More `start` options for every process (rate limits, log format, …). */
  args?: string[];
}

/** Starts `count` processes on one PostgreSQL and one NATS, in parallel. */
export function startHearthProcesses(count: number, options: ClusterOptions): Promise<HearthProcess[]> {
  const args = ['--database', options.database, '--nats', options.nats, ...(options.args ?? [])];
  return Promise.all(Array.from({ length: count }, () => startHearthProcess(args, options)));
}
