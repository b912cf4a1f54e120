import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS } from '@hearth/protocol';
import { T0, harness } from './rules-harness.js';

describe('rules: mute', () => {
  it('mutes a member until a time: writes refused, report, own delete and leaving allowed', () => {
    const h = harness();
    const ada = h.join('Ada');
    const threadId = h.thread();
    const own = h.post(ada.id, threadId);
    const other = h.post(h.owner.id, threadId);
    const { events } = h.ok(h.owner.id, { type: 'mod.mute', memberId: ada.id, until: T0 + 60_000, reason: 'cool down' });
    assert.equal(events[0]!.type === 'member.upserted' && events[0]!.member.state, 'muted');
    assert.equal(h.repo.getMember(ada.id)!.mutedUntil, T0 + 60_000);
    h.refused(ada.id, { type: 'message.post', messageId: 'msg-muted-1', threadId, body: 'x' }, 'forbidden');
    h.refused(ada.id, { type: 'message.edit', messageId: own, body: 'x' }, 'forbidden');
    h.refused(ada.id, { type: 'message.react', messageId: other, reaction: '👍', active: true }, 'forbidden');
    h.refused(ada.id, { type: 'thread.create', threadId: 'thr-muted-1', title: 'x' }, 'forbidden');
    h.refused(ada.id, { type: 'member.update', displayName: 'Not Ada' }, 'forbidden');
    h.ok(ada.id, { type: 'message.report', reportId: 'rep-000001', messageId: other, reason: 'x' });
    h.ok(ada.id, { type: 'message.delete', messageId: own });
  });

  it('stops counting once the mute time has passed', () => {
    const h = harness();
    const ada = h.join('Ada');
    const threadId = h.thread();
    h.ok(h.owner.id, { type: 'mod.mute', memberId: ada.id, until: T0 + 1000, reason: 'brief' });
    h.refused(ada.id, { type: 'message.post', messageId: 'msg-000001', threadId, body: 'x' }, 'forbidden');
    h.clock.now = T0 + 1000;
    h.post(ada.id, threadId, 'back');
  });

  it('keeps a muted moderator from deleting others’ messages', () => {
    const h = harness();
    const ada = h.join('Ada');
    const mod = h.moderator('Mod');
    const id = h.post(ada.id, h.thread());
    h.ok(h.owner.id, { type: 'mod.mute', memberId: mod.id, until: T0 + 1000, reason: 'x' });
    h.refused(mod.id, { type: 'message.delete', messageId: id }, 'forbidden');
    h.refused(mod.id, { type: 'mod.hide', messageId: id, reason: 'x' }, 'forbidden');
  });

  it('refuses a mute in the past or longer than 28 days', () => {
    const h = harness();
    const ada = h.join('Ada');
    h.refused(h.owner.id, { type: 'mod.mute', memberId: ada.id, until: T0, reason: 'x' }, 'invalid', 'command.until');
    h.refused(h.owner.id, { type: 'mod.mute', memberId: ada.id, until: T0 + LIMITS.muteMaxMs + 1, reason: 'x' }, 'invalid', 'command.until');
    h.ok(h.owner.id, { type: 'mod.mute', memberId: ada.id, until: T0 + LIMITS.muteMaxMs, reason: 'x' });
  });

  it('unmutes a muted member, and refuses one who is not', () => {
    const h = harness();
    const ada = h.join('Ada');
    h.refused(h.owner.id, { type: 'mod.unmute', memberId: ada.id }, 'conflict');
    h.ok(h.owner.id, { type: 'mod.mute', memberId: ada.id, until: T0 + 1000, reason: 'x' });
    h.ok(h.owner.id, { type: 'mod.unmute', memberId: ada.id, reason: 'ok' });
    const member = h.repo.getMember(ada.id)!;
    assert.deepEqual([member.state, member.mutedUntil], ['active', null]);
  });
});

