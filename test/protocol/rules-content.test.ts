import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import { LIMITS, ThreadSchema } from '@hearth/protocol';
import { T0, harness } from './rules-harness.js';

describe('rules: execute basics', () => {
  it('applies a command id once: the retry returns the recorded ack and changes nothing', () => {
    const h = harness();
    const threadId = h.thread();
    const first = h.ok(h.owner.id, { id: 'cmd-retry-0001', type: 'message.post', messageId: 'msg-000001', threadId, body: 'once' });
    const before = h.snapshot();
    const again = h.run(h.owner.id, { id: 'cmd-retry-0001', type: 'message.post', messageId: 'msg-000001', threadId, body: 'once' });
    assert.deepEqual(again.ack, first.ack);
    assert.deepEqual(again.events, []);
    assert.deepEqual(h.snapshot(), before);
    assert.equal(h.repo.getThread(threadId)!.messageCount, 1);
  });

  it('does not record a refusal, so the same command id can succeed later', () => {
    const h = harness({ circle: { settings: { slowModeSeconds: 30, pseudonymsAllowed: true } } });
    const ada = h.join('Ada');
    const threadId = h.thread();
    h.post(ada.id, threadId, 'first');
    const command = { id: 'cmd-slow-0001', type: 'message.post' as const, messageId: 'msg-slow-01', threadId, body: 'second' };
    const error = h.refused(ada.id, command, 'rate_limited');
    assert.equal(error.retryAfterMs, 30_000);
    h.clock.now += 30_000;
    h.ok(ada.id, command);
    assert.equal(h.repo.getMessage('msg-slow-01')!.body, 'second');
  });

  it('stamps every event with now, the command id and the actor, and acks the last seq', () => {
    const h = harness();
    const threadId = h.thread();
    h.clock.now = T0 + 5;
    const { ack, events } = h.run(h.owner.id, { id: 'cmd-stamp-001', type: 'message.post', messageId: 'msg-stamp-1', threadId, body: 'x' });
    assert.deepEqual(events.map((e) => e.type), ['message.upserted', 'thread.upserted']);
    for (const e of events) {
      assert.equal(e.at, T0 + 5);
      assert.equal(e.commandId, 'cmd-stamp-001');
      assert.equal(e.actorId, h.owner.id);
    }
    assert.deepEqual(ack, { ok: true, seq: events[1]!.seq });
    assert.equal(events[1]!.seq, events[0]!.seq + 1);
  });

  it('refuses a banned actor everything, queries included', () => {
    const h = harness();
    const mod = h.moderator('Mod');
    h.ok(h.owner.id, { type: 'mod.ban', memberId: mod.id, reason: 'spam' });
    h.refused(mod.id, { type: 'thread.create', threadId: 'thr-banned-1', title: 'x' }, 'forbidden');
    h.refused(mod.id, { type: 'invite.list' }, 'forbidden');
    h.refused(mod.id, { type: 'member.leave' }, 'forbidden');
  });
});

describe('rules: thread.create', () => {
  it('creates an empty thread and emits it', () => {
    const h = harness();
    const ada = h.join('Ada');
    const { events } = h.ok(ada.id, { type: 'thread.create', threadId: 'thr-000001', title: 'Books', key: '/posts/a' });
    assert.equal(events.length, 1);
    assert.equal(events[0]!.type, 'thread.upserted');
    assert.deepEqual(h.repo.getThread('thr-000001'), {
      id: 'thr-000001', title: 'Books', key: '/posts/a', createdBy: ada.id, createdAt: T0, lastMessageAt: null, messageCount: 0,
    });
  });

  it('refuses a taken id or key with conflict', () => {
    const h = harness();
    h.ok(h.owner.id, { type: 'thread.create', threadId: 'thr-000001', title: 'A', key: '/a' });
    h.refused(h.owner.id, { type: 'thread.create', threadId: 'thr-000001', title: 'B' }, 'conflict', 'command.threadId');
    h.refused(h.owner.id, { type: 'thread.create', threadId: 'thr-000002', title: 'B', key: '/a' }, 'conflict', 'command.key');
  });
});

