// The `hearth-server` CLI on a data file: circle create, invite create/list/revoke, member list/role, export, --help.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { SignJWT } from 'jose';
import { CircleService, createHearthServer, createInProcessFanOut, createSqliteStorage, runCli } from '@hearth/server';
import type { Command, Invite, Member } from '@hearth/protocol';
import { tempDir } from './helpers.js';
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
    for (const command of [[], ['start'], ['circle', 'create'], ['circle', 'sso'], ['invite', 'create'], ['invite', 'list'], ['invite', 'revoke'], ['member', 'role'], ['member', 'list'], ['export'], ['backup']]) {
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
