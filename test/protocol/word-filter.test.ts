// The word filter covers every text a member can make others see — message body, content warning, thread
// title and page key, display name (every way in), flair, join-request note — and matches after the same
// normalisation names get: NFKC (full-width letters), invisible characters dropped, case ignored.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { admit } from '@hearth/protocol/rules';
import { harness } from './rules-harness.js';

const wordFilter = { banned: ['darn'], suspect: ['heck'] };
/** Ways to write "darn" that read as it: full-width, zero-width space and joiner inside, soft hyphen, upper case. */
const DISGUISED = ['ｄａｒｎ', 'da\u200Brn', 'd\u200Darn', 'dar\u00ADn', 'DARN', 'Ｄａｒｎ'];

describe('word filter: every field a member makes others see', () => {
  it('refuses a banned word in a thread key, whether the thread is made by thread.create or by a first post', () => {
    const h = harness({ wordFilter });
    h.refused(h.owner.id, { type: 'thread.create', threadId: h.newId(), title: 'Fine', key: '/posts/darn-it' }, 'forbidden', 'command.key');
    h.refused(h.owner.id, { type: 'message.post', messageId: h.newId(), threadKey: '/posts/darn', body: 'hello' }, 'forbidden', 'command.threadKey');
    // An untitled page thread is named after its key: the key is screened like the title it becomes.
    h.ok(h.owner.id, { type: 'message.post', messageId: h.newId(), threadKey: '/posts/fine', body: 'hello' });
  });

  it('refuses disguised banned words in a body, a content warning and a title', () => {
    const h = harness({ wordFilter });
    const threadId = h.thread();
    for (const word of DISGUISED) {
      h.refused(h.owner.id, { type: 'message.post', messageId: h.newId(), threadId, body: `oh ${word} it` }, 'forbidden', 'command.body');
      h.refused(h.owner.id, { type: 'message.post', messageId: h.newId(), threadId, body: 'hi', contentWarning: `${word}!` }, 'forbidden', 'command.contentWarning');
      h.refused(h.owner.id, { type: 'thread.create', threadId: h.newId(), title: `${word} news` }, 'forbidden', 'command.title');
    }
  });

  it('holds a post whose suspect word is disguised', () => {
    const h = harness({ wordFilter });
    const threadId = h.thread();
    const { ack } = h.ok(h.owner.id, { type: 'message.post', messageId: h.newId(), threadId, body: 'what the ｈｅｃｋ' });
    assert.deepEqual(ack.result, { held: true });
  });

  it('refuses a banned word in a display name, by every way in (`forbidden` on the name field)', () => {
    const h = harness({ wordFilter });
    for (const word of ['Darn Ann', 'ｄａｒｎ', 'Da\u200Drn']) {
      h.admitRefused({ kind: 'invite', code: h.inviteCode(), displayName: word }, 'forbidden', 'credentials.displayName');
      h.admitRefused({ kind: 'sso', memberId: 'sso_word-filter-0000000001', displayName: word }, 'forbidden', 'credentials.displayName');
    }
    const open = harness({ wordFilter, circle: { access: 'open-link' } });
    open.admitRefused({ kind: 'link', displayName: 'darn' }, 'forbidden', 'credentials.displayName');
    const asking = harness({ wordFilter, circle: { access: 'request' } });
    asking.admitRefused({ kind: 'request', displayName: 'darn' }, 'forbidden', 'credentials.displayName');
    const member = h.join('Bob');
    h.refused(member.id, { type: 'member.update', displayName: 'ｄａｒｎ' }, 'forbidden', 'command.displayName');
  });

  it('a sign-on user whose host name carries a banned word keeps the name they had', () => {
    const h = harness({ wordFilter });
    const first = h.repo.transaction(() => admit(h.ctx(), { kind: 'sso', memberId: 'sso_word-filter-0000000002', displayName: 'Reader' }));
    assert.equal(first.ok, true);
    const again = h.repo.transaction(() => admit(h.ctx(), { kind: 'sso', memberId: 'sso_word-filter-0000000002', displayName: 'Darn Reader' }));
    assert.equal((again as { member: { displayName: string } }).member.displayName, 'Reader');
  });

  it('refuses a banned word in flair', () => {
    const h = harness({ wordFilter });
    const member = h.join('Bob');
    for (const word of DISGUISED) h.refused(member.id, { type: 'member.update', flair: `${word} fan` }, 'forbidden', 'command.flair');
    h.ok(member.id, { type: 'member.update', flair: 'reader' });
  });

  it('refuses a banned word in a join request’s note', () => {
    const h = harness({ wordFilter, circle: { access: 'request' } });
    h.admitRefused({ kind: 'request', displayName: 'Newcomer', note: 'let me in, ｄａｒｎ' }, 'forbidden', 'credentials.note');
  });

  it('matches the list’s own words after the same normalisation', () => {
    const h = harness({ wordFilter: { banned: ['ＢＡＤ'], suspect: [] } });
    h.refused(h.owner.id, { type: 'thread.create', threadId: h.newId(), title: 'so bad' }, 'forbidden', 'command.title');
  });
});
