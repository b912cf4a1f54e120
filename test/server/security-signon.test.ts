// Host-site sign-on against a real server over real sockets (SQLite file): the claims of a JWT signed with
// the circle's secret are still untrusted input. A bad name, a non-string `sub` or a far `exp` is refused with
// a stable code and changes nothing, and the circle keeps working for everyone else; a removed sign-on user
// stays out until a moderator lets them back.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { parseServerFrame, type ServerFrame } from '@hearth/protocol';
import { ssoMemberId } from '@hearth/server';
import { RawClient, expectRefused, inviteCredentials, makeCircle, startServer, stored, type TestCircle, type TestServer } from './helpers.js';

let t: TestServer;
const clients: RawClient[] = [];

before(async () => {
  t = await startServer();
});
after(async () => {
  for (const c of clients) c.close();
  await t.close();
});

const nowSeconds = () => Math.floor(t.clock.now / 1000);

function sign(secret: string, claims: Record<string, unknown>, expSeconds: number | null = nowSeconds() + 600) {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' });
  if (expSeconds !== null) jwt.setExpirationTime(expSeconds);
  return jwt.sign(new TextEncoder().encode(secret));
}

async function open(): Promise<RawClient> {
  const client = await RawClient.open(t);
  clients.push(client);
  return client;
}

async function ssoHello(circle: TestCircle, jwt: string) {
  return (await open()).hello(circle.id, { kind: 'sso', jwt, acceptNorms: true });
}

/**
 * Signs the owner in over a fresh socket and checks the welcome frame the way every widget does: through the
 * protocol's server-frame schema. Returns the parsed session.
 */
async function ownerWelcome(circle: TestCircle) {
  const client = await open();
  client.send({ type: 'hello', circle: circle.id, credentials: circle.owner, cursor: null });
  const frame = await client.nextOf(['welcome', 'error']);
  assert.equal(frame.type, 'welcome', JSON.stringify(frame));
  const parsed = parseServerFrame(JSON.parse(JSON.stringify(frame)) as ServerFrame);
  assert.ok(parsed.ok, `the welcome frame must parse: ${JSON.stringify(!parsed.ok && parsed.error)}`);
  return (frame as Extract<ServerFrame, { type: 'welcome' }>).session;
}

describe('sign-on claims are validated', () => {
  it('refuses a name with any control character (every C0, DEL, C1) with `invalid`, and the circle keeps working', async () => {
    const circle = await makeCircle(t, { sso: true });
    const controls = [...Array.from({ length: 0x20 }, (_, i) => i), 0x7f, 0x85, 0x9f].map((c) => String.fromCharCode(c));
    for (const control of controls) {
      const code = control.charCodeAt(0).toString(16).padStart(4, '0');
      const jwt = await sign(circle.ssoSecret!, { sub: `user-${code}`, name: `Bad${control}Name` });
      const refusal = await expectRefused(ssoHello(circle, jwt), 'invalid');
      assert.equal((refusal as { field?: string }).field, 'credentials.jwt', `U+${code}`);
    }
    // The names the issue saw break every widget, again by name: tab, newline, NUL.
    for (const name of ['Tab\there', 'New\nline', 'Nul\u0000byte']) {
      await expectRefused(ssoHello(circle, await sign(circle.ssoSecret!, { sub: `named-${name.length}`, name })), 'invalid');
    }
    const members = await stored(t, circle.id, (tx) => tx.repo.listMembers());
    assert.equal(members.length, 1, 'nothing was stored: only the owner');
    // Another member still signs on, and the owner still gets a welcome every widget can parse.
    const good = await ssoHello(circle, await sign(circle.ssoSecret!, { sub: 'good-reader', name: 'Grace' }));
    assert.equal(good.member.displayName, 'Grace');
    const session = await ownerWelcome(circle);
    assert.deepEqual(session.members.map((m) => m.displayName).sort(), ['Grace', 'Owner']);
  });

  it('a bad name stored before these rules does not make the welcome unreadable for the others', async () => {
    const circle = await makeCircle(t, { sso: true });
    // As an older server stored it: a sign-on name with a tab and a NUL, written straight into the store.
    await t.server.storage.write(circle.id, (tx) => tx.repo.putMember({
      id: ssoMemberId('old-reader'), displayName: 'Old\treader\u0000', role: 'member', flair: null, state: 'active', mutedUntil: null, joinedAt: t.clock.now,
    }));
    const session = await ownerWelcome(circle);
    assert.ok(session.members.some((m) => m.displayName === 'Old\treader\u0000'));
  });

  it('refuses a name that is blank or invisible once normalised, or carries bidi controls', async () => {
    const circle = await makeCircle(t, { sso: true });
    for (const name of ['   ', '\u200B\u200B', '\u2066Ann\u2069', 'An\u202En', '\uFE0F']) {
      await expectRefused(ssoHello(circle, await sign(circle.ssoSecret!, { sub: 'someone', name })), 'invalid');
    }
    assert.equal((await stored(t, circle.id, (tx) => tx.repo.listMembers())).length, 1);
  });

  it('stores the name normalised (NFKC), cut to the display-name length', async () => {
    const circle = await makeCircle(t, { sso: true });
    const wide = await ssoHello(circle, await sign(circle.ssoSecret!, { sub: 'wide', name: 'Ｇｒａｃｅ' }));
    assert.equal(wide.member.displayName, 'Grace');
    const long = await ssoHello(circle, await sign(circle.ssoSecret!, { sub: 'long', name: 'L'.repeat(100) }));
    assert.equal(long.member.displayName, 'L'.repeat(40));
  });

  it('refuses a sub that is not a non-empty string of at most 256 characters with `invalid`, not `internal`', async () => {
    const circle = await makeCircle(t, { sso: true });
    for (const sub of [42, true, { id: 1 }, ['a'], '', 'x'.repeat(257)]) {
      const refusal = await expectRefused(ssoHello(circle, await sign(circle.ssoSecret!, { sub, name: 'Numbers' })), 'invalid');
      assert.equal((refusal as { field?: string }).field, 'credentials.jwt');
    }
    assert.equal((await stored(t, circle.id, (tx) => tx.repo.listMembers())).length, 1);
  });

  it('refuses a token that lives longer than 24 hours (from iat, or from now without iat) with `unauthorized`', async () => {
    const circle = await makeCircle(t, { sso: true });
    const century = nowSeconds() + 100 * 365 * 24 * 3600;
    await expectRefused(ssoHello(circle, await sign(circle.ssoSecret!, { sub: 'far', name: 'Far' }, century)), 'unauthorized');
    const dayAndMore = nowSeconds() + 24 * 3600 + 120;
    await expectRefused(ssoHello(circle, await sign(circle.ssoSecret!, { sub: 'far', name: 'Far' }, dayAndMore)), 'unauthorized');
    // Issued long ago for a long life: its lifetime counts from iat, even if little of it is left.
    const oldIat = nowSeconds() - 3 * 24 * 3600;
    await expectRefused(ssoHello(circle, await sign(circle.ssoSecret!, { sub: 'far', name: 'Far', iat: oldIat }, nowSeconds() + 600)), 'unauthorized');
    assert.equal((await stored(t, circle.id, (tx) => tx.repo.listMembers())).length, 1);
    // A day exactly, issued now, is fine.
    const day = await ssoHello(circle, await sign(circle.ssoSecret!, { sub: 'day', name: 'Day', iat: nowSeconds() }, nowSeconds() + 24 * 3600));
    assert.equal(day.member.id, ssoMemberId('day'));
  });
});

