// The real client (@hearth/core over @hearth/transport-websocket) in Chromium, talking to the real reference
// server through a misbehaving network: msw's `ws.link()` sits on the socket, passes frames both ways, and
// drops the connection, holds frames back, loses an ack or slips in garbage. The server is a real one (see
// web-test-runner.config.mjs), so what it stores is the truth the tests compare against.
import { expect } from '@open-wc/testing';
import { setupWorker } from 'msw/browser';
import { ws } from 'msw';
import { createCircleClient, memoryStorage, type CircleClient, type CircleSnapshot, type ConnectionStatus, type Message } from '@hearth/core';
import { createWebSocketTransport } from '@hearth/transport-websocket';
import { sleep, until } from './helpers.js';

interface Setup {
  url: string;
  socketUrl: string;
  circle: string;
  ownerToken: string;
  ownerId: string;
}

const worker = setupWorker();
let available = true;
const clients: CircleClient[] = [];

async function setup(): Promise<Setup> {
  const response = await fetch('/__hearth/circle');
  if (!response.ok) throw new Error(await response.text());
  return response.json();
}

/** The owner's client over the WebSocket transport; its socket goes through msw. */
function ownerClient(s: Setup, options: { connectTimeoutMs?: number } = {}): CircleClient {
  const client = createCircleClient({
    transport: createWebSocketTransport({ url: s.socketUrl, ...options }),
    circle: s.circle,
    credentials: { kind: 'token', token: s.ownerToken },
    storage: memoryStorage(),
    environment: { random: () => 0.1, onWake: () => () => {} },
  });
  clients.push(client);
  return client;
}

/** Everything the client sends, as parsed frames, and the statuses it goes through. */
function watch(client: CircleClient) {
  const statuses: ConnectionStatus[] = [];
  const errors: string[] = [];
  client.subscribe(() => {
    const { status, error } = client.getSnapshot();
    if (statuses.at(-1) !== status) statuses.push(status);
    if (error && errors.at(-1) !== error.message) errors.push(error.message);
  });
  return { statuses, errors };
}

const stored = async (s: Setup, threadId: string): Promise<Message[]> =>
  (await fetch(`/__hearth/messages?circle=${s.circle}&thread=${threadId}`)).json();

const serverPost = (s: Setup, threadId: string, body: string) =>
  fetch(`/__hearth/post?circle=${s.circle}&thread=${threadId}&body=${encodeURIComponent(body)}`).then((r) => r.json());

async function connectedWithThread(client: CircleClient): Promise<string> {
  client.connect();
  await until(client, (s) => s.status === 'connected', 'connected');
  const threadId = await client.createThread('Edges');
  await client.loadOlder(threadId);
  return threadId;
}

/** A command's promise, or a clear failure when no acknowledgement comes (a dead connection the client took for alive). */
const acknowledged = <T>(sent: Promise<T>): Promise<T> =>
  Promise.race([sent, sleep(3000).then(() => Promise.reject(new Error('no acknowledgement within 3 s: the connection is dead')))]);

const bodies = (snapshot: CircleSnapshot, threadId: string) => snapshot.threads[threadId]?.messages.map((m) => m.body) ?? [];

