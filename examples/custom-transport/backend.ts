// An integrator's own backend for Hearth: a small REST + Server-Sent Events service, not the reference
// server. It keeps circles in memory and reuses Hearth's rules engine, so it enforces the same permissions;
// a real one would put a database behind the same `CircleRepository` interface.
//
//   POST /api/:circle/connect            {credentials, cursor}  → {session, key}   (key names this connection)
//   GET  /api/:circle/events?key=K       text/event-stream: `event: hearth` per circle event, `event: closed` at the end
//   POST /api/:circle/commands?key=K     a command              → its ack
//   GET  /api/:circle/history?key=K&threadId=…&before=…&limit=…  → a history page
//
// `startExampleBackend()` runs it on a port of its own (the conformance test); `createExampleBackend()` gives
// the request handler alone, to mount under a path of another server (`npm start` serves it at
// /custom-transport/api/… beside the example page).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nanoid } from 'nanoid';
import { LIMITS, parseClientFrame, parseCommand, type CircleEvent, type ErrorCode, type ErrorInfo, type Member } from '@hearth/protocol';
import { admit, createMemoryRepository, execute, initCircle, viewEventFor, viewMemberFor, viewMessageFor, viewReplayFor, type MemoryRepository } from '@hearth/protocol/rules';

const STATUS: Partial<Record<ErrorCode, number>> = {
  unauthorized: 401, forbidden: 403, not_found: 404, invalid: 400, too_large: 413, rate_limited: 429,
  circle_full: 409, conflict: 409, invite_expired: 410, pending_approval: 202,
};

interface Connection {
  memberId: string;
  /** Events committed after the session snapshot and before the stream attached wait here: no gap. */
  backlog: CircleEvent[];
  stream: ServerResponse | null;
  closed: ErrorInfo | null;
}

interface CircleState {
  repo: MemoryRepository;
  tokens: Map<string, string>;
  connections: Map<string, Connection>;
}

export interface ExampleBackend {
  url: string;
  createCircle(id: string, name?: string): { ownerToken: string; inviteCode: string };
  close(): Promise<void>;
}

export interface ExampleBackendHandler {
  /** Answers a request under `basePath`/api/; resolves false for any other path. */
  handle(request: IncomingMessage, res: ServerResponse): Promise<boolean>;
  createCircle(id: string, name?: string): { ownerToken: string; inviteCode: string };
  /** Ends every open event stream. */
  close(): void;
}