describe('rules: message.post', () => {
  it('stores the message with the seq of its own event and bumps the thread', () => {
    const h = harness();
    const threadId = h.thread();
    h.clock.now = T0 + 1000;
    const { events } = h.ok(h.owner.id, { type: 'message.post', messageId: 'msg-000001', threadId, body: 'hi', contentWarning: 'cw' });
    const message = h.repo.getMessage('msg-000001')!;
    assert.equal(events[0]!.type === 'message.upserted' && events[0]!.message.seq, events[0]!.seq);
    assert.equal(message.seq, events[0]!.seq);
    assert.equal(message.state, 'visible');
    assert.equal(message.contentWarning, 'cw');
    const thread = h.repo.getThread(threadId)!;
    assert.equal(thread.messageCount, 1);
    assert.equal(thread.lastMessageAt, T0 + 1000);
    assert.deepEqual(events[1], { type: 'thread.upserted', thread, seq: events[1]!.seq, at: T0 + 1000, commandId: events[1]!.commandId, actorId: h.owner.id });
  });

  it('creates a page-keyed thread on first post, and reuses it after', () => {
    const h = harness();
    const ada = h.join('Ada');
    const first = h.ok(ada.id, { type: 'message.post', messageId: 'msg-000001', threadKey: '/posts/hello', threadTitle: 'Hello', body: 'first' });
    assert.deepEqual(first.events.map((e) => e.type), ['thread.upserted', 'message.upserted', 'thread.upserted']);
    const thread = h.repo.getThreadByKey('/posts/hello')!;
    assert.equal(thread.title, 'Hello');
    assert.equal(thread.createdBy, ada.id);
    const second = h.ok(ada.id, { type: 'message.post', messageId: 'msg-000002', threadKey: '/posts/hello', body: 'second' });
    assert.deepEqual(second.events.map((e) => e.type), ['message.upserted', 'thread.upserted']);
    assert.equal(h.repo.getThreadByKey('/posts/hello')!.messageCount, 2);
    assert.equal(h.repo.listThreads().length, 1);
  });

  it('titles a keyed thread with its key when no title is given', () => {
    const h = harness();
    h.ok(h.owner.id, { type: 'message.post', messageId: 'msg-000001', threadKey: '/posts/untitled', body: 'x' });
    assert.equal(h.repo.getThreadByKey('/posts/untitled')!.title, '/posts/untitled');
  });

  it('names an untitled keyed thread after a key longer than a title may be with a valid title (cut, trimmed, whole characters)', () => {
    const h = harness();
    const long = `${' '.repeat(3)}/${'a'.repeat(118)}😀${'b'.repeat(60)}`; // the emoji straddles the 120th code unit
    assert.ok(long.length <= LIMITS.threadKeyMaxChars);
    h.ok(h.owner.id, { type: 'message.post', messageId: 'msg-000001', threadKey: long, body: 'x' });
    const thread = h.repo.getThreadByKey(long)!;
    assert.equal(thread.key, long, 'the key stays as given');
    assert.equal(thread.title, `/${'a'.repeat(118)}`);
    assert.ok(v.is(ThreadSchema, thread), 'the thread passes the schema every client parses it with');
    // A key that is a lone surrogate is a valid key (and title) of its own: nothing is cut from it.
    h.ok(h.owner.id, { type: 'message.post', messageId: 'msg-000002', threadKey: '\uD800', body: 'x' });
    assert.equal(h.repo.getThreadByKey('\uD800')!.title, '\uD800');
  });

  it('refuses an unknown thread, a taken message id, and a reply outside the thread', () => {
    const h = harness();
    const a = h.thread();
    const b = h.thread();
    const inA = h.post(h.owner.id, a);
    h.refused(h.owner.id, { type: 'message.post', messageId: 'msg-000009', threadId: 'thr-missing', body: 'x' }, 'not_found', 'command.threadId');
    h.refused(h.owner.id, { type: 'message.post', messageId: inA, threadId: a, body: 'x' }, 'conflict', 'command.messageId');
    h.refused(h.owner.id, { type: 'message.post', messageId: 'msg-000009', threadId: b, body: 'x', replyTo: inA }, 'not_found', 'command.replyTo');
    h.refused(h.owner.id, { type: 'message.post', messageId: 'msg-000009', threadId: a, body: 'x', replyTo: 'msg-nowhere' }, 'not_found', 'command.replyTo');
    h.refused(h.owner.id, { type: 'message.post', messageId: 'msg-000009', threadKey: '/new', body: 'x', replyTo: inA }, 'not_found', 'command.replyTo');
    h.ok(h.owner.id, { type: 'message.post', messageId: 'msg-000009', threadId: a, body: 'x', replyTo: inA });
    assert.equal(h.repo.getMessage('msg-000009')!.replyTo, inA);
  });

  it('slow mode holds plain members back, not moderators', () => {
    const h = harness({ circle: { settings: { slowModeSeconds: 10, pseudonymsAllowed: true } } });
    const ada = h.join('Ada');
    const mod = h.moderator('Mod');
    const threadId = h.thread();
    h.post(ada.id, threadId);
    h.clock.now += 4000;
    const error = h.refused(ada.id, { type: 'message.post', messageId: 'msg-slow-02', threadId, body: 'again' }, 'rate_limited');
    assert.equal(error.retryAfterMs, 6000);
    h.post(mod.id, threadId);
    h.post(mod.id, threadId);
    h.post(h.owner.id, threadId);
    h.clock.now += 6000;
    h.post(ada.id, threadId);
  });
});

