// Helpers for server tests: a server on 127.0.0.1 with a temporary data file and a settable clock, and a raw
// WebSocket client that speaks frames directly (so the server is tested without the client library).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { nanoid } from 'nanoid';
import type { CommandInput, Credentials, ServerFrame, Session } from '@hearth/protocol';
import { createHearthServer, silentLogger, type CircleReadTx, type HearthServer, type HearthServerOptions } from '@hearth/server';

export interface TestServer {
  server: HearthServer;
  dir: string;
  dataFile: string;
  /** The server's clock; move it forward with `advance`. */
  clock: { now: number; advance(ms: number): void };
  close(): Promise<void>;
}

export function tempDir(prefix = 'hearth-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export async function startServer(options: HearthServerOptions = {}): Promise<TestServer> {
  const dir = tempDir();
  const dataFile = path.join(dir, 'hearth.db');
  const clock = {
    now: Date.now(),
    advance(ms: number) {
      this.now += ms;
    },
  };
  const server = await createHearthServer({
    dataFile,
    port: 0,
    host: '127.0.0.1',
    now: () => clock.now,
    logger: silentLogger,
    // Limits out of the way of tests about something else; the tests of a limit set it themselves. Every
    // test client comes from 127.0.0.1, so one address makes all the failed sign-ins of a whole file.
    rateLimits: { member: { capacity: 1000, refillPerSecond: 1000 }, ip: { capacity: 10_000, refillPerSecond: 10_000 }, failedSignIns: { capacity: 10_000, refillPerSecond: 10_000 } },
    ...options,
  });
  return {
    server,
    dir,
    dataFile,
    clock,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A circle with an owner and a multi-use invite. */
export async function makeCircle(t: TestServer, init: Partial<Parameters<HearthServer['service']['createCircle']>[0]> = {}) {
  const id = init.id ?? `c-${nanoid(8).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
  const created = await t.server.service.createCircle({ name: 'Test circle', ...init, id });
  const invite = await t.server.service.createInvite(id, { maxUses: null, expiresInMs: null });
  return { id, ...created, inviteCode: invite.code, owner: { kind: 'token', token: created.ownerToken } as Credentials };
}

export type TestCircle = Awaited<ReturnType<typeof makeCircle>>;

/** Reads a circle's stored state (what a test checks after the fact). */
export function stored<T>(t: TestServer, circleId: string, read: (tx: CircleReadTx) => T): Promise<T> {
  return t.server.storage.read(circleId, read);
}

/** Seq of a circle's newest stored event. */
export function headSeq(t: TestServer, circleId: string): Promise<number> {
  return stored(t, circleId, (tx) => tx.headSeq());
}

export const inviteCredentials = (code: string, displayName = `Reader ${nanoid(4)}`): Credentials => ({ kind: 'invite', code, displayName, acceptNorms: true });

/** A raw protocol client: sends frames, records every frame it receives, and the close. */
export class RawClient {
  readonly frames: ServerFrame[] = [];
  closed: { code: number; reason: string; at: number } | null = null;
  readonly socket: WebSocket;
  readonly opened: Promise<void>;

  constructor(url: string, options: ConstructorParameters<typeof WebSocket>[2] = {}) {
    this.socket = new WebSocket(url, options);
    this.socket.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as ServerFrame);
      this.#wake();
    });
    this.socket.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason), at: Date.now() };
      this.#wake();
    });
    this.socket.on('error', () => {});
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
      this.socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  #wakers: (() => void)[] = [];
  #wake(): void {
    for (const wake of this.#wakers.splice(0)) wake();
  }
  /** Resolves when a frame arrives or the socket closes, or after `ms` at the latest. */
  changed(ms = 50): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wakers.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  static async open(t: TestServer | string, options?: ConstructorParameters<typeof WebSocket>[2]): Promise<RawClient> {
    const client = new RawClient(typeof t === 'string' ? t : t.server.socketUrl, options);
    await client.opened;
    return client;
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.socket.send(data, { binary });
  }

  send(frame: object): void {
    this.socket.send(JSON.stringify({ v: 1, ...frame }));
  }

  /** Waits for the first received frame (at index `from` or later) that matches. */
  async next<T extends ServerFrame['type']>(type: T, match: (f: Extract<ServerFrame, { type: T }>) => boolean = () => true, timeoutMs = 3000): Promise<Extract<ServerFrame, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find((f) => f.type === type && match(f as Extract<ServerFrame, { type: T }>));
      if (found) return found as Extract<ServerFrame, { type: T }>;
      if (Date.now() > deadline) throw new Error(`no ${type} frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.map((f) => f.type))}`);
      await this.changed();
    }
  }

  /** Says hello; resolves with the session, or throws the error frame's info. */
  async hello(circle: string, credentials: Credentials, cursor: string | null = null): Promise<Session> {
    this.send({ type: 'hello', circle, credentials, cursor });
    const answer = await this.nextOf(['welcome', 'error']);
    if (answer.type === 'error') throw Object.assign(new Error(answer.error.message), answer.error, { token: answer.token, fatal: answer.fatal });
    return (answer as Extract<ServerFrame, { type: 'welcome' }>).session;
  }

  async nextOf(types: ServerFrame['type'][], timeoutMs = 3000): Promise<ServerFrame> {
    const start = this.frames.length;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.slice(start).find((f) => types.includes(f.type));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${types.join('/')} frame within ${timeoutMs} ms`);
      await this.changed();
    }
  }

  /** Sends a command and waits for its ack. */
  async command(command: CommandInput & { id?: string }): Promise<Extract<ServerFrame, { type: 'ack' }>> {
    const id = command.id ?? nanoid();
    const start = this.frames.length;
    this.send({ type: 'command', command: { ...command, id } });
    const deadline = Date.now() + 3000;
    for (;;) {
      const ack = this.frames.slice(start).find((f) => f.type === 'ack' && f.id === id);
      if (ack) return ack as Extract<ServerFrame, { type: 'ack' }>;
      if (Date.now() > deadline) throw new Error(`no ack for ${command.type}`);
      await this.changed();
    }
  }

  async waitClosed(timeoutMs = 3000): Promise<NonNullable<RawClient['closed']>> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('socket still open');
      await this.changed();
    }
    return this.closed;
  }

  close(): void {
    this.socket.terminate();
  }
}

/** Signs in and returns the client with its session. */
export async function signIn(t: TestServer, circle: string, credentials: Credentials, cursor: string | null = null) {
  const client = await RawClient.open(t);
  const session = await client.hello(circle, credentials, cursor);
  return { client, session };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function expectRefused(promise: Promise<unknown>, code: string): Promise<{ code: string; token?: string }> {
  try {
    await promise;
  } catch (error) {
    const info = error as { code: string; token?: string };
    if (info.code !== code) throw new Error(`expected ${code}, got ${info.code}: ${(error as Error).message}`);
    return info;
  }
  throw new Error(`expected ${code}, but it succeeded`);
}
