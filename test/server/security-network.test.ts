// The server's network edge under abuse by one client: sockets that never read, half-sent HTTP requests,
// dotfiles, /metrics and source maps, forged Host headers, and invite-code guessing. Every load here goes to
// 127.0.0.1 and is bounded in count and time.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { nanoid } from 'nanoid';
import { createHearthServer, DEFAULT_RATE_LIMITS, silentLogger } from '@hearth/server';
import { MAX_QUEUED_HISTORY_REQUESTS } from '../../packages/server/src/connection.js';
import type { Credentials } from '@hearth/protocol';
import { RawClient, inviteCredentials, makeCircle, sleep, startServer, tempDir, type TestCircle, type TestServer } from './helpers.js';
import { startServerProcess, type ServerProcess } from './process.js';

/** Resident memory of a process, in MB (Linux). */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) / 1024;
}

describe('a hearth-server process: one send budget per connection, and the network settings of `start`', () => {
  const SOCKETS = 20;
  /** 200 messages of 3,900 characters: a page of them is about 800 KB of JSON. */
  const MESSAGES = 200;
  const metricsToken = `metrics-${nanoid(24)}`;
  let dir: string;
  let server: ServerProcess;
  let circleId: string;
  let ownerToken: string;
  let threadId: string;

  before(async () => {
    dir = tempDir('hearth-slow-readers-');
    const dataFile = path.join(dir, 'hearth.db');
    // Fill the store in this process, then hand the file to a server process of its own, whose RSS is its own.
    const filler = await createHearthServer({ dataFile, port: 0, logger: silentLogger, metrics: false });
    circleId = 'slow-readers';
    const created = await filler.service.createCircle({ id: circleId, name: 'Slow readers' });
    ownerToken = created.ownerToken;
    threadId = nanoid();
    await filler.service.execute(circleId, created.ownerId, { id: nanoid(), type: 'thread.create', threadId, title: 'Long' });
    const body = 'long message '.repeat(300);
    for (let i = 0; i < MESSAGES; i++) {
      const ack = await filler.service.execute(circleId, created.ownerId, { id: nanoid(), type: 'message.post', messageId: nanoid(), threadId, body });
      assert.equal(ack.ok, true);
    }
    await filler.close();
    // The frame limit per address lifted: the request rate is the attacker's to choose, the server's answer is not.
    server = await startServerProcess(dataFile, [
      '--rate-ip', '100000/100000',
      '--metrics-token', metricsToken,
      '--public-origins', 'https://circles.example.org',
      '--headers-timeout-ms', '500',
    ]);
  });
  after(async () => {
    await server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`keeps the server's RSS bounded with ${SOCKETS} sockets that ask for history and never read, and drops them`, { timeout: 60_000 }, async () => {
    const pid = server.child.pid!;
    const clients: RawClient[] = [];
    for (let n = 0; n < SOCKETS; n++) {
      const client = await RawClient.open(server.socketUrl);
      await client.hello(circleId, { kind: 'token', token: ownerToken });
      clients.push(client);
    }
    await sleep(300);
    const baseline = rssMb(pid);
    // From here on the clients read nothing: the kernel's buffers fill, then whatever the server queues stays.
    for (const client of clients) (client.socket as unknown as { _socket: { pause(): void } })._socket.pause();

    const started = Date.now();
    const LIMIT_MS = 15_000;
    let peak = baseline;
    let sent = 0;
    while (Date.now() - started < LIMIT_MS && clients.some((c) => !c.closed)) {
      for (const client of clients) {
        if (client.closed || client.socket.readyState !== client.socket.OPEN) continue;
        client.send({ type: 'history', id: `history-${nanoid(10)}`, query: { threadId, before: null, limit: 200 } });
        sent++;
      }
      await sleep(50);
      peak = Math.max(peak, rssMb(pid));
      // A server that buffers without bound is stopped here rather than left to eat the machine.
      if (peak - baseline > 1500) break;
    }
    const elapsed = Date.now() - started;
    const open = clients.filter((c) => !c.closed).length;
    for (const client of clients) client.close();
    await sleep(1000);
    console.log(`RSS baseline ${baseline.toFixed(0)} MB, peak ${peak.toFixed(0)} MB (+${(peak - baseline).toFixed(0)} MB), ${rssMb(pid).toFixed(0)} MB 1 s after; ${sent} history requests; ${SOCKETS - open}/${SOCKETS} sockets dropped in ${elapsed} ms`);
    assert.ok(peak - baseline < 300, `RSS grew by ${(peak - baseline).toFixed(0)} MB (bound: 300 MB)`);
    assert.equal(open, 0, `every socket that never reads is dropped within ${LIMIT_MS} ms (${open} still open)`);
    // The server is still there for everyone else.
    const reader = await RawClient.open(server.socketUrl);
    await reader.hello(circleId, { kind: 'token', token: ownerToken });
    reader.send({ type: 'history', id: 'history-after-abuse', query: { threadId, before: null, limit: 10 } });
    const page = await reader.next('history');
    assert.equal(page.type === 'history' && page.page.messages.length, 10);
    reader.close();
    const metrics = await (await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${metricsToken}` } })).text();
    assert.match(metrics, new RegExp(`^hearth_slow_readers_dropped_total ${SOCKETS}$`, 'm'), 'each drop is counted');
  });

  it('takes --metrics-token, --public-origins and --headers-timeout-ms from the command line', async () => {
    assert.equal((await fetch(`${server.url}/metrics`)).status, 401, 'the token turns /metrics on, for its bearer only');
    assert.equal((await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${metricsToken}` } })).status, 200);
    const page = await RawClient.open(server.socketUrl, { headers: { Host: 'internal:8080', Origin: 'https://circles.example.org' } });
    page.close();
    await assert.rejects(RawClient.open(server.socketUrl, { headers: { Host: 'evil.example', Origin: 'http://evil.example' } }), /HTTP 403/);
    const loris = rawConnection(server.port);
    await loris.opened;
    loris.socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    assert.notEqual(await within(loris.closed, 3000), 'pending', 'a half-sent request is closed after --headers-timeout-ms');
  });
});

