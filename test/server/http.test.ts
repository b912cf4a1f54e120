// HTTP side: static files without path traversal, /hearth.js, /healthz, CORS and security headers, and the
// origin check on the WebSocket upgrade.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { RawClient, expectRefused, makeCircle, startServer, tempDir, type TestCircle, type TestServer } from './helpers.js';
import { nanoid } from 'nanoid';

let t: TestServer;
let circleWithOrigin: TestCircle;
let otherCircle: TestCircle;
const clients: RawClient[] = [];

before(async () => {
  const site = tempDir('hearth-site-');
  mkdirSync(path.join(site, 'public', 'docs'), { recursive: true });
  writeFileSync(path.join(site, 'public', 'index.html'), '<!doctype html><title>home</title>');
  writeFileSync(path.join(site, 'public', 'docs', 'index.html'), '<!doctype html><title>docs</title>');
  writeFileSync(path.join(site, 'public', 'app.js'), 'export {};');
  writeFileSync(path.join(site, 'secret.txt'), 'TOP SECRET');
  writeFileSync(path.join(site, 'hearth.js'), 'console.log("bundle")');
  writeFileSync(path.join(site, 'hearth-moderation.js'), 'console.log("moderation part")');
  symlinkSync(path.join(site, 'secret.txt'), path.join(site, 'public', 'link.txt'));
  // Dotfiles a deploy can leave in a served folder: environment secrets, a repository, an editor's backup.
  mkdirSync(path.join(site, 'public', '.git'), { recursive: true });
  mkdirSync(path.join(site, 'public', 'docs', '.private'), { recursive: true });
  writeFileSync(path.join(site, 'public', '.env'), 'DOTFILE SECRET');
  writeFileSync(path.join(site, 'public', '.git', 'config'), 'DOTFILE SECRET');
  writeFileSync(path.join(site, 'public', 'docs', '.private', 'index.html'), 'DOTFILE SECRET');
  writeFileSync(path.join(site, 'public', 'docs', '.notes.txt'), 'DOTFILE SECRET');
  symlinkSync(path.join(site, 'public', '.env'), path.join(site, 'public', 'env.txt'));
  t = await startServer({ staticDir: path.join(site, 'public'), bundleFile: path.join(site, 'hearth.js'), allowedOrigins: ['https://everywhere.example'], metrics: true });
  circleWithOrigin = await makeCircle(t, { allowedOrigins: ['https://blog.example'] });
  otherCircle = await makeCircle(t);
});
after(async () => {
  for (const c of clients) c.close();
  await t.close();
});

