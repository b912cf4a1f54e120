// Durability: SIGKILL the server process while clients post, restart it on the same data file, and check that
// every acknowledged message is there and that every client resumes without a gap or a duplicate.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { rmSync } from 'node:fs';
import { nanoid } from 'nanoid';
import type { CircleEvent, Command, Credentials } from '@hearth/protocol';
import { RawClient, sleep, tempDir } from './helpers.js';
import { cliJson, startServerProcess, type ServerProcess } from './process.js';

const dir = tempDir('hearth-crash-');
const processes: ServerProcess[] = [];
after(async () => {
  for (const p of processes) await p.kill();
  rmSync(dir, { recursive: true, force: true });
});

interface Poster {
  name: string;
  token: string;
  client: RawClient;
  /** Events applied so far, in order (session replay, then live). */
  events: CircleEvent[];
  acked: Command[];
  /** Sent, but the connection died before the ack: outcome unknown. */
  unknown: Command[];
}

function liveEvents(client: RawClient): CircleEvent[] {
  return client.frames.flatMap((f) => (f.type === 'event' ? [f.event] : []));
}

async function postUntilDead(poster: Poster, threadId: string): Promise<void> {
  for (let i = 0; ; i++) {
    const command = { id: nanoid(), type: 'message.post', messageId: nanoid(), threadId, body: `${poster.name} #${i}` } as Command;
    try {
      const ack = await poster.client.command(command);
      assert.equal(ack.ok, true, `post refused: ${JSON.stringify(ack)}`);
      poster.acked.push(command);
    } catch {
      poster.unknown.push(command);
      return;
    }
  }
}

describe('crash safety', () => {
  it('keeps every acknowledged message through SIGKILL, and clients resume without gaps or duplicates', async (t) => {
    const dataFile = path.join(dir, 'hearth.db');
    const created = cliJson<{ ownerToken: string; inviteCode: string }>(['circle', 'create', '--id', 'crash', '--name', 'Crash', '--data', dataFile, '--invite-expires', 'never']);
    const first = await startServerProcess(dataFile);
    processes.push(first);

    const join = async (name: string, credentials: Credentials): Promise<Poster> => {
      const client = await RawClient.open(first.socketUrl);
      const session = await client.hello('crash', credentials);
      return { name, token: session.token ?? (credentials as { token: string }).token, client, events: [], acked: [], unknown: [] };
    };
    const posters = [
      await join('owner', { kind: 'token', token: created.ownerToken }),
      await join('ada', { kind: 'invite', code: created.inviteCode, displayName: 'Ada', acceptNorms: true }),
      await join('grace', { kind: 'invite', code: created.inviteCode, displayName: 'Grace', acceptNorms: true }),
    ];
    const threadId = nanoid();
    assert.equal((await posters[0]!.client.command({ type: 'thread.create', threadId, title: 'Crash test' })).ok, true);
    const cursors = posters.map((p) => p.client.frames.find((f) => f.type === 'welcome'));
    assert.ok(cursors.every(Boolean));

    // Everyone posts as fast as acks come back; the server dies mid-stream.
    const posting = posters.map((p) => postUntilDead(p, threadId));
    // Kill once a good number of posts went through, however slow the machine is right now (a fixed delay
    // sometimes let fewer than ten through on a loaded machine), and while every poster has one in flight.
    const deadline = Date.now() + 20_000;
    while (posters.reduce((n, p) => n + p.acked.length, 0) < 20 && Date.now() < deadline) await sleep(10);
    await first.kill('SIGKILL');
    await Promise.all(posting);
    const acked = posters.flatMap((p) => p.acked);
    assert.ok(acked.length >= 10, `clients were posting when the server died (${acked.length} acked)`);
    t.diagnostic(`${acked.length} posts acked before SIGKILL, ${posters.reduce((n, p) => n + p.unknown.length, 0)} in flight`);

    for (const poster of posters) {
      await poster.client.waitClosed();
      poster.events = liveEvents(poster.client);
    }

    const second = await startServerProcess(dataFile);
    processes.push(second);
    for (const poster of posters) {
      const welcome = poster.client.frames.find((f) => f.type === 'welcome')!;
      const sessionCursor = welcome.type === 'welcome' ? Number(welcome.session.cursor) : 0;
      const last = poster.events.length > 0 ? poster.events[poster.events.length - 1]!.seq : sessionCursor;
      // The events a client saw live were contiguous after its session cursor.
      poster.events.forEach((e, i) => assert.equal(e.seq, sessionCursor + 1 + i, `${poster.name}: live events before the crash are contiguous`));

      const client = await RawClient.open(second.socketUrl);
      const session = await client.hello('crash', { kind: 'token', token: poster.token }, String(last));
      assert.ok(session.replay, `${poster.name} gets a replay`);
      session.replay!.forEach((e, i) => assert.equal(e.seq, last + 1 + i, `${poster.name}: replay has no gap or duplicate`));
      assert.equal(last + session.replay!.length, Number(session.cursor), `${poster.name}: replay reaches the head`);
      const all = [...poster.events, ...session.replay!];
      assert.equal(new Set(all.map((e) => e.seq)).size, all.length, 'no event twice');
      const posted = new Set(all.flatMap((e) => (e.type === 'message.upserted' ? [e.message.id] : [])));
      for (const command of acked) {
        assert.ok(posted.has((command as { messageId: string }).messageId), `${poster.name} has acked message ${(command as { body: string }).body}`);
      }
      poster.client = client;
    }

    // Resending the commands whose ack was lost applies each once, whatever happened before the crash.
    for (const poster of posters) {
      for (const command of poster.unknown) {
        const ack = await poster.client.command(command);
        assert.equal(ack.ok, true, 'a resend after the crash is accepted');
      }
    }
    posters[0]!.client.send({ type: 'history', id: 'history-final', query: { threadId, before: null, limit: 200 } });
    const page = await posters[0]!.client.next('history', (f) => f.id === 'history-final');
    const bodies = page.page.messages.map((m) => m.body);
    const expected = posters.flatMap((p) => [...p.acked, ...p.unknown]).map((c) => (c as { body: string }).body);
    assert.equal(new Set(bodies).size, bodies.length, 'no message stored twice');
    assert.deepEqual([...bodies].sort(), [...expected].sort(), 'every acked and every resent message is stored exactly once');
    for (const poster of posters) poster.client.close();
  });
});
