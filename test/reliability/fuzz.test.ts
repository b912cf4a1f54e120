// Protocol fuzzing against a real `hearth-server` process. Valid frames of every kind (hello, ping, history and
// every command, as a member and as the owner) are mutated with knowledge of their structure — fields dropped,
// added, retyped, set to extreme or hostile values, strings bent, the JSON text cut or altered — and mixed with
// random bytes sent as text and as binary frames, and with raw non-WebSocket garbage on the TCP port.
//
// One frame at a time, so every answer belongs to the frame that caused it. For each frame the server must
// answer (no hang) with a frame of the protocol or a clean close; every error carries a stable code; when the
// frame is refused, nothing in the data file changed (SQLite's `data_version` seen from a second connection,
// and the circle's head seq). At the end the server is still up and its memory has stayed flat.
//
// `FUZZ_FRAMES=n` sets the count (default 50,000); `FUZZ_SEED=s` the seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { nanoid } from 'nanoid';
import { ERROR_CODES, parseClientFrame, type Credentials, type ServerFrame } from '@hearth/protocol';
import { seededRandom } from '@hearth/core/testing';
import { RawClient } from '../server/helpers.js';
import { startRealServer, type RealServer } from './server-backend.js';

const FRAMES = Number(process.env.FUZZ_FRAMES ?? 50_000);
const SEED = Number(process.env.FUZZ_SEED ?? 7);
const ANSWER_TIMEOUT_MS = 5000;
/** Growth of the server's RSS allowed between the end of the warm-up and the end of the run. */
const RSS_GROWTH_LIMIT = 48 * 1024 * 1024;
const CLOSE_CODES = new Set([1002, 1007, 1009, 4000]); // protocol error, bad UTF-8, too big, after an error frame

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

const random = seededRandom(SEED);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const int = (n: number) => Math.floor(random() * n);

function nested(depth: number): Json {
  let value: Json = 'bottom';
  for (let i = 0; i < depth; i++) value = random() < 0.5 ? [value] : { a: value };
  return value;
}

/** Values that break careless code: wrong types, edges of numbers, hostile and oversized strings. */
const WEIRD: Json[] = [
  null, true, false, 0, -0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, 4_294_967_296,
  '', ' ', '\t\n', 'x'.repeat(70), 'a'.repeat(5000), 'b'.repeat(40_000), '\u0000', 'nul\u0000byte', '\u001b[31mred', '\ud800', '\udfff\ud800',
  '\u202eevil', '\u200b', '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'javascript:alert(1)', '${7*7}', '{{7*7}}',
  "'; DROP TABLE events; --", '__proto__', 'constructor', 'prototype', 'toString', '💥'.repeat(300), 'é'.repeat(3000),
  [], {}, [null], [1, 2, 3], JSON.parse('{"__proto__":{"polluted":true}}') as Json,
  { constructor: { prototype: { polluted: true } } }, nested(50),
];
const KEYS = ['__proto__', 'constructor', 'extra', 'id', 'type', 'v', '', 'x'.repeat(300), 'toString', 'command'];

function paths(value: Json, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(value)) value.forEach((item, i) => out.push(...paths(item, [...at, i])));
  else if (value && typeof value === 'object') for (const key of Object.keys(value)) out.push(...paths(value[key]!, [...at, key]));
  return out;
}

function get(value: Json, path: Path): Json {
  return path.reduce<Json>((node, key) => (node as Record<string | number, Json>)[key]!, value);
}

function set(root: Json, path: Path, next: Json): Json {
  if (path.length === 0) return next;
  const parent = get(root, path.slice(0, -1)) as Record<string | number, Json>;
  Object.defineProperty(parent, path[path.length - 1]!, { value: next, enumerable: true, writable: true, configurable: true });
  return root;
}

