// The site `npm start` runs (scripts/demo-site.ts): what its first run creates, what later runs keep, and how
// a data folder from before the sign-on example is brought up to date.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CircleService, createInProcessFanOut, createSqliteStorage } from '@hearth/server';
import { startDemoSite } from '../../scripts/demo-site.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hearth-demo-site-'));
  dirs.push(dir);
  return dir;
};
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the npm start site', () => {
  it('makes the demo circle with sign-on, an invite and demo.json on the first run, and keeps them on the next', async () => {
    const dataDir = tempDir();
    const first = await startDemoSite({ dataDir, port: 0, log: () => {} });
    const secret = await first.server.storage.read('demo', (tx) => tx.serverSettings().ssoSecret);
    await first.close();
    assert.ok(secret && secret.length >= 32, 'a sign-on secret was generated');
    const saved = JSON.parse(readFileSync(path.join(dataDir, 'demo.json'), 'utf8')) as { ownerToken: string; inviteCode: string };
    assert.equal(saved.ownerToken, first.demo.ownerToken);
    assert.equal(saved.inviteCode, first.demo.inviteCode);
    assert.ok(!readFileSync(path.join(dataDir, 'demo.json'), 'utf8').includes(secret!), 'the secret stays in the data file');
    assert.equal(statSync(path.join(dataDir, 'demo.json')).mode & 0o777, 0o600);

    const second = await startDemoSite({ dataDir, port: 0, log: () => {} });
    try {
      assert.equal(second.demo.inviteCode, first.demo.inviteCode, 'the same invitation link');
      assert.equal(await second.server.storage.read('demo', (tx) => tx.serverSettings().ssoSecret), secret, 'the same secret');
      assert.notEqual(second.example.inviteCode, first.example.inviteCode, 'the custom transport backend starts afresh');
    } finally {
      await second.close();
    }
  });

  it('gives a demo circle made before the sign-on example (or elsewhere) a secret and an invite', async () => {
    const dataDir = tempDir();
    const storage = createSqliteStorage({ file: path.join(dataDir, 'hearth.db') });
    const service = new CircleService({ storage, fanOut: createInProcessFanOut() });
    await service.createCircle({ id: 'demo', name: 'Demo circle' });
    await storage.close();

    const site = await startDemoSite({ dataDir, port: 0, log: () => {} });
    try {
      assert.ok(await site.server.service.hasSso('demo'), 'sign-on turned on');
      assert.equal(site.demo.ownerToken, null, 'the owner token of a circle made elsewhere is not known');
      const invite = await site.server.storage.read('demo', (tx) => tx.repo.findInviteByCode(site.demo.inviteCode));
      assert.equal(invite?.expiresAt, null, 'an invite that does not expire');
    } finally {
      await site.close();
    }
  });
});