function get(pathname: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: t.server.port, path: pathname, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTP', () => {
  it('serves static files and directory indexes with the right types and a strict CSP', async () => {
    const home = await get('/');
    assert.equal(home.status, 200);
    assert.match(home.body, /home/);
    assert.match(String(home.headers['content-type']), /text\/html/);
    const csp = String(home.headers['content-security-policy']);
    for (const part of ["script-src 'self'", "object-src 'none'", "frame-ancestors 'self' https://everywhere.example", "require-trusted-types-for 'script'"]) {
      assert.ok(csp.includes(part), `CSP has ${part}`);
    }
    assert.equal(home.headers['x-content-type-options'], 'nosniff');
    assert.equal(home.headers['referrer-policy'], 'no-referrer');
    assert.match((await get('/docs/')).body, /docs/);
    assert.match(String((await get('/app.js')).headers['content-type']), /text\/javascript/);
  });

  it('never serves files outside the static folder', async () => {
    for (const attempt of ['/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/docs/../../secret.txt', '/link.txt', '/..\\secret.txt', '/%00index.html', '/%E0%A4%A']) {
      const res = await get(attempt);
      assert.ok(res.status === 404 || res.status === 400, `${attempt} → ${res.status}`);
      assert.ok(!res.body.includes('TOP SECRET'), `${attempt} leaked the file`);
    }
  });

  it('never serves a path with a segment starting with a dot (/.env, /.git/config, hidden folders)', async () => {
    for (const attempt of ['/.env', '/.git/config', '/.git/', '/docs/.private/', '/docs/.private/index.html', '/docs/.notes.txt', '/%2eenv', '/docs/%2Enotes.txt', '/.well-known/../.env', '/docs/./.notes.txt', '/env.txt']) {
      const res = await get(attempt);
      assert.equal(res.status, 404, `${attempt} → ${res.status}`);
      assert.ok(!res.body.includes('DOTFILE SECRET'), `${attempt} leaked a dotfile`);
    }
    assert.equal((await get('/docs/')).status, 200, 'the folder beside them is still served');
  });

  it('serves /hearth.js loadable by allowed cross-origin pages, and /healthz', async () => {
    const bundle = await get('/hearth.js', { Origin: 'https://blog.example' });
    assert.equal(bundle.status, 200);
    assert.match(bundle.body, /bundle/);
    assert.equal(bundle.headers['access-control-allow-origin'], 'https://blog.example', 'a circle’s origin may load it');
    assert.equal(bundle.headers['cross-origin-resource-policy'], 'cross-origin');
    const part = await get('/hearth-moderation.js', { Origin: 'https://blog.example' });
    assert.equal(part.status, 200, 'on-demand parts of the drop-in are served from beside it');
    assert.match(part.body, /moderation part/);
    assert.equal(part.headers['cross-origin-resource-policy'], 'cross-origin');
    assert.equal((await get('/hearth-missing.js')).status, 404);
    assert.ok(!(await get('/secret.txt')).body.includes('TOP SECRET'), 'nothing else from the bundle folder is served');
    const health = await get('/healthz', { Origin: 'https://evil.example' });
    assert.deepEqual(JSON.parse(health.body), { ok: true });
    assert.equal(health.headers['access-control-allow-origin'], undefined, 'no CORS for an unknown origin');
    assert.equal((await get('/healthz', { Origin: 'https://everywhere.example' })).headers['access-control-allow-origin'], 'https://everywhere.example');
    assert.equal((await get('/healthz', {}, 'POST')).status, 405);
  });

  it('reports readiness and Prometheus metrics, and a stopping server takes no new connection', async () => {
    const ready = await get('/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual(JSON.parse(ready.body), { ready: true, checks: { storage: 'ok', broker: 'ok', server: 'ok' } });

    const { client } = await (async () => {
      const c = await RawClient.open(t);
      clients.push(c);
      await c.hello(otherCircle.id, otherCircle.owner);
      return { client: c };
    })();
    assert.equal((await client.command({ type: 'thread.create', threadId: 'metrics-thread', title: 'Counted' })).ok, true);
    assert.equal((await client.command({ type: 'message.post', messageId: 'metrics-msg-1', threadId: 'no-such-thread', body: 'x' })).ok, false);
    const metrics = await get('/metrics');
    assert.equal(metrics.status, 200);
    assert.match(String(metrics.headers['content-type']), /^text\/plain/);
    assert.match(metrics.body, /^hearth_connections [1-9]/m, 'open connections');
    assert.match(metrics.body, /^hearth_commands_total\{type="thread.create",outcome="ok"\} 1$/m);
    assert.match(metrics.body, /^hearth_commands_total\{type="message.post",outcome="not_found"\} 1$/m);
    assert.match(metrics.body, /^hearth_errors_total\{code="not_found"\} [1-9]/m);
    assert.match(metrics.body, /^hearth_command_duration_seconds_count [1-9]/m);
    assert.ok(!metrics.body.includes(otherCircle.id), 'no circle ids in metrics');

    // A second server: metrics off, and from the moment close() begins no connection is accepted.
    const other = await startServer({ metrics: false });
    const port = other.server.port;
    const status = async (p: string) => new Promise<number>((resolve) => request({ host: '127.0.0.1', port, path: p }, (res) => (res.resume(), resolve(res.statusCode!))).on('error', () => resolve(0)).end());
    assert.equal(await status('/metrics'), 404, 'metrics can be turned off');
    assert.equal(await status('/readyz'), 200);
    const closing = other.close();
    assert.equal(await status('/readyz'), 0, 'no new connection is accepted once stopping');
    await closing;
  });

  it('checks the Origin of WebSocket upgrades: same origin and allowed origins only, per circle at hello', async () => {
    await assert.rejects(RawClient.open(t, { headers: { Origin: 'https://evil.example' } }), /HTTP 403/);
    const same = await RawClient.open(t, { headers: { Origin: `http://127.0.0.1:${t.server.port}` } });
    clients.push(same);
    await same.hello(otherCircle.id, otherCircle.owner);
    const blog = await RawClient.open(t, { headers: { Origin: 'https://blog.example' } });
    clients.push(blog);
    await blog.hello(circleWithOrigin.id, circleWithOrigin.owner);
    const blogElsewhere = await RawClient.open(t, { headers: { Origin: 'https://blog.example' } });
    clients.push(blogElsewhere);
    await expectRefused(blogElsewhere.hello(otherCircle.id, otherCircle.owner), 'forbidden');
    const everywhere = await RawClient.open(t, { headers: { Origin: 'https://everywhere.example' } });
    clients.push(everywhere);
    await everywhere.hello(otherCircle.id, otherCircle.owner);
  });

  it('previews a circle only to pages that may embed it, and only before hello', async () => {
    const ask = async (client: RawClient, circle: TestCircle) => {
      const id = `preview-${nanoid(8)}`;
      client.send({ type: 'preview', id, circle: circle.id, invite: circle.inviteCode });
      const answer = await client.nextOf(['preview', 'error']);
      return answer.type === 'preview' ? answer.circle.name : answer.type === 'error' ? answer.error.code : answer.type;
    };
    const blog = await RawClient.open(t, { headers: { Origin: 'https://blog.example' } });
    clients.push(blog);
    assert.equal(await ask(blog, circleWithOrigin), 'Test circle', 'the circle’s own embedding origin');
    assert.equal(await ask(blog, otherCircle), 'forbidden', 'another circle, not embeddable there');
    await blog.hello(circleWithOrigin.id, circleWithOrigin.owner);
    assert.equal(await ask(blog, circleWithOrigin), 'invalid', 'a member has no need of a preview');
  });

  it('does not negotiate permessage-deflate', async () => {
    const client = await RawClient.open(t, { perMessageDeflate: true });
    clients.push(client);
    assert.equal(client.socket.extensions, '', 'no compression extension accepted');
  });

  it('refuses upgrades on other paths', async () => {
    await assert.rejects(RawClient.open(`ws://127.0.0.1:${t.server.port}/elsewhere`), /HTTP 404/);
  });
});

