// Shared bits of the throwaway-engine launchers: free ports, finding executables, waiting for a log line.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/** A port nothing listens on right now (the OS picks it; a race with another program is possible but rare). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The first of `names` found in the folders of `dirs` or of $PATH (and the sbin folders root has). */
export function findExecutable(names: string[], dirs: string[] = []): string | null {
  const searched = [...dirs, ...(process.env.PATH ?? '').split(path.delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const name of names) {
    for (const dir of searched) {
      if (!dir) continue;
      const candidate = path.join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return null;
}

/** uid and gid of a system user, or null when there is no such user. */
export function userIds(name: string): { uid: number; gid: number } | null {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    return null;
  }
}

/** Collects a child's output and resolves when `ready` matches it; rejects if it exits or the time runs out. */
export function waitForOutput(child: ChildProcess, ready: RegExp, timeoutMs: number, what: string): { output: () => string; ready: Promise<RegExpExecArray> } {
  let output = '';
  const collect = (chunk: Buffer | string) => (output += String(chunk));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const promise = new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${what} did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const check = () => {
      const match = ready.exec(output);
      if (!match) return;
      cleanup();
      resolve(match);
    };
    const exited = (code: number | null, signal: NodeJS.Signals | null) => {
      cleanup();
      reject(new Error(`${what} exited (${signal ?? code}) before it was ready:\n${output}`));
    };
    const failed = (error: Error) => {
      cleanup();
      reject(new Error(`${what} could not be started: ${error.message}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      child.off('exit', exited);
      child.off('error', failed);
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('exit', exited);
    child.once('error', failed);
  });
  return { output: () => output, ready: promise };
}

/** Sends `signal`, waits for the exit, and sends SIGKILL if it takes longer than `graceMs`. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Kills children still running when this process exits (short of SIGKILL), then runs their clean-up. */
const leftovers = new Map<ChildProcess, (() => void) | undefined>();
let hooked = false;
export function killOnExit(child: ChildProcess, cleanupSync?: () => void): void {
  leftovers.set(child, cleanupSync);
  child.once('exit', () => leftovers.delete(child));
  if (hooked) return;
  hooked = true;
  const cleanUp = () => {
    for (const [c, cleanup] of leftovers) {
      c.kill('SIGKILL');
      try {
        cleanup?.();
      } catch {
        // best effort at exit
      }
    }
    leftovers.clear();
  };
  process.once('exit', cleanUp);
  // A signal ends the process without 'exit' handlers. Unless the program handles the signal itself (then it
  // stops its children its own way), clean up and exit as the signal would have.
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    const onSignal = () => {
      if (process.listenerCount(signal) > 1) return;
      cleanUp();
      process.exit(code);
    };
    process.on(signal, onSignal);
  }
}
