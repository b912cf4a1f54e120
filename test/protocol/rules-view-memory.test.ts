import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type Member } from '@hearth/protocol';
import { createMemoryRepository, viewEventFor, viewMemberFor, viewMessageFor, viewReplayFor } from '@hearth/protocol/rules';
import { T0, harness } from './rules-harness.js';

describe('rules: viewEventFor / viewMessageFor', () => {
  it('blanks a hidden message for plain members other than its author', () => {
    const h = harness();
    const ada = h.join('Ada');
    const bob = h.join('Bob');
    const mod = h.moderator('Mod');
    const id = h.post(ada.id, h.thread(), 'secret words', { contentWarning: 'cw' });
    const [event] = h.ok(mod.id, { type: 'mod.hide', messageId: id, reason: 'x' }).events;
    const seen = (viewer: Member) => {
      const view = viewEventFor(event!, viewer);
      assert.equal(view.type, 'message.upserted');
      return view.type === 'message.upserted' ? [view.message.body, view.message.contentWarning] : null;
    };
    assert.deepEqual(seen(bob), ['', null]);
    assert.deepEqual(seen(ada), ['secret words', 'cw']);
    assert.deepEqual(seen(mod), ['secret words', 'cw']);
    assert.deepEqual(seen(h.owner), ['secret words', 'cw']);
    // The stored event is untouched, and everything else about the message still shows.
    assert.equal(event!.type === 'message.upserted' && event!.message.body, 'secret words');
    const view = viewMessageFor(h.repo.getMessage(id)!, bob);
    assert.deepEqual({ ...view, body: 'x', contentWarning: 'y' }, { ...h.repo.getMessage(id)!, body: 'x', contentWarning: 'y' });
  });

  it('passes visible messages and other events through unchanged', () => {
    const h = harness();
    const ada = h.join('Ada');
    const { events } = h.ok(ada.id, { type: 'message.post', messageId: 'msg-000001', threadKey: '/a', body: 'hi' });
    for (const event of events) assert.equal(viewEventFor(event, h.owner), event);
  });
});

describe('rules: viewMemberFor', () => {
  it('shows which invite a member came in by to moderators only, live and in a replay', () => {
    const h = harness();
    const ada = h.join('Ada');
    const bob = h.join('Bob');
    const mod = h.moderator('Mod');
    const joined = h.repo.eventsAfter(0).find((e) => e.type === 'member.upserted' && e.member.id === ada.id)!;
    assert.equal(joined.type === 'member.upserted' && joined.member.inviteId, ada.inviteId);
    assert.equal(viewEventFor(joined, mod), joined, 'a moderator gets the event as stored');
    assert.equal(viewEventFor(joined, h.owner), joined);
    for (const seen of [viewEventFor(joined, bob), viewReplayFor([joined], bob, () => undefined)[0]!]) {
      assert.equal(seen.type === 'member.upserted' && 'inviteId' in seen.member, false, 'a plain member does not see it');
      assert.deepEqual(seen.type === 'member.upserted' && { ...seen.member, inviteId: ada.inviteId }, ada);
    }
    assert.equal('inviteId' in viewMemberFor(ada, ada), false, 'nor does the member themself');
    assert.equal(viewEventFor(joined, bob), viewEventFor(joined, ada), 'every plain member gets the same view object (serialized once)');
  });
});

describe('rules: viewReplayFor', () => {
  it('replays each message as it is now, as the viewer may see it', () => {
    const h = harness();
    const ada = h.join('Ada');
    const bob = h.join('Bob');
    const thread = h.thread();
    const from = h.repo.headSeq();
    const hidden = h.post(ada.id, thread, 'hidden words');
    const edited = h.post(ada.id, thread, 'first draft');
    h.ok(h.owner.id, { type: 'mod.hide', messageId: hidden, reason: 'x' });
    h.ok(ada.id, { type: 'message.edit', messageId: edited, body: 'second draft' });
    const replay = viewReplayFor(h.repo.eventsAfter(from), bob, (id) => h.repo.getMessage(id));
    const bodies = replay.flatMap((e) => (e.type === 'message.upserted' ? [e.message.body] : []));
    assert.ok(!bodies.includes('hidden words') && !bodies.includes('first draft'), `no past words: ${JSON.stringify(bodies)}`);
    assert.ok(bodies.includes('second draft'));
    assert.deepEqual(replay.map((e) => e.seq), h.repo.eventsAfter(from).map((e) => e.seq), 'the same events, in order');
    const forAuthor = viewReplayFor(h.repo.eventsAfter(from), ada, (id) => h.repo.getMessage(id));
    assert.ok(forAuthor.some((e) => e.type === 'message.upserted' && e.message.body === 'hidden words'), 'the author still sees what was hidden');
  });
});

