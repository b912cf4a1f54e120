import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS, PROTOCOL_VERSION, parseClientFrame, parseServerFrame } from '@hearth/protocol';

const command = (fields: Record<string, unknown>) => JSON.stringify({ v: PROTOCOL_VERSION, type: 'command', command: { id: 'cmd-000001', ...fields } });
const post = (fields: Record<string, unknown> = {}) => command({ type: 'message.post', messageId: 'msg-000001', threadId: 'thr-000001', body: 'hello', ...fields });

function rejects(raw: unknown, code: string, field?: string) {
  const result = parseClientFrame(raw);
  assert.equal(result.ok, false, `expected ${code} for ${String(raw).slice(0, 80)}`);
  if (result.ok) return;
  assert.equal(result.error.code, code, result.error.message);
  if (field !== undefined) assert.equal(result.error.field, field);
  assert.ok(result.error.message.length > 0);
}

describe('parseClientFrame', () => {
  it('accepts a valid post and returns it typed', () => {
    const result = parseClientFrame(post({ contentWarning: 'spoilers', replyTo: null }));
    assert.equal(result.ok, true);
    if (result.ok && result.value.type === 'command' && result.value.command.type === 'message.post') {
      assert.equal(result.value.command.body, 'hello');
      assert.equal(result.value.command.contentWarning, 'spoilers');
    } else assert.fail('not a post');
  });

  it('rejects wrong types naming the field', () => {
    rejects(post({ body: 42 }), 'invalid', 'command.body');
    rejects(post({ threadId: ['x'] }), 'invalid', 'command.threadId');
    rejects(command({ type: 'message.react', messageId: 'msg-000001', reaction: '👍', active: 'yes' }), 'invalid', 'command.active');
  });

  it('rejects missing fields', () => {
    rejects(command({ type: 'message.edit', messageId: 'msg-000001' }), 'invalid', 'command.body');
    rejects(command({ type: 'message.post', messageId: 'msg-000001', body: 'no thread' }), 'invalid', 'command');
    rejects(JSON.stringify({ v: 1, type: 'hello', circle: 'readers', cursor: null }), 'invalid', 'credentials');
  });

  it('rejects oversize bodies and frames with too_large', () => {
    rejects(post({ body: 'x'.repeat(LIMITS.bodyMaxChars + 1) }), 'too_large', 'command.body');
    assert.equal(parseClientFrame(post({ body: 'x'.repeat(LIMITS.bodyMaxChars) })).ok, true);
    rejects(post({ body: 'é'.repeat(LIMITS.frameMaxBytes / 2 + 10) }), 'too_large');
  });

  it('rejects unknown commands and frame types', () => {
    rejects(command({ type: 'circle.delete' }), 'invalid', 'command.type');
    rejects(JSON.stringify({ v: 1, type: 'subscribe' }), 'invalid', 'type');
    // Names an ordinary object inherits are not frame or command types.
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      rejects(JSON.stringify({ v: 1, type: name }), 'invalid', 'type');
      rejects(command({ type: name }), 'invalid', 'command.type');
    }
  });

  it('rejects unknown fields, bad JSON, non-objects and other versions', () => {
    rejects(post({ isAdmin: true }), 'invalid');
    rejects('{"v":1,', 'invalid');
    rejects('[1,2,3]', 'invalid');
    rejects('null', 'invalid');
    rejects(JSON.stringify({ v: 2, type: 'ping' }), 'unsupported_version', 'v');
  });

  it('names a deeply nested or huge value in its message without echoing it whole', () => {
    const deep = `{"v":${'['.repeat(10_000)}${']'.repeat(10_000)},"type":"ping"}`;
    const version = parseClientFrame(deep);
    assert.equal(version.ok, false);
    if (!version.ok) assert.equal(version.error.message, 'protocol version an array is not supported; expected 1');
    const type = parseClientFrame(JSON.stringify({ v: 1, type: 'x'.repeat(20_000) }));
    assert.equal(type.ok, false);
    if (!type.ok) assert.ok(type.error.message.length < 100, `short message: ${type.error.message.length} chars`);
    rejects(JSON.stringify({ v: 1, type: 'command', command: { id: 'abcdefgh12', type: [[[['post']]]] } }), 'invalid', 'command.type');
  });

  it('rejects blank text and control characters', () => {
    rejects(post({ body: ' \n\t ' }), 'invalid', 'command.body');
    rejects(post({ body: 'bell\u0007' }), 'invalid', 'command.body');
    rejects(JSON.stringify({ v: 1, type: 'hello', circle: 'readers', cursor: null, credentials: { kind: 'invite', code: 'c'.repeat(21), displayName: 'two\nlines', acceptNorms: true } }), 'invalid', 'credentials.displayName');
  });

  it('refuses the reaction names JavaScript objects treat as special', () => {
    for (const reaction of ['__proto__', 'constructor', 'prototype']) {
      rejects(command({ type: 'message.react', messageId: 'msg-000001', reaction, active: true }), 'invalid', 'command.reaction');
      rejects(command({ type: 'circle.update', reactions: ['👍', reaction] }), 'invalid', 'command.reactions.1');
    }
    assert.equal(parseClientFrame(command({ type: 'circle.update', reactions: ['toString', 'hasOwnProperty', '__defineGetter__'] })).ok, true);
  });

  it('requires the norms to be accepted on joining', () => {
    rejects(JSON.stringify({ v: 1, type: 'hello', circle: 'readers', cursor: null, credentials: { kind: 'invite', code: 'c'.repeat(21), displayName: 'Ann', acceptNorms: false } }), 'invalid', 'credentials.acceptNorms');
  });
});

describe('parseServerFrame', () => {
  it('accepts acks both ways and rejects unknown error codes', () => {
    assert.equal(parseServerFrame({ v: 1, type: 'ack', id: 'cmd-000001', ok: true, seq: 4 }).ok, true);
    assert.equal(parseServerFrame({ v: 1, type: 'ack', id: 'cmd-000001', ok: false, error: { code: 'forbidden', message: 'no' } }).ok, true);
    assert.equal(parseServerFrame({ v: 1, type: 'ack', id: 'cmd-000001', ok: false, error: { code: 'oops', message: 'no' } }).ok, false);
    assert.equal(parseServerFrame('not json').ok, false);
  });
});