describe('the client through a misbehaving network (msw in front of the real server)', () => {
  before(async function () {
    const probe = await fetch('/__hearth/circle');
    available = probe.ok;
    if (!available) return;
    await worker.start({ quiet: true, onUnhandledRequest: 'bypass' });
  });

  beforeEach(function () {
    if (!available) this.skip(); // the reference server is not built: `npm run build`
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.dispose();
    worker.resetHandlers();
  });

  after(() => {
    if (available) worker.stop();
  });

  it('a socket dropped mid-session: reconnects, resumes from its cursor, no gap and no duplicate', async () => {
    const s = await setup();
    let connections = 0;
    let down = false;
    const hellos: { cursor: string | null }[] = [];
    const link = ws.link(s.socketUrl);
    const drop: { now: () => void } = { now: () => {} };
    worker.use(
      link.addEventListener('connection', ({ client, server }) => {
        connections++;
        // While the network is down, connections fail at once.
        if (down) return client.close(1011, 'network down');
        server.connect();
        client.addEventListener('message', (event) => {
          const frame = JSON.parse(String(event.data));
          if (frame.type === 'hello') hellos.push({ cursor: frame.cursor });
        });
        drop.now = () => client.close(1011, 'dropped');
      }),
    );
    const client = ownerClient(s);
    const { statuses } = watch(client);
    const recovered: { replayed: number }[] = [];
    client.on('recovered', (detail) => recovered.push(detail));
    const threadId = await connectedWithThread(client);
    await acknowledged(client.post({ threadId }, 'before the drop'));
    await until(client, (snap) => snap.pendingCount === 0, 'first post settled');
    const cursorBefore = client.getSnapshot().cursor;

    down = true;
    drop.now();
    await until(client, (snap) => snap.status === 'reconnecting', 'reconnecting');
    // The circle moves on while this client is away.
    for (const body of ['missed one', 'missed two', 'missed three']) expect((await serverPost(s, threadId, body)).ok).to.equal(true);
    await sleep(100);
    down = false;

    const snapshot = await until(client, (snap) => snap.status === 'connected' && bodies(snap, threadId).length === 4, 'back, with what it missed');
    expect(bodies(snapshot, threadId)).to.deep.equal(['before the drop', 'missed one', 'missed two', 'missed three']);
    const onServer = await stored(s, threadId);
    expect(snapshot.threads[threadId]!.messages.map((m) => m.id)).to.deep.equal(onServer.map((m) => m.id), 'the same messages as the server, once each, in order');
    expect(hellos.at(-1)!.cursor).to.equal(cursorBefore, 'it resumed from the cursor it had');
    expect(recovered.at(-1)?.replayed).to.be.at.least(3);
    expect(statuses).to.include.members(['connected', 'reconnecting']);
    expect(connections).to.be.at.least(2);
    // Live again: a new post from the server arrives once.
    await serverPost(s, threadId, 'after');
    const after = await until(client, (snap) => bodies(snap, threadId).includes('after'), 'live again');
    expect(bodies(after, threadId).filter((b) => b === 'after')).to.have.length(1);
  });

  it('a server slow to welcome: the connect times out, the client retries, connects, and stays connected', async () => {
    const s = await setup();
    let connections = 0;
    const link = ws.link(s.socketUrl);
    worker.use(
      link.addEventListener('connection', ({ client, server }) => {
        const attempt = ++connections;
        let closed = false;
        client.addEventListener('close', () => (closed = true));
        server.connect();
        server.addEventListener('message', (event) => {
          // The first connection's welcome comes late, after the client stopped waiting for it.
          if (attempt === 1 && JSON.parse(String(event.data)).type === 'welcome') {
            event.preventDefault();
            setTimeout(() => !closed && client.send(event.data), 800);
          }
        });
      }),
    );
    const client = ownerClient(s, { connectTimeoutMs: 300 });
    const { statuses } = watch(client);
    const threadId = await connectedWithThread(client);
    expect(connections).to.equal(2, 'the slow connection was given up and a new one made');
    expect(statuses.slice(0, 2)).to.deep.equal(['connecting', 'connected']);
    // Well past the connect timeout, the connection is still alive and works.
    await sleep(1000);
    expect(client.getSnapshot().status).to.equal('connected');
    await acknowledged(client.post({ threadId }, 'still here'));
    expect((await stored(s, threadId)).map((m) => m.body)).to.deep.equal(['still here']);
    expect(connections).to.equal(2);
  });

  for (const [name, garbage] of [
    ['invalid JSON', '{"v":1,"type":"event",'],
    ['an unknown frame type', JSON.stringify({ v: 1, type: 'surprise', payload: 42 })],
    ['another protocol version', 'VERSION'],
  ] as const) {
    it(`a frame of ${name} from the server: a clear error, nothing applied, the client recovers`, async () => {
      const s = await setup();
      const link = ws.link(s.socketUrl);
      const inject: { frame: (data: string) => void } = { frame: () => {} };
      worker.use(
        link.addEventListener('connection', ({ client, server }) => {
          server.connect();
          inject.frame = (data) => client.send(data);
        }),
      );
      const client = ownerClient(s);
      const { statuses, errors } = watch(client);
      const threadId = await connectedWithThread(client);
      await client.post({ threadId }, 'real');
      await until(client, (snap) => snap.pendingCount === 0, 'settled');
      const before = client.getSnapshot();
      // A well-formed event in every respect but the one under test: it must not be applied.
      const forged = {
        v: 1, type: 'event',
        event: {
          type: 'message.upserted', seq: Number(before.cursor) + 1, at: Date.now(), commandId: null, actorId: null,
          message: { id: 'forged-message-1', threadId, authorId: before.me!.id, body: 'forged', contentWarning: null, replyTo: null, createdAt: Date.now(), editedAt: null, reactions: {}, state: 'visible', seq: Number(before.cursor) + 1 },
        },
      };
      inject.frame(garbage === 'VERSION' ? JSON.stringify({ ...forged, v: 2 }) : garbage);
      await until(client, (snap) => snap.status !== 'connected', 'the link is dropped');
      expect(errors.join(' ')).to.match(/does not understand/, 'the error says what happened');
      const back = await until(client, (snap) => snap.status === 'connected', 'reconnected');
      expect(bodies(back, threadId)).to.deep.equal(['real'], 'nothing forged or garbled was applied');
      expect(back.cursor).to.equal(before.cursor);
      expect(statuses.slice(-2)).to.deep.equal(['reconnecting', 'connected']);
      await acknowledged(client.post({ threadId }, 'and on'));
      expect((await stored(s, threadId)).map((m) => m.body)).to.deep.equal(['real', 'and on']);
    });
  }

  it('a lost ack: the connection dies before the ack arrives; the command is sent again with its id and applied once', async () => {
    const s = await setup();
    const sent: { type: string; id: string }[] = [];
    let lose = false;
    const link = ws.link(s.socketUrl);
    worker.use(
      link.addEventListener('connection', ({ client, server }) => {
        server.connect();
        client.addEventListener('message', (event) => {
          const frame = JSON.parse(String(event.data));
          if (frame.type === 'command') sent.push({ type: frame.command.type, id: frame.command.id });
        });
        server.addEventListener('message', (event) => {
          const frame = JSON.parse(String(event.data));
          if (lose && frame.type === 'ack') {
            // The server applied it and answered; the answer never arrives, and the connection dies.
            lose = false;
            event.preventDefault();
            client.close(1011, 'lost');
          }
        });
      }),
    );
    const client = ownerClient(s);
    const threadId = await connectedWithThread(client);
    lose = true;
    const posted = client.post({ threadId }, 'exactly once');
    const messageId = await posted;
    const snapshot = await until(client, (snap) => snap.status === 'connected' && snap.pendingCount === 0, 'settled after the retry');
    const posts = sent.filter((f) => f.type === 'message.post');
    expect(posts).to.have.length(2, 'sent twice');
    expect(posts[0]!.id).to.equal(posts[1]!.id, 'with the same command id');
    expect(bodies(snapshot, threadId)).to.deep.equal(['exactly once'], 'shown once');
    const onServer = await stored(s, threadId);
    expect(onServer.map((m) => [m.id, m.body])).to.deep.equal([[messageId, 'exactly once']], 'stored once');
  });
});