describe('rules: role levels', () => {
  it('lets only a strictly higher role act on a member', () => {
    const h = harness();
    const ada = h.join('Ada');
    const bob = h.join('Bob');
    const mod = h.moderator('Mod');
    const mod2 = h.moderator('Mod2');
    const until = T0 + 1000;
    h.refused(ada.id, { type: 'mod.mute', memberId: bob.id, until, reason: 'x' }, 'forbidden');
    h.refused(ada.id, { type: 'mod.ban', memberId: h.owner.id, reason: 'coup' }, 'forbidden');
    h.refused(mod.id, { type: 'mod.ban', memberId: mod2.id, reason: 'x' }, 'forbidden', 'command.memberId');
    h.refused(mod.id, { type: 'mod.ban', memberId: h.owner.id, reason: 'x' }, 'forbidden');
    h.refused(mod.id, { type: 'mod.ban', memberId: mod.id, reason: 'x' }, 'forbidden');
    h.refused(h.owner.id, { type: 'mod.ban', memberId: h.owner.id, reason: 'x' }, 'forbidden');
    h.refused(mod.id, { type: 'mod.ban', memberId: 'nobody-123', reason: 'x' }, 'not_found');
    h.ok(mod.id, { type: 'mod.mute', memberId: ada.id, until, reason: 'x' });
    h.ok(h.owner.id, { type: 'mod.ban', memberId: mod2.id, reason: 'x' });
  });

  it('mod.hide and mod.restore follow the author’s level too', () => {
    const h = harness();
    const mod = h.moderator('Mod');
    const threadId = h.thread();
    const owners = h.post(h.owner.id, threadId);
    const mods = h.post(mod.id, threadId);
    h.refused(mod.id, { type: 'mod.hide', messageId: owners, reason: 'x' }, 'forbidden');
    h.ok(mod.id, { type: 'mod.hide', messageId: mods, reason: 'own message' });
  });
});

describe('rules: hide and restore', () => {
  it('hides a visible message and restores it, with audit entries', () => {
    const h = harness();
    const ada = h.join('Ada');
    const mod = h.moderator('Mod');
    const id = h.post(ada.id, h.thread());
    h.refused(ada.id, { type: 'mod.hide', messageId: id, reason: 'x' }, 'forbidden');
    h.refused(mod.id, { type: 'mod.restore', messageId: id }, 'conflict');
    h.refused(mod.id, { type: 'mod.hide', messageId: 'msg-missing', reason: 'x' }, 'not_found');
    const { events } = h.ok(mod.id, { type: 'mod.hide', messageId: id, reason: 'spoilers' });
    assert.equal(events[0]!.type === 'message.upserted' && events[0]!.message.state, 'hidden-by-moderator');
    h.refused(mod.id, { type: 'mod.hide', messageId: id, reason: 'x' }, 'conflict');
    h.clock.now += 1;
    h.ok(mod.id, { type: 'mod.restore', messageId: id });
    assert.equal(h.repo.getMessage(id)!.state, 'visible');
    const entries = h.repo.listAudit(null, 10);
    assert.deepEqual(entries.slice(0, 2).map((e) => [e.action, e.actorId, e.targetId, e.reason]), [
      ['mod.restore', mod.id, id, null],
      ['mod.hide', mod.id, id, 'spoilers'],
    ]);
    h.ok(ada.id, { type: 'message.delete', messageId: id });
    h.refused(mod.id, { type: 'mod.hide', messageId: id, reason: 'x' }, 'conflict');
  });
});

describe('rules: ban, unban, remove', () => {
  it('bans and unbans, refusing repeats', () => {
    const h = harness();
    const ada = h.join('Ada');
    h.refused(h.owner.id, { type: 'mod.unban', memberId: ada.id }, 'conflict');
    const { events } = h.ok(h.owner.id, { type: 'mod.ban', memberId: ada.id, reason: 'spam' });
    assert.equal(events[0]!.type === 'member.upserted' && events[0]!.member.state, 'banned');
    h.refused(h.owner.id, { type: 'mod.ban', memberId: ada.id, reason: 'again' }, 'conflict');
    h.refused(h.owner.id, { type: 'mod.mute', memberId: ada.id, until: T0 + 10, reason: 'x' }, 'conflict');
    h.ok(h.owner.id, { type: 'mod.unban', memberId: ada.id });
    assert.equal(h.repo.getMember(ada.id)!.state, 'active');
    assert.deepEqual(h.repo.listAudit(null, 2).map((e) => e.action), ['mod.unban', 'mod.ban']);
  });

  it('bans with the invite the member came in by revoked in the same step, when asked', () => {
    const h = harness();
    const ada = h.join('Ada');
    const bob = h.join('Bob');
    assert.ok(ada.inviteId && bob.inviteId, 'a member keeps the id of the invite they joined by');
    const plain = h.ok(h.owner.id, { type: 'mod.ban', memberId: bob.id, reason: 'spam' });
    assert.equal(plain.ack.result, undefined);
    assert.equal(h.repo.getInvite(bob.inviteId)!.revoked, false, 'a ban alone leaves the invite open');
    const { ack } = h.ok(h.owner.id, { type: 'mod.ban', memberId: ada.id, reason: 'spam', revokeInvite: true });
    assert.deepEqual(ack.result, { revokedInviteId: ada.inviteId });
    assert.equal(h.repo.getInvite(ada.inviteId)!.revoked, true);
    assert.deepEqual(h.repo.listAudit(null, 2).map((e) => [e.action, e.targetId, e.reason]), [
      ['invite.revoke', ada.inviteId, 'revoked with the ban of Ada'],
      ['mod.ban', ada.id, 'spam'],
    ]);
    h.ok(h.owner.id, { type: 'mod.unban', memberId: ada.id });
    const again = h.ok(h.owner.id, { type: 'mod.ban', memberId: ada.id, reason: 'again', revokeInvite: true });
    assert.deepEqual(again.ack.result, { revokedInviteId: null }, 'nothing left to revoke');
    h.refused(bob.id, { type: 'mod.ban', memberId: ada.id, reason: 'x', revokeInvite: true }, 'forbidden');
  });

  it('removes a member with a member.removed event', () => {
    const h = harness();
    const ada = h.join('Ada');
    const { events } = h.ok(h.owner.id, { type: 'mod.remove', memberId: ada.id, reason: 'left the club' });
    assert.deepEqual(events.map((e) => e.type === 'member.removed' && e.memberId), [ada.id]);
    assert.equal(h.repo.getMember(ada.id), undefined);
    const [entry] = h.repo.listAudit(null, 1);
    assert.deepEqual([entry!.action, entry!.targetId, entry!.reason], ['mod.remove', ada.id, 'left the club']);
    h.refused(h.owner.id, { type: 'mod.remove', memberId: ada.id, reason: 'x' }, 'not_found');
  });
});