/** One structural change to a frame. */
function mutateOnce(frame: Json, corpus: Json[]): Json {
  const all = paths(frame);
  const target = pick(all);
  const node = get(frame, target);
  switch (int(7)) {
    case 0: // a weird value anywhere
      return set(frame, target, structuredClone(pick(WEIRD)));
    case 1: {
      // drop a field
      const inner = all.filter((p) => p.length > 0);
      if (inner.length === 0) return frame;
      const victim = pick(inner);
      const parent = get(frame, victim.slice(0, -1));
      if (Array.isArray(parent)) parent.splice(victim[victim.length - 1] as number, 1);
      else delete (parent as Record<string, Json>)[victim[victim.length - 1] as string];
      return frame;
    }
    case 2: {
      // an unexpected field on some object
      const objects = all.filter((p) => { const n = get(frame, p); return n !== null && typeof n === 'object' && !Array.isArray(n); });
      if (objects.length === 0) return frame;
      return set(frame, [...pick(objects), pick(KEYS)], structuredClone(pick(WEIRD)));
    }
    case 3: // bend a string
      if (typeof node !== 'string') return set(frame, target, JSON.stringify(node) ?? 'undefined');
      return set(frame, target, pick([node.slice(0, int(node.length + 1)), node + pick(WEIRD.filter((w) => typeof w === 'string') as string[]), node.repeat(1 + int(20)), node.toUpperCase(), `${node}\u0000`, ` ${node} `]));
    case 4: // bend a number
      if (typeof node !== 'number') return set(frame, target, int(2) ? 1 : -1);
      return set(frame, target, pick([node + 1, node - 1, -node, node * 1e6, node / 3, Number.MAX_SAFE_INTEGER]));
    case 5: {
      // a value from another valid frame: right shape, wrong place
      const donor = pick(corpus);
      return set(frame, target, structuredClone(get(donor, pick(paths(donor)))));
    }
    default: // retype: wrap in an array or an object, or flatten to a string
      return set(frame, target, pick([[node], { value: node }, JSON.stringify(node)]));
  }
}

const ID = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * A change that keeps the frame well-formed, so it gets past validation into the rules: ids pointed at other
 * things (another member, a message as a thread, an unknown id), booleans flipped, roles and times changed.
 */
function bendMeaning(frame: Json, ids: string[]): Json {
  const candidates = paths(frame).filter((p) => {
    const node = get(frame, p);
    return (typeof node === 'string' && ID.test(node) && p[p.length - 1] !== 'id') || typeof node === 'boolean' || p[p.length - 1] === 'role' || p[p.length - 1] === 'until';
  });
  if (candidates.length === 0) return frame;
  const target = pick(candidates);
  const node = get(frame, target);
  if (typeof node === 'boolean') return set(frame, target, !node);
  if (target[target.length - 1] === 'role') return set(frame, target, pick(['owner', 'moderator', 'member']));
  if (target[target.length - 1] === 'until') return set(frame, target, pick([0, Date.now() - 1000, Date.now() + 29 * 86_400_000]));
  return set(frame, target, int(4) ? pick(ids) : nanoid());
}

