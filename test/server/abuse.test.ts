// Abuse limits: rate limits per member and per address, frame size, malformed input, connection limits,
// and the heartbeat. Bad input gets an error frame with a stable code, changes nothing, crashes nothing.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { nanoid } from 'nanoid';
import { LIMITS } from '@hearth/protocol';
import { RawClient, headSeq, inviteCredentials, makeCircle, signIn, sleep, startServer, stored, type TestServer } from './helpers.js';

const servers: TestServer[] = [];
const clients: RawClient[] = [];
after(async () => {
  for (const c of clients) c.close();
  for (const s of servers) await s.close();
});

async function server(options: Parameters<typeof startServer>[0] = {}) {
  const t = await startServer(options);
  servers.push(t);
  return t;
}

async function world(t: TestServer) {
  const circle = await makeCircle(t);
  const owner = await signIn(t, circle.id, circle.owner);
  const member = await signIn(t, circle.id, inviteCredentials(circle.inviteCode));
  clients.push(owner.client, member.client);
  const threadId = nanoid();
  assert.equal((await owner.client.command({ type: 'thread.create', threadId, title: 'Limits' })).ok, true);
  return { circle, owner, member, threadId };
}

describe('rate limits', () => {
  it('gives a member who posts too fast rate_limited with retryAfterMs, and another member is unaffected', async () => {
    const t = await server({ rateLimits: { member: { capacity: 5, refillPerSecond: 1 } } });
    const { owner, member, threadId } = await world(t);
    const post = (client: RawClient, body: string) => client.command({ type: 'message.post', messageId: nanoid(), threadId, body });
    const acks = [];
    for (let i = 0; i < 8; i++) acks.push(await post(member.client, `flood ${i}`));
    const ok = acks.filter((a) => a.ok).length;
    const limited = acks.filter((a) => !a.ok && a.error.code === 'rate_limited');
    assert.ok(ok >= 5 && ok <= 6, `the burst got through (${ok})`);
    assert.ok(limited.length >= 2, 'the rest were limited');
    const first = limited[0]!;
    assert.ok(!first.ok && first.error.retryAfterMs! > 0 && first.error.retryAfterMs! <= 1000, 'says how long to wait');
    const kept = (await stored(t, member.session.circleId, (tx) => tx.allMessages())).filter((m) => m.body.startsWith('flood'));
    assert.equal(kept.length, ok, 'limited posts were not stored');
    assert.equal((await post(owner.client, 'I can still talk')).ok, true, 'another member is unaffected');
  });

  it('limits frames per address', async () => {
    const t = await server({ rateLimits: { ip: { capacity: 10, refillPerSecond: 1 } } });
    const client = await RawClient.open(t);
    clients.push(client);
    for (let i = 0; i < 15; i++) client.send({ type: 'ping' });
    await sleep(200);
    assert.equal(client.frames.filter((f) => f.type === 'pong').length, 10);
    const limited = client.frames.filter((f) => f.type === 'error' && f.error.code === 'rate_limited');
    assert.equal(limited.length, 5);
  });

  it('believes X-Forwarded-For only from a configured proxy', async () => {
    const pingsWith = async (t: TestServer, forwardedFor: string) => {
      const client = await RawClient.open(t, { headers: { 'X-Forwarded-For': forwardedFor } });
      clients.push(client);
      for (let i = 0; i < 4; i++) client.send({ type: 'ping' });
      await sleep(100);
      return client.frames.filter((f) => f.type === 'pong').length;
    };
    const direct = await server({ rateLimits: { ip: { capacity: 4, refillPerSecond: 0.001 } } });
    assert.equal(await pingsWith(direct, '203.0.113.1'), 4);
    assert.equal(await pingsWith(direct, '203.0.113.2'), 0, 'a made-up header does not buy a fresh bucket');
    const proxied = await server({ rateLimits: { ip: { capacity: 4, refillPerSecond: 0.001 } }, trustedProxies: ['127.0.0.1'] });
    assert.equal(await pingsWith(proxied, '203.0.113.1'), 4);
    assert.equal(await pingsWith(proxied, '203.0.113.2'), 4, 'behind a trusted proxy each client has its own bucket');
    assert.equal(await pingsWith(proxied, '198.51.100.7, 203.0.113.1'), 0, 'the right-most untrusted address counts, not one the client prepended');
  });

  it('limits open connections per address', async () => {
    const t = await server({ maxConnectionsPerIp: 3 });
    const open = await Promise.all([0, 1, 2].map(() => RawClient.open(t)));
    clients.push(...open);
    const extra = await RawClient.open(t);
    clients.push(extra);
    const frame = await extra.next('error');
    assert.equal(frame.error.code, 'rate_limited');
    await extra.waitClosed();
    open[0]!.close();
    await sleep(100);
    const again = await RawClient.open(t);
    clients.push(again);
    again.send({ type: 'ping' });
    await again.next('pong');
  });
});

