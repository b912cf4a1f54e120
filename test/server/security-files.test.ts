// Files the server and the CLI write hold every message and the sign-on secrets: each is created readable by
// its owner only (0600), atomically, never through a symbolic link, whatever the umask. These tests run under
// umask 022 (the usual default, which leaves new files world-readable) with the real server and CLI.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { createHearthServer, createLogger, runCli } from '@hearth/server';
import { nanoid } from 'nanoid';
import { makeCircle, signIn, startServer, tempDir } from './helpers.js';
import { startServerProcess } from './process.js';

const dir = tempDir('hearth-files-');
let umaskBefore = 0;
before(() => {
  umaskBefore = process.umask(0o022);
});
after(() => {
  process.umask(umaskBefore);
  rmSync(dir, { recursive: true, force: true });
});

const modeOf = (file: string) => statSync(file).mode & 0o777;
const octal = (mode: number) => `0${mode.toString(8)}`;

async function run(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(args, { out: (text) => void (stdout += text), err: (text) => void (stderr += text) });
  return { status, stdout, stderr };
}

/** A data file with one circle, made by the CLI (which creates the file). */
async function circleFile(name: string): Promise<string> {
  const data = path.join(dir, name);
  const created = await run(['circle', 'create', '--id', 'files', '--name', 'Files', '--data', data]);
  assert.equal(created.status, 0, created.stderr);
  return data;
}

describe('files the server and CLI write are private (umask 022)', () => {
  it('start: the data file, its WAL and SHM are 0600, and a data directory it creates is 0700', async () => {
    const dataDir = path.join(dir, 'start', 'data');
    const data = path.join(dataDir, 'hearth.db');
    const server = await startServerProcess(data);
    try {
      assert.equal(modeOf(dataDir), 0o700, `the data directory is ${octal(modeOf(dataDir))}`);
      for (const file of [data, `${data}-wal`, `${data}-shm`]) {
        assert.ok(existsSync(file), `${path.basename(file)} exists while the server runs`);
        assert.equal(modeOf(file), 0o600, `${path.basename(file)} is ${octal(modeOf(file))}`);
      }
    } finally {
      await server.kill('SIGTERM');
    }
  });

  it('the CLI creates a new data file 0600', async () => {
    const data = await circleFile('cli.db');
    assert.equal(modeOf(data), 0o600, `the data file is ${octal(modeOf(data))}`);
  });

  it('start tightens a world-readable data file (and a WAL left by a crash) to 0600 and says so', async () => {
    const data = path.join(dir, 'loose.db');
    const old = new Database(data);
    old.pragma('journal_mode = WAL');
    old.exec('CREATE TABLE leftover (x); INSERT INTO leftover VALUES (1)');
    // Copy the files as a crash would leave them (the WAL still there), before the clean close removes it.
    const wal = readFileSync(`${data}-wal`);
    old.close();
    writeFileSync(`${data}-wal`, wal);
    chmodSync(data, 0o644);
    chmodSync(`${data}-wal`, 0o644);
    const lines: string[] = [];
    const server = await createHearthServer({ dataFile: data, port: 0, logger: createLogger({ write: (line) => void lines.push(line) }) });
    try {
      assert.equal(modeOf(data), 0o600, `the data file is ${octal(modeOf(data))}`);
      assert.equal(modeOf(`${data}-wal`), 0o600, `the WAL is ${octal(modeOf(`${data}-wal`))}`);
      const said = lines.map((line) => JSON.parse(line) as { level: string; msg: string; file?: string; mode?: string });
      const tightened = said.filter((entry) => /readable by other users/.test(entry.msg));
      assert.deepEqual(tightened.map((entry) => [entry.level, entry.file, entry.mode]).sort(), [['warn', data, '0644'], ['warn', `${data}-wal`, '0644']]);
    } finally {
      await server.close();
    }
  });

  it('backup: the copy is 0600, and no file of it is ever readable by others while it is written', async () => {
    // Big enough that SQLite's online backup takes many steps, with turns of the event loop between them.
    const data = path.join(dir, 'big.db');
    const db = new Database(data);
    db.exec('CREATE TABLE filler (x BLOB)');
    const insert = db.prepare('INSERT INTO filler VALUES (randomblob(3000))');
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run();
    })();
    db.close();
    const outDir = path.join(dir, 'backups');
    mkdirSync(outDir);
    const out = path.join(outDir, 'copy.db');

    const seen: string[] = [];
    const exposed: string[] = [];
    let watching = true;
    const look = (where: string) => {
      for (const name of readdirSync(where)) {
        const full = path.join(where, name);
        try {
          const stat = lstatSync(full);
          seen.push(full);
          if (stat.isDirectory() ? (stat.mode & 0o077) !== 0 : (stat.mode & 0o077) !== 0) exposed.push(`${full} ${octal(stat.mode & 0o777)}`);
          if (stat.isDirectory()) look(full);
        } catch {
          // Gone between the listing and the look: renamed or removed, nothing to check.
        }
      }
    };
    const watch = () => {
      if (!watching) return;
      look(outDir);
      setImmediate(watch);
    };
    watch();
    const result = await run(['backup', '--data', data, '--out', out]);
    watching = false;
    assert.equal(result.status, 0, result.stderr);
    assert.ok(seen.length > 3, `the watch saw the backup being written (${seen.length} looks)`);
    assert.deepEqual(exposed, [], 'nothing of the backup was readable by other users while written');
    assert.equal(modeOf(out), 0o600);
    assert.deepEqual(readdirSync(outDir), ['copy.db'], 'nothing is left beside the copy');
  });

  it('backup refuses a symbolic link at --out, even a dangling one, and writes nothing through it', async () => {
    const data = await circleFile('linked.db');
    const target = path.join(dir, 'backup-target.db');
    const link = path.join(dir, 'backup-link.db');
    symlinkSync(target, link);
    const result = await run(['backup', '--data', data, '--out', link]);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /--out .*symbolic link/);
    assert.ok(!existsSync(target), 'nothing was written through the link');
    assert.ok(lstatSync(link).isSymbolicLink());
  });

  it('export: a new file is 0600, an existing file is replaced by a 0600 one, a symbolic link is refused', async () => {
    const data = await circleFile('export.db');
    const out = path.join(dir, 'export.json');
    assert.equal((await run(['export', '--circle', 'files', '--out', out, '--data', data])).status, 0);
    assert.equal(modeOf(out), 0o600, `a new export is ${octal(modeOf(out))}`);
    assert.equal((JSON.parse(readFileSync(out, 'utf8')) as { circle: { id: string } }).circle.id, 'files');

    const older = path.join(dir, 'older.json');
    writeFileSync(older, 'an older export', { mode: 0o644 });
    chmodSync(older, 0o644);
    assert.equal((await run(['export', '--circle', 'files', '--out', older, '--data', data])).status, 0);
    assert.equal(modeOf(older), 0o600, `an overwritten export is ${octal(modeOf(older))}`);
    assert.match(readFileSync(older, 'utf8'), /hearth-circle-export/);

    const target = path.join(dir, 'someone-elses.txt');
    writeFileSync(target, 'not yours');
    chmodSync(target, 0o644);
    const link = path.join(dir, 'export-link.json');
    symlinkSync(target, link);
    const result = await run(['export', '--circle', 'files', '--out', link, '--data', data]);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /--out .*symbolic link/);
    assert.equal(readFileSync(target, 'utf8'), 'not yours', 'the link target is untouched');
    assert.equal(modeOf(target), 0o644);
    assert.ok(lstatSync(link).isSymbolicLink(), 'the link itself is left alone');
    assert.deepEqual(readdirSync(dir).filter((name) => name.startsWith('.')), [], 'no temporary file is left behind');
  });
});