describe('rules: word filter', () => {
  const wordFilter = { banned: ['Crud', 'bad phrase'], suspect: ['maybe'] };

  it('refuses a banned word, whole words only, ignoring case, naming the field', () => {
    const h = harness({ wordFilter });
    const ada = h.join('Ada');
    const threadId = h.thread();
    h.refused(ada.id, { type: 'message.post', messageId: 'msg-000001', threadId, body: 'what CRUD.' }, 'forbidden', 'command.body');
    h.refused(ada.id, { type: 'message.post', messageId: 'msg-000001', threadId, body: 'a Bad Phrase here' }, 'forbidden', 'command.body');
    h.refused(ada.id, { type: 'message.post', messageId: 'msg-000001', threadId, body: 'fine', contentWarning: 'crud' }, 'forbidden', 'command.contentWarning');
    // Part of a longer word is not the word.
    h.ok(ada.id, { type: 'message.post', messageId: 'msg-000001', threadId, body: 'crude and scrud' });
    const clean = h.post(ada.id, threadId, 'clean');
    h.refused(ada.id, { type: 'message.edit', messageId: clean, body: 'crud' }, 'forbidden', 'command.body');
    h.refused(ada.id, { type: 'thread.create', threadId: 'thr-crud-01', title: 'crud talk' }, 'forbidden', 'command.title');
  });

  it('holds a suspect word for review: stored hidden, reported by its author, acked as held', () => {
    const h = harness({ wordFilter });
    const ada = h.join('Ada');
    const threadId = h.thread();
    const { ack, events } = h.ok(ada.id, { type: 'message.post', messageId: 'msg-000001', threadId, body: 'Maybe so' });
    assert.deepEqual(ack.result, { held: true });
    const message = h.repo.getMessage('msg-000001')!;
    assert.equal(message.state, 'hidden-by-moderator');
    assert.equal(message.body, 'Maybe so');
    assert.equal(events[0]!.type, 'message.upserted');
    const [report] = h.repo.listReports(false);
    assert.deepEqual({ ...report, id: 'x' }, {
      id: 'x', messageId: 'msg-000001', threadId, reporterId: ada.id, reason: 'held for review', createdAt: T0, resolvedAt: null,
      snapshot: { body: 'Maybe so', contentWarning: null },
    });
    assert.equal(h.repo.getThread(threadId)!.messageCount, 1);
  });

  it('holds an edit that brings in a suspect word', () => {
    const h = harness({ wordFilter });
    const ada = h.join('Ada');
    const id = h.post(ada.id, h.thread(), 'fine');
    const { ack } = h.ok(ada.id, { type: 'message.edit', messageId: id, body: 'maybe not' });
    assert.deepEqual(ack.result, { held: true });
    assert.equal(h.repo.getMessage(id)!.state, 'hidden-by-moderator');
    assert.equal(h.repo.listReports(false).length, 1);
  });

  it('follows a word list changed by circle.update, and never puts it in an event', () => {
    const h = harness();
    const ada = h.join('Ada');
    const threadId = h.thread();
    const { events } = h.ok(h.owner.id, { type: 'circle.update', wordFilter: { banned: ['zonk'], suspect: [] } });
    assert.deepEqual(events, []);
    assert.equal(JSON.stringify(h.repo.eventsAfter(0)).includes('zonk'), false);
    h.refused(ada.id, { type: 'message.post', messageId: 'msg-000001', threadId, body: 'zonk' }, 'forbidden', 'command.body');
  });
});

