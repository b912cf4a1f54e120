// The `hearth-server` CLI on a data file: circle create, invite create/list/revoke, member list/role, export, --help.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { SignJWT } from 'jose';
import { CircleService, createHearthServer, createInProcessFanOut, createSqliteStorage, runCli } from '@hearth/server';
import type { Command, Invite, Member } from '@hearth/protocol';
import { expectRefused, makeCircle, signIn, startServer, stored, tempDir, type TestServer } from './helpers.js';
import { cli, cliJson } from './process.js';

const dir = tempDir('hearth-cli-');
after(() => rmSync(dir, { recursive: true, force: true }));
const data = path.join(dir, 'hearth.db');

/** Runs a command in this process (a child process per command would cost half a second each). */
async function run(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(args, { out: (text) => void (stdout += text), err: (text) => void (stderr += text) });
  return { status, stdout, stderr };
}
async function runJson<T>(args: string[]): Promise<T> {
  const result = await run(args);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as T;
}

describe('hearth-server CLI', () => {
  it('creates a circle and prints the owner token and a first invite (as a real process)', async () => {
    const created = cliJson<{ circle: { id: string; access: string; memberCap: number }; ownerToken: string; inviteCode: string; ssoSecret: string | null; invite: Invite }>(
      ['circle', 'create', '--id', 'readers', '--name', 'Readers', '--access', 'invite', '--cap', '40', '--sso', '--invite-max-uses', '5', '--data', data],
    );
    assert.equal(created.circle.id, 'readers');
    assert.equal(created.circle.memberCap, 40);
    assert.ok(created.ownerToken.length >= 32);
    assert.ok(created.inviteCode.length >= 21);
    assert.equal(created.invite.maxUses, 5);
    assert.ok(created.ssoSecret && created.ssoSecret.length >= 32);
    const again = await run(['circle', 'create', '--id', 'readers', '--name', 'Again', '--data', data]);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /conflict/);
  });

  it('creates invites, changes roles and exports without secrets', async () => {
    const invite = await runJson<Invite & { code: string }>(['invite', 'create', '--circle', 'readers', '--max-uses', '1', '--expires', '7d', '--data', data]);
    assert.equal(invite.maxUses, 1);
    assert.ok(invite.expiresAt! - invite.createdAt === 7 * 86_400_000);

    // A reader joins (through the service on the same file, as the running server would).
    const storage = createSqliteStorage({ file: data });
    const service = new CircleService({ storage, fanOut: createInProcessFanOut() });
    const entry = await service.enterVerified('readers', { kind: 'invite', code: invite.code, displayName: 'Ada', acceptNorms: true }, null, null);
    await storage.close();

    const member = await runJson<Member>(['member', 'role', '--circle', 'readers', `--member=${entry.member.id}`, '--role', 'moderator', '--data', data]);
    assert.equal(member.role, 'moderator');
    const members = await runJson<Member[]>(['member', 'list', '--circle', 'readers', '--data', data]);
    assert.deepEqual(members.map((m) => m.role).sort(), ['moderator', 'owner']);

    const out = path.join(dir, 'export.json');
    assert.equal((await run(['export', '--circle', 'readers', '--out', out, '--data', data])).status, 0);
    const text = readFileSync(out, 'utf8');
    const exported = JSON.parse(text) as { circle: { id: string }; members: Member[]; invites: Invite[]; audit: { action: string }[] };
    assert.equal(exported.circle.id, 'readers');
    assert.equal(exported.members.length, 2);
    assert.equal(exported.invites.length, 2);
    assert.ok(exported.audit.length >= 1, 'the role change is in the audit log');
    assert.ok(!text.includes(entry.session.token!), 'no member token in the export');
    assert.ok(!/sso_?secret/i.test(text), 'no sign-on secret in the export');
  });

  it('lists invites by id without their codes, and revokes one by id', async () => {
    const created = await runJson<Invite & { code: string }>(['invite', 'create', '--circle', 'readers', '--expires', 'never', '--data', data]);
    assert.ok(created.code.length >= 21 && created.id !== created.code, 'the code is shown once, beside an id that is not it');
    const listed = await run(['invite', 'list', '--circle', 'readers', '--data', data]);
    assert.equal(listed.status, 0, listed.stderr);
    assert.ok(!listed.stdout.includes(created.code), 'a listing shows no code');
    assert.deepEqual((JSON.parse(listed.stdout) as Invite[]).find((i) => i.id === created.id)?.revoked, false);
    const revoked = await runJson<Invite>(['invite', 'revoke', '--circle', 'readers', `--invite=${created.id}`, '--data', data]);
    assert.equal(revoked.revoked, true);
    assert.equal((await run(['invite', 'revoke', '--circle', 'readers', `--invite=${created.id}`, '--data', data])).status, 1, 'revoking twice is refused');
    const storage = createSqliteStorage({ file: data });
    const service = new CircleService({ storage, fanOut: createInProcessFanOut() });
    await assert.rejects(service.enterVerified('readers', { kind: 'invite', code: created.code, displayName: 'Late', acceptNorms: true }, null, null), { code: 'invite_expired' });
    await storage.close();
  });

  it('explains itself: --help for every command, usage errors exit 2', async () => {
    const bin = cli(['--help']);
    assert.equal(bin.status, 0);
    assert.match(bin.stdout, /circle create/, 'the executable prints the overview');
    for (const command of [[], ['start'], ['circle', 'create'], ['circle', 'sso'], ['invite', 'create'], ['invite', 'list'], ['invite', 'revoke'], ['member', 'role'], ['member', 'list'], ['member', 'remove'], ['member', 'ban'], ['member', 'unban'], ['export'], ['backup']]) {
      const result = await run([...command, '--help']);
      assert.equal(result.status, 0, command.join(' '));
      assert.match(result.stdout, /hearth-server/, command.join(' '));
    }
    const missing = await run(['invite', 'create', '--data', data]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /--circle is required/);
    assert.equal((await run(['frobnicate'])).status, 2);
    assert.equal((await run(['invite', 'create', '--circle', 'readers', '--expires', 'soon', '--data', data])).status, 2);
    const port = await run(['start', '--port', 'eighty']);
    assert.equal(port.status, 2);
    assert.match(port.stderr, /--port must be a whole number/);
  });

  it('circle sso turns sign-on on with a new secret, rotates it (old tokens stop working) and turns it off', async () => {
    const sign = (secret: string, sub: string) =>
      new SignJWT({ sub, name: sub }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(new TextEncoder().encode(secret));
    const enter = async (jwt: string) => {
      const storage = createSqliteStorage({ file: data });
      try {
        return await new CircleService({ storage, fanOut: createInProcessFanOut() }).enter('readers', { kind: 'sso', jwt, acceptNorms: true }, null);
      } finally {
        await storage.close();
      }
    };
    const first = await runJson<{ circle: string; ssoSecret: string }>(['circle', 'sso', '--circle', 'readers', '--data', data]);
    assert.equal(first.circle, 'readers');
    assert.ok(first.ssoSecret.length >= 32);
    const joined = await enter(await sign(first.ssoSecret, 'wren'));
    assert.equal(joined.member.displayName, 'wren');

    const second = await runJson<{ ssoSecret: string }>(['circle', 'sso', '--circle', 'readers', '--data', data]);
    assert.notEqual(second.ssoSecret, first.ssoSecret);
    await assert.rejects(enter(await sign(first.ssoSecret, 'bo')), /not valid for this circle/);
    assert.equal((await enter(await sign(second.ssoSecret, 'wren'))).member.id, joined.member.id, 'the same host-site user is the same member');

    assert.deepEqual(await runJson(['circle', 'sso', '--circle', 'readers', '--off', '--data', data]), { circle: 'readers', ssoSecret: null });
    await assert.rejects(enter(await sign(second.ssoSecret, 'wren')), /does not accept host-site sign-on/);
    const unknown = await run(['circle', 'sso', '--circle', 'nope', '--data', data]);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /not_found/);
  });

  it('backup copies the data file while a server writes to it; the copy starts a server with every acked message', async () => {
    const live = path.join(dir, 'live.db');
    const running = await createHearthServer({ dataFile: live, port: 0, log: () => {} });
    const copy = path.join(dir, 'backup.db');
    try {
      const created = await running.service.createCircle({ id: 'kept', name: 'Kept' });
      for (let i = 0; i < 5; i++) {
        await running.service.execute('kept', created.ownerId, { id: `command-${i}-backup`, type: 'message.post', threadKey: '/kept', threadTitle: 'Kept', messageId: `message-${i}-backup`, body: `message ${i}` } as Command);
      }
      const result = await run(['backup', '--data', live, '--out', copy]);
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /backed up/);
      assert.equal(statSync(copy).mode & 0o777, 0o600, 'only the owner reads the copy');
      const again = await run(['backup', '--data', live, '--out', copy]);
      assert.equal(again.status, 2, 'an existing file is never overwritten');
      assert.match(again.stderr, /already exists/);
    } finally {
      await running.close();
    }
    const restored = await createHearthServer({ dataFile: copy, port: 0, log: () => {} });
    try {
      const bodies = ((await restored.service.exportCircle('kept')) as { messages: { body: string }[] }).messages.map((m) => m.body);
      assert.deepEqual(bodies, [0, 1, 2, 3, 4].map((i) => `message ${i}`));
    } finally {
      await restored.close();
    }
    assert.equal((await run(['backup', '--data', path.join(dir, 'missing.db'), '--out', path.join(dir, 'x.db')])).status, 2);
  });

  describe('member ban, unban and remove: as the owner, audited, and the member\'s open sockets close', () => {
    let t: TestServer;
    after(() => t?.close());

    it('bans a member (their socket closes, their token no longer signs in) and unbans them', async () => {
      t = await startServer();
      const circle = await makeCircle(t);
      const { client, session } = await signIn(t, circle.id, { kind: 'invite', code: circle.inviteCode, displayName: 'Mallory', acceptNorms: true });
      const memberId = session.member.id;

      const banned = await run(['member', 'ban', '--circle', circle.id, `--member=${memberId}`, '--reason', 'spam in every thread', '--data', t.dataFile]);
      assert.equal(banned.status, 0, banned.stderr);
      assert.equal((JSON.parse(banned.stdout) as Member).state, 'banned');
      // The CLI wrote to the server's data file from outside: the server notices and closes the socket.
      const closed = await client.waitClosed(5000);
      assert.equal(closed.reason, 'forbidden');
      await expectRefused(signIn(t, circle.id, { kind: 'token', token: session.token! }), 'forbidden');
      const audit = await stored(t, circle.id, (tx) => tx.repo.listAudit(null, 100));
      const entry = audit.find((e) => e.action === 'mod.ban');
      assert.ok(entry, `the ban is in the audit log: ${JSON.stringify(audit)}`);
      assert.equal(entry.actorId, circle.ownerId, 'made in the owner\'s name');
      assert.equal(entry.targetId, memberId);
      assert.equal(entry.reason, 'spam in every thread');

      const unbanned = await run(['member', 'unban', '--circle', circle.id, `--member=${memberId}`, '--data', t.dataFile]);
      assert.equal(unbanned.status, 0, unbanned.stderr);
      assert.equal((JSON.parse(unbanned.stdout) as Member).state, 'active');
      const back = await signIn(t, circle.id, { kind: 'token', token: session.token! });
      assert.equal(back.session.member.id, memberId, 'an unbanned member signs in again');
      back.client.close();
    });

    it('removes a member: their socket closes, their token is gone, and the removal is audited', async () => {
      const circle = await makeCircle(t);
      const { client, session } = await signIn(t, circle.id, { kind: 'invite', code: circle.inviteCode, displayName: 'Trent', acceptNorms: true });
      const memberId = session.member.id;
      const removed = await run(['member', 'remove', '--circle', circle.id, `--member=${memberId}`, '--data', t.dataFile]);
      assert.equal(removed.status, 0, removed.stderr);
      assert.deepEqual(JSON.parse(removed.stdout), { circle: circle.id, removed: memberId });
      const closed = await client.waitClosed(5000);
      assert.equal(closed.reason, 'unauthorized');
      await expectRefused(signIn(t, circle.id, { kind: 'token', token: session.token! }), 'unauthorized');
      const members = await runJson<Member[]>(['member', 'list', '--circle', circle.id, '--data', t.dataFile]);
      assert.ok(!members.some((m) => m.id === memberId));
      const audit = await stored(t, circle.id, (tx) => tx.repo.listAudit(null, 100));
      assert.ok(audit.some((e) => e.action === 'mod.remove' && e.targetId === memberId && e.actorId === circle.ownerId), JSON.stringify(audit));
    });

    it('refuses what the rules refuse and says so: an unknown member (an id may start with "-"), the owner', async () => {
      const circle = await makeCircle(t);
      const unknown = await run(['member', 'ban', '--circle', circle.id, '--member=-nobody-is-here', '--data', t.dataFile]);
      assert.equal(unknown.status, 1, unknown.stderr);
      assert.match(unknown.stderr, /not_found/);
      const owner = await run(['member', 'remove', '--circle', circle.id, `--member=${circle.ownerId}`, '--data', t.dataFile]);
      assert.equal(owner.status, 1, owner.stderr);
      assert.match(owner.stderr, /forbidden/);
      const missing = await run(['member', 'ban', '--circle', circle.id, '--data', t.dataFile]);
      assert.equal(missing.status, 2);
      assert.match(missing.stderr, /--member is required/);
    });
  });

  describe('input is checked by the protocol\'s own schemas: a refusal names the option, exits 2 and creates nothing', () => {
    const checked = path.join(dir, 'checked.db');
    const circles = async () => {
      const storage = createSqliteStorage({ file: checked });
      try {
        return await storage.listCircleIds();
      } finally {
        await storage.close();
      }
    };
    const invites = async () => ((await runJson<{ invites: Invite[] }>(['export', '--circle', 'good', '--data', checked])).invites.length);
    const refused = async (args: string[], option: string, why: RegExp) => {
      const result = await run([...args, '--data', checked]);
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr.split('\n')[0]!, new RegExp(`${option} ${why.source}`), args.join(' '));
    };
    const create = (extra: string[], id = 'refused') => ['circle', 'create', '--id', id, '--name', 'Refused', ...extra];

    it('sets up a circle to check against', async () => {
      assert.equal((await run(['circle', 'create', '--id', 'good', '--name', 'Good', '--data', checked])).status, 0);
    });
    it('an owner name with a tab', async () => {
      await refused(create(['--owner-name', 'Ann\tSmith']), '--owner-name', /.*control characters/);
      assert.deepEqual(await circles(), ['good']);
    });
    it('an owner name of 200 characters', async () => {
      await refused(create(['--owner-name', 'a'.repeat(200)]), '--owner-name', /.*at most 40 characters/);
      assert.deepEqual(await circles(), ['good']);
    });
    it('a circle name with a newline', async () => {
      await refused(['circle', 'create', '--id', 'refused', '--name', 'Two\nlines'], '--name', /.*single line/);
      assert.deepEqual(await circles(), ['good']);
    });
    it('a circle name of 300 characters', async () => {
      await refused(['circle', 'create', '--id', 'refused', '--name', 'n'.repeat(300)], '--name', /.*at most 80 characters/);
      assert.deepEqual(await circles(), ['good']);
    });
    it('a description of 600 characters, norms with a control character', async () => {
      await refused(create(['--description', 'd'.repeat(600)]), '--description', /.*at most 500 characters/);
      await refused(create(['--norms', 'Be kind\u0007']), '--norms', /.*control characters/);
      assert.deepEqual(await circles(), ['good']);
    });
    it('an id that is no slug: ../Evil', async () => {
      await refused(create([], '../Evil'), '--id', /.*lower-case slug/);
      assert.deepEqual(await circles(), ['good']);
    });
    it('a member cap of 0', async () => {
      await refused(create(['--cap', '0']), '--cap', /.*at least 1/);
      assert.deepEqual(await circles(), ['good']);
    });
    it('a first invite that lives 8 days or has 0 uses (before the circle is made)', async () => {
      await refused(create(['--invite-expires', '8d']), '--invite-expires', /.*at most 7 days/);
      await refused(create(['--invite-max-uses', '0']), '--invite-max-uses', /.*at least 1/);
      assert.deepEqual(await circles(), ['good']);
    });
    it('an invite that lives 8 days', async () => {
      const before = await invites();
      await refused(['invite', 'create', '--circle', 'good', '--expires', '8d'], '--expires', /.*at most 7 days/);
      assert.equal(await invites(), before);
    });
    it('an invite of 0 uses', async () => {
      const before = await invites();
      await refused(['invite', 'create', '--circle', 'good', '--max-uses', '0'], '--max-uses', /.*at least 1/);
      assert.equal(await invites(), before);
    });
    it('the service under the CLI refuses the same, for any other caller of its administration methods', async () => {
      const storage = createSqliteStorage({ file: checked });
      try {
        const service = new CircleService({ storage, fanOut: createInProcessFanOut() });
        await assert.rejects(service.createInvite('good', { maxUses: 0 }), (error: Error & { code?: string }) => error.code === 'invalid' && /maxUses/.test(error.message));
        await assert.rejects(service.createInvite('good', { expiresInMs: 8 * 86_400_000 }), (error: Error & { code?: string }) => error.code === 'invalid');
      } finally {
        await storage.close();
      }
      assert.equal(await invites(), 1);
    });
    it('a circle id, member id or reason that the protocol would refuse', async () => {
      await refused(['invite', 'create', '--circle', '../Evil'], '--circle', /.*lower-case slug/);
      await refused(['member', 'ban', '--circle', 'good', '--member=a b'], '--member', /must be/);
      await refused(['member', 'ban', '--circle', 'good', '--member=abcdefgh1', '--reason', 'r'.repeat(501)], '--reason', /.*at most 500 characters/);
    });
  });

  it('takes PostgreSQL and NATS for several processes, and says what it expects', async () => {
    const help = await run(['start', '--help']);
    for (const option of ['--database URL', '--nats URL', '--pool-size', '--log-format', '--metrics', '--drain-timeout-ms', '/readyz']) {
      assert.ok(help.stdout.includes(option), `start --help mentions ${option}`);
    }
    const wrongDb = await run(['member', 'list', '--circle', 'readers', '--database', 'mysql://db/hearth']);
    assert.equal(wrongDb.status, 2);
    assert.match(wrongDb.stderr, /--database takes a PostgreSQL URL/);
    const both = await run(['member', 'list', '--circle', 'readers', '--data', data, '--database', 'postgres://db/hearth']);
    assert.equal(both.status, 2);
    assert.match(both.stderr, /not both/);
    const wrongNats = await run(['start', '--database', 'postgres://db/hearth', '--nats', 'http://nats:4222']);
    assert.equal(wrongNats.status, 2);
    assert.match(wrongNats.stderr, /--nats takes NATS server URLs/);
    const format = await run(['start', '--log-format', 'xml']);
    assert.equal(format.status, 2);
  });
});
