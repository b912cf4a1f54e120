// The permissions matrix: every command against every kind of actor, over real sockets to a real server.
// The expectations below are written from the rules (packages/protocol/src/rules/README.md), not computed by
// the engine under test. Each cell gets a fresh circle, so no cell depends on another; a refused command
// must change nothing (the circle's head seq and the applied-command record stay as they were).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { nanoid } from 'nanoid';
import { SignJWT } from 'jose';
import type { Command, CommandInput, Credentials } from '@hearth/protocol';
import { RawClient, headSeq, startServer, type TestServer } from '../server/helpers.js';

let t: TestServer;
before(async () => {
  t = await startServer();
});
after(async () => {
  await t.close();
});

/** Actors who hold a seat in the circle and can say hello. */
const SEATED = ['owner', 'moderator', 'member', 'muted'] as const;
/** Actors whose hello is refused (or who never said it): their commands can only meet `unauthorized`. */
const OUTSIDERS = {
  stranger: 'unauthorized', // a made-up token
  'invited, not joined': null, // holds an invite code, sends commands without joining
  banned: 'forbidden',
  'member of another circle': 'unauthorized',
  'expired sign-on token': 'unauthorized',
  'departed member': 'unauthorized', // the token of a member who left
} as const;
type Actor = (typeof SEATED)[number] | keyof typeof OUTSIDERS;

/** What each cell expects: 'ok' or an error code, for owner, moderator, member, muted member. */
type Row = [ok: string, moderator: string, member: string, muted: string];
const F = 'forbidden';
const MOD_ONLY: Row = ['ok', 'ok', F, F];
const EXPECTED: Record<string, Row> = {
  'thread.create': ['ok', 'ok', 'ok', F],
  'message.post': ['ok', 'ok', 'ok', F],
  'message.edit (own)': ['ok', 'ok', 'ok', F],
  'message.edit (another’s)': [F, F, F, F],
  'message.delete (own)': ['ok', 'ok', 'ok', 'ok'],
  'message.delete (a member’s)': ['ok', 'ok', F, F],
  'message.react': ['ok', 'ok', 'ok', F],
  'message.report': ['ok', 'ok', 'ok', 'ok'],
  'member.update': ['ok', 'ok', 'ok', F],
  'member.leave': ['conflict', 'ok', 'ok', 'ok'],
  'mod.hide': MOD_ONLY,
  'mod.restore': MOD_ONLY,
  'mod.mute': MOD_ONLY,
  'mod.unmute': MOD_ONLY,
  'mod.ban': MOD_ONLY,
  'mod.unban': MOD_ONLY,
  'mod.remove': MOD_ONLY,
  'mod.role': ['ok', F, F, F],
  'report.resolve': MOD_ONLY,
  'circle.update (name)': ['ok', F, F, F],
  'circle.update (settings)': MOD_ONLY,
  'invite.create': MOD_ONLY,
  'invite.revoke': MOD_ONLY,
  'request.approve': MOD_ONLY,
  'request.deny': MOD_ONLY,
  'invite.list': MOD_ONLY,
  'report.list': MOD_ONLY,
  'audit.list': MOD_ONLY,
  'request.list': MOD_ONLY,
};