describe('rules: message.edit', () => {
  it('lets the author edit body and content warning', () => {
    const h = harness();
    const ada = h.join('Ada');
    const id = h.post(ada.id, h.thread(), 'old', { contentWarning: 'cw' });
    h.clock.now += 10;
    h.ok(ada.id, { type: 'message.edit', messageId: id, body: 'new' });
    assert.deepEqual(
      (({ body, contentWarning, editedAt }) => ({ body, contentWarning, editedAt }))(h.repo.getMessage(id)!),
      { body: 'new', contentWarning: 'cw', editedAt: T0 + 10 },
    );
    h.ok(ada.id, { type: 'message.edit', messageId: id, body: 'newer', contentWarning: null });
    assert.equal(h.repo.getMessage(id)!.contentWarning, null);
  });

  it('refuses others (even the owner), missing and non-visible messages', () => {
    const h = harness();
    const ada = h.join('Ada');
    const threadId = h.thread();
    const id = h.post(ada.id, threadId);
    h.refused(h.owner.id, { type: 'message.edit', messageId: id, body: 'mine now' }, 'forbidden');
    h.refused(ada.id, { type: 'message.edit', messageId: 'msg-missing', body: 'x' }, 'not_found');
    h.ok(h.owner.id, { type: 'mod.hide', messageId: id, reason: 'off topic' });
    h.refused(ada.id, { type: 'message.edit', messageId: id, body: 'x' }, 'conflict');
  });
});

describe('rules: message.delete', () => {
  it('lets the author delete, leaving a tombstone and no audit entry', () => {
    const h = harness();
    const ada = h.join('Ada');
    const id = h.post(ada.id, h.thread(), 'bye', { contentWarning: 'cw' });
    h.ok(ada.id, { type: 'message.react', messageId: id, reaction: '👍', active: true });
    h.ok(ada.id, { type: 'message.delete', messageId: id });
    const m = h.repo.getMessage(id)!;
    assert.deepEqual([m.state, m.body, m.contentWarning, m.reactions], ['deleted', '', null, {}]);
    assert.deepEqual(h.repo.listAudit(null, 10).filter((e) => e.action === 'message.delete'), []);
    h.refused(ada.id, { type: 'message.delete', messageId: id }, 'conflict');
  });

  it('lets a moderator delete a member’s message, with an audit entry, but not a peer’s or a plain member', () => {
    const h = harness();
    const ada = h.join('Ada');
    const bob = h.join('Bob');
    const mod = h.moderator('Mod');
    const mod2 = h.moderator('Mod2');
    const threadId = h.thread();
    const adas = h.post(ada.id, threadId);
    const mods = h.post(mod2.id, threadId);
    h.refused(bob.id, { type: 'message.delete', messageId: adas }, 'forbidden');
    h.refused(mod.id, { type: 'message.delete', messageId: mods }, 'forbidden');
    h.refused(mod.id, { type: 'message.delete', messageId: 'msg-missing' }, 'not_found');
    h.ok(mod.id, { type: 'message.delete', messageId: adas });
    const [entry] = h.repo.listAudit(null, 1);
    assert.deepEqual([entry!.action, entry!.actorId, entry!.targetId], ['message.delete', mod.id, adas]);
    h.ok(h.owner.id, { type: 'message.delete', messageId: mods });
  });
});

