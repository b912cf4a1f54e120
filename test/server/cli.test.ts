// The `hearth-server` CLI on a data file: circle create, invite create, member list/role, export, --help.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync, rmSync } from 'node:fs';
import { CircleService, createInProcessFanOut, createSqliteStorage, runCli } from '@hearth/server';
import type { Invite, Member } from '@hearth/protocol';
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
    const invite = await runJson<Invite>(['invite', 'create', '--circle', 'readers', '--max-uses', '1', '--expires', '7d', '--data', data]);
    assert.equal(invite.maxUses, 1);
    assert.ok(invite.expiresAt! - invite.createdAt === 7 * 86_400_000);

    // A reader joins (through the service on the same file, as the running server would).
    const storage = createSqliteStorage({ file: data });
    const service = new CircleService({ storage, fanOut: createInProcessFanOut() });
    const entry = await service.enterVerified('readers', { kind: 'invite', code: invite.code, displayName: 'Ada', acceptNorms: true }, null, null);
    await storage.close();

    const member = await runJson<Member>(['member', 'role', '--circle', 'readers', '--member', entry.member.id, '--role', 'moderator', '--data', data]);
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

  it('explains itself: --help for every command, usage errors exit 2', async () => {
    const bin = cli(['--help']);
    assert.equal(bin.status, 0);
    assert.match(bin.stdout, /circle create/, 'the executable prints the overview');
    for (const command of [[], ['start'], ['circle', 'create'], ['invite', 'create'], ['member', 'role'], ['member', 'list'], ['export']]) {
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
