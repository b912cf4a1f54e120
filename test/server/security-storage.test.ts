// What one member cannot get out of the store through another's command record, and what a copy of the data
// file does not give away: a command id's ack belongs to its author; invite codes are kept only as hashes.
// A real server on 127.0.0.1 with a real SQLite file, spoken to over real WebSockets.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { nanoid } from 'nanoid';
import { existsSync, readFileSync } from 'node:fs';
import { RawClient, expectRefused, inviteCredentials, makeCircle, signIn, startServer, type TestServer } from './helpers.js';

let t: TestServer;
const clients: RawClient[] = [];

before(async () => {
  t = await startServer();
});
after(async () => {
  for (const c of clients) c.close();
  await t.close();
});

/** The new code in an invite.create ack (shown once, to its author). */
function codeOf(result: unknown): string | undefined {
  const r = result as { code?: string; invite?: { code?: string } };
  return r.code ?? r.invite?.code;
}

/** Every byte SQLite keeps of the data file: the file itself, its WAL and its shared-memory index. */
function dataFileBytes(file: string): Buffer {
  return Buffer.concat([file, `${file}-wal`, `${file}-shm`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
}

async function world() {
  const circle = await makeCircle(t);
  const owner = await signIn(t, circle.id, circle.owner);
  const member = await signIn(t, circle.id, inviteCredentials(circle.inviteCode, 'Curious'));
  clients.push(owner.client, member.client);
  return { circle, owner, member };
}

describe('a command id’s acknowledgement belongs to its author', () => {
  it('refuses a member who resends the id of the owner’s invite.create, and tells them nothing', async () => {
    const { owner, member } = await world();
    const id = nanoid();
    const created = await owner.client.command({ id, type: 'invite.create', maxUses: null, expiresInMs: null });
    assert.equal(created.ok, true);
    const code = created.ok && codeOf(created.result);
    assert.ok(typeof code === 'string' && code.length >= 21, 'the owner sees the new code');

    const stolen = await member.client.command({ id, type: 'member.update', flair: 'hi' });
    assert.ok(!JSON.stringify(stolen).includes(code), 'the other member’s ack does not carry the code');
    assert.equal(stolen.ok, false);
    assert.equal(!stolen.ok && stolen.error.code, 'conflict');

    const again = await owner.client.command({ id, type: 'invite.create', maxUses: null, expiresInMs: null });
    assert.equal(again.ok, true, 'the author’s own retry is still answered');
  });
});

describe('invite codes are kept only as hashes', () => {
  it('keeps no copy of a new code in the data file or its WAL; the code still admits; revoking by id works', async () => {
    const { circle, owner } = await world();
    const created = await owner.client.command({ type: 'invite.create', maxUses: null, expiresInMs: null });
    assert.equal(created.ok, true);
    const code = codeOf(created.ok && created.result)!;
    const bytes = dataFileBytes(t.dataFile);
    for (const secret of [code, circle.inviteCode]) {
      assert.equal(bytes.indexOf(secret), -1, 'no stored byte holds an invite code (invites, acks, audit, events)');
    }
    const exported = JSON.stringify(await t.server.service.exportCircle(circle.id));
    assert.ok(!exported.includes(code) && !exported.includes(circle.inviteCode), 'nor does an export');
    const inviteId = created.ok && (created.result as { invite: { id?: string } }).invite.id;
    assert.ok(typeof inviteId === 'string' && !code.includes(inviteId), 'the invite has an id that is not its code');

    const newcomer = await signIn(t, circle.id, inviteCredentials(code, 'Newcomer'));
    clients.push(newcomer.client);
    const listed = await owner.client.command({ type: 'invite.list' });
    const invites = listed.ok ? (listed.result as { invites: { id: string }[] }).invites : [];
    assert.equal(invites.find((i) => i.id === inviteId && 'uses' in i && i.uses === 1)?.id, inviteId, 'listed by id, with its use counted');
    assert.ok(!JSON.stringify(listed).includes(code), 'a listing does not show codes');

    const revoked = await owner.client.command({ type: 'invite.revoke', inviteId } as never);
    assert.equal(revoked.ok, true, JSON.stringify(revoked));
    await expectRefused(signIn(t, circle.id, inviteCredentials(code, 'Latecomer')), 'invite_expired');
    const audit = await owner.client.command({ type: 'audit.list' });
    const entries = audit.ok ? (audit.result as { entries: { action: string; targetId: string | null }[] }).entries : [];
    assert.deepEqual(entries.filter((e) => e.action.startsWith('invite.')).map((e) => `${e.action}:${e.targetId}`).slice(0, 2), [`invite.revoke:${inviteId}`, `invite.create:${inviteId}`]);
  });
});

describe('a ban can close the invite the member came in by', () => {
  it('shows moderators which invite a member used, and bans with that invite revoked in the same step', async () => {
    const { circle, owner, member: bystander } = await world();
    const created = await owner.client.command({ type: 'invite.create', maxUses: null, expiresInMs: null });
    const code = codeOf(created.ok && created.result)!;
    const inviteId = created.ok && (created.result as { invite: { id: string } }).invite.id;
    const troll = await signIn(t, circle.id, inviteCredentials(code, 'Troll'));
    clients.push(troll.client);
    const trollId = troll.session.member.id;

    // Live, to a moderator and to a plain member; then in a fresh session of each.
    const seenByOwner = await owner.client.next('event', (f) => f.event.type === 'member.upserted' && f.event.member.id === trollId);
    assert.equal(seenByOwner.event.type === 'member.upserted' && seenByOwner.event.member.inviteId, inviteId, 'the moderator sees which invite the member used');
    const seenByMember = await bystander.client.next('event', (f) => f.event.type === 'member.upserted' && f.event.member.id === trollId);
    assert.equal(seenByMember.event.type === 'member.upserted' && 'inviteId' in seenByMember.event.member, false, 'a plain member does not');
    const ownerAgain = await signIn(t, circle.id, circle.owner);
    const bystanderAgain = await signIn(t, circle.id, { kind: 'token', token: bystander.session.token! });
    clients.push(ownerAgain.client, bystanderAgain.client);
    assert.equal(ownerAgain.session.members.find((m) => m.id === trollId)?.inviteId, inviteId);
    assert.equal(bystanderAgain.session.members.some((m) => 'inviteId' in m), false, 'no member’s invite in a plain member’s session');
    assert.equal('inviteId' in troll.session.member, false, 'nor in one’s own');

    const banned = await owner.client.command({ type: 'mod.ban', memberId: trollId, reason: 'trolling', revokeInvite: true } as never);
    assert.equal(banned.ok, true, JSON.stringify(banned));
    await expectRefused(signIn(t, circle.id, inviteCredentials(code, 'Troll again')), 'invite_expired');
    const invites = await owner.client.command({ type: 'invite.list' });
    const invite = invites.ok ? (invites.result as { invites: { id: string; revoked: boolean }[] }).invites.find((i) => i.id === inviteId) : undefined;
    assert.equal(invite?.revoked, true);
    const audit = await owner.client.command({ type: 'audit.list' });
    const entries = audit.ok ? (audit.result as { entries: { action: string; targetId: string | null; reason: string | null }[] }).entries : [];
    const [revokeEntry, banEntry] = entries;
    assert.deepEqual([banEntry?.action, banEntry?.targetId, banEntry?.reason], ['mod.ban', trollId, 'trolling']);
    assert.equal(revokeEntry?.action, 'invite.revoke');
    assert.equal(revokeEntry?.targetId, inviteId);
    assert.match(revokeEntry?.reason ?? '', /ban/, 'the audit entry says the invite went with the ban');
    const other = await signIn(t, circle.id, inviteCredentials(circle.inviteCode, 'Someone else'));
    clients.push(other.client);
    assert.equal(other.session.member.displayName, 'Someone else', 'other invites still admit');
  });
});
