// The one display-name rule: the schema every name enters through (join, sign-on, rename, join request) and
// the rules engine's check against the circle's other names (same name, or a confusable look-alike).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseClientFrame, parseCommand } from '@hearth/protocol';
import { harness } from './rules-harness.js';

const rename = (displayName: string) => parseCommand({ id: 'cmd-00000001', type: 'member.update', displayName }, 'command');
const joinFrame = (displayName: string) =>
  parseClientFrame({ v: 1, type: 'hello', circle: 'readers', cursor: null, credentials: { kind: 'link', displayName, acceptNorms: true } });

function refusedName(displayName: string, code = 'invalid') {
  for (const [where, result, field] of [['rename', rename(displayName), 'command.displayName'], ['join', joinFrame(displayName), 'credentials.displayName']] as const) {
    assert.equal(result.ok, false, `${where} accepted ${JSON.stringify(displayName)}`);
    if (result.ok) continue;
    assert.equal(result.error.code, code, `${where} ${JSON.stringify(displayName)}: ${result.error.message}`);
    assert.equal(result.error.field, field);
  }
}

function acceptedName(displayName: string): string {
  const result = rename(displayName);
  assert.ok(result.ok, `refused ${JSON.stringify(displayName)}: ${!result.ok && result.error.message}`);
  const joined = joinFrame(displayName);
  assert.ok(joined.ok);
  return (result.value as { displayName: string }).displayName;
}

describe('display-name schema', () => {
  it('refuses every control character inside a name: C0 (tab, newline, NUL…), DEL and C1', () => {
    const controls = [...Array.from({ length: 0x20 }, (_, i) => i), 0x7f, ...Array.from({ length: 0x20 }, (_, i) => 0x80 + i)];
    for (const c of controls) refusedName(`Ann${String.fromCharCode(c)}e`);
    refusedName('Line\u2028separated');
  });

  it('refuses bidi controls anywhere: marks, embeddings, overrides, isolates', () => {
    for (const control of ['\u061C', '\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069']) {
      refusedName(`Ann${control}`, 'invalid');
      refusedName(`${control}Ann`, 'invalid');
    }
  });

  it('refuses names of invisible characters only, and invisible characters a name never needs', () => {
    for (const name of ['\u200B', '\u200D', '\u200C\u200C', '\uFE0F', '\u2060', '\uFEFF', '\u3164', '\u2800', '\u115F', '\u00AD', '\u034F', '\u{E0041}', '\u0301', ' \u200B ']) {
      refusedName(name);
    }
    for (const name of ['A\u200Bnn', 'Ann\u2060', 'An\u00ADn', 'Ann\u{E0041}']) refusedName(name);
  });

  it('stores the NFKC form, trimmed: full-width letters become plain ones', () => {
    assert.equal(acceptedName('Ｇｒａｃｅ'), 'Grace');
    assert.equal(acceptedName('  Ada  '), 'Ada');
    assert.equal(acceptedName('ﬁona'), 'fiona');
  });

  it('keeps what scripts and emoji need: joiners, variation selectors, accents, RTL letters', () => {
    for (const name of ['👩‍💻 Dev', '❤️ Ann', 'می‌خواهم', 'Zoë', 'שרה', '山田 太郎', 'José']) assert.equal(acceptedName(name), name.normalize('NFKC'));
  });

  it('says `too_large` for a name over 40 characters after normalisation', () => {
    refusedName('x'.repeat(41), 'too_large');
    acceptedName('x'.repeat(40));
  });
});

describe('rules: a name must not pass for another member’s', () => {
  const CYRILLIC_ANN = '\u0410nn'; // "Аnn": Cyrillic capital A

  it('refuses "Аnn" (Cyrillic А) beside the owner "Ann" with `conflict` naming the field, by every way in', () => {
    const h = harness({ ownerName: 'Ann' });
    h.admitRefused({ kind: 'invite', code: h.inviteCode(), displayName: CYRILLIC_ANN }, 'conflict', 'credentials.displayName');
    h.admitRefused({ kind: 'sso', memberId: 'sso_cyrillic-ann-000000', displayName: CYRILLIC_ANN }, 'conflict', 'credentials.displayName');
    const open = harness({ ownerName: 'Ann', circle: { access: 'open-link' } });
    open.admitRefused({ kind: 'link', displayName: CYRILLIC_ANN }, 'conflict', 'credentials.displayName');
    const asking = harness({ ownerName: 'Ann', circle: { access: 'request' } });
    asking.admitRefused({ kind: 'request', displayName: CYRILLIC_ANN }, 'conflict', 'credentials.displayName');
    const member = h.join('Bob');
    h.refused(member.id, { type: 'member.update', displayName: CYRILLIC_ANN }, 'conflict', 'command.displayName');
  });

  it('refuses other look-alikes: case, full-width, joiners, "I" for "l", "rn" for "m"', () => {
    const h = harness({ ownerName: 'Ann' });
    const bob = h.join('lan'); // lower-case L
    h.join('mia');
    // Beside "Ann", "lan" and "mia": each of these reads as one of them.
    for (const name of ['ANN', 'ann', 'A\u200Dnn', 'Ａｎｎ'.normalize('NFKC'), 'Ian', 'rnia']) {
      h.admitRefused({ kind: 'invite', code: h.inviteCode(), displayName: name }, 'conflict', 'credentials.displayName');
    }
    // Renaming oneself to a look-alike of one's own name is fine.
    h.ok(bob.id, { type: 'member.update', displayName: 'Ian' });
  });

  it('a join request may not take a look-alike of a pending request’s name, nor be approved once a look-alike joined', () => {
    const h = harness({ circle: { access: 'request' } });
    const first = h.admitNow({ kind: 'request', displayName: 'Zoe' });
    assert.equal(first.ok, 'pending');
    h.admitRefused({ kind: 'request', displayName: 'Z\u043Ee' }, 'conflict', 'credentials.displayName'); // Cyrillic о
    h.join('ZOE');
    const requestId = (first as { request: { id: string } }).request.id;
    h.refused(h.owner.id, { type: 'request.approve', requestId }, 'conflict');
  });

  it('a sign-on user whose host name is a look-alike keeps the name they had', () => {
    const h = harness({ ownerName: 'Ann' });
    const joined = h.admitNow({ kind: 'sso', memberId: 'sso_reader-00000000000001', displayName: 'Reader' });
    assert.equal(joined.ok, true);
    const again = h.admitNow({ kind: 'sso', memberId: 'sso_reader-00000000000001', displayName: CYRILLIC_ANN });
    assert.equal(again.ok, true);
    assert.equal((again as { member: { displayName: string } }).member.displayName, 'Reader');
  });

  it('refuses a name that breaks the display-name rule even when a host hands it over unparsed', () => {
    const h = harness();
    for (const displayName of ['Bad\tName', '\u202EnnA', '\u200B', '']) {
      h.admitRefused({ kind: 'sso', memberId: 'sso_unparsed-0000000000001', displayName }, 'invalid', 'credentials.displayName');
      h.admitRefused({ kind: 'invite', code: h.inviteCode(), displayName }, 'invalid', 'credentials.displayName');
    }
  });
});