describe('bad frames', () => {
  it('answers malformed frames with error frames and stable codes, changing nothing', async () => {
    const t = await server();
    const { member, threadId } = await world(t);
    const circleId = member.session.circleId;
    const head = (await headSeq(t, circleId));
    const c = member.client;
    const cases: [string, string | Buffer, string][] = [
      ['not JSON', '{"v":1,', 'invalid'],
      ['not an object', '[1,2,3]', 'invalid'],
      ['no version', JSON.stringify({ type: 'ping' }), 'unsupported_version'],
      ['another version', JSON.stringify({ v: 99, type: 'ping' }), 'unsupported_version'],
      ['unknown frame type', JSON.stringify({ v: 1, type: 'shout' }), 'invalid'],
      ['binary', Buffer.from([1, 2, 3]), 'invalid'],
      ['a second hello', JSON.stringify({ v: 1, type: 'hello', circle: circleId, credentials: { kind: 'token', token: nanoid(32) }, cursor: null }), 'invalid'],
    ];
    for (const [what, data, code] of cases) {
      const start = c.frames.length;
      c.sendRaw(data, Buffer.isBuffer(data));
      const deadline = Date.now() + 2000;
      while (!c.frames.slice(start).some((f) => f.type === 'error') && Date.now() < deadline) await sleep(5);
      const error = c.frames.slice(start).find((f) => f.type === 'error');
      assert.ok(error && error.type === 'error', `${what}: an error frame`);
      assert.equal(error.error.code, code, what);
    }
    const bad = [
      [{ type: 'message.post', messageId: nanoid(), threadId, body: '' }, 'invalid'],
      [{ type: 'message.post', messageId: nanoid(), threadId, body: 'x'.repeat(LIMITS.bodyMaxChars + 1) }, 'too_large'],
      [{ type: 'message.post', messageId: 'short', threadId, body: 'bad id' }, 'invalid'],
      [{ type: 'no.such.command' }, 'invalid'],
      [{ type: 'message.post', messageId: nanoid(), threadId, body: 'extra field', sneaky: true }, 'invalid'],
    ] as const;
    for (const [command, code] of bad) {
      const ack = await c.command(command as never);
      assert.equal(ack.ok, false, command.type);
      assert.equal(!ack.ok && ack.error.code, code, JSON.stringify(command).slice(0, 80));
    }
    assert.equal((await headSeq(t, circleId)), head, 'no bad frame changed anything');
    assert.equal(c.closed, null, 'the connection survives bad frames');
    assert.equal((await c.command({ type: 'message.post', messageId: nanoid(), threadId, body: 'still fine' })).ok, true);
  });

  it('answers a frame over the limit with too_large, and closes a socket sending a huge one', async () => {
    const t = await server();
    const { member, threadId } = await world(t);
    const c = member.client;
    const head = (await headSeq(t, member.session.circleId));
    const id = nanoid();
    c.send({ type: 'command', command: { id, type: 'message.post', messageId: nanoid(), threadId, body: 'x'.repeat(LIMITS.frameMaxBytes) } });
    const ack = await c.next('ack', (f) => f.id === id);
    assert.equal(!ack.ok && ack.error.code, 'too_large');
    assert.equal((await headSeq(t, member.session.circleId)), head);
    c.sendRaw('x'.repeat(LIMITS.frameMaxBytes * 8));
    const closed = await c.waitClosed();
    assert.equal(closed.code, 1009, 'message too big');
    // The server is fine: another client connects and is answered.
    const other = await RawClient.open(t);
    clients.push(other);
    other.send({ type: 'ping' });
    await other.next('pong');
  });
});

describe('heartbeat', () => {
  it('drops a socket that stops answering pings, keeps one that answers', async () => {
    const t = await server({ heartbeatMs: 100 });
    const deaf = await RawClient.open(t, { autoPong: false });
    const healthy = await RawClient.open(t);
    clients.push(deaf, healthy);
    const closed = await deaf.waitClosed(1000);
    assert.equal(closed.code, 1006, 'terminated without a close handshake');
    assert.equal(healthy.closed, null);
  });
});
