// Runs the real `hearth-server` CLI as a child process (from its TypeScript source, as the tests run).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';

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

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  socketUrl: string;
  output(): string;
  /** Stops it the way a crash would: no chance to flush or close anything. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `hearth-server start` on 127.0.0.1 and a free port; resolves once it listens. */
export function startServerProcess(dataFile: string, extra: string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...NODE_ARGS, 'start', '--port', '0', '--host', '127.0.0.1', '--data', dataFile, ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start: ${output}`));
    }, 20_000);
    const check = () => {
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', check);
      const port = Number(match[1]);
      resolve({
        child,
        port,
        socketUrl: `ws://127.0.0.1:${port}/ws`,
        output: () => output,
        async kill(signal = 'SIGKILL') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
        },
      });
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening: ${output}`));
    });
  });
}
