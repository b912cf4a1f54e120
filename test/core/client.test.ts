import { expect } from '@open-wc/testing';
import { HearthError, memoryStorage, type CircleEvent, type Transport } from '@hearth/core';
import { client, invite, makeCircle, sleep, token, until } from './helpers.js';

async function connected(c: ReturnType<typeof client>) {
  c.connect();
  return until(c, (s) => s.status === 'connected', 'connected');
}

async function topic(c: ReturnType<typeof client>, title = 'General') {
  const threadId = await c.createThread(title);
  await until(c, (s) => Boolean(s.threads[threadId]?.thread), 'thread');
  return threadId;
}

describe('CircleClient: connection', () => {
  it('moves from initial through connecting to connected and exposes the circle', async () => {
    const { hub, circle, ownerToken } = makeCircle();
    const c = client({ hub, circle, credentials: token(ownerToken) });
    const statuses: string[] = [c.getSnapshot().status];
    c.subscribe(() => statuses.push(c.getSnapshot().status));
    const snapshot = await connected(c);
    expect(statuses[0]).to.equal('initial');
    expect(statuses).to.include('connecting');
    expect(snapshot.circle?.id).to.equal(circle);
    expect(snapshot.me?.role).to.equal('owner');
    expect(snapshot.cursor).to.be.a('string');
  });

  it('joins by invite, saves the member token, and signs in with it after a reload', async () => {
    const { hub, circle, inviteCode } = makeCircle();
    const storage = memoryStorage();
    const first = client({ hub, circle, storage });
    expect(first.hasCredentials).to.equal(false);
    await first.join(invite(inviteCode, 'Wren'));
    const me = first.getSnapshot().me!;
    expect(me.displayName).to.equal('Wren');
    expect(me.role).to.equal('member');
    first.dispose();

    const reloaded = client({ hub, circle, storage });
    expect(reloaded.hasCredentials).to.equal(true);
    const snapshot = await connected(reloaded);
    expect(snapshot.me?.id).to.equal(me.id);
  });

  it('stops retrying on an auth failure and reports it', async () => {
    const { hub, circle } = makeCircle();
    let attempts = 0;
    const inner = hub.transport();
    const counting: Transport = { ...inner, connect: (p, s) => (attempts++, inner.connect(p, s)), send: (c) => inner.send(c), history: (q) => inner.history(q), close: () => inner.close() };
    const c = client({ hub, circle, credentials: token('x'.repeat(32)), transport: counting, random: () => 0 });
    c.connect();
    const snapshot = await until(c, (s) => s.status === 'disconnected', 'disconnected');
    expect(snapshot.error?.code).to.equal('unauthorized');
    await sleep(300);
    expect(attempts).to.equal(1);
  });

  it('stops retrying when the join itself is refused as too large, and rejects with that code', async () => {
    const { hub, circle, inviteCode } = makeCircle();
    let attempts = 0;
    const inner = hub.transport();
    const counting: Transport = { ...inner, connect: (p, s) => (attempts++, inner.connect(p, s)), send: (c) => inner.send(c), history: (q) => inner.history(q), close: () => inner.close() };
    const c = client({ hub, circle, transport: counting, random: () => 0 });
    const joined = c.join(invite(inviteCode, 'N'.repeat(41))).then(() => null, (error: HearthError) => error);
    const error = await Promise.race([joined, sleep(2000).then(() => 'still retrying')]);
    expect((error as HearthError).code).to.equal('too_large');
    expect(c.getSnapshot().status).to.equal('disconnected');
    await sleep(300);
    expect(attempts).to.equal(1);
  });

  it('reconnects with backoff after a drop and resumes without gaps, then signals recovered', async () => {
    const { hub, circle, ownerToken, inviteCode } = makeCircle();
    const reader = client({ hub, circle, credentials: invite(inviteCode, 'Reader'), random: () => 0.9 });
    const owner = client({ hub, circle, credentials: token(ownerToken) });
    await connected(reader);
    await connected(owner);
    const threadId = await topic(owner);
    await until(reader, (s) => Boolean(s.threads[threadId]), 'thread at reader');
    const statuses: string[] = [];
    reader.subscribe(() => statuses.push(reader.getSnapshot().status));
    const recovered = new Promise<{ replayed: number }>((resolve) => reader.on('recovered', resolve));

    hub.dropConnections();
    // While the reader waits out its backoff (~225 ms with random 0.9), the owner reconnects at once and posts.
    await until(owner, (s) => s.status === 'reconnecting', 'owner reconnecting');
    await until(owner, (s) => s.status === 'connected', 'owner back');
    await Promise.all([owner.post({ threadId }, 'one'), owner.post({ threadId }, 'two'), owner.post({ threadId }, 'three')]);

    const { replayed } = await recovered;
    expect(statuses).to.include('reconnecting');
    expect(replayed).to.be.greaterThan(2);
    const snapshot = await until(reader, (s) => s.threads[threadId]!.messages.length === 3, 'three messages at reader');
    expect(snapshot.threads[threadId]!.messages.map((m) => m.body)).to.deep.equal(['one', 'two', 'three']);
    expect(snapshot.status).to.equal('connected');
  });

  it('fills a hole in the live stream by resuming from its last event', async () => {
    const { hub, circle, ownerToken, inviteCode } = makeCircle();
    // A transport that loses exactly one live event, as a flaky relay might.
    const inner = hub.transport();
    let dropped = false;
    const lossy: Transport = {
      connect: (params, sink) =>
        inner.connect(params, {
          event: (e: CircleEvent) => {
            if (!dropped && e.type === 'message.upserted' && e.message.body === 'lost') return void (dropped = true);
            sink.event(e);
          },
          disconnected: (e) => sink.disconnected(e),
        }),
      send: (c) => inner.send(c),
      history: (q) => inner.history(q),
      close: () => inner.close(),
    };
    const reader = client({ hub, circle, credentials: invite(inviteCode, 'Reader'), transport: lossy });
    const owner = client({ hub, circle, credentials: token(ownerToken) });
    await connected(reader);
    await connected(owner);
    const threadId = await topic(owner);
    await owner.post({ threadId }, 'lost');
    await owner.post({ threadId }, 'after');
    const snapshot = await until(reader, (s) => s.threads[threadId]?.messages.length === 2, 'both messages');
    expect(dropped).to.equal(true);
    expect(snapshot.threads[threadId]!.messages.map((m) => m.body)).to.deep.equal(['lost', 'after']);
  });

  it('stays disconnected when disposed while it closes a connection to fill a hole', async () => {
    const { hub, circle, ownerToken, inviteCode } = makeCircle();
    const inner = hub.transport();
    let connects = 0;
    const closing: (() => void)[] = [];
    let dropped = false;
    const slowToClose: Transport = {
      connect: (params, sink) => {
        connects++;
        return inner.connect(params, {
          event: (e: CircleEvent) => {
            if (!dropped && e.type === 'message.upserted') return void (dropped = true); // a hole
            sink.event(e);
          },
          disconnected: (e) => sink.disconnected(e),
        });
      },
      send: (c) => inner.send(c),
      history: (q) => inner.history(q),
      // Closing takes a while, as a socket's close handshake can.
      close: () => new Promise<void>((resolve) => closing.push(() => void inner.close().then(resolve))),
    };
    const reader = client({ hub, circle, credentials: invite(inviteCode, 'Reader'), transport: slowToClose });
    const owner = client({ hub, circle, credentials: token(ownerToken) });
    await connected(reader);
    await connected(owner);
    const threadId = await topic(owner);
    await owner.post({ threadId }, 'dropped');
    await owner.post({ threadId }, 'reveals the hole');
    await until(reader, (s) => s.status === 'reconnecting', 'reconnecting to fill the hole');
    reader.dispose();
    for (const finish of closing) finish();
    await sleep(100);
    expect(connects).to.equal(1, 'no connection after dispose');
    expect(reader.getSnapshot().status).to.equal('disconnected');
  });

  it('retries at once when the browser comes back online', async () => {
    const { hub, circle, ownerToken } = makeCircle();
    let wake: () => void = () => {};
    // random → 0.99: after a few failures each wait is seconds long.
    const c = client({ hub, circle, credentials: token(ownerToken), random: () => 0.99, onWake: (l) => ((wake = l), () => {}) });
    await connected(c);
    hub.setOffline(true);
    await until(c, (s) => s.status === 'reconnecting', 'reconnecting');
    await sleep(1200); // several failed attempts: the next wait is now ≥ 1 s on average
    hub.setOffline(false);
    const started = performance.now();
    wake();
    await until(c, (s) => s.status === 'connected', 'reconnected after wake', 600);
    expect(performance.now() - started).to.be.lessThan(600);
  });
});

