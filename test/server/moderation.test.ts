// Moderation as the server enforces it on connections: bans and removals cut sockets and tokens at once;
// hidden messages reach members blank and moderators whole.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { nanoid } from 'nanoid';
import { RawClient, expectRefused, headSeq, inviteCredentials, makeCircle, signIn, startServer, stored, type TestServer } from './helpers.js';

let t: TestServer;
const clients: RawClient[] = [];

before(async () => {
  t = await startServer();
});
after(async () => {
  for (const c of clients) c.close();
  await t.close();
});

async function world() {
  const circle = await makeCircle(t);
  const owner = await signIn(t, circle.id, circle.owner);
  const member = await signIn(t, circle.id, inviteCredentials(circle.inviteCode, 'Troll'));
  const bystander = await signIn(t, circle.id, inviteCredentials(circle.inviteCode, 'Bystander'));
  clients.push(owner.client, member.client, bystander.client);
  const threadId = nanoid();
  assert.equal((await owner.client.command({ type: 'thread.create', threadId, title: 'Talk' })).ok, true);
  return { circle, owner, member, bystander, threadId };
}

describe('moderation on live connections', () => {
  it('closes a banned member’s socket within a second and refuses them afterwards', async () => {
    const { circle, owner, member, bystander } = await world();
    const started = Date.now();
    const ack = await owner.client.command({ type: 'mod.ban', memberId: member.session.member.id, reason: 'spam' });
    assert.equal(ack.ok, true);
    const closed = await member.client.waitClosed(1000);
    assert.ok(closed.at - started < 1000, `closed after ${closed.at - started} ms`);
    const fatal = member.client.frames.find((f) => f.type === 'error');
    assert.equal(fatal?.type === 'error' && fatal.error.code, 'forbidden');
    assert.equal(fatal?.type === 'error' && fatal.fatal, true);
    await expectRefused(signIn(t, circle.id, { kind: 'token', token: member.session.token! }), 'forbidden');
    assert.equal(bystander.client.closed, null, 'other members stay connected');
    await bystander.client.next('event', (f) => f.event.type === 'member.upserted' && f.event.member.state === 'banned');
  });

  it('closes a removed member’s socket and their token stops working', async () => {
    const { circle, owner, member } = await world();
    assert.equal((await owner.client.command({ type: 'mod.remove', memberId: member.session.member.id, reason: 'gone' })).ok, true);
    await member.client.waitClosed(1000);
    const fatal = member.client.frames.find((f) => f.type === 'error');
    assert.equal(fatal?.type === 'error' && fatal.error.code, 'unauthorized');
    await expectRefused(signIn(t, circle.id, { kind: 'token', token: member.session.token! }), 'unauthorized');
  });

  it('acks a member’s own leave, then closes their socket and retires their token', async () => {
    const { circle, member } = await world();
    const ack = await member.client.command({ type: 'member.leave' });
    assert.equal(ack.ok, true, 'the leaver hears the ack before the socket closes');
    const closed = await member.client.waitClosed(1000);
    assert.ok(closed);
    await expectRefused(signIn(t, circle.id, { kind: 'token', token: member.session.token! }), 'unauthorized');
  });

  it('sends a hidden message blank to members and whole to moderators, live and in history', async () => {
    const { owner, member, bystander, threadId } = await world();
    const messageId = nanoid();
    assert.equal((await member.client.command({ type: 'message.post', messageId, threadId, body: 'something nasty' })).ok, true);
    assert.equal((await owner.client.command({ type: 'mod.hide', messageId, reason: 'nasty' })).ok, true);
    const hiddenFor = async (client: RawClient) =>
      (await client.next('event', (f) => f.event.type === 'message.upserted' && f.event.message.id === messageId && f.event.message.state === 'hidden-by-moderator')).event;
    const seenByMember = await hiddenFor(bystander.client);
    const seenByOwner = await hiddenFor(owner.client);
    assert.equal(seenByMember.type === 'message.upserted' && seenByMember.message.body, '');
    assert.equal(seenByOwner.type === 'message.upserted' && seenByOwner.message.body, 'something nasty');
    bystander.client.send({ type: 'history', id: 'history-hidden', query: { threadId, before: null, limit: 10 } });
    const page = await bystander.client.next('history', (f) => f.id === 'history-hidden');
    assert.equal(page.page.messages.find((m) => m.id === messageId)?.body, '');
  });

  it('one fan-out gives every viewer their own view, whoever is served first', async () => {
    // Event frames are serialized once per event and shared: a member served before or after a moderator
    // must still get a hidden message blank, and everyone the same frame for a visible one.
    const circle = await makeCircle(t);
    const early = await signIn(t, circle.id, inviteCredentials(circle.inviteCode, 'Early'));
    const owner = await signIn(t, circle.id, circle.owner);
    const author = await signIn(t, circle.id, inviteCredentials(circle.inviteCode, 'Author'));
    const late = await signIn(t, circle.id, inviteCredentials(circle.inviteCode, 'Late'));
    const everyone = [early, owner, author, late];
    clients.push(...everyone.map((c) => c.client));
    const threadId = nanoid();
    assert.equal((await owner.client.command({ type: 'thread.create', threadId, title: 'Views' })).ok, true);
    const hiddenId = nanoid();
    assert.equal((await author.client.command({ type: 'message.post', messageId: hiddenId, threadId, body: 'rude words' })).ok, true);
    assert.equal((await owner.client.command({ type: 'mod.hide', messageId: hiddenId, reason: 'rude' })).ok, true);
    const visibleId = nanoid();
    assert.equal((await author.client.command({ type: 'message.post', messageId: visibleId, threadId, body: 'kind words' })).ok, true);
    const seen = async (who: (typeof everyone)[number], messageId: string, state: string) => {
      const frame = await who.client.next('event', (f) => f.event.type === 'message.upserted' && f.event.message.id === messageId && f.event.message.state === state);
      return frame.event.type === 'message.upserted' ? frame.event.message : null;
    };
    const hidden = await Promise.all(everyone.map((who) => seen(who, hiddenId, 'hidden-by-moderator')));
    assert.deepEqual(hidden.map((m) => m?.body), ['', 'rude words', 'rude words', '']);
    const visible = await Promise.all(everyone.map((who) => seen(who, visibleId, 'visible')));
    for (const message of visible) assert.deepEqual(message, visible[0]);
    assert.equal(visible[0]?.body, 'kind words');
  });

  it('a command id applied once acks the same seq again and writes nothing more', async () => {
    const { member, threadId } = await world();
    const id = nanoid();
    const command = { id, type: 'message.post' as const, messageId: nanoid(), threadId, body: 'once' };
    const first = await member.client.command(command);
    const head = (await headSeq(t, member.session.circleId));
    const second = await member.client.command(command);
    assert.deepEqual(second, first);
    assert.equal((await headSeq(t, member.session.circleId)), head);
  });
});