describe('memory repository', () => {
  it('keeps no trace of a deleted message’s words in its events, unless the deletion rolls back', () => {
    const h = harness();
    const ada = h.join('Ada');
    const id = h.post(ada.id, h.thread(), 'regretted words');
    const has = () => JSON.stringify(h.repo.eventsAfter(0)).includes('regretted words');
    assert.throws(() => h.repo.transaction(() => {
      h.ok(ada.id, { type: 'message.delete', messageId: id });
      throw new Error('abort');
    }));
    assert.ok(has(), 'a rolled-back deletion leaves the events as they were');
    h.ok(ada.id, { type: 'message.delete', messageId: id });
    assert.ok(!has(), 'the words are gone');
    assert.ok(h.repo.eventsAfter(0).some((e) => e.type === 'message.upserted' && e.message.id === id && e.message.state === 'deleted'));
  });

  it('keeps no earlier version of an edited message in its events, unless the edit rolls back', () => {
    const h = harness();
    const ada = h.join('Ada');
    const id = h.post(ada.id, h.thread(), 'first draft words');
    const has = (words: string) => JSON.stringify(h.repo.eventsAfter(0)).includes(words);
    assert.throws(() => h.repo.transaction(() => {
      h.ok(ada.id, { type: 'message.edit', messageId: id, body: 'second draft' });
      throw new Error('abort');
    }));
    assert.ok(has('first draft words') && !has('second draft'), 'a rolled-back edit leaves the events as they were');
    h.ok(ada.id, { type: 'message.edit', messageId: id, body: 'as it stands' });
    assert.ok(!has('first draft words'), 'the earlier words are gone');
    const versions = h.repo.eventsAfter(0).flatMap((e) => (e.type === 'message.upserted' && e.message.id === id ? [e.message.body] : []));
    assert.deepEqual(versions, ['as it stands', 'as it stands'], 'each event holds the message as it is now');
  });

  it('rolls back every write of a transaction that throws', () => {
    const h = harness();
    const threadId = h.thread();
    h.post(h.owner.id, threadId, 'kept');
    const before = h.snapshot();
    assert.throws(() =>
      h.repo.transaction(() => {
        h.ok(h.owner.id, { type: 'message.post', messageId: 'msg-rolled-1', threadId, body: 'gone' });
        h.ok(h.owner.id, { type: 'circle.update', name: 'Renamed', wordFilter: { banned: ['x'], suspect: [] } });
        h.ok(h.owner.id, { type: 'invite.create' });
        throw new Error('disk full');
      }),
    /disk full/);
    assert.deepEqual(h.snapshot(), before);
    assert.equal(h.repo.getMessage('msg-rolled-1'), undefined);
    assert.equal(h.repo.lastPostAt(h.owner.id), T0);
    assert.equal(h.repo.peekNextSeq(), before.events.length + 1);
    // The ids are free again, and the command can be applied afresh.
    h.ok(h.owner.id, { type: 'message.post', messageId: 'msg-rolled-1', threadId, body: 'back' });
  });

  it('numbers events 1, 2, 3 … and pages them with eventsAfter', () => {
    const h = harness();
    h.thread();
    h.thread();
    const all = h.repo.eventsAfter(0);
    assert.deepEqual(all.map((e) => e.seq), [1, 2, 3, 4]);
    assert.equal(h.repo.headSeq(), 4);
    assert.deepEqual(h.repo.eventsAfter(2).map((e) => e.seq), [3, 4]);
    assert.deepEqual(h.repo.eventsAfter(1, 2).map((e) => e.seq), [2, 3]);
    assert.deepEqual(h.repo.eventsAfter(4), []);
  });

  it('pages a thread backwards by seq, oldest first within a page', () => {
    const h = harness();
    const threadId = h.thread();
    const other = h.thread();
    const ids = Array.from({ length: 5 }, (_, i) => {
      h.post(h.owner.id, other, `noise ${i}`);
      return h.post(h.owner.id, threadId, `m${i}`);
    });
    const newest = h.repo.historyPage(threadId, null, 2);
    assert.deepEqual(newest.messages.map((m) => m.body), ['m3', 'm4']);
    assert.equal(newest.before, String(h.repo.getMessage(ids[3]!)!.seq));
    const middle = h.repo.historyPage(threadId, newest.before, 2);
    assert.deepEqual(middle.messages.map((m) => m.body), ['m1', 'm2']);
    const last = h.repo.historyPage(threadId, middle.before, 2);
    assert.deepEqual(last.messages.map((m) => m.body), ['m0']);
    assert.equal(last.before, null);
    assert.equal(h.repo.historyPage(threadId, null, 5).before, null);
    assert.deepEqual(h.repo.historyPage('thr-empty-01', null, 5), { threadId: 'thr-empty-01', messages: [], before: null });
    assert.throws(() => h.repo.historyPage(threadId, 'soon', 5), { code: 'invalid' });
  });

  it('keeps private copies: a caller cannot change stored state by mutating what it passed or got', () => {
    const repo = createMemoryRepository('c');
    const member: Member = { id: 'mem-000001', displayName: 'A', role: 'member', flair: null, state: 'active', mutedUntil: null, joinedAt: 0 };
    repo.putMember(member);
    member.displayName = 'changed';
    assert.equal(repo.getMember('mem-000001')!.displayName, 'A');
    assert.throws(() => {
      (repo.getMember('mem-000001') as Member).displayName = 'changed';
    }, TypeError);
  });
});