/** The backend on a port of its own (127.0.0.1). */
export async function startExampleBackend(port = 0): Promise<ExampleBackend> {
  const backend = createExampleBackend();
  const server = createServer((request, res) => {
    void backend.handle(request, res).then((handled) => {
      if (!handled) reply(res, 404, { error: { code: 'not_found', message: 'no such endpoint' } });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    createCircle: backend.createCircle,
    async close() {
      backend.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The backend's request handler, for paths under `basePath` (e.g. `/custom-transport`; default none). */
export function createExampleBackend(options: { basePath?: string } = {}): ExampleBackendHandler {
  const prefix = `${options.basePath ?? ''}/api/`;
  const circles = new Map<string, CircleState>();

  function publish(state: CircleState, events: readonly CircleEvent[]): void {
    for (const [key, connection] of state.connections) {
      const viewer = state.repo.getMember(connection.memberId);
      if (!viewer || viewer.state === 'banned') {
        end(state, key, viewer ? { code: 'forbidden', message: 'banned from this circle' } : { code: 'unauthorized', message: 'no longer a member' });
        continue;
      }
      for (const event of events) send(connection, viewEventFor(event, viewer));
    }
  }

  function send(connection: Connection, event: CircleEvent): void {
    if (connection.stream) connection.stream.write(`event: hearth\ndata: ${JSON.stringify(event)}\n\n`);
    else connection.backlog.push(event);
  }

  function end(state: CircleState, key: string, error: ErrorInfo): void {
    const connection = state.connections.get(key);
    if (!connection) return;
    state.connections.delete(key);
    connection.closed = error;
    connection.stream?.end(`event: closed\ndata: ${JSON.stringify(error)}\n\n`);
  }

  const routes: Record<string, (state: CircleState, request: IncomingMessage, url: URL, res: ServerResponse) => Promise<unknown> | unknown> = {
    async 'POST connect'(state, request) {
      const body = (await readJson(request)) as { credentials?: unknown; cursor?: unknown };
      const hello = parseClientFrame({ v: 1, type: 'hello', circle: state.repo.circleId, credentials: body.credentials, cursor: body.cursor ?? null });
      if (!hello.ok) throw hello.error;
      if (hello.value.type !== 'hello') throw { code: 'invalid', message: 'not a hello' };
      const { credentials, cursor } = hello.value;
      const member = signIn(state, credentials);
      const issuedToken = credentials.kind === 'token' ? null : issue(state, member.id);
      const head = state.repo.headSeq();
      const from = cursor === null ? null : Number(cursor);
      const replay = from !== null && from >= 0 && from <= head && head - from <= 5000 ? viewReplayFor(state.repo.eventsAfter(from), member, (id) => state.repo.getMessage(id)) : null;
      const key = nanoid();
      state.connections.set(key, { memberId: member.id, backlog: [], stream: null, closed: null });
      return {
        key,
        session: {
          circleId: state.repo.circleId, member: viewMemberFor(member, member), token: issuedToken, circle: state.repo.getCircle().circle,
          members: state.repo.listMembers().map((m) => viewMemberFor(m, member)), threads: state.repo.listThreads(), cursor: head > 0 ? String(head) : null, replay,
        },
      };
    },
    'GET events'(state, _request, url, res) {
      const connection = connectionOf(state, url);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.write(': connected\n\n');
      connection.stream = res;
      for (const event of connection.backlog.splice(0)) send(connection, event);
      res.on('close', () => {
        for (const [key, c] of state.connections) if (c === connection) state.connections.delete(key);
      });
      return undefined; // the stream stays open
    },
    async 'POST commands'(state, request, url) {
      const connection = connectionOf(state, url);
      const parsed = parseCommand(await readJson(request), 'command');
      if (!parsed.ok) return { ok: false, error: parsed.error };
      const actor = state.repo.getMember(connection.memberId);
      if (!actor) throw { code: 'unauthorized', message: 'no longer a member' };
      const { ack, events } = state.repo.transaction(() => execute({ repo: state.repo, actor, now: Date.now(), newId: nanoid }, parsed.value));
      publish(state, events);
      return ack;
    },
    'GET history'(state, _request, url) {
      const viewer = state.repo.getMember(connectionOf(state, url).memberId)!;
      const threadId = url.searchParams.get('threadId') ?? '';
      if (!state.repo.getThread(threadId)) throw { code: 'not_found', message: 'no such thread' };
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 50) || 50, LIMITS.historyPageMax);
      const page = state.repo.historyPage(threadId, url.searchParams.get('before'), limit);
      return { ...page, messages: page.messages.map((m) => viewMessageFor(m, viewer)) };
    },
  };

  function connectionOf(state: CircleState, url: URL): Connection {
    const connection = state.connections.get(url.searchParams.get('key') ?? '');
    if (!connection) throw { code: 'unauthorized', message: 'unknown or closed connection' };
    return connection;
  }

  function signIn(state: CircleState, credentials: NonNullable<Extract<ReturnType<typeof parseClientFrame>, { ok: true }>['value'] & { type: 'hello' }>['credentials']): Member {
    if (credentials.kind === 'token') {
      const member = state.repo.getMember(state.tokens.get(credentials.token) ?? '');
      if (!member) throw { code: 'unauthorized', message: 'unknown token' };
      if (member.state === 'banned') throw { code: 'forbidden', message: 'banned from this circle' };
      return member;
    }
    if (credentials.kind !== 'invite' && credentials.kind !== 'link') throw { code: 'unauthorized', message: `${credentials.kind} sign-in is not offered here` };
    const request = credentials.kind === 'invite' ? { kind: 'invite' as const, code: credentials.code, displayName: credentials.displayName } : { kind: 'link' as const, displayName: credentials.displayName };
    const outcome = state.repo.transaction(() => admit({ repo: state.repo, now: Date.now(), newId: nanoid }, request));
    if (outcome.ok !== true) throw outcome.ok === false ? outcome.error : { code: 'pending_approval', message: 'waiting for a moderator' };
    publish(state, outcome.events);
    return outcome.member;
  }

  function issue(state: CircleState, memberId: string): string {
    const token = nanoid(32);
    state.tokens.set(token, memberId);
    return token;
  }

  return {
    async handle(request, res) {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (!url.pathname.startsWith(prefix)) return false;
      const [circleId, action] = url.pathname.slice(prefix.length).split('/');
      const state = circles.get(circleId ?? '');
      const route = state ? routes[`${request.method} ${action}`] : undefined;
      try {
        if (!route || !state) throw { code: 'not_found', message: 'no such endpoint or circle' };
        const result = await route(state, request, url, res);
        if (result !== undefined) reply(res, 200, result);
      } catch (error) {
        const info = toErrorInfo(error);
        reply(res, STATUS[info.code] ?? 500, { error: info });
      }
      return true;
    },
    createCircle(id, name = 'Example circle') {
      const repo = createMemoryRepository(id);
      const state: CircleState = { repo, tokens: new Map(), connections: new Map() };
      const now = Date.now();
      const { owner } = repo.transaction(() =>
        initCircle({ repo, now, newId: nanoid }, {
          circle: { id, name, description: '', norms: 'Be kind.', access: 'invite', memberCap: LIMITS.memberCapDefault, reactions: ['👍', '❤️'], settings: { slowModeSeconds: 0, pseudonymsAllowed: true } },
          owner: { displayName: 'Owner' },
        }),
      );
      circles.set(id, state);
      const ownerToken = issue(state, owner.id);
      const created = repo.transaction(() => execute({ repo, actor: owner, now, newId: nanoid }, { id: nanoid(), type: 'invite.create', expiresInMs: null, maxUses: null }));
      return { ownerToken, inviteCode: (created.ack as { result: { code: string } }).result.code };
    },
    close() {
      for (const state of circles.values()) for (const key of [...state.connections.keys()]) end(state, key, { code: 'unavailable', message: 'server closing' });
    },
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > LIMITS.frameMaxBytes) throw { code: 'too_large', message: 'request body too large' };
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw { code: 'invalid', message: 'body is not JSON' };
  }
}

function toErrorInfo(error: unknown): ErrorInfo {
  if (error && typeof error === 'object' && 'code' in error && 'message' in error) return error as ErrorInfo;
  return { code: 'internal', message: 'internal error' };
}