describe('history requests of one connection are answered one at a time', () => {
  it(`refuses more than ${MAX_QUEUED_HISTORY_REQUESTS} waiting at once with rate_limited, and answers the rest`, async () => {
    const t = await startServer();
    try {
      const circle = await makeCircle(t);
      const client = await RawClient.open(t);
      await client.hello(circle.id, circle.owner);
      assert.equal((await client.command({ type: 'thread.create', threadId: 'queued-thread', title: 'Queued' })).ok, true);
      const ids = Array.from({ length: MAX_QUEUED_HISTORY_REQUESTS + 4 }, (_, n) => `history-queued-${n}`);
      // One TCP write, so the server reads every request before it has answered any.
      const tcp = (client.socket as unknown as { _socket: { cork(): void; uncork(): void } })._socket;
      tcp.cork();
      for (const id of ids) client.send({ type: 'history', id, query: { threadId: 'queued-thread', before: null, limit: 50 } });
      tcp.uncork();
      const answerOf = (id: string) => client.frames.find((f) => (f.type === 'history' || f.type === 'error') && f.id === id);
      for (const deadline = Date.now() + 5000; !ids.every(answerOf) && Date.now() < deadline; ) await client.changed();
      const answers = ids.map((id) => {
        const answer = answerOf(id);
        return answer?.type === 'history' ? 'page' : answer?.type === 'error' ? answer.error : null;
      });
      const pages = answers.filter((a) => a === 'page').length;
      const refused = answers.filter((a) => typeof a === 'object' && a !== null && a.code === 'rate_limited' && (a.retryAfterMs ?? 0) > 0).length;
      assert.equal(pages, MAX_QUEUED_HISTORY_REQUESTS, 'the queued requests are answered');
      assert.equal(refused, 4, 'the ones beyond the queue are refused with rate_limited and a wait');
      client.close();
    } finally {
      await t.close();
    }
  });
});

/** A raw TCP connection to the server; resolves when the server has closed it, with what it answered. */
function rawConnection(port: number) {
  const socket = connect({ host: '127.0.0.1', port });
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => {});
  const opened = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const closed = new Promise<{ at: number; received: string }>((resolve) => socket.once('close', () => resolve({ at: Date.now(), received })));
  return { socket, opened, closed, isClosed: () => socket.destroyed || socket.readableEnded };
}