describe('a removed or banned sign-on user stays out', () => {
  async function ownerSocket(circle: TestCircle) {
    const client = await open();
    await client.hello(circle.id, circle.owner);
    return client;
  }

  it('refuses a removed user coming back with the same JWT (`forbidden`) until a moderator lets them back with mod.unban', async () => {
    const circle = await makeCircle(t, { sso: true });
    const jwt = await sign(circle.ssoSecret!, { sub: 'removed-reader', name: 'Rex' });
    const first = await ssoHello(circle, jwt);
    const owner = await ownerSocket(circle);
    const removed = await owner.command({ type: 'mod.remove', memberId: first.member.id, reason: 'spam' });
    assert.equal(removed.ok, true, JSON.stringify(removed));

    await expectRefused(ssoHello(circle, jwt), 'forbidden');
    await expectRefused(ssoHello(circle, await sign(circle.ssoSecret!, { sub: 'removed-reader', name: 'Rex Again' })), 'forbidden');
    assert.equal(await stored(t, circle.id, (tx) => tx.repo.getMember(first.member.id)), undefined, 'still removed');

    const letBack = await owner.command({ type: 'mod.unban', memberId: first.member.id, reason: 'second chance' });
    assert.equal(letBack.ok, true, JSON.stringify(letBack));
    const back = await ssoHello(circle, jwt);
    assert.equal(back.member.id, first.member.id);
    assert.equal(back.member.state, 'active');
  });

  it('refuses a banned user with `forbidden`; unban lets them in again', async () => {
    const circle = await makeCircle(t, { sso: true });
    const jwt = await sign(circle.ssoSecret!, { sub: 'banned-reader', name: 'Bea' });
    const first = await ssoHello(circle, jwt);
    const owner = await ownerSocket(circle);
    assert.equal((await owner.command({ type: 'mod.ban', memberId: first.member.id, reason: 'abuse' })).ok, true);
    await expectRefused(ssoHello(circle, jwt), 'forbidden');
    assert.equal((await owner.command({ type: 'mod.unban', memberId: first.member.id })).ok, true);
    assert.equal((await ssoHello(circle, jwt)).member.state, 'active');
  });

  it('a member who left by themselves may sign on again', async () => {
    const circle = await makeCircle(t, { sso: true });
    const jwt = await sign(circle.ssoSecret!, { sub: 'leaver', name: 'Lee' });
    const client = await open();
    await client.hello(circle.id, { kind: 'sso', jwt, acceptNorms: true });
    assert.equal((await client.command({ type: 'member.leave' })).ok, true);
    assert.equal((await ssoHello(circle, jwt)).member.displayName, 'Lee');
  });
});

describe('names that impersonate, over the real server', () => {
  it('refuses "Аnn" (Cyrillic А) beside the owner "Ann" by invite, by sign-on and by rename, with `conflict` on the field', async () => {
    const circle = await makeCircle(t, { sso: true, ownerName: 'Ann' });
    const cyrillicAnn = '\u0410nn';
    const refusal = await expectRefused((await open()).hello(circle.id, inviteCredentials(circle.inviteCode, cyrillicAnn)), 'conflict');
    assert.equal((refusal as { field?: string }).field, 'credentials.displayName');
    await expectRefused(ssoHello(circle, await sign(circle.ssoSecret!, { sub: 'look-alike', name: cyrillicAnn })), 'conflict');
    const member = await open();
    await member.hello(circle.id, inviteCredentials(circle.inviteCode, 'Bob'));
    const ack = await member.command({ type: 'member.update', displayName: cyrillicAnn });
    assert.equal(ack.ok, false);
    assert.deepEqual(!ack.ok && [ack.error.code, ack.error.field], ['conflict', 'command.displayName']);
    assert.deepEqual((await stored(t, circle.id, (tx) => tx.repo.listMembers())).map((m) => m.displayName).sort(), ['Ann', 'Bob']);
  });
});
