// Access and identity over real sockets: invites, member cap, host-site sign-on, tokens, non-members.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { nanoid } from 'nanoid';
import { ssoMemberId } from '@hearth/server';
import { RawClient, expectRefused, headSeq, inviteCredentials, makeCircle, signIn, startServer, stored, type TestServer } from './helpers.js';

let t: TestServer;
const clients: RawClient[] = [];
const track = <T extends { client: RawClient }>(x: T) => (clients.push(x.client), x);

before(async () => {
  t = await startServer();
});
after(async () => {
  for (const c of clients) c.close();
  await t.close();
});

async function hello(circle: string, credentials: Parameters<RawClient['hello']>[1]) {
  const client = await RawClient.open(t);
  clients.push(client);
  return client.hello(circle, credentials);
}

describe('joining by invite', () => {
  it('admits with invite, name and accepted norms, issues a token that signs in again', async () => {
    const circle = await makeCircle(t, { norms: 'Be kind.' });
    const { session } = track(await signIn(t, circle.id, inviteCredentials(circle.inviteCode, 'Ada')));
    assert.equal(session.member.displayName, 'Ada');
    assert.equal(session.member.role, 'member');
    assert.equal(session.circle.norms, 'Be kind.');
    assert.ok(session.token && session.token.length >= 32, 'a member token');
    const again = track(await signIn(t, circle.id, { kind: 'token', token: session.token }));
    assert.equal(again.session.member.id, session.member.id);
    assert.equal(again.session.token, null);
    assert.ok(again.session.members.some((m) => m.displayName === 'Ada'));
  });

  it('refuses to join without accepting the norms (invalid, nothing stored)', async () => {
    const circle = await makeCircle(t);
    await expectRefused(hello(circle.id, { kind: 'invite', code: circle.inviteCode, displayName: 'Rude', acceptNorms: false } as never), 'invalid');
    const members = await stored(t, circle.id, (tx) => tx.repo.listMembers());
    assert.equal(members.length, 1, 'only the owner');
  });

  it('refuses an expired invite with invite_expired', async () => {
    const circle = await makeCircle(t);
    const invite = await t.server.service.createInvite(circle.id, { expiresInMs: 60_000 });
    track(await signIn(t, circle.id, inviteCredentials(invite.code)));
    t.clock.advance(61_000);
    await expectRefused(hello(circle.id, inviteCredentials(invite.code)), 'invite_expired');
  });

  it('refuses a used-up invite with invite_expired', async () => {
    const circle = await makeCircle(t);
    const invite = await t.server.service.createInvite(circle.id, { maxUses: 1 });
    track(await signIn(t, circle.id, inviteCredentials(invite.code)));
    await expectRefused(hello(circle.id, inviteCredentials(invite.code)), 'invite_expired');
    assert.equal((await stored(t, circle.id, (tx) => tx.repo.getInvite(invite.id)))!.uses, 1);
  });

  it('refuses a revoked invite with invite_expired', async () => {
    const circle = await makeCircle(t);
    const invite = await t.server.service.createInvite(circle.id, {});
    const owner = track(await signIn(t, circle.id, circle.owner));
    const ack = await owner.client.command({ type: 'invite.revoke', inviteId: invite.id });
    assert.equal(ack.ok, true);
    await expectRefused(hello(circle.id, inviteCredentials(invite.code)), 'invite_expired');
  });

  it('refuses an unknown invite code with unauthorized', async () => {
    const circle = await makeCircle(t);
    await expectRefused(hello(circle.id, inviteCredentials(nanoid(24))), 'unauthorized');
  });

  it('enforces the member cap with circle_full', async () => {
    const circle = await makeCircle(t, { memberCap: 3 });
    track(await signIn(t, circle.id, inviteCredentials(circle.inviteCode)));
    track(await signIn(t, circle.id, inviteCredentials(circle.inviteCode)));
    await expectRefused(hello(circle.id, inviteCredentials(circle.inviteCode)), 'circle_full');
    assert.equal(await stored(t, circle.id, (tx) => tx.repo.countSeatedMembers()), 3);
  });
});

