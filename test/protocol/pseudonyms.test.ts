// `pseudonymsAllowed: false` means members are known by the name their host site gives them: only host-site
// sign-on seats newcomers (under the host's name, followed at each sign-on), nobody picks or changes a name
// in the circle; invite, link and join-request admission are refused. `true` (the default) changes nothing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { harness } from './rules-harness.js';

const named = { slowModeSeconds: 0, pseudonymsAllowed: false };

describe('pseudonymsAllowed: false', () => {
  it('refuses invite, link and join-request admission with `forbidden`; sign-on still seats people under the host name', () => {
    const h = harness({ circle: { settings: named } });
    const refusals = [
      h.admitRefused({ kind: 'invite', code: h.inviteCode(), displayName: 'Anyone' }, 'forbidden'),
      harness({ circle: { settings: named, access: 'open-link' } }).admitRefused({ kind: 'link', displayName: 'Anyone' }, 'forbidden'),
      harness({ circle: { settings: named, access: 'request' } }).admitRefused({ kind: 'request', displayName: 'Anyone' }, 'forbidden'),
    ];
    for (const refusal of refusals) assert.match(refusal.message, /sign-on/);
    const signedOn = h.admitNow({ kind: 'sso', memberId: 'sso_named-reader-0000001', displayName: 'Grace Hopper' });
    assert.equal(signedOn.ok, true);
    // The host's name is followed at the next sign-on.
    const renamed = h.admitNow({ kind: 'sso', memberId: 'sso_named-reader-0000001', displayName: 'Grace B. Hopper' });
    assert.equal((renamed as { member: { displayName: string } }).member.displayName, 'Grace B. Hopper');
  });

  it('refuses a rename (`forbidden` on command.displayName) but not flair', () => {
    const h = harness();
    const member = h.join('Bob');
    h.ok(h.owner.id, { type: 'circle.update', settings: { pseudonymsAllowed: false } });
    h.refused(member.id, { type: 'member.update', displayName: 'Robert' }, 'forbidden', 'command.displayName');
    h.refused(h.owner.id, { type: 'member.update', displayName: 'Boss' }, 'forbidden', 'command.displayName');
    h.ok(member.id, { type: 'member.update', flair: 'reader' });
    h.ok(member.id, { type: 'member.update', displayName: 'Bob', flair: 'fan' });
  });

  it('refuses approving a join request made before the setting changed', () => {
    const h = harness({ circle: { access: 'request' } });
    const asked = h.admitNow({ kind: 'request', displayName: 'Pat' });
    assert.equal(asked.ok, 'pending');
    h.ok(h.owner.id, { type: 'circle.update', settings: { pseudonymsAllowed: false } });
    h.refused(h.owner.id, { type: 'request.approve', requestId: (asked as { request: { id: string } }).request.id }, 'forbidden');
  });

  it('with the default (true), invite joins and renames work as before', () => {
    const h = harness();
    const member = h.join('Bob');
    h.ok(member.id, { type: 'member.update', displayName: 'Robert' });
  });
});
