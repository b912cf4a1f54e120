import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Invite } from '@hearth/protocol';
import { admit, createMemoryRepository, initCircle, previewCircle } from '@hearth/protocol/rules';
import { T0, harness, type Harness } from './rules-harness.js';

/** A new invite, with the code its creator is shown once. */
function invite(h: Harness, extra: object = {}): Invite & { code: string } {
  const { invite, code } = h.ok(h.owner.id, { type: 'invite.create', ...extra }).ack.result as { invite: Invite; code: string };
  return { ...invite, code };
}

/** Runs admit in a transaction and checks that a refusal wrote nothing. */
function admitRefused(h: Harness, request: Parameters<typeof admit>[1], code: string, message?: RegExp) {
  const before = h.snapshot();
  const outcome = h.repo.transaction(() => admit(h.ctx(), request));
  assert.equal(outcome.ok, false, JSON.stringify(outcome));
  if (outcome.ok !== false) return;
  assert.equal(outcome.error.code, code, outcome.error.message);
  if (message) assert.match(outcome.error.message, message);
  assert.deepEqual(h.snapshot(), before);
}

describe('rules: initCircle', () => {
  it('stores the circle, seats the owner, and emits both', () => {
    const h = harness();
    assert.equal(h.owner.role, 'owner');
    assert.equal(h.repo.getMember(h.owner.id)!.displayName, 'Owner');
    assert.deepEqual(h.repo.eventsAfter(0).map((e) => [e.seq, e.type]), [[1, 'circle.updated'], [2, 'member.upserted']]);
    assert.deepEqual(h.repo.getCircle().wordFilter, { banned: [], suspect: [] });
  });

  it('refuses to set up a circle twice', () => {
    const h = harness();
    assert.throws(() => initCircle(h.ctx(), { circle: h.repo.getCircle().circle, owner: { displayName: 'Again' } }), { code: 'conflict' });
  });
});

describe('rules: previewCircle', () => {
  it('shows the circle to someone holding a usable invite, and nothing to anyone else', () => {
    const h = harness({ circle: { norms: 'Be kind. Stay on the book.' } });
    const code = invite(h, { maxUses: 1, expiresInMs: 60_000 }).code;
    const before = h.snapshot();
    const shown = previewCircle(h.ctx(), code);
    assert.deepEqual(shown, { ok: true, circle: h.repo.getCircle().circle });
    const codeOf = (outcome: ReturnType<typeof previewCircle>) => (outcome.ok ? 'ok' : outcome.error.code);
    assert.equal(codeOf(previewCircle(h.ctx(), null)), 'unauthorized', 'an invite-only circle shows nothing without a code');
    assert.equal(codeOf(previewCircle(h.ctx(), 'z'.repeat(24))), 'unauthorized');
    assert.deepEqual(h.snapshot(), before, 'a preview writes nothing (not even a use of the invite)');
    admit(h.ctx(), { kind: 'invite', code, displayName: 'Ada' });
    assert.equal(codeOf(previewCircle(h.ctx(), code)), 'invite_expired', 'a used-up invite');
    const later = invite(h, { expiresInMs: 60_000 }).code;
    h.clock.now += 60_000;
    assert.equal(codeOf(previewCircle(h.ctx(), later)), 'invite_expired', 'an expired invite');
  });

  it('shows an open-link or request circle without a code', () => {
    for (const access of ['open-link', 'request'] as const) {
      const h = harness({ circle: { access } });
      const outcome = previewCircle(h.ctx(), null);
      assert.equal(outcome.ok && outcome.circle.access, access);
    }
  });
});

describe('rules: admit by invite', () => {
  it('seats a member and counts the use', () => {
    const h = harness();
    const { code, id: inviteId } = invite(h, { maxUses: 2 });
    const outcome = admit(h.ctx(), { kind: 'invite', code, displayName: 'Ada' });
    assert.equal(outcome.ok, true);
    if (outcome.ok !== true) return;
    assert.equal(outcome.created, true);
    assert.deepEqual({ ...outcome.member, id: 'x' }, {
      id: 'x', displayName: 'Ada', role: 'member', flair: null, state: 'active', mutedUntil: null, joinedAt: T0, inviteId,
    });
    assert.deepEqual(outcome.events.map((e) => [e.type, e.actorId, e.commandId]), [['member.upserted', outcome.member.id, null]]);
    assert.equal(h.repo.getInvite(inviteId)!.uses, 1);
  });

  it('refuses unknown, expired, used up and revoked codes, saying which', () => {
    const h = harness();
    admitRefused(h, { kind: 'invite', code: 'z'.repeat(24), displayName: 'Ada' }, 'unauthorized');
    const short = invite(h, { expiresInMs: 60_000 }).code;
    const once = invite(h, { maxUses: 1, expiresInMs: null }).code;
    const { code: revoked, id: revokedId } = invite(h, { expiresInMs: null });
    h.ok(h.owner.id, { type: 'invite.revoke', inviteId: revokedId });
    admit(h.ctx(), { kind: 'invite', code: once, displayName: 'Ada' });
    h.clock.now += 60_000;
    admitRefused(h, { kind: 'invite', code: short, displayName: 'Bob' }, 'invite_expired', /expired/);
    admitRefused(h, { kind: 'invite', code: once, displayName: 'Bob' }, 'invite_expired', /used up/);
    admitRefused(h, { kind: 'invite', code: revoked, displayName: 'Bob' }, 'invite_expired', /revoked/);
  });

  it('works in every access mode', () => {
    for (const access of ['invite', 'request', 'open-link'] as const) {
      const h = harness({ circle: { access } });
      assert.equal(admit(h.ctx(), { kind: 'invite', code: invite(h).code, displayName: 'Ada' }).ok, true, access);
    }
  });

  it('refuses a full circle and a taken name; banned members free their seat', () => {
    const h = harness({ circle: { memberCap: 2 } });
    const code = invite(h, { expiresInMs: null }).code;
    admitRefused(h, { kind: 'invite', code, displayName: 'owner' }, 'conflict');
    const ada = admit(h.ctx(), { kind: 'invite', code, displayName: 'Ada' }) as { member: { id: string } };
    admitRefused(h, { kind: 'invite', code, displayName: 'Bob' }, 'circle_full');
    h.ok(h.owner.id, { type: 'mod.ban', memberId: ada.member.id, reason: 'x' });
    assert.equal(admit(h.ctx(), { kind: 'invite', code, displayName: 'Bob' }).ok, true);
  });
});