describe('rules: mod.role', () => {
  it('is the owner’s alone and never transfers ownership', () => {
    const h = harness();
    const ada = h.join('Ada');
    const mod = h.moderator('Mod');
    assert.equal(mod.role, 'moderator');
    h.refused(mod.id, { type: 'mod.role', memberId: ada.id, role: 'moderator' }, 'forbidden');
    h.refused(h.owner.id, { type: 'mod.role', memberId: h.owner.id, role: 'member' }, 'forbidden');
    h.refused(h.owner.id, { type: 'mod.role', memberId: ada.id, role: 'owner' }, 'invalid', 'command.role');
    h.refused(h.owner.id, { type: 'mod.role', memberId: mod.id, role: 'moderator' }, 'conflict');
    h.ok(h.owner.id, { type: 'mod.role', memberId: mod.id, role: 'member', reason: 'stepping down' });
    assert.equal(h.repo.getMember(mod.id)!.role, 'member');
    assert.deepEqual(h.repo.listAudit(null, 1).map((e) => [e.action, e.targetId, e.reason]), [['mod.role', mod.id, 'stepping down']]);
  });
});

describe('rules: report.resolve', () => {
  it('resolves an open report once, moderators only', () => {
    const h = harness();
    const ada = h.join('Ada');
    const id = h.post(h.owner.id, h.thread());
    h.ok(ada.id, { type: 'message.report', reportId: 'rep-000001', messageId: id, reason: 'x' });
    h.refused(ada.id, { type: 'report.resolve', reportId: 'rep-000001' }, 'forbidden');
    h.refused(h.owner.id, { type: 'report.resolve', reportId: 'rep-missing' }, 'not_found');
    h.clock.now += 5;
    h.ok(h.owner.id, { type: 'report.resolve', reportId: 'rep-000001', reason: 'fine' });
    assert.equal(h.repo.getReport('rep-000001')!.resolvedAt, T0 + 5);
    h.refused(h.owner.id, { type: 'report.resolve', reportId: 'rep-000001' }, 'conflict');
    assert.equal(h.repo.listAudit(null, 1)[0]!.action, 'report.resolve');
  });
});

describe('rules: member.update and member.leave', () => {
  it('changes the actor’s name and flair, keeping names unique ignoring case', () => {
    const h = harness();
    const ada = h.join('Ada');
    h.join('Bob');
    h.refused(ada.id, { type: 'member.update', displayName: 'BOB' }, 'conflict', 'command.displayName');
    const { events } = h.ok(ada.id, { type: 'member.update', displayName: 'ADA', flair: 'reads a lot' });
    assert.equal(events[0]!.type === 'member.upserted' && events[0]!.member.displayName, 'ADA');
    assert.equal(h.repo.getMember(ada.id)!.flair, 'reads a lot');
    const same = h.ok(ada.id, { type: 'member.update', flair: 'reads a lot' });
    assert.deepEqual(same.events, []);
    h.ok(ada.id, { type: 'member.update', flair: null });
    assert.equal(h.repo.getMember(ada.id)!.flair, null);
  });

  it('lets a member leave, but not the owner', () => {
    const h = harness();
    const ada = h.join('Ada');
    h.refused(h.owner.id, { type: 'member.leave' }, 'conflict');
    const { events } = h.ok(ada.id, { type: 'member.leave' });
    assert.deepEqual(events.map((e) => e.type), ['member.removed']);
    assert.equal(h.repo.getMember(ada.id), undefined);
  });
});
