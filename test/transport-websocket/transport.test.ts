// Behaviour of the WebSocket transport that the conformance suite does not reach: event timing around
// connect, lost acks, the server's close reasons, the heartbeat, and error frames. A scripted socket server
// plays the server's part, so each test controls exactly what arrives and when.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocketServer, WebSocket } from 'ws';
import { nanoid } from 'nanoid';
import type { CircleEvent, ErrorInfo, Session } from '@hearth/protocol';
import { createWebSocketTransport, socketUrl } from '@hearth/transport-websocket';
import { expectRefused, inviteCredentials, makeCircle, sleep, startServer } from '../server/helpers.js';

const servers: { close(): unknown }[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

const member = { id: 'member-0001', displayName: 'Ada', role: 'member', flair: null, state: 'active', mutedUntil: null, joinedAt: 1 } as const;
const session: Session = {
  circleId: 'scripted',
  member,
  token: null,
  circle: { id: 'scripted', name: 'Scripted', description: '', norms: 'Be kind.', access: 'invite', memberCap: 150, reactions: ['👍'], settings: { slowModeSeconds: 0, pseudonymsAllowed: true } },
  members: [member],
  threads: [],
  cursor: '3',
  replay: null,
};
const event = (seq: number): CircleEvent => ({ type: 'member.upserted', seq, at: seq, commandId: null, actorId: null, member });

/** A socket server that runs `script` for each connection, with the hello frame it received. */
async function scripted(script: (socket: WebSocket, hello: Record<string, unknown>) => void) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wss.once('listening', resolve));
  wss.on('connection', (socket) => {
    socket.once('message', (data) => script(socket, JSON.parse(String(data))));
  });
  servers.push({ close: () => new Promise((resolve) => wss.close(resolve)) });
  for (const client of wss.clients) client.terminate();
  return `ws://127.0.0.1:${(wss.address() as { port: number }).port}/ws`;
}

const params = { circle: 'scripted', credentials: { kind: 'token' as const, token: 'x'.repeat(32) }, cursor: null };
function recorder() {
  const events: CircleEvent[] = [];
  const lost: ErrorInfo[] = [];
  return { events, lost, sink: { event: (e: CircleEvent) => void events.push(e), disconnected: (e: ErrorInfo) => void lost.push(e) } };
}