describe('rules: admit by link and by request', () => {
  it('admits by link only in an open-link circle', () => {
    admitRefused(harness(), { kind: 'link', displayName: 'Ada' }, 'forbidden');
    admitRefused(harness({ circle: { access: 'request' } }), { kind: 'link', displayName: 'Ada' }, 'forbidden');
    const h = harness({ circle: { access: 'open-link' } });
    const outcome = admit(h.ctx(), { kind: 'link', displayName: 'Ada' });
    assert.equal(outcome.ok, true);
    admitRefused(h, { kind: 'link', displayName: 'ADA' }, 'conflict');
  });

  it('stores a join request only in a request circle', () => {
    admitRefused(harness(), { kind: 'request', displayName: 'Ada' }, 'forbidden');
    admitRefused(harness({ circle: { access: 'open-link' } }), { kind: 'request', displayName: 'Ada' }, 'forbidden');
    const h = harness({ circle: { access: 'request' } });
    const outcome = admit(h.ctx(), { kind: 'request', displayName: 'Ada', note: 'I read the blog' });
    assert.equal(outcome.ok, 'pending');
    if (outcome.ok !== 'pending') return;
    assert.deepEqual(h.repo.listJoinRequests(), [outcome.request]);
    assert.deepEqual([outcome.request.displayName, outcome.request.note, outcome.request.createdAt], ['Ada', 'I read the blog', T0]);
    assert.equal(h.repo.listMembers().length, 1);
    admitRefused(h, { kind: 'request', displayName: 'ada' }, 'conflict');
  });

  it('refuses a request to a full circle', () => {
    admitRefused(harness({ circle: { access: 'request', memberCap: 1 } }), { kind: 'request', displayName: 'Ada' }, 'circle_full');
  });
});

describe('rules: admit by sign-on', () => {
  it('creates a member with the host’s id, then recognises them', () => {
    const h = harness();
    const first = admit(h.ctx(), { kind: 'sso', memberId: 'host-user-42', displayName: 'Ada' });
    assert.equal(first.ok, true);
    if (first.ok !== true) return;
    assert.deepEqual([first.member.id, first.created, first.events.length], ['host-user-42', true, 1]);
    const again = admit(h.ctx(), { kind: 'sso', memberId: 'host-user-42', displayName: 'Ada' });
    assert.equal(again.ok === true && again.created, false);
    assert.deepEqual(again.ok === true && again.events, []);
    const renamed = admit(h.ctx(), { kind: 'sso', memberId: 'host-user-42', displayName: 'Ada L.' });
    assert.deepEqual(renamed.ok === true && renamed.events.map((e) => e.type), ['member.upserted']);
    assert.equal(h.repo.getMember('host-user-42')!.displayName, 'Ada L.');
  });

  it('refuses a banned member, a full circle, and a bad id', () => {
    const h = harness({ circle: { memberCap: 2 } });
    admit(h.ctx(), { kind: 'sso', memberId: 'host-user-42', displayName: 'Ada' });
    admitRefused(h, { kind: 'sso', memberId: 'host-user-43', displayName: 'Bob' }, 'circle_full');
    admitRefused(h, { kind: 'sso', memberId: 'bad id!', displayName: 'Bob' }, 'invalid');
    h.ok(h.owner.id, { type: 'mod.ban', memberId: 'host-user-42', reason: 'x' });
    admitRefused(h, { kind: 'sso', memberId: 'host-user-42', displayName: 'Ada' }, 'forbidden');
  });

  it('admits in any access mode', () => {
    const h = harness({ circle: { access: 'request' } });
    assert.equal(admit(h.ctx(), { kind: 'sso', memberId: 'host-user-42', displayName: 'Ada' }).ok, true);
  });
});

describe('rules: memory repository seats', () => {
  it('counts banned members out of the seats', () => {
    const repo = createMemoryRepository('c');
    let n = 0;
    const ctx = { repo, now: T0, newId: () => `id-${String(++n).padStart(6, '0')}` };
    initCircle(ctx, {
      circle: { id: 'c', name: 'C', description: '', norms: 'n', access: 'open-link', memberCap: 5, reactions: ['+'], settings: { slowModeSeconds: 0, pseudonymsAllowed: true } },
      owner: { displayName: 'O' },
    });
    const a = admit(ctx, { kind: 'link', displayName: 'A' }) as { member: { id: string } };
    assert.equal(repo.countSeatedMembers(), 2);
    repo.putMember({ ...repo.getMember(a.member.id)!, state: 'banned' });
    assert.equal(repo.countSeatedMembers(), 1);
  });
});