describe('deleted text leaves the data file, its WAL and SHM', () => {
  it('a deleted message (short, and long enough to overflow a page, edited first) and the words an edit replaced are in none of the files once acknowledged', async () => {
    const t = await startServer();
    try {
      const circle = await makeCircle(t);
      const { client } = await signIn(t, circle.id, { kind: 'invite', code: circle.inviteCode, displayName: 'Quinn', acceptNorms: true });
      const files = [t.dataFile, `${t.dataFile}-wal`, `${t.dataFile}-shm`];
      const holding = (marker: string) => files.filter((file) => existsSync(file) && readFileSync(file).includes(Buffer.from(marker)));
      const short = `short-secret-${nanoid(10)}`;
      const long = `long-secret-${nanoid(10)}`;
      const edited = `edited-secret-${nanoid(10)}`;
      const shortId = nanoid();
      const longId = nanoid();
      const created = await client.command({ type: 'thread.create', threadId: nanoid(), title: 'Thread' });
      assert.equal(created.ok, true);
      const threadId = (client.frames.find((f) => f.type === 'event' && f.event.type === 'thread.upserted') as { event: { thread: { id: string } } } | undefined)?.event.thread.id;
      assert.ok(threadId);
      assert.equal((await client.command({ type: 'message.post', messageId: shortId, threadId, body: `${short} and more` })).ok, true);
      const body = `${'x'.repeat(1800)} ${long} ${'y'.repeat(1800)}`;
      assert.equal((await client.command({ type: 'message.post', messageId: longId, threadId, body })).ok, true);
      assert.ok(holding(long).length > 0, 'the words to be edited away are stored (the scan works)');
      // An edit erases the words it replaced, and is acknowledged only once they are gone from every file.
      assert.equal((await client.command({ type: 'message.edit', messageId: longId, body: body.replace(long, edited) })).ok, true);
      assert.deepEqual(holding(long), [], 'the words an edit replaced are gone from every file');
      // A neighbour that stays: the checkpoint must not take what was not deleted.
      const kept = `kept-${nanoid(10)}`;
      assert.equal((await client.command({ type: 'message.post', messageId: nanoid(), threadId, body: kept })).ok, true);
      for (const marker of [short, edited, kept]) assert.ok(holding(marker).length > 0, `${marker} is stored before the deletion (the scan works)`);

      assert.equal((await client.command({ type: 'message.delete', messageId: shortId })).ok, true);
      assert.equal((await client.command({ type: 'message.delete', messageId: longId })).ok, true);
      for (const marker of [short, long, edited]) assert.deepEqual(holding(marker), [], `${marker} is gone from every file once its deletion is acknowledged`);
      assert.ok(holding(kept).length > 0, 'the message not deleted is still there');
      client.close();
    } finally {
      await t.close();
    }
  });
});