describe('CircleClient: optimistic commands and the outbox', () => {
  it('shows a post at once, then replaces it in place with the server echo', async () => {
    const { hub, circle, ownerToken } = makeCircle({ latencyMs: 20 });
    const c = client({ hub, circle, credentials: token(ownerToken) });
    await connected(c);
    const threadId = await topic(c);
    const sent = c.post({ threadId }, 'hello circle');
    const optimistic = c.getSnapshot().threads[threadId]!.messages;
    expect(optimistic).to.have.length(1);
    expect(optimistic[0]!.pending).to.equal('sending');
    expect(optimistic[0]!.body).to.equal('hello circle');
    const messageId = await sent;
    expect(optimistic[0]!.id).to.equal(messageId);
    const settled = await until(c, (s) => s.threads[threadId]!.messages[0]?.pending === undefined && s.pendingCount === 0, 'echo');
    const [message] = settled.threads[threadId]!.messages;
    expect(message!.id).to.equal(messageId);
    expect(message!.seq).to.be.lessThan(Number.MAX_SAFE_INTEGER);
    expect(settled.threads[threadId]!.messages).to.have.length(1);
  });

  it('keeps a post written offline across a reload and delivers it exactly once when back online', async () => {
    const { hub, circle, ownerToken } = makeCircle();
    const storage = memoryStorage();
    const before = client({ hub, circle, credentials: token(ownerToken), storage });
    await connected(before);
    const threadId = await topic(before);
    hub.setOffline(true);
    await until(before, (s) => s.status === 'reconnecting', 'offline');
    void before.post({ threadId }, 'written on the train').catch(() => {});
    const offline = before.getSnapshot().threads[threadId]!.messages;
    expect(offline.map((m) => [m.body, m.pending])).to.deep.equal([['written on the train', 'sending']]);
    before.dispose(); // the page reloads

    const after = client({ hub, circle, credentials: token(ownerToken), storage });
    const restored = after.getSnapshot();
    expect(restored.pendingCount).to.equal(1);
    expect(restored.threads[threadId]!.messages.map((m) => [m.body, m.pending])).to.deep.equal([['written on the train', 'sending']]);
    const optimisticId = restored.threads[threadId]!.messages[0]!.id;

    hub.setOffline(false);
    after.connect();
    const delivered = await until(after, (s) => s.pendingCount === 0 && s.threads[threadId]?.messages[0]?.pending === undefined, 'delivered');
    expect(delivered.threads[threadId]!.messages.map((m) => m.id)).to.deep.equal([optimisticId]);
    const stored = hub.events(circle).filter((e) => e.type === 'message.upserted' && e.message.id === optimisticId);
    expect(stored).to.have.length(1);
    await after.loadOlder(threadId);
    expect(after.getSnapshot().threads[threadId]!.messages.filter((m) => m.body === 'written on the train')).to.have.length(1);
  });

  it('shows a reaction named like an inherited property (toString) optimistically, then confirmed', async () => {
    const { hub, circle, ownerToken } = makeCircle({ latencyMs: 10 }, { reactions: ['toString', 'valueOf'] });
    const c = client({ hub, circle, credentials: token(ownerToken) });
    await connected(c);
    const threadId = await topic(c);
    const messageId = await c.post({ threadId }, 'react to me');
    await until(c, (s) => s.pendingCount === 0, 'posted');
    const me = c.getSnapshot().me!.id;
    const reacted = c.react(messageId, 'toString');
    expect(c.getSnapshot().threads[threadId]!.messages[0]!.reactions).to.deep.equal({ toString: [me] });
    await reacted;
    const snapshot = await until(c, (s) => s.pendingCount === 0, 'confirmed');
    expect(snapshot.threads[threadId]!.messages[0]!.reactions).to.deep.equal({ toString: [me] });
  });

  it('rolls back a refused reaction and rejects with its code', async () => {
    const { hub, circle, ownerToken } = makeCircle({ latencyMs: 10 });
    const c = client({ hub, circle, credentials: token(ownerToken) });
    await connected(c);
    const threadId = await topic(c);
    const messageId = await c.post({ threadId }, 'react to me');
    await until(c, (s) => s.pendingCount === 0, 'posted');
    const refused = c.react(messageId, 'not-ours');
    expect(c.getSnapshot().threads[threadId]!.messages[0]!.reactions['not-ours']).to.have.length(1);
    const error = await refused.then(() => null, (e: HearthError) => e);
    expect(error).to.be.instanceOf(HearthError);
    expect(error!.code).to.equal('invalid');
    await until(c, (s) => s.threads[threadId]!.messages[0]!.reactions['not-ours'] === undefined, 'rolled back');
  });

  it('marks a refused post as failed, keeps it for a retry, and discards it on request', async () => {
    const { hub, circle, ownerToken, inviteCode } = makeCircle();
    const owner = client({ hub, circle, credentials: token(ownerToken) });
    const reader = client({ hub, circle, credentials: invite(inviteCode, 'Loud') });
    await connected(owner);
    await connected(reader);
    const threadId = await topic(owner);
    await owner.command({ type: 'mod.mute', memberId: reader.getSnapshot().me!.id, until: Date.now() + 60_000, reason: 'cool down' });
    await until(reader, (s) => s.me?.state === 'muted', 'muted');
    const error = await reader.post({ threadId }, 'let me speak').then(() => null, (e: HearthError) => e);
    expect(error?.code).to.equal('forbidden');
    const failed = await until(reader, (s) => s.threads[threadId]!.messages[0]?.pending === 'failed', 'failed');
    const view = failed.threads[threadId]!.messages[0]!;
    expect(view.error?.code).to.equal('forbidden');
    reader.discard(view.id);
    expect(reader.getSnapshot().threads[threadId]!.messages).to.have.length(0);
  });

  it('edits and deletes optimistically, leaving a tombstone', async () => {
    const { hub, circle, ownerToken } = makeCircle({ latencyMs: 10 });
    const c = client({ hub, circle, credentials: token(ownerToken) });
    await connected(c);
    const threadId = await topic(c);
    const messageId = await c.post({ threadId }, 'first draft');
    await until(c, (s) => s.pendingCount === 0, 'posted');
    const edited = c.edit(messageId, 'second draft');
    expect(c.getSnapshot().threads[threadId]!.messages[0]!.body).to.equal('second draft');
    await edited;
    const confirmed = await until(c, (s) => s.pendingCount === 0 && s.threads[threadId]!.messages[0]!.editedAt !== null, 'edit confirmed');
    expect(confirmed.threads[threadId]!.messages[0]!.body).to.equal('second draft');
    const deleted = c.delete(messageId);
    expect(c.getSnapshot().threads[threadId]!.messages[0]!.state).to.equal('deleted');
    await deleted;
    const tombstone = await until(c, (s) => s.pendingCount === 0, 'delete confirmed');
    expect(tombstone.threads[threadId]!.messages[0]!.state).to.equal('deleted');
    expect(tombstone.threads[threadId]!.messages[0]!.body).to.equal('');
  });

  it('posts into a page-keyed thread that the first post creates', async () => {
    const { hub, circle, ownerToken } = makeCircle({ latencyMs: 10 });
    const c = client({ hub, circle, credentials: token(ownerToken) });
    await connected(c);
    const key = '/posts/my-article';
    const sent = c.post({ threadKey: key, threadTitle: 'My article' }, 'first!');
    const provisional = c.getSnapshot().threadsByKey[key]!;
    expect(provisional.thread).to.equal(null);
    expect(provisional.messages.map((m) => m.body)).to.deep.equal(['first!']);
    await sent;
    const created = await until(c, (s) => s.threadsByKey[key]?.thread !== null && s.pendingCount === 0, 'thread created');
    expect(created.threadsByKey[key]!.thread!.title).to.equal('My article');
    expect(created.threadsByKey[key]!.messages.map((m) => m.body)).to.deep.equal(['first!']);
  });
});