describe('handleRequest: a site’s own routes beside the server', () => {
  it('answers what it claims, leaves the rest to the built-in endpoints, and a failure is a 500 that harms nothing', async () => {
    const seen: string[] = [];
    const site = await startServer({
      handleRequest(req, res) {
        seen.push(`${req.method} ${req.url}`);
        if (req.url === '/site/api/hello' && req.method === 'POST') {
          res.writeHead(201, { 'content-type': 'application/json' }).end('{"hello":"site"}');
          return true;
        }
        if (req.url === '/site/api/broken') return Promise.reject(new Error('site bug'));
        return false;
      },
    });
    const at = (pathname: string, method = 'GET') => fetch(`${site.server.url}${pathname}`, { method });
    try {
      const hello = await at('/site/api/hello', 'POST');
      assert.equal(hello.status, 201);
      assert.deepEqual(await hello.json(), { hello: 'site' });
      assert.equal((await at('/site/api/hello')).status, 404, 'a GET it declines falls through to the static files (none here)');
      assert.deepEqual(await (await at('/healthz')).json(), { ok: true });
      assert.equal((await at('/site/api/broken')).status, 500);
      assert.deepEqual(await (await at('/healthz')).json(), { ok: true }, 'still serving after a failed route');
      assert.deepEqual(seen, ['POST /site/api/hello', 'GET /site/api/hello', 'GET /healthz', 'GET /site/api/broken', 'GET /healthz']);
    } finally {
      await site.close();
    }
  });
});

describe('trustedTypesPolicies', () => {
  it('names more Trusted Types policies in the page CSP (Vue creates one named vue), and refuses a name that would break the header', async () => {
    const site = tempDir('hearth-tt-');
    writeFileSync(path.join(site, 'index.html'), '<!doctype html><title>vue app</title>');
    const vue = await startServer({ staticDir: site, trustedTypesPolicies: ['vue'] });
    try {
      const csp = (await fetch(`${vue.server.url}/`)).headers.get('content-security-policy') ?? '';
      assert.match(csp, /trusted-types lit-html vue 'allow-duplicates'/);
      assert.match(csp, /require-trusted-types-for 'script'/);
    } finally {
      await vue.close();
    }
    await assert.rejects(startServer({ trustedTypesPolicies: ["vue; script-src 'unsafe-inline'"] }), /is not a policy name/);
  });
});
