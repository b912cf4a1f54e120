// A throwaway NATS server for tests and benchmarks on a free 127.0.0.1 port (Debian: `apt-get install
// nats-server`). It can be stopped and started again on the same port, to test what an outage does.
// With $HEARTH_TEST_NATS_URL set, uses that server instead of starting one (and cannot restart it).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findExecutable, freePort, killOnExit, stopChild, waitForOutput } from './common.js';

export interface ThrowawayNats {
  /** `nats://127.0.0.1:PORT` */
  url: string;
  port: number;
  /** Stops the server (clients see an outage). */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
}

const INSTALL_HINT = 'nats-server is not installed: apt-get install -y nats-server (or set HEARTH_NATS_SERVER to its path, or HEARTH_TEST_NATS_URL to a server to use)';

export async function startThrowawayNats(): Promise<ThrowawayNats> {
  const existing = process.env.HEARTH_TEST_NATS_URL;
  if (existing) {
    return {
      url: existing,
      port: Number(new URL(existing.replace(/^nats:/, 'http:')).port || 4222),
      stop: () => Promise.reject(new Error('cannot stop a NATS server given by HEARTH_TEST_NATS_URL')),
      start: () => Promise.resolve(),
    };
  }
  const bin = process.env.HEARTH_NATS_SERVER || findExecutable(['nats-server']);
  if (!bin || !existsSync(bin)) throw new Error(INSTALL_HINT);
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    if (child && child.exitCode === null && child.signalCode === null) return;
    const started = spawn(bin, ['-a', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    killOnExit(started);
    await waitForOutput(started, /Server is ready/, 15_000, 'nats-server').ready;
    child = started;
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    start,
    async stop() {
      if (child) await stopChild(child, 'SIGTERM');
      child = null;
    },
  };
}