describe('CircleClient: reading', () => {
  it('keeps references of unchanged parts stable across snapshots', async () => {
    const { hub, circle, ownerToken } = makeCircle();
    const c = client({ hub, circle, credentials: token(ownerToken) });
    await connected(c);
    const a = await topic(c, 'A');
    const b = await topic(c, 'B');
    await c.post({ threadId: a }, 'in A');
    const before = await until(c, (s) => s.pendingCount === 0 && s.threads[a]!.messages.length === 1, 'settled');
    await c.post({ threadId: a }, 'again in A');
    const after = await until(c, (s) => s.pendingCount === 0 && s.threads[a]!.messages.length === 2, 'second');
    expect(after).to.not.equal(before);
    expect(after.threads[b]).to.equal(before.threads[b]);
    expect(after.members).to.equal(before.members);
    expect(after.circle).to.equal(before.circle);
    expect(c.getSnapshot()).to.equal(c.getSnapshot());
  });

  it('counts unread messages from others per thread until marked read', async () => {
    const { hub, circle, ownerToken, inviteCode } = makeCircle();
    const owner = client({ hub, circle, credentials: token(ownerToken) });
    const reader = client({ hub, circle, credentials: invite(inviteCode, 'Reader') });
    await connected(owner);
    await connected(reader);
    const threadId = await topic(owner);
    for (const body of ['a', 'b', 'c']) await owner.post({ threadId }, body);
    await reader.post({ threadId }, 'mine');
    const unread = await until(reader, (s) => s.threads[threadId]?.messages.length === 4 && s.pendingCount === 0, 'four');
    expect(unread.threads[threadId]!.unread).to.equal(3);
    reader.markRead(threadId);
    await until(reader, (s) => s.threads[threadId]!.unread === 0, 'read');
  });

  it('keeps unread counts right as messages arrive, change, go and load', async () => {
    const { hub, circle, ownerToken, inviteCode } = makeCircle();
    const owner = client({ hub, circle, credentials: token(ownerToken) });
    const reader = client({ hub, circle, credentials: invite(inviteCode, 'Reader') });
    await connected(owner);
    await connected(reader);
    const threadId = await topic(owner);
    const unread = (c: ReturnType<typeof client>, n: number, what: string) => until(c, (s) => s.threads[threadId]?.unread === n && s.pendingCount === 0, what);
    const [a, b, c] = [await owner.post({ threadId }, 'a'), await owner.post({ threadId }, 'b'), await owner.post({ threadId }, 'c')];
    await unread(reader, 3, 'three from the owner');
    await owner.edit(b, 'b, edited');
    await until(reader, (s) => s.threads[threadId]!.messages.some((m) => m.body === 'b, edited'), 'the edit');
    expect(reader.getSnapshot().threads[threadId]!.unread, 'an edited message is still unread').to.equal(3);
    await owner.command({ type: 'mod.hide', messageId: a, reason: 'off topic' });
    await unread(reader, 2, 'a hidden message is not');
    await owner.delete(c);
    await unread(reader, 1, 'nor a deleted one');
    await reader.post({ threadId }, 'mine');
    await owner.post({ threadId }, 'd');
    await unread(reader, 2, 'the reader’s own post does not count; a new one does');
    reader.markRead(threadId);
    await unread(reader, 0, 'read');
    await owner.post({ threadId }, 'e');
    await unread(reader, 1, 'a post after the read mark');
    // A latecomer loads history from the end: what came before they joined is not unread, however it loads.
    for (let i = 0; i < 25; i++) await owner.post({ threadId }, `m${i}`);
    const late = client({ hub, circle, credentials: invite(inviteCode, 'Late') });
    await connected(late);
    await owner.post({ threadId }, 'after the latecomer joined');
    await until(late, (s) => s.threads[threadId]?.messages.length === 1, 'the live post');
    while (await late.loadOlder(threadId, 10));
    const loaded = await until(late, (s) => s.threads[threadId]!.messages.length === 32, 'all loaded');
    expect(loaded.threads[threadId]!.unread).to.equal(1);
  });

  it('pages a long thread backwards', async () => {
    const { hub, circle, ownerToken, inviteCode } = makeCircle();
    const owner = client({ hub, circle, credentials: token(ownerToken) });
    await connected(owner);
    const threadId = await topic(owner);
    for (let i = 0; i < 30; i++) await owner.post({ threadId }, `m${i}`);
    const reader = client({ hub, circle, credentials: invite(inviteCode, 'Late') });
    await connected(reader);
    expect(reader.getSnapshot().threads[threadId]!.messages).to.have.length(0);
    expect(await reader.loadOlder(threadId, 10)).to.equal(true);
    expect(reader.getSnapshot().threads[threadId]!.messages.map((m) => m.body)).to.deep.equal(Array.from({ length: 10 }, (_, i) => `m${i + 20}`));
    await reader.loadOlder(threadId, 10);
    expect(await reader.loadOlder(threadId, 10)).to.equal(false);
    const all = reader.getSnapshot().threads[threadId]!;
    expect(all.messages.map((m) => m.body)).to.deep.equal(Array.from({ length: 30 }, (_, i) => `m${i}`));
    expect(all.hasOlder).to.equal(false);
  });
});