/** Resolves with the promise's value, or 'pending' if it has not settled within `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  return Promise.race([promise, sleep(ms).then(() => 'pending' as const)]);
}

describe('slow-loris: half-sent HTTP requests', () => {
  it('closes a connection whose request headers do not all arrive within headersTimeoutMs', async () => {
    const t = await startServer({ headersTimeoutMs: 400 } as Parameters<typeof startServer>[0]);
    try {
      const started = Date.now();
      const loris = rawConnection(t.server.port);
      await loris.opened;
      loris.socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
      // Keep trickling bytes: a trickle must not reset the clock.
      const trickle = setInterval(() => loris.socket.writable && loris.socket.write('a'), 100);
      const closed = await within(loris.closed, 4000);
      clearInterval(trickle);
      loris.socket.destroy();
      assert.notEqual(closed, 'pending', 'the half-sent request is still open after 4 s');
      assert.ok((closed as { at: number }).at - started < 2500, `closed after ${(closed as { at: number }).at - started} ms`);
    } finally {
      await t.close();
    }
  });

  it('caps the connections per address that have not sent a whole request, and serves again once they are gone', async () => {
    const t = await startServer({ maxPendingRequestsPerIp: 4, headersTimeoutMs: 5000 } as Parameters<typeof startServer>[0]);
    try {
      const held = [];
      for (let n = 0; n < 4; n++) {
        const loris = rawConnection(t.server.port);
        await loris.opened;
        loris.socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
        held.push(loris);
      }
      await sleep(100);
      assert.ok(held.every((l) => !l.isClosed()), 'the first four wait for their headers');
      const fifth = rawConnection(t.server.port);
      const refused = await within(fifth.closed, 2000);
      assert.notEqual(refused, 'pending', 'a fifth pending connection from the same address is refused at once');
      assert.match((refused as { received: string }).received, /^HTTP\/1\.1 429 /, 'with 429 Too Many Requests');
      for (const loris of held) loris.socket.destroy();
      await sleep(100);
      const health = await fetch(`${t.server.url}/healthz`);
      assert.equal(health.status, 200, 'the address is served again once its pending connections are gone');
    } finally {
      await t.close();
    }
  });

  it('leaves a quiet streaming response of the site’s own routes open past the timeouts (server-sent events)', async () => {
    const t = await startServer({
      headersTimeoutMs: 200,
      requestTimeoutMs: 300,
      handleRequest(req, res) {
        if (req.url !== '/site/events') return false;
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(': connected\n\n');
        setTimeout(() => res.end('data: late\n\n'), 1500);
        return true;
      },
    } as Parameters<typeof startServer>[0]);
    try {
      const events = await fetch(`${t.server.url}/site/events`);
      assert.equal(await events.text(), ': connected\n\ndata: late\n\n', 'the stream was not cut while it was quiet');
    } finally {
      await t.close();
    }
  });

  it('does not count a trusted proxy’s connections against one address (the proxy carries many clients)', async () => {
    const t = await startServer({ maxPendingRequestsPerIp: 2, trustedProxies: ['127.0.0.1'] } as Parameters<typeof startServer>[0]);
    try {
      const held = [];
      for (let n = 0; n < 4; n++) {
        const loris = rawConnection(t.server.port);
        await loris.opened;
        loris.socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
        held.push(loris);
      }
      await sleep(200);
      assert.ok(held.every((l) => !l.isClosed()), 'connections from a trusted proxy are not capped per address');
      for (const loris of held) loris.socket.destroy();
    } finally {
      await t.close();
    }
  });
});

describe('/metrics and source maps are private unless configured', () => {
  it('does not serve /metrics by default; serves it when turned on; with metricsToken, only to that bearer token', async () => {
    const off = await startServer();
    const on = await startServer({ metrics: true });
    const token = `metrics-${nanoid(24)}`;
    const guarded = await startServer({ metricsToken: token } as Parameters<typeof startServer>[0]);
    try {
      assert.equal((await fetch(`${off.server.url}/metrics`)).status, 404, 'off by default');
      const open = await fetch(`${on.server.url}/metrics`);
      assert.equal(open.status, 200);
      assert.match(await open.text(), /^hearth_connections /m);
      const anonymous = await fetch(`${guarded.server.url}/metrics`);
      assert.equal(anonymous.status, 401, 'no token: 401');
      assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Bearer/);
      assert.doesNotMatch(await anonymous.text(), /hearth_/);
      assert.equal((await fetch(`${guarded.server.url}/metrics`, { headers: { Authorization: `Bearer ${token}x` } })).status, 401, 'a wrong token: 401');
      assert.equal((await fetch(`${guarded.server.url}/metrics`, { headers: { Authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}` } })).status, 401, 'another scheme: 401');
      const allowed = await fetch(`${guarded.server.url}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(allowed.status, 200, 'the token: 200');
      assert.match(await allowed.text(), /^hearth_connections /m);
    } finally {
      await Promise.all([off.close(), on.close(), guarded.close()]);
    }
  });

  it('does not serve source maps (of the bundle or the static folder) unless sourceMaps is on', async () => {
    const site = tempDir('hearth-maps-');
    writeFileSync(path.join(site, 'hearth.js'), 'console.log("bundle")');
    writeFileSync(path.join(site, 'hearth.js.map'), '{"version":3,"sources":["SOURCE MAP"]}');
    writeFileSync(path.join(site, 'hearth-moderation.js.map'), '{"version":3,"sources":["SOURCE MAP"]}');
    writeFileSync(path.join(site, 'app.js'), 'export {};');
    writeFileSync(path.join(site, 'app.js.map'), '{"version":3,"sources":["SOURCE MAP"]}');
    const hidden = await startServer({ staticDir: site, bundleFile: path.join(site, 'hearth.js') });
    const shown = await startServer({ staticDir: site, bundleFile: path.join(site, 'hearth.js'), sourceMaps: true } as Parameters<typeof startServer>[0]);
    try {
      for (const file of ['/hearth.js.map', '/hearth-moderation.js.map', '/app.js.map', '/APP.JS.MAP']) {
        const res = await fetch(`${hidden.server.url}${file}`);
        assert.equal(res.status, 404, `${file} → ${res.status} by default`);
        assert.doesNotMatch(await res.text(), /SOURCE MAP/);
      }
      assert.equal((await fetch(`${hidden.server.url}/hearth.js`)).status, 200, 'the bundle itself is served');
      for (const file of ['/hearth.js.map', '/hearth-moderation.js.map', '/app.js.map']) {
        assert.equal((await fetch(`${shown.server.url}${file}`)).status, 200, `${file} with sourceMaps on`);
      }
    } finally {
      await Promise.all([hidden.close(), shown.close()]);
      rmSync(site, { recursive: true, force: true });
    }
  });
});

describe('same origin is the server’s own public origin, never whatever the Host header says', () => {
  it('refuses a WebSocket upgrade whose Origin merely matches a forged Host header', async () => {
    const t = await startServer();
    try {
      const circle = await makeCircle(t);
      await assert.rejects(RawClient.open(t, { headers: { Host: 'evil.example', Origin: 'http://evil.example' } }), /HTTP 403/, 'Origin = forged Host is not same-origin');
      await assert.rejects(RawClient.open(t, { headers: { Host: 'evil.example:8443', Origin: 'https://evil.example:8443' } }), /HTTP 403/);
      // The server's own address is its origin by default (127.0.0.1 and localhost at its port).
      for (const origin of [`http://127.0.0.1:${t.server.port}`, `http://localhost:${t.server.port}`]) {
        const page = await RawClient.open(t, { headers: { Origin: origin } });
        await page.hello(circle.id, circle.owner);
        page.close();
      }
    } finally {
      await t.close();
    }
  });

  it('takes its public origins from publicOrigins (behind a proxy), whatever Host the request names', async () => {
    const t = await startServer({ publicOrigins: ['https://Circles.Example.org/'] } as Parameters<typeof startServer>[0]);
    try {
      const circle = await makeCircle(t);
      const page = await RawClient.open(t, { headers: { Host: 'internal:8080', Origin: 'https://circles.example.org' } });
      await page.hello(circle.id, circle.owner);
      page.close();
      await assert.rejects(RawClient.open(t, { headers: { Host: 'evil.example', Origin: 'https://evil.example' } }), /HTTP 403/);
      await assert.rejects(RawClient.open(t, { headers: { Origin: `http://127.0.0.1:${t.server.port}` } }), /HTTP 403/, 'once public origins are given, they are the only same origin');
    } finally {
      await t.close();
    }
  });
});

describe('failed sign-ins are budgeted per address', () => {
  let t: TestServer;
  let circle: TestCircle;
  before(async () => {
    // 127.0.0.1 is a trusted proxy here, so each test client picks its address with X-Forwarded-For.
    t = await startServer({ trustedProxies: ['127.0.0.1'], rateLimits: { failedSignIns: DEFAULT_RATE_LIMITS.failedSignIns } });
    circle = await makeCircle(t, { sso: true });
  });
  after(() => t.close());

  const from = (address: string) => RawClient.open(t, { headers: { 'X-Forwarded-For': address } });
  const helloFrom = async (address: string, credentials: Credentials) => {
    const client = await from(address);
    try {
      await client.hello(circle.id, credentials);
      return 'welcome';
    } catch (error) {
      const info = error as { code: string; retryAfterMs?: number };
      return info.code === 'rate_limited' ? `rate_limited after ${info.retryAfterMs! > 0 ? 'a wait' : 'no wait'}` : info.code;
    } finally {
      client.close();
    }
  };
  const wrongCode = () => inviteCredentials(nanoid(21));

  it('refuses an address with rate_limited after 10 wrong invite codes, even with the right code; another address is unaffected', async () => {
    const outcomes: string[] = [];
    for (let n = 0; n < 30; n++) outcomes.push(await helloFrom('203.0.113.7', wrongCode()));
    assert.deepEqual(outcomes.slice(0, 10), Array(10).fill('unauthorized'), 'the first ten wrong codes are refused as such');
    assert.deepEqual(outcomes.slice(10), Array(20).fill('rate_limited after a wait'), 'then the address is locked out');
    assert.equal(await helloFrom('203.0.113.7', inviteCredentials(circle.inviteCode)), 'rate_limited after a wait', 'even the right code, during the lockout');
    assert.equal(await helloFrom('203.0.113.8', inviteCredentials(circle.inviteCode)), 'welcome', 'another address joins');
    assert.equal(await helloFrom('203.0.113.8', wrongCode()), 'unauthorized', 'and its own mistakes are its own');
    t.clock.advance(15 * 60_000);
    assert.equal(await helloFrom('203.0.113.7', inviteCredentials(circle.inviteCode)), 'welcome', 'the lockout ends');
  });

  it('counts bad member tokens, bad sign-on tokens and invite codes tried through preview alike', async () => {
    for (let n = 0; n < 4; n++) assert.equal(await helloFrom('198.51.100.1', { kind: 'token', token: nanoid(32) }), 'unauthorized');
    for (let n = 0; n < 3; n++) assert.equal(await helloFrom('198.51.100.1', { kind: 'sso', jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl', acceptNorms: true }), 'unauthorized');
    const previewer = await from('198.51.100.1');
    for (let n = 0; n < 3; n++) {
      previewer.send({ type: 'preview', id: `preview-${nanoid(8)}`, circle: circle.id, invite: nanoid(21) });
      const answer = await previewer.nextOf(['preview', 'error']);
      assert.equal(answer.type === 'error' && answer.error.code, 'unauthorized');
    }
    previewer.send({ type: 'preview', id: `preview-${nanoid(8)}`, circle: circle.id, invite: circle.inviteCode });
    const locked = await previewer.nextOf(['preview', 'error']);
    assert.equal(locked.type === 'error' && locked.error.code, 'rate_limited', 'a preview is refused during the lockout too');
    previewer.close();
    assert.equal(await helloFrom('198.51.100.1', circle.owner), 'rate_limited after a wait', 'ten failures of any kind lock the address');
  });

  it('does not count a preview without an invite code: a gate asking what an invite-only circle shows is no guess', async () => {
    const gate = await from('192.0.2.60');
    for (let n = 0; n < 15; n++) {
      gate.send({ type: 'preview', id: `preview-${nanoid(8)}`, circle: circle.id });
      const answer = await gate.nextOf(['preview', 'error']);
      assert.equal(answer.type === 'error' && answer.error.code, 'unauthorized', 'an invite-only circle shows nothing without a code');
    }
    gate.close();
    assert.equal(await helloFrom('192.0.2.60', inviteCredentials(circle.inviteCode)), 'welcome');
  });

  it('does not count a successful sign-in: a member who joins and comes back many times is never locked out', async () => {
    const joined = await helloFrom('192.0.2.50', inviteCredentials(circle.inviteCode));
    assert.equal(joined, 'welcome');
    for (let n = 0; n < 15; n++) assert.equal(await helloFrom('192.0.2.50', circle.owner), 'welcome');
  });
});