/** Text-level damage after serialising: what a broken client or a hostile one sends. */
function damageText(text: string): string {
  switch (int(7)) {
    case 6: { // nesting deeper than any walker of the tree should recurse
      const depth = 1000 + int(9000);
      return text.replace(/:("[^"]*"|\d+|null|true|false)/, `:${'['.repeat(depth)}${']'.repeat(depth)}`);
    }
    case 0: return text.slice(0, int(text.length));
    case 1: { const at = int(text.length); return text.slice(0, at) + String.fromCharCode(int(0x3000)) + text.slice(at + 1); }
    case 2: { const at = int(text.length); return text.slice(0, at) + pick(['{', '}', '"', ',', ':', '\\', '[', 'null']) + text.slice(at); }
    case 3: return text.replace('{', pick(['{"type":"ping",', '{"v":2,', '{"v":1,"v":1,', '{"command":null,']));
    case 4: return `${text}${pick(['', ' ', '\n', 'garbage', '{}', text])}`;
    default: return text.replace(/"v":1/, pick(['"v":"1"', '"v":1.0', '"v":0', '"v":null', '"v":[1]']));
  }
}

function randomBytes(): Buffer {
  const bytes = Buffer.alloc(int(int(2) ? 64 : 4000));
  for (let i = 0; i < bytes.length; i++) bytes[i] = int(256);
  return bytes;
}

interface Answer {
  frame: ServerFrame | null;
  closed: number | null;
}

/** Sends one frame and waits for the frame that answers it (events in between are skipped) or the close. */
async function exchange(client: RawClient, data: string | Buffer, binary: boolean): Promise<Answer> {
  const start = client.frames.length;
  client.sendRaw(data, binary);
  const deadline = Date.now() + ANSWER_TIMEOUT_MS;
  for (;;) {
    const answer = client.frames.slice(start).find((f) => f.type !== 'event');
    if (answer) return { frame: answer, closed: null };
    if (client.closed) return { frame: null, closed: client.closed.code };
    if (Date.now() > deadline) throw new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms to ${JSON.stringify(String(data).slice(0, 300))}`);
    await client.changed(ANSWER_TIMEOUT_MS);
  }
}

test(`the server survives ${FRAMES.toLocaleString('en')} fuzzed frames, answers each with a code, and refused frames change nothing`, { timeout: 20 * 60 * 1000 }, async (t) => {
  const real: RealServer = await startRealServer(undefined, 'hearth-fuzz-');
  try {
    const circle = 'fuzz';
    const { ownerToken, inviteCode } = await real.createCircle({ id: circle, name: 'Fuzz', reactions: ['+1', 'heart'], memberCap: 10_000 });
    const owner: Credentials = { kind: 'token', token: ownerToken };
    const connect = async (credentials: Credentials) => {
      const client = await RawClient.open(real.process.socketUrl);
      const session = await client.hello(circle, credentials);
      // Only the welcome belongs to this connection's past: later answers are looked for after it.
      return { client, session };
    };
    let memberToken: string | null = null;
    /** Signs the member in again with their token; a member who was banned, removed or left joins anew. */
    const joinMember = async () => {
      if (memberToken) {
        try {
          return await connect({ kind: 'token', token: memberToken });
        } catch {
          memberToken = null;
        }
      }
      const joined = await connect({ kind: 'invite', code: inviteCode, displayName: `Fuzzed ${nanoid(4)}`, acceptNorms: true });
      memberToken = joined.session.token;
      return joined;
    };

    // Something for the commands to point at: a thread, a message, a report, a member.
    let ownerConn = await connect(owner);
    let memberConn = await joinMember();
    const threadId = nanoid();
    const messageId = nanoid();
    const reportId = nanoid();
    assert.equal((await ownerConn.client.command({ type: 'thread.create', threadId, title: 'Fuzzing' })).ok, true);
    assert.equal((await memberConn.client.command({ type: 'message.post', messageId, threadId, body: 'target' })).ok, true);
    assert.equal((await memberConn.client.command({ type: 'message.report', reportId, messageId, reason: 'test' })).ok, true);
    const memberId = memberConn.session.member.id;

    const command = (c: Record<string, Json>) => ({ v: 1, type: 'command', command: { id: nanoid(), ...c } });
    const corpus: Json[] = [
      { v: 1, type: 'ping' },
      { v: 1, type: 'history', id: nanoid(), query: { threadId, before: null, limit: 20 } },
      command({ type: 'thread.create', threadId: nanoid(), title: 'A thread', key: '/posts/fuzz' }),
      command({ type: 'message.post', messageId: nanoid(), threadId, body: 'Hello *there*', contentWarning: 'cw', replyTo: messageId }),
      command({ type: 'message.post', messageId: nanoid(), threadKey: '/posts/keyed', threadTitle: 'Keyed', body: 'first' }),
      command({ type: 'message.edit', messageId, body: 'edited', contentWarning: null }),
      command({ type: 'message.delete', messageId: nanoid() }),
      command({ type: 'message.react', messageId, reaction: '+1', active: true }),
      command({ type: 'message.report', reportId: nanoid(), messageId, reason: 'rude' }),
      command({ type: 'member.update', displayName: 'Renamed', flair: 'gardener' }),
      command({ type: 'mod.hide', messageId, reason: 'off topic' }),
      command({ type: 'mod.restore', messageId, reason: null }),
      command({ type: 'mod.mute', memberId, until: Date.now() + 60_000, reason: 'cool down' }),
      command({ type: 'mod.unmute', memberId }),
      command({ type: 'mod.role', memberId, role: 'moderator', reason: 'trusted' }),
      command({ type: 'report.resolve', reportId, reason: 'handled' }),
      command({ type: 'circle.update', name: 'Fuzz circle', description: 'changed' }),
      command({ type: 'invite.create', expiresInMs: 3_600_000, maxUses: 5 }),
      command({ type: 'invite.revoke', inviteId: nanoid() }),
      command({ type: 'request.approve', requestId: nanoid() }),
      command({ type: 'invite.list' }),
      command({ type: 'report.list', includeResolved: true }),
      command({ type: 'audit.list', before: null, limit: 10 }),
      { v: 1, type: 'hello', circle, credentials: { kind: 'token', token: ownerToken }, cursor: null },
      { v: 1, type: 'hello', circle, credentials: { kind: 'invite', code: inviteCode, displayName: 'Newcomer', acceptNorms: true }, cursor: '1' },
    ];
    for (const frame of corpus) assert.equal(parseClientFrame(JSON.stringify(frame)).ok, true, `corpus frame is valid: ${JSON.stringify(frame)}`);

    const counts = { structured: 0, damagedText: 0, randomText: 0, randomBinary: 0, accepted: 0, refused: 0, closedByServer: 0, rawTcp: 0 };
    const codes: Record<string, number> = {};
    let rssAfterWarmUp = 0;
    let greeting: RawClient | null = null;

    for (let n = 0; n < FRAMES; n++) {
      if (n === Math.floor(FRAMES / 10)) rssAfterWarmUp = real.rss();
      // Who sends: the owner (moderator commands), a member, or a connection that has not said hello.
      const roll = random();
      const sender = roll < 0.45 ? 'owner' : roll < 0.9 ? 'member' : 'greeting';
      if (sender === 'greeting' && !greeting) greeting = await RawClient.open(real.process.socketUrl);
      const client = sender === 'owner' ? ownerConn.client : sender === 'member' ? memberConn.client : greeting!;

      let data: string | Buffer;
      let binary = false;
      const kind = random();
      if (kind < 0.8) {
        let frame = structuredClone(pick(corpus));
        // Fresh ids, so a mutated frame is not refused as a replay of an earlier one.
        if ((frame as { command?: { id?: string } }).command?.id) (frame as { command: { id: string } }).command.id = nanoid();
        const ids = [threadId, messageId, reportId, memberId, ownerConn.session.member.id, memberConn.session.member.id];
        if (random() < 0.3) for (let i = 1 + int(2); i > 0; i--) frame = bendMeaning(frame, ids);
        else for (let i = 1 + int(3); i > 0; i--) frame = mutateOnce(frame, corpus);
        data = JSON.stringify(frame) ?? 'undefined';
        if (random() < 0.25) {
          data = damageText(data);
          counts.damagedText++;
        } else counts.structured++;
      } else if (kind < 0.9) {
        data = randomBytes(); // sent as a text frame: usually not UTF-8 at all
        counts.randomText++;
      } else {
        data = randomBytes();
        binary = true;
        counts.randomBinary++;
      }

      const versionBefore = real.dataVersion();
      const headBefore = real.headSeq(circle);
      const answer = await exchange(client, data, binary);
      const refusal =
        answer.frame?.type === 'error' ? answer.frame.error
        : answer.frame?.type === 'ack' && !answer.frame.ok ? answer.frame.error
        : null;
      if (answer.frame && !['error', 'ack', 'pong', 'history', 'welcome'].includes(answer.frame.type)) {
        assert.fail(`unexpected answer ${answer.frame.type} to ${JSON.stringify(String(data).slice(0, 200))}`);
      }
      if (refusal) {
        assert.ok((ERROR_CODES as readonly string[]).includes(refusal.code), `stable code, got ${refusal.code}`);
        assert.notEqual(refusal.code, 'internal', `the server tripped over ${JSON.stringify(String(data).slice(0, 300))}: ${refusal.message}`);
        assert.ok(typeof refusal.message === 'string' && refusal.message.length > 0, 'a readable message');
        codes[refusal.code] = (codes[refusal.code] ?? 0) + 1;
      }
      if (answer.closed !== null) {
        assert.ok(CLOSE_CODES.has(answer.closed), `closed with ${answer.closed} after ${JSON.stringify(String(data).slice(0, 200))}`);
        counts.closedByServer++;
      }
      if (refusal || answer.closed !== null) {
        counts.refused++;
        assert.equal(real.dataVersion(), versionBefore, `a refused frame changed the data file: ${JSON.stringify(String(data).slice(0, 300))}`);
        assert.equal(real.headSeq(circle), headBefore, 'a refused frame made an event');
      } else counts.accepted++;

      // A connection the server closed (or a hello that succeeded, or a member who was banned or left by a
      // mutated command) is replaced, so the next frames keep reaching every state.
      if (client.closed || answer.frame?.type === 'welcome' || client.frames.some((f) => f.type === 'error' && f.fatal)) {
        client.close();
        if (sender === 'owner') ownerConn = await connect(owner);
        else if (sender === 'member') memberConn = await joinMember();
        else greeting = null;
      } else if (client.frames.length > 1000) client.frames.splice(0, client.frames.length); // keep memory small
    }

    // Not WebSocket at all: random bytes on the TCP port, and an upgrade request cut short.
    for (let i = 0; i < 300; i++) {
      await new Promise<void>((resolve) => {
        const socket = net.connect(real.process.port, '127.0.0.1', () => {
          socket.end(i % 3 === 0 ? 'GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ' : randomBytes());
        });
        socket.on('error', () => resolve());
        socket.on('close', () => resolve());
        socket.setTimeout(ANSWER_TIMEOUT_MS, () => socket.destroy());
        socket.resume();
      });
      counts.rawTcp++;
    }

    // Still up and still right: a newcomer joins and posts (the fuzzed member may have been muted by now).
    const after = await connect({ kind: 'invite', code: inviteCode, displayName: `Newcomer ${nanoid(4)}`, acceptNorms: true });
    const last = await after.client.command({ type: 'message.post', messageId: nanoid(), threadId, body: 'still here' });
    assert.ok(last.ok, `a newcomer can still post: ${JSON.stringify(last)}`);
    after.client.close();
    assert.equal(real.process.child.exitCode, null, 'the server process is still running');
    const rssEnd = real.rss();
    t.diagnostic(`frames: ${FRAMES} (${JSON.stringify(counts)}); refusal codes ${JSON.stringify(codes)}`);
    t.diagnostic(`server RSS after warm-up ${(rssAfterWarmUp / 2 ** 20).toFixed(1)} MB, at the end ${(rssEnd / 2 ** 20).toFixed(1)} MB`);
    assert.ok(counts.accepted > 0 && counts.refused > counts.accepted, 'the mutations mostly produce refusals, and some valid frames');
    assert.ok(rssEnd - rssAfterWarmUp <= RSS_GROWTH_LIMIT, `memory stayed flat (grew ${((rssEnd - rssAfterWarmUp) / 2 ** 20).toFixed(1)} MB)`);
    ownerConn.client.close();
    memberConn.client.close();
    greeting?.close();
  } finally {
    await real.close();
  }
});
