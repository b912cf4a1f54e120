// Runs the real `hearth-server` CLI as a child process (from its TypeScript source, as the tests run).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startHearthProcess, type HearthProcess } from '../../scripts/engines/index.js';

const CLI = path.resolve('packages/server/src/cli.ts');
const NODE_ARGS = ['--conditions=source', '--import', 'tsx', CLI];

/** Runs one CLI command to completion. */
export function cli(args: string[]): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [...NODE_ARGS, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export function cliJson<T = Record<string, unknown>>(args: string[]): T {
  const result = cli(args);
  if (result.status !== 0) throw new Error(`hearth-server ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

export type ServerProcess = HearthProcess;

/** Starts `hearth-server start` on 127.0.0.1 and a free port with a SQLite file; resolves once it listens. */
export function startServerProcess(dataFile: string, extra: string[] = []): Promise<ServerProcess> {
  return startHearthProcess(['--data', dataFile, ...extra]);
}