describe('host-site sign-on (JWT)', () => {
  const sign = (secret: string, claims: Record<string, unknown>, expSeconds: number) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(expSeconds).sign(new TextEncoder().encode(secret));
  const nowSeconds = () => Math.floor(t.clock.now / 1000);

  it('admits a reader with a token signed by the circle secret, under a stable id and the given name', async () => {
    const circle = await makeCircle(t, { sso: true });
    assert.ok(circle.ssoSecret);
    const jwt = await sign(circle.ssoSecret!, { sub: 'reader-42', name: 'Grace' }, nowSeconds() + 600);
    const session = await hello(circle.id, { kind: 'sso', jwt, acceptNorms: true });
    assert.equal(session.member.id, ssoMemberId('reader-42'));
    assert.equal(session.member.displayName, 'Grace');
    assert.ok(session.token, 'a member token to reconnect with');
    const again = await hello(circle.id, { kind: 'sso', jwt, acceptNorms: true });
    assert.equal(again.member.id, session.member.id, 'the same sub is the same member');
    assert.equal((await stored(t, circle.id, (tx) => tx.repo.listMembers())).length, 2);
  });

  it('refuses a token signed with another secret', async () => {
    const circle = await makeCircle(t, { sso: true });
    const jwt = await sign('not-the-circle-secret-at-all-0000', { sub: 'mallory', name: 'Mallory' }, nowSeconds() + 600);
    await expectRefused(hello(circle.id, { kind: 'sso', jwt, acceptNorms: true }), 'unauthorized');
  });

  it('refuses an expired token and one without exp', async () => {
    const circle = await makeCircle(t, { sso: true });
    const expired = await sign(circle.ssoSecret!, { sub: 'late', name: 'Late' }, nowSeconds() - 120);
    await expectRefused(hello(circle.id, { kind: 'sso', jwt: expired, acceptNorms: true }), 'unauthorized');
    const forever = await new SignJWT({ sub: 'forever', name: 'Forever' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(circle.ssoSecret!));
    await expectRefused(hello(circle.id, { kind: 'sso', jwt: forever, acceptNorms: true }), 'unauthorized');
  });

  it('refuses sign-on to a circle that has no secret', async () => {
    const circle = await makeCircle(t);
    const jwt = await sign('whatever-secret-0000000000000000', { sub: 'x', name: 'X' }, nowSeconds() + 600);
    await expectRefused(hello(circle.id, { kind: 'sso', jwt, acceptNorms: true }), 'unauthorized');
  });
});

describe('non-members', () => {
  it('refuses an unknown token, a token of another circle, and an unknown circle', async () => {
    const a = await makeCircle(t);
    const b = await makeCircle(t);
    await expectRefused(hello(a.id, { kind: 'token', token: nanoid(32) }), 'unauthorized');
    await expectRefused(hello(a.id, b.owner), 'unauthorized');
    await expectRefused(hello('no-such-circle', a.owner), 'not_found');
  });

  it('reads and writes nothing before a successful hello', async () => {
    const circle = await makeCircle(t);
    const owner = track(await signIn(t, circle.id, circle.owner));
    const threadId = nanoid();
    assert.equal((await owner.client.command({ type: 'thread.create', threadId, title: 'Private' })).ok, true);
    const head = (await headSeq(t, circle.id));

    const stranger = await RawClient.open(t);
    clients.push(stranger);
    const ack = await stranger.command({ type: 'message.post', messageId: nanoid(), threadId, body: 'let me in' });
    assert.equal(ack.ok, false);
    assert.equal(!ack.ok && ack.error.code, 'unauthorized');
    stranger.send({ type: 'history', id: 'history-01', query: { threadId, before: null, limit: 10 } });
    const error = await stranger.next('error', (f) => f.id === 'history-01');
    assert.equal(error.error.code, 'unauthorized');
    assert.ok(!stranger.frames.some((f) => f.type === 'event' || f.type === 'history'), 'no circle data reached the stranger');
    assert.equal((await headSeq(t, circle.id)), head, 'nothing was written');
  });

  it('closes the socket after a refused hello', async () => {
    const circle = await makeCircle(t);
    const client = await RawClient.open(t);
    clients.push(client);
    await expectRefused(client.hello(circle.id, { kind: 'token', token: nanoid(32) }), 'unauthorized');
    await client.waitClosed();
  });
});

describe('other access modes', () => {
  it('request: the asker waits with a token, a moderator approves, the same token then signs in', async () => {
    const circle = await makeCircle(t, { access: 'request' });
    const refused = await expectRefused(hello(circle.id, { kind: 'request', displayName: 'Asker', note: 'I read the blog', acceptNorms: true }), 'pending_approval');
    assert.ok(refused.token, 'a token to come back with');
    await expectRefused(hello(circle.id, { kind: 'token', token: refused.token! }), 'pending_approval');
    const owner = track(await signIn(t, circle.id, circle.owner));
    const list = await owner.client.command({ type: 'request.list' });
    assert.ok(list.ok);
    const requests = (list.ok && (list.result as { requests: { id: string; displayName: string }[] }).requests) || [];
    assert.deepEqual(requests.map((r) => r.displayName), ['Asker']);
    assert.equal((await owner.client.command({ type: 'request.approve', requestId: requests[0]!.id })).ok, true);
    const session = await hello(circle.id, { kind: 'token', token: refused.token! });
    assert.equal(session.member.displayName, 'Asker');
    assert.equal(session.member.id, requests[0]!.id);
  });

  it('request: a denied asker’s token signs in nothing', async () => {
    const circle = await makeCircle(t, { access: 'request' });
    const refused = await expectRefused(hello(circle.id, { kind: 'request', displayName: 'Denied', acceptNorms: true }), 'pending_approval');
    const owner = track(await signIn(t, circle.id, circle.owner));
    const list = await owner.client.command({ type: 'request.list' });
    const [request] = (list.ok && (list.result as { requests: { id: string }[] }).requests) || [];
    assert.equal((await owner.client.command({ type: 'request.deny', requestId: request!.id })).ok, true);
    await expectRefused(hello(circle.id, { kind: 'token', token: refused.token! }), 'unauthorized');
  });

  it('open-link admits anyone holding the link; an invite circle refuses link joins', async () => {
    const open = await makeCircle(t, { access: 'open-link' });
    const session = await hello(open.id, { kind: 'link', displayName: 'Walker', acceptNorms: true });
    assert.equal(session.member.displayName, 'Walker');
    const closed = await makeCircle(t);
    await expectRefused(hello(closed.id, { kind: 'link', displayName: 'Walker', acceptNorms: true }), 'forbidden');
  });
});