/** A fresh circle with one member of every kind and something for every command to act on. */
async function fixture() {
  const { service } = t.server;
  const id = `m-${nanoid(10).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
  const created = await service.createCircle({ id, name: 'Matrix', reactions: ['+1'], sso: true });
  const invite = await service.createInvite(id, { maxUses: null, expiresInMs: null });
  const spareInvite = await service.createInvite(id, { maxUses: null, expiresInMs: null });
  const ownerId = created.ownerId;
  const run = async (actorId: string, command: CommandInput) => {
    const ack = await service.execute(id, actorId, { ...command, id: nanoid() } as Command);
    if (!ack.ok) throw new Error(`fixture: ${command.type} refused: ${ack.error.message}`);
    return ack;
  };
  const join = async (displayName: string) => {
    const entry = await service.enter(id, { kind: 'invite', code: invite.code, displayName, acceptNorms: true }, null);
    return { memberId: entry.member.id, token: entry.session.token! };
  };
  const moderator = await join('Mod');
  const member = await join('Member');
  const muted = await join('Muted');
  const banned = await join('Banned');
  const target = await join('Target');
  const departed = await join('Departed');
  await run(ownerId, { type: 'mod.role', memberId: moderator.memberId, role: 'moderator' });

  const threadId = nanoid();
  await run(ownerId, { type: 'thread.create', threadId, title: 'Matrix' });
  const messageOf: Record<string, string> = {};
  for (const [name, memberId] of [['owner', ownerId], ['moderator', moderator.memberId], ['member', member.memberId], ['muted', muted.memberId], ['target', target.memberId]] as const) {
    messageOf[name] = nanoid();
    await run(memberId, { type: 'message.post', messageId: messageOf[name]!, threadId, body: `by ${name}` });
  }
  const hidden = nanoid();
  await run(target.memberId, { type: 'message.post', messageId: hidden, threadId, body: 'hidden one' });
  await run(ownerId, { type: 'mod.hide', messageId: hidden, reason: 'fixture' });
  const reportId = nanoid();
  await run(member.memberId, { type: 'message.report', reportId, messageId: messageOf.target!, reason: 'fixture' });
  await run(ownerId, { type: 'mod.mute', memberId: muted.memberId, until: t.clock.now + 3_600_000, reason: 'fixture' });
  await run(ownerId, { type: 'mod.ban', memberId: banned.memberId, reason: 'fixture' });
  await run(departed.memberId, { type: 'member.leave' });

  // Two people waiting to be let in.
  await run(ownerId, { type: 'circle.update', access: 'request' });
  const requestIds: string[] = [];
  for (const name of ['Asker one', 'Asker two']) {
    await service.enter(id, { kind: 'request', displayName: name, acceptNorms: true }, null).catch(() => {});
  }
  const listed = await run(ownerId, { type: 'request.list' });
  for (const request of (listed.result as { requests: { id: string }[] }).requests) requestIds.push(request.id);
  assert.equal(requestIds.length, 2, 'fixture: two join requests');

  const other = await service.createCircle({ id: `${id}-b`, name: 'Another circle' });
  const ssoSecret = created.ssoSecret!;
  const expiredJwt = await new SignJWT({ sub: 'late-reader', name: 'Late' })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime(Math.floor(t.clock.now / 1000) - 120)
    .sign(new TextEncoder().encode(ssoSecret));

  const credentials: Record<Actor, Credentials | null> = {
    owner: { kind: 'token', token: created.ownerToken },
    moderator: { kind: 'token', token: moderator.token },
    member: { kind: 'token', token: member.token },
    muted: { kind: 'token', token: muted.token },
    stranger: { kind: 'token', token: nanoid(43) },
    'invited, not joined': null,
    banned: { kind: 'token', token: banned.token },
    'member of another circle': { kind: 'token', token: other.ownerToken },
    'expired sign-on token': { kind: 'sso', jwt: expiredJwt, acceptNorms: true },
    'departed member': { kind: 'token', token: departed.token },
  };
  const memberIdOf: Record<string, string> = { owner: ownerId, moderator: moderator.memberId, member: member.memberId, muted: muted.memberId };

  /** The command of a row, as `actor` would send it. */
  const commandFor = (row: string, actor: Actor): CommandInput => {
    const own = messageOf[actor] ?? messageOf.target!;
    switch (row) {
      case 'thread.create': return { type: 'thread.create', threadId: nanoid(), title: 'New topic' };
      case 'message.post': return { type: 'message.post', messageId: nanoid(), threadId, body: 'hello' };
      case 'message.edit (own)': return { type: 'message.edit', messageId: own, body: 'edited' };
      case 'message.edit (another’s)': return { type: 'message.edit', messageId: messageOf.target!, body: 'edited' };
      case 'message.delete (own)': return { type: 'message.delete', messageId: own };
      case 'message.delete (a member’s)': return { type: 'message.delete', messageId: messageOf.target! };
      case 'message.react': return { type: 'message.react', messageId: messageOf.target!, reaction: '+1', active: true };
      case 'message.report': return { type: 'message.report', reportId: nanoid(), messageId: messageOf.target!, reason: 'rude' };
      case 'member.update': return { type: 'member.update', displayName: `Renamed ${nanoid(4)}` };
      case 'member.leave': return { type: 'member.leave' };
      case 'mod.hide': return { type: 'mod.hide', messageId: messageOf.target!, reason: 'off topic' };
      case 'mod.restore': return { type: 'mod.restore', messageId: hidden };
      case 'mod.mute': return { type: 'mod.mute', memberId: target.memberId, until: t.clock.now + 60_000, reason: 'cool down' };
      case 'mod.unmute': return { type: 'mod.unmute', memberId: muted.memberId };
      case 'mod.ban': return { type: 'mod.ban', memberId: target.memberId, reason: 'spam' };
      case 'mod.unban': return { type: 'mod.unban', memberId: banned.memberId };
      case 'mod.remove': return { type: 'mod.remove', memberId: target.memberId, reason: 'gone' };
      case 'mod.role': return { type: 'mod.role', memberId: target.memberId, role: 'moderator' };
      case 'report.resolve': return { type: 'report.resolve', reportId };
      case 'circle.update (name)': return { type: 'circle.update', name: 'Renamed circle' };
      case 'circle.update (settings)': return { type: 'circle.update', settings: { slowModeSeconds: 5 } };
      case 'invite.create': return { type: 'invite.create', expiresInMs: 3_600_000 };
      case 'invite.revoke': return { type: 'invite.revoke', inviteId: spareInvite.id };
      case 'request.approve': return { type: 'request.approve', requestId: requestIds[0]! };
      case 'request.deny': return { type: 'request.deny', requestId: requestIds[1]! };
      case 'invite.list': return { type: 'invite.list' };
      case 'report.list': return { type: 'report.list' };
      case 'audit.list': return { type: 'audit.list' };
      case 'request.list': return { type: 'request.list' };
      default: throw new Error(`no command for row ${row}`);
    }
  };
  return { id, credentials, commandFor, memberIdOf, head: () => headSeq(t, id) };
}

test('permissions matrix: every command × every actor over the wire', { timeout: 10 * 60 * 1000 }, async (tc) => {
  const commandTypes = new Set(Object.keys(EXPECTED).map((row) => row.split(' ')[0]));
  const { COMMAND_TYPES } = await import('@hearth/protocol');
  assert.deepEqual([...commandTypes].sort(), [...COMMAND_TYPES].sort(), 'the matrix has a row for every command type');

  const mismatches: string[] = [];
  const table: string[][] = [];
  let cells = 0;
  const actors: Actor[] = [...SEATED, ...(Object.keys(OUTSIDERS) as (keyof typeof OUTSIDERS)[])];
  for (const [row, expectedRow] of Object.entries(EXPECTED)) {
    const line = [row];
    for (const actor of actors) {
      const f = await fixture();
      const command = { ...f.commandFor(row, actor), id: nanoid() } as Command;
      const headBefore = await f.head();
      const client = await RawClient.open(t);
      let got: string;
      let expected: string;
      if ((SEATED as readonly string[]).includes(actor)) {
        expected = expectedRow[SEATED.indexOf(actor as (typeof SEATED)[number])];
        await client.hello(f.id, f.credentials[actor]!);
        const ack = await client.command(command);
        got = ack.ok ? 'ok' : ack.error.code;
        if (ack.ok && !row.endsWith('.list') && ack.seq !== null) {
          if ((await f.head()) <= headBefore) mismatches.push(`${row} × ${actor}: acked with seq ${ack.seq} but nothing was stored`);
        }
      } else {
        // Whatever an outsider sends before a successful hello is refused; then their hello is refused too.
        const ack = await client.command(command);
        got = ack.ok ? 'ok' : ack.error.code;
        expected = 'unauthorized';
        const helloCode = OUTSIDERS[actor as keyof typeof OUTSIDERS];
        if (helloCode) {
          const refused = await client.hello(f.id, f.credentials[actor]!).then(() => 'ok', (e: { code: string }) => e.code);
          if (refused !== helloCode) mismatches.push(`${row} × ${actor}: hello answered ${refused}, expected ${helloCode}`);
        }
      }
      cells++;
      if (got !== 'ok' && (await f.head()) !== headBefore) mismatches.push(`${row} × ${actor}: refused with ${got} but the circle changed`);
      if (got !== expected) mismatches.push(`${row} × ${actor}: got ${got}, expected ${expected}`);
      line.push(got);
      client.close();
    }
    table.push(line);
  }
  tc.diagnostic(`${cells} cells (${Object.keys(EXPECTED).length} commands × ${actors.length} actors)`);
  for (const line of [['command', ...actors], ...table]) tc.diagnostic(line.join(' | '));
  assert.deepEqual(mismatches, []);
});
