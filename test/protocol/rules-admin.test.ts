import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS, type Invite } from '@hearth/protocol';
import { T0, harness } from './rules-harness.js';

describe('rules: circle.update', () => {
  it('lets the owner change what the circle is, with an event and an audit entry', () => {
    const h = harness();
    const { events } = h.ok(h.owner.id, { type: 'circle.update', name: 'Night Readers', access: 'request', memberCap: 20 });
    const circle = h.repo.getCircle().circle;
    assert.deepEqual([circle.name, circle.access, circle.memberCap], ['Night Readers', 'request', 20]);
    assert.deepEqual(events.map((e) => e.type === 'circle.updated' && e.circle), [circle]);
    const [entry] = h.repo.listAudit(null, 1);
    assert.deepEqual([entry!.action, entry!.targetId], ['circle.update', 'readers']);
  });

  it('lets moderators change settings and the word filter, but nothing of the owner’s', () => {
    const h = harness();
    const mod = h.moderator('Mod');
    const ada = h.join('Ada');
    h.refused(mod.id, { type: 'circle.update', name: 'Mine' }, 'forbidden', 'command.name');
    h.refused(mod.id, { type: 'circle.update', settings: { slowModeSeconds: 5 }, reactions: ['x'] }, 'forbidden', 'command.reactions');
    h.refused(ada.id, { type: 'circle.update', settings: { slowModeSeconds: 5 } }, 'forbidden');
    h.ok(mod.id, { type: 'circle.update', settings: { slowModeSeconds: 5 } });
    assert.deepEqual(h.repo.getCircle().circle.settings, { slowModeSeconds: 5, pseudonymsAllowed: true });
    h.ok(mod.id, { type: 'circle.update', wordFilter: { banned: ['a'], suspect: ['b'] } });
    assert.deepEqual(h.repo.getCircle().wordFilter, { banned: ['a'], suspect: ['b'] });
  });

  it('changes nothing, and emits nothing, when nothing differs', () => {
    const h = harness();
    const { events, ack } = h.ok(h.owner.id, { type: 'circle.update', name: 'Readers' });
    assert.deepEqual(events, []);
    assert.equal(ack.seq, null);
  });
});

describe('rules: invites', () => {
  it('creates an invite with the default lifetime, a fixed lifetime, or none', () => {
    const h = harness();
    const mod = h.moderator('Mod');
    const invite = (extra: object) => (h.ok(mod.id, { type: 'invite.create', ...extra }).ack.result as { invite: Invite }).invite;
    const created = h.ok(mod.id, { type: 'invite.create' }).ack.result as { invite: Invite; code: string };
    const standard = created.invite;
    assert.equal(standard.expiresAt, T0 + LIMITS.inviteDefaultLifetimeMs);
    assert.equal(created.code.length, 24, 'the creator is shown the code');
    assert.notEqual(standard.id, created.code, 'the invite’s id is not its code');
    assert.equal(h.repo.findInviteByCode(created.code)?.id, standard.id);
    assert.deepEqual([standard.createdBy, standard.uses, standard.revoked, standard.maxUses], [mod.id, 0, false, null]);
    assert.equal(invite({ expiresInMs: 60_000, maxUses: 1 }).expiresAt, T0 + 60_000);
    assert.equal(invite({ expiresInMs: null }).expiresAt, null);
    assert.equal(h.repo.listAudit(null, 1)[0]!.action, 'invite.create');
  });

  it('returns the same invite when invite.create is retried, without the code shown once', () => {
    const h = harness();
    const first = h.ok(h.owner.id, { id: 'cmd-invite-01', type: 'invite.create' });
    const second = h.run(h.owner.id, { id: 'cmd-invite-01', type: 'invite.create' });
    const { code, ...kept } = first.ack.result as { invite: Invite; code: string };
    assert.equal(typeof code, 'string');
    assert.deepEqual(second.ack, { ...first.ack, result: kept }, 'the same invite, and the code is not kept to be shown again');
    assert.equal(h.repo.listInvites().length, 1);
  });

  it('refuses plain members, and revokes once', () => {
    const h = harness();
    const ada = h.join('Ada');
    h.refused(ada.id, { type: 'invite.create' }, 'forbidden');
    const inviteId = (h.ok(h.owner.id, { type: 'invite.create' }).ack.result as { invite: Invite }).invite.id;
    h.refused(ada.id, { type: 'invite.revoke', inviteId }, 'forbidden');
    h.refused(h.owner.id, { type: 'invite.revoke', inviteId: 'x'.repeat(24) }, 'not_found', 'command.inviteId');
    h.ok(h.owner.id, { type: 'invite.revoke', inviteId });
    assert.equal(h.repo.getInvite(inviteId)!.revoked, true);
    assert.deepEqual([h.repo.listAudit(null, 1)[0]!.action, h.repo.listAudit(null, 1)[0]!.targetId], ['invite.revoke', inviteId]);
    h.refused(h.owner.id, { type: 'invite.revoke', inviteId }, 'conflict');
  });
});