describe('resume', () => {
  it('replays the events after a recent cursor, in order, as the member may see them; an old cursor gets null', async () => {
    const small = await startServer({ replayLimit: 10 });
    try {
      const circle = await makeCircle(small);
      const owner = await signIn(small, circle.id, circle.owner);
      clients.push(owner.client);
      const threadId = nanoid();
      await owner.client.command({ type: 'thread.create', threadId, title: 'Resume' });
      const cursor = Number(owner.session.cursor);
      for (let i = 0; i < 3; i++) await owner.client.command({ type: 'message.post', messageId: nanoid(), threadId, body: `post ${i}` });
      const recent = await signIn(small, circle.id, circle.owner, String(cursor));
      clients.push(recent.client);
      const head = Number(recent.session.cursor);
      assert.ok(head - cursor <= 10);
      assert.deepEqual(recent.session.replay!.map((e) => e.seq), Array.from({ length: head - cursor }, (_, i) => cursor + 1 + i));
      assert.ok(recent.session.replay!.some((e) => e.type === 'message.upserted' && e.message.body === 'post 2'));
      for (let i = 0; i < 6; i++) await owner.client.command({ type: 'message.post', messageId: nanoid(), threadId, body: `more ${i}` });
      const old = await signIn(small, circle.id, circle.owner, String(cursor));
      clients.push(old.client);
      assert.equal(old.session.replay, null, 'more than the replay limit: reload instead');
      const future = await signIn(small, circle.id, circle.owner, '999999');
      clients.push(future.client);
      assert.equal(future.session.replay, null, 'a cursor from beyond the head is not trusted');
    } finally {
      await small.close();
    }
  });
});