describe('rules: message.react', () => {
  it('adds and removes the actor, dropping empty lists, and a no-op has no event', () => {
    const h = harness();
    const ada = h.join('Ada');
    const bob = h.join('Bob');
    const id = h.post(ada.id, h.thread());
    h.ok(ada.id, { type: 'message.react', messageId: id, reaction: '👍', active: true });
    h.ok(bob.id, { type: 'message.react', messageId: id, reaction: '👍', active: true });
    assert.deepEqual(h.repo.getMessage(id)!.reactions, { '👍': [ada.id, bob.id] });
    const again = h.ok(bob.id, { type: 'message.react', messageId: id, reaction: '👍', active: true });
    assert.equal(again.ack.seq, null);
    assert.deepEqual(again.events, []);
    h.ok(ada.id, { type: 'message.react', messageId: id, reaction: '👍', active: false });
    h.ok(bob.id, { type: 'message.react', messageId: id, reaction: '👍', active: false });
    assert.deepEqual(h.repo.getMessage(id)!.reactions, {});
  });

  it('refuses a reaction outside the circle set, a hidden message and a missing one', () => {
    const h = harness();
    const ada = h.join('Ada');
    const id = h.post(ada.id, h.thread());
    h.refused(ada.id, { type: 'message.react', messageId: id, reaction: '🦄', active: true }, 'invalid', 'command.reaction');
    h.refused(ada.id, { type: 'message.react', messageId: 'msg-missing', reaction: '👍', active: true }, 'not_found');
    h.ok(h.owner.id, { type: 'mod.hide', messageId: id, reason: 'x' });
    h.refused(ada.id, { type: 'message.react', messageId: id, reaction: '👍', active: true }, 'conflict');
  });

  it('takes reactions named like inherited properties as reactions of their own', () => {
    const reactions = ['toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
    const h = harness({ circle: { reactions } });
    const ada = h.join('Ada');
    const id = h.post(ada.id, h.thread());
    for (const reaction of reactions) h.ok(ada.id, { type: 'message.react', messageId: id, reaction, active: true });
    assert.deepEqual(h.repo.getMessage(id)!.reactions, Object.fromEntries(reactions.map((r) => [r, [ada.id]])));
    h.ok(ada.id, { type: 'message.react', messageId: id, reaction: 'toString', active: false });
    assert.deepEqual(Object.keys(h.repo.getMessage(id)!.reactions), reactions.slice(1));
  });

  it('refuses more distinct reactions than the limit', () => {
    const reactions = Array.from({ length: LIMITS.reactionsPerMessage + 1 }, (_, i) => `r${i}`);
    const h = harness({ circle: { reactions } });
    const id = h.post(h.owner.id, h.thread());
    for (const reaction of reactions.slice(0, -1)) h.ok(h.owner.id, { type: 'message.react', messageId: id, reaction, active: true });
    h.refused(h.owner.id, { type: 'message.react', messageId: id, reaction: reactions.at(-1)!, active: true }, 'too_large');
    // Joining an existing reaction is still fine at the limit.
    const ada = h.join('Ada');
    h.ok(ada.id, { type: 'message.react', messageId: id, reaction: 'r0', active: true });
  });

  it('lets a member take back a reaction the circle has since dropped', () => {
    const h = harness();
    const id = h.post(h.owner.id, h.thread());
    h.ok(h.owner.id, { type: 'message.react', messageId: id, reaction: 'heh', active: true });
    h.ok(h.owner.id, { type: 'circle.update', reactions: ['👍'] });
    h.refused(h.owner.id, { type: 'message.react', messageId: id, reaction: '❤️', active: true }, 'invalid');
    h.ok(h.owner.id, { type: 'message.react', messageId: id, reaction: 'heh', active: false });
    assert.deepEqual(h.repo.getMessage(id)!.reactions, {});
  });
});

describe('rules: message.report', () => {
  it('stores a report without an event', () => {
    const h = harness();
    const ada = h.join('Ada');
    const threadId = h.thread();
    const id = h.post(h.owner.id, threadId);
    const { ack, events } = h.ok(ada.id, { type: 'message.report', reportId: 'rep-000001', messageId: id, reason: 'rude' });
    assert.equal(ack.seq, null);
    assert.deepEqual(events, []);
    assert.deepEqual(h.repo.getReport('rep-000001'), {
      id: 'rep-000001', messageId: id, threadId, reporterId: ada.id, reason: 'rude', createdAt: T0, resolvedAt: null,
      snapshot: { body: 'hello', contentWarning: null },
    });
    h.refused(ada.id, { type: 'message.report', reportId: 'rep-000001', messageId: id, reason: 'again' }, 'conflict', 'command.reportId');
  });

  it('refuses missing and deleted messages', () => {
    const h = harness();
    const id = h.post(h.owner.id, h.thread());
    h.refused(h.owner.id, { type: 'message.report', reportId: 'rep-000001', messageId: 'msg-missing', reason: 'x' }, 'not_found');
    h.ok(h.owner.id, { type: 'message.delete', messageId: id });
    h.refused(h.owner.id, { type: 'message.report', reportId: 'rep-000001', messageId: id, reason: 'x' }, 'conflict');
  });
});