describe('rules: join requests', () => {
  function withRequest(memberCap = 150) {
    const h = harness({ circle: { access: 'request', memberCap } });
    return h;
  }

  it('approve seats the requester under the request id and removes the request', async () => {
    const { admit } = await import('@hearth/protocol/rules');
    const h = withRequest();
    const pending = admit(h.ctx(), { kind: 'request', displayName: 'Newt', note: 'hi' });
    assert.equal(pending.ok, 'pending');
    const requestId = (pending as { request: { id: string } }).request.id;
    const ada = h.join('Ada');
    h.refused(ada.id, { type: 'request.approve', requestId }, 'forbidden');
    h.refused(h.owner.id, { type: 'request.approve', requestId: 'req-missing' }, 'not_found');
    const { events } = h.ok(h.owner.id, { type: 'request.approve', requestId });
    const member = h.repo.getMember(requestId)!;
    assert.deepEqual([member.displayName, member.role, member.state, member.joinedAt], ['Newt', 'member', 'active', T0]);
    assert.deepEqual(events.map((e) => e.type), ['member.upserted']);
    assert.equal(h.repo.getJoinRequest(requestId), undefined);
    assert.equal(h.repo.listAudit(null, 1)[0]!.action, 'request.approve');
  });

  it('approve refuses when the circle is full; deny deletes', async () => {
    const { admit } = await import('@hearth/protocol/rules');
    const h = withRequest(2);
    const first = admit(h.ctx(), { kind: 'request', displayName: 'One' }) as { request: { id: string } };
    const second = admit(h.ctx(), { kind: 'request', displayName: 'Two' }) as { request: { id: string } };
    h.ok(h.owner.id, { type: 'request.approve', requestId: first.request.id });
    h.refused(h.owner.id, { type: 'request.approve', requestId: second.request.id }, 'circle_full');
    h.ok(h.owner.id, { type: 'request.deny', requestId: second.request.id });
    assert.equal(h.repo.getJoinRequest(second.request.id), undefined);
    h.refused(h.owner.id, { type: 'request.deny', requestId: second.request.id }, 'not_found');
  });
});

describe('rules: queries', () => {
  it('are for moderators, return their lists, and are never recorded', () => {
    const h = harness({ circle: { access: 'request' } });
    const ada = h.join('Ada');
    for (const type of ['invite.list', 'report.list', 'audit.list', 'request.list'] as const) h.refused(ada.id, { type }, 'forbidden');
    const id = h.post(h.owner.id, h.thread());
    h.ok(ada.id, { type: 'message.report', reportId: 'rep-000001', messageId: id, reason: 'x' });
    const invites = h.ok(h.owner.id, { type: 'invite.list' }).ack.result as { invites: Invite[] };
    assert.equal(invites.invites.length, 1); // the one `join` used
    const reports = h.ok(h.owner.id, { id: 'cmd-query-01', type: 'report.list' });
    assert.deepEqual((reports.ack.result as { reports: unknown[] }).reports, h.repo.listReports(false));
    assert.equal(reports.ack.seq, null);
    assert.equal(h.repo.getAppliedCommand('cmd-query-01'), undefined);
    h.ok(h.owner.id, { type: 'report.resolve', reportId: 'rep-000001' });
    const open = h.ok(h.owner.id, { type: 'report.list' }).ack.result as { reports: unknown[] };
    const all = h.ok(h.owner.id, { type: 'report.list', includeResolved: true }).ack.result as { reports: unknown[] };
    assert.deepEqual([open.reports.length, all.reports.length], [0, 1]);
    const requests = h.ok(h.owner.id, { type: 'request.list' }).ack.result as { requests: unknown[] };
    assert.deepEqual(requests.requests, []);
  });

  it('audit.list pages newest first, 50 by default', () => {
    const h = harness();
    for (let i = 0; i < 60; i++) {
      h.clock.now = T0 + i;
      h.ok(h.owner.id, { type: 'invite.create' });
    }
    const page = (h.ok(h.owner.id, { type: 'audit.list' }).ack.result as { entries: { at: number }[] }).entries;
    assert.equal(page.length, 50);
    assert.equal(page[0]!.at, T0 + 59);
    assert.equal(page[49]!.at, T0 + 10);
    const older = (h.ok(h.owner.id, { type: 'audit.list', before: T0 + 10, limit: 5 }).ack.result as { entries: { at: number }[] }).entries;
    assert.deepEqual(older.map((e) => e.at), [T0 + 9, T0 + 8, T0 + 7, T0 + 6, T0 + 5]);
  });
});
