// What one member cannot get out of the store through another's command record, and what a copy of the data
// file does not give away: a command id's ack belongs to its author; invite codes are kept only as hashes.
// A real server on 127.0.0.1 with a real SQLite file, spoken to over real WebSockets.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { nanoid } from 'nanoid';
import { RawClient, inviteCredentials, makeCircle, signIn, startServer, type TestServer } from './helpers.js';

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