describe('WebSocket transport', () => {
  it('maps a server address to its socket endpoint', () => {
    assert.equal(socketUrl('https://circles.example.org'), 'wss://circles.example.org/ws');
    assert.equal(socketUrl('http://localhost:8787/'), 'ws://localhost:8787/ws');
    assert.equal(socketUrl('ws://127.0.0.1:1/custom'), 'ws://127.0.0.1:1/custom');
  });

  it('sends hello, resolves on welcome, and delivers events only after connect resolved, in order', async () => {
    let hello: Record<string, unknown> = {};
    const url = await scripted((socket, frame) => {
      hello = frame;
      // Welcome and events in one burst: they may arrive in one TCP read.
      socket.send(JSON.stringify({ v: 1, type: 'welcome', session }));
      for (const seq of [4, 5, 6]) socket.send(JSON.stringify({ v: 1, type: 'event', event: event(seq) }));
    });
    const transport = createWebSocketTransport({ url, WebSocket });
    const r = recorder();
    const got = await transport.connect(params, r.sink);
    assert.equal(r.events.length, 0, 'no event before the caller saw the session');
    assert.equal(got.cursor, '3');
    assert.deepEqual({ v: hello.v, type: hello.type, circle: hello.circle }, { v: 1, type: 'hello', circle: 'scripted' });
    await sleep(50);
    assert.deepEqual(r.events.map((e) => e.seq), [4, 5, 6]);
    await transport.close();
  });

  it('rejects connect with the error frame’s code, and keeps a pending-approval token', async () => {
    const url = await scripted((socket) => {
      socket.send(JSON.stringify({ v: 1, type: 'error', error: { code: 'pending_approval', message: 'wait' }, id: null, fatal: true, token: 'pending-token-0001' }));
      socket.close(4000);
    });
    const transport = createWebSocketTransport({ url, WebSocket });
    const refused = await expectRefused(transport.connect(params, recorder().sink), 'pending_approval');
    assert.equal(refused.token, 'pending-token-0001');
  });

  it('rejects connect with unavailable when nothing listens', async () => {
    const transport = createWebSocketTransport({ url: 'ws://127.0.0.1:9/ws', WebSocket });
    await expectRefused(transport.connect(params, recorder().sink), 'unavailable');
  });

  it('rejects a send with unavailable when the socket drops before the ack, and reports the drop once', async () => {
    const url = await scripted((socket) => {
      socket.send(JSON.stringify({ v: 1, type: 'welcome', session }));
      socket.on('message', () => socket.terminate());
    });
    const transport = createWebSocketTransport({ url, WebSocket });
    const r = recorder();
    await transport.connect(params, r.sink);
    await expectRefused(transport.send({ id: nanoid(), type: 'member.leave' }), 'unavailable');
    await sleep(50);
    assert.deepEqual(r.lost.map((e) => e.code), ['unavailable']);
    await expectRefused(transport.send({ id: nanoid(), type: 'member.leave' }), 'unavailable');
  });

  it('reports the server’s code when it ends the connection, and can connect again', async () => {
    let connections = 0;
    const url = await scripted((socket) => {
      connections++;
      socket.send(JSON.stringify({ v: 1, type: 'welcome', session }));
      if (connections === 1) {
        setTimeout(() => {
          socket.send(JSON.stringify({ v: 1, type: 'error', error: { code: 'forbidden', message: 'banned' }, id: null, fatal: true }));
          socket.close(4000);
        }, 20);
      }
    });
    const transport = createWebSocketTransport({ url, WebSocket });
    const r = recorder();
    await transport.connect(params, r.sink);
    await sleep(100);
    assert.deepEqual(r.lost.map((e) => e.code), ['forbidden'], 'once, with the server’s code');
    const again = recorder();
    await transport.connect(params, again.sink);
    await transport.close();
    await sleep(50);
    assert.equal(again.lost.length, 0, 'close() is not a disconnection');
    assert.equal(connections, 2);
  });

  it('keeps an open connection past the connect timeout: the timeout is for the welcome only', async () => {
    let closed = false;
    const url = await scripted((socket) => {
      socket.send(JSON.stringify({ v: 1, type: 'welcome', session }));
      socket.on('close', () => (closed = true));
      socket.on('message', (data) => {
        const frame = JSON.parse(String(data));
        if (frame.type === 'command') socket.send(JSON.stringify({ v: 1, type: 'ack', id: frame.command.id, ok: true, seq: null }));
      });
    });
    const transport = createWebSocketTransport({ url, WebSocket, connectTimeoutMs: 100 });
    const r = recorder();
    await transport.connect(params, r.sink);
    await sleep(300);
    assert.equal(closed, false, 'the socket is still open');
    assert.deepEqual(r.lost, [], 'and no disconnection was reported');
    const ack = await transport.send({ id: nanoid(), type: 'member.leave' });
    assert.equal(ack.ok, true, 'a command still goes through');
    await transport.close();
  });

  it('pings while idle and drops a connection whose server went silent', async () => {
    const pings: number[] = [];
    const url = await scripted((socket) => {
      socket.send(JSON.stringify({ v: 1, type: 'welcome', session }));
      socket.on('message', (data) => {
        if (JSON.parse(String(data)).type === 'ping') pings.push(Date.now()); // and never answers
      });
    });
    const transport = createWebSocketTransport({ url, WebSocket, pingIntervalMs: 30, silenceTimeoutMs: 150 });
    const r = recorder();
    await transport.connect(params, r.sink);
    await sleep(400);
    assert.ok(pings.length >= 2, `pinged (${pings.length})`);
    assert.deepEqual(r.lost.map((e) => e.code), ['unavailable']);
  });

  it('keeps a connection open past its connect timeout once the server welcomed it', async () => {
    const url = await scripted((socket) => {
      socket.send(JSON.stringify({ v: 1, type: 'welcome', session }));
      socket.on('message', (data) => {
        const frame = JSON.parse(String(data));
        if (frame.type === 'ping') socket.send(JSON.stringify({ v: 1, type: 'pong' }));
        if (frame.type === 'command') socket.send(JSON.stringify({ v: 1, type: 'ack', id: frame.command.id, ok: true, seq: 4 }));
      });
    });
    const transport = createWebSocketTransport({ url, WebSocket, connectTimeoutMs: 100, pingIntervalMs: 50, silenceTimeoutMs: 1000 });
    const r = recorder();
    await transport.connect(params, r.sink);
    await sleep(300);
    const ack = await transport.send({ id: nanoid(), type: 'message.post', messageId: nanoid(), threadId: 'thread-0001', body: 'still here' } as never);
    assert.deepEqual(ack, { ok: true, seq: 4 });
    assert.deepEqual(r.lost, [], 'nothing was lost');
    await transport.close();
  });

  it('refuses a frame it cannot understand instead of passing it on', async () => {
    const url = await scripted((socket) => {
      socket.send(JSON.stringify({ v: 1, type: 'welcome', session }));
      setTimeout(() => socket.send(JSON.stringify({ v: 1, type: 'event', event: { type: 'nonsense', seq: -1 } })), 20);
    });
    const transport = createWebSocketTransport({ url, WebSocket });
    const r = recorder();
    await transport.connect(params, r.sink);
    await sleep(100);
    assert.equal(r.events.length, 0);
    assert.deepEqual(r.lost.map((e) => e.code), ['internal']);
  });

  it('against the real server: history paging errors reject with their code', async () => {
    const t = await startServer();
    servers.push(t);
    const circle = await makeCircle(t);
    const transport = createWebSocketTransport({ url: t.server.url, WebSocket });
    await transport.connect({ circle: circle.id, credentials: inviteCredentials(circle.inviteCode), cursor: null }, recorder().sink);
    await expectRefused(transport.history({ threadId: nanoid(), before: null, limit: 10 }), 'not_found');
    await transport.close();
  });
});
