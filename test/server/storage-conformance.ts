// The storage conformance set: what every `Storage` adapter (SQLite, PostgreSQL) must do the same way.
// storage.test.ts runs it on SQLite, storage-postgres.test.ts on a throwaway PostgreSQL cluster.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { nanoid } from 'nanoid';
import type { Ack, AuditEntry, Command, Invite, JoinRequest, Member, Message, Report, Thread } from '@hearth/protocol';
import { CircleService, createInProcessFanOut, hashToken, type Storage } from '@hearth/server';
import type { WriterJob, WriterResult } from './storage-writer.js';

export interface StorageUnderTest {
  /** A fresh, empty store. */
  open(): Promise<Storage>;
  /** Another handle on the same store (its own connection or file handle), as another process would have. */
  openAgain(storage: Storage): Promise<Storage>;
  /** How a writer in another thread opens the same store. */
  writerStore(storage: Storage): WriterJob['store'];
}

const settings = { ssoSecret: null, allowedOrigins: [] as string[] };
const draft = (memberId: string) => ({ type: 'member.removed' as const, memberId, at: 1, commandId: null, actorId: null });

function member(id: string, joinedAt: number, state: Member['state'] = 'active'): Member {
  return { id, displayName: `Name ${id}`, role: 'member', flair: null, state, mutedUntil: null, joinedAt };
}

function message(id: string, threadId: string, seq: number, authorId = 'author-0001'): Message {
  return { id, threadId, authorId, body: `body ${seq}`, contentWarning: null, replyTo: null, createdAt: 1000 + seq, editedAt: null, reactions: {}, state: 'visible', seq };
}

function thread(id: string, createdAt: number, key: string | null = null): Thread {
  return { id, title: `Thread ${id}`, key, createdBy: 'author-0001', createdAt, lastMessageAt: null, messageCount: 0 };
}

async function rejects(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: { code?: string }) => {
    assert.equal(error.code, code);
    return true;
  });
}

/** An ack as a replay gives it: what is shown once (a new invite's code) is not kept. */
function withoutShownOnce(ack: Ack): Ack {
  if (!ack.ok || ack.result === null || typeof ack.result !== 'object' || !('code' in ack.result)) return ack;
  const { code: _shownOnce, ...kept } = ack.result as Record<string, unknown>;
  return { ...ack, result: kept };
}

const WRITER = new URL('./storage-writer.ts', import.meta.url).href;

/** Runs writers in worker threads, each with its own handle on the store, all appending to one circle at once. */
function runWriters(jobs: WriterJob[]): Promise<WriterResult[]> {
  return Promise.all(
    jobs.map(
      (job) =>
        new Promise<WriterResult>((resolve, reject) => {
          // A worker does not inherit the tsx loader: register it there before importing the TypeScript file.
          const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WRITER)}); })`;
          const worker = new Worker(boot, { eval: true, workerData: job });
          worker.once('message', (result: WriterResult) => resolve(result));
          worker.once('error', reject);
          worker.once('exit', (code) => code !== 0 && reject(new Error(`writer exited with ${code}`)));
        }),
    ),
  );
}

export function runStorageConformance(name: string, under: StorageUnderTest): void {
  describe(`storage conformance: ${name}`, () => {
    const opened: Storage[] = [];
    const open = async () => {
      const storage = await under.open();
      opened.push(storage);
      return storage;
    };
    after(async () => {
      for (const storage of opened) await storage.close();
    });

    it('creates a circle once, and refuses work on a circle that does not exist', async () => {
      const storage = await open();
      await storage.create('kept', { ssoSecret: 's3cret', allowedOrigins: ['https://Blog.Example/'] }, 1, (tx) => {
        tx.repo.putCircle({ circle: { id: 'kept', name: 'Kept', description: '', norms: '', access: 'invite', memberCap: 150, reactions: [], settings: { slowModeSeconds: 0, pseudonymsAllowed: true } }, wordFilter: { banned: [], suspect: [] } });
      });
      await rejects(storage.create('kept', settings, 2, () => {}), 'conflict');
      await rejects(storage.write('missing', () => {}), 'not_found');
      await rejects(storage.read('missing', () => {}), 'not_found');
      assert.deepEqual(await storage.listCircleIds(), ['kept']);
      assert.deepEqual(await storage.read('kept', (tx) => tx.serverSettings().ssoSecret), 's3cret');
      assert.equal(await storage.anyCircleAllowsOrigin('https://blog.example'), true, 'origins compare normalized');
      assert.equal(await storage.anyCircleAllowsOrigin('https://other.example'), false);
      await storage.ping();
    });

    it('gives events consecutive seqs per circle and rolls back everything a failed transaction wrote', async () => {
      const storage = await open();
      for (const id of ['a', 'b']) await storage.create(id, settings, 1, () => {});
      await storage.write('a', (tx) => {
        assert.equal(tx.repo.peekNextSeq(), 1);
        assert.deepEqual([tx.repo.appendEvent(draft('m-000001')).seq, tx.repo.appendEvent(draft('m-000002')).seq], [1, 2]);
        assert.equal(tx.headSeq(), 2, 'the head counts events of this transaction');
      });
      await storage.write('b', (tx) => tx.repo.appendEvent(draft('m-000003')));
      assert.deepEqual(await storage.read('a', (tx) => tx.eventsAfter(0, 10).map((e) => e.seq)), [1, 2]);
      assert.deepEqual(await storage.read('b', (tx) => tx.eventsAfter(0, 10).map((e) => e.seq)), [1]);
      await assert.rejects(
        storage.write('a', (tx) => {
          tx.repo.appendEvent(draft('m-000004'));
          tx.repo.recordAppliedCommand('command-01', 'member-01', { ok: true, seq: 3 });
          tx.repo.putMember(member('member-01', 5));
          tx.putToken(hashToken('t'.repeat(32)), { circleId: 'a', memberId: 'member-01', requestId: null }, 5);
          throw new Error('engine failed');
        }),
        /engine failed/,
      );
      const after = await storage.read('a', (tx) => ({
        head: tx.headSeq(),
        applied: tx.repo.getAppliedCommand('command-01'),
        member: tx.repo.getMember('member-01'),
        token: tx.getToken(hashToken('t'.repeat(32))),
        next: tx.repo.peekNextSeq(),
      }));
      assert.deepEqual(after, { head: 2, applied: undefined, member: undefined, token: undefined, next: 3 }, 'the failed transaction left nothing');
      await storage.write('a', (tx) => tx.repo.appendEvent(draft('m-000005')));
      assert.deepEqual(await storage.read('a', (tx) => tx.eventsAfter(1, 10).map((e) => e.seq)), [2, 3], 'no seq was lost to the rollback');
    });

    it('lets a transaction read its own writes, and keeps them for the next one', async () => {
      const storage = await open();
      await storage.create('own', settings, 1, () => {});
      await storage.write('own', (tx) => {
        const { repo } = tx;
        repo.putMember(member('member-02', 2));
        repo.putMember(member('member-01', 1));
        repo.putMember(member('member-03', 3, 'banned'));
        assert.deepEqual(repo.listMembers().map((m) => m.id), ['member-01', 'member-02', 'member-03'], 'members by join time');
        assert.equal(repo.countSeatedMembers(), 2, 'banned members hold no seat');
        repo.deleteMember('member-02');
        assert.equal(repo.getMember('member-02'), undefined);

        repo.putThread(thread('thread-02', 20, 'post-key'));
        repo.putThread(thread('thread-01', 10));
        assert.equal(repo.getThreadByKey('post-key')?.id, 'thread-02');
        assert.deepEqual(repo.listThreads().map((t) => t.id), ['thread-01', 'thread-02']);

        repo.putMessage(message('message-1', 'thread-01', 1, 'member-01'));
        assert.equal(repo.getMessage('message-1')?.body, 'body 1');
        assert.equal(repo.lastPostAt('member-01'), 1001);
        assert.equal(repo.lastPostAt('member-09'), undefined);

        const invite: Invite = { id: 'invite-01', createdBy: 'member-01', createdAt: 5, expiresAt: null, maxUses: 2, uses: 0, revoked: false };
        repo.addInvite(invite, 'i'.repeat(21));
        repo.putInvite({ ...invite, uses: 1 });
        assert.deepEqual(repo.listInvites().map((i) => i.uses), [1]);
        assert.equal(repo.findInviteByCode('i'.repeat(21))?.uses, 1, 'found by its code in the same transaction');

        const report: Report = { id: 'report-01', messageId: 'message-1', threadId: 'thread-01', reporterId: 'member-01', reason: 'spam', createdAt: 6, resolvedAt: null };
        repo.putReport(report);
        repo.putReport({ ...report, id: 'report-02', createdAt: 7 });
        repo.putReport({ ...report, resolvedAt: 8 });
        assert.deepEqual(repo.listReports(false).map((r) => r.id), ['report-02'], 'a resolved report leaves the queue');
        assert.deepEqual(repo.listReports(true).map((r) => r.id), ['report-01', 'report-02']);

        const request: JoinRequest = { id: 'request-1', displayName: 'Asker', note: null, createdAt: 9 };
        repo.putJoinRequest(request);
        repo.putJoinRequest({ ...request, id: 'request-2', createdAt: 10 });
        repo.deleteJoinRequest('request-1');
        assert.deepEqual(repo.listJoinRequests().map((r) => r.id), ['request-2']);

        const audit = (id: string, at: number): AuditEntry => ({ id, actorId: 'member-01', action: 'mod.mute', targetId: null, reason: null, at });
        repo.appendAudit(audit('audit-001', 100));
        repo.appendAudit(audit('audit-002', 100));
        repo.appendAudit(audit('audit-003', 101));
        assert.deepEqual(repo.listAudit(null, 10).map((e) => e.id), ['audit-003', 'audit-002', 'audit-001'], 'newest first, later writes first within a ms');

        repo.recordAppliedCommand('command-1', 'member-01', { ok: true, seq: null });
        assert.deepEqual(repo.getAppliedCommand('command-1'), { authorId: 'member-01', ack: { ok: true, seq: null } });

        tx.putToken('hash-a', { circleId: 'own', memberId: null, requestId: 'request-2' }, 11);
        tx.promoteRequestTokens('request-2', 'member-04');
        assert.deepEqual(tx.getToken('hash-a'), { circleId: 'own', memberId: 'member-04', requestId: null });
        tx.putToken('hash-b', { circleId: 'own', memberId: 'member-01', requestId: null }, 12);
        tx.deleteMemberTokens('member-01');
        assert.equal(tx.getToken('hash-b'), undefined);

        tx.putServerSettings({ ssoSecret: 'x', allowedOrigins: ['https://a.example'] });
        assert.equal(tx.serverSettings().ssoSecret, 'x');
      });

      const later = await storage.read('own', (tx) => ({
        members: tx.repo.listMembers().map((m) => m.id),
        seated: tx.repo.countSeatedMembers(),
        threadByKey: tx.repo.getThreadByKey('post-key')?.id,
        message: tx.repo.getMessage('message-1')?.seq,
        lastPost: tx.repo.lastPostAt('member-01'),
        invite: tx.repo.getInvite('invite-01')?.uses,
        inviteByCode: tx.repo.findInviteByCode('i'.repeat(21))?.id,
        open: tx.repo.listReports(false).map((r) => r.id),
        all: tx.repo.listReports(true).map((r) => r.id),
        report: tx.repo.getReport('report-01')?.resolvedAt,
        requests: tx.repo.listJoinRequests().map((r) => r.id),
        request: tx.repo.getJoinRequest('request-1'),
        audit: tx.repo.listAudit(null, 2).map((e) => e.id),
        older: tx.repo.listAudit(101, 10).map((e) => e.id),
        applied: tx.repo.getAppliedCommand('command-1'),
        tokenA: tx.getToken('hash-a'),
        tokenB: tx.getToken('hash-b'),
        settings: tx.serverSettings(),
      }));
      assert.deepEqual(later, {
        members: ['member-01', 'member-03'],
        seated: 1,
        threadByKey: 'thread-02',
        message: 1,
        lastPost: 1001,
        invite: 1,
        inviteByCode: 'invite-01',
        open: ['report-02'],
        all: ['report-01', 'report-02'],
        report: 8,
        requests: ['request-2'],
        request: undefined,
        audit: ['audit-003', 'audit-002'],
        older: ['audit-002', 'audit-001'],
        applied: { authorId: 'member-01', ack: { ok: true, seq: null } },
        tokenA: { circleId: 'own', memberId: 'member-04', requestId: null },
        tokenB: undefined,
        settings: { ssoSecret: 'x', allowedOrigins: ['https://a.example'] },
      });
    });

    it('refuses writes in a read transaction and changes nothing', async () => {
      const storage = await open();
      await storage.create('ro', settings, 1, () => {});
      await assert.rejects(storage.read('ro', (tx) => tx.repo.appendEvent(draft('m-000001'))));
      await assert.rejects(storage.read('ro', (tx) => tx.repo.putMember(member('member-01', 1))));
      assert.equal(await storage.read('ro', (tx) => tx.headSeq()), 0);
      assert.equal(await storage.read('ro', (tx) => tx.repo.getMember('member-01')), undefined);
    });

    it('keeps no trace of a deleted message’s words in its events, from a later transaction or the same one', async () => {
      const storage = await open();
      const upserted = (m: Message) => ({ type: 'message.upserted' as const, message: m, at: m.createdAt, commandId: null, actorId: null });
      const tombstone = (m: Message): Message => ({ ...m, body: '', state: 'deleted', reactions: {} });
      const [gone, kept, quick] = [message('message-gone', 'thread-1', 1), message('message-kept', 'thread-1', 2), message('message-quick', 'thread-1', 3)];
      await storage.create('redact', settings, 1, (tx) => {
        for (const m of [gone, kept]) {
          tx.repo.putMessage(m);
          tx.repo.appendEvent(upserted(m));
        }
      });
      await storage.write('redact', (tx) => {
        tx.repo.putMessage(tombstone(gone));
        tx.repo.appendEvent(upserted(tombstone(gone)));
        tx.repo.putMessage(quick);
        tx.repo.appendEvent(upserted(quick));
      });
      await storage.write('redact', (tx) => {
        tx.repo.putMessage(tombstone(quick));
        tx.repo.appendEvent(upserted(tombstone(quick)));
      });
      const events = await storage.read('redact', (tx) => tx.eventsAfter(0, 100));
      const text = JSON.stringify(events);
      assert.ok(!text.includes('body 1') && !text.includes('body 3'), 'the deleted words are gone from the events');
      assert.ok(text.includes('body 2'), 'other messages keep theirs');
      assert.deepEqual(events.map((e) => (e.type === 'message.upserted' ? `${e.seq}:${e.message.id}:${e.message.state}` : e.type)), [
        '1:message-gone:deleted', '2:message-kept:visible', '3:message-gone:deleted', '4:message-quick:deleted', '5:message-quick:deleted',
      ]);
    });

    it('keeps no earlier version of an edited message in its events, and a resume still replays every seq', async () => {
      const storage = await open();
      const service = new CircleService({ storage, fanOut: createInProcessFanOut() });
      const { ownerId, ownerToken } = await service.createCircle({ id: 'edits', name: 'Edits' });
      const threadId = nanoid();
      const messageId = nanoid();
      const run = async (command: object) => assert.equal((await service.execute('edits', ownerId, { id: nanoid(), ...command } as Command)).ok, true);
      await run({ type: 'thread.create', threadId, title: 'T' });
      const cursor = String(await storage.read('edits', (tx) => tx.headSeq()));
      await run({ type: 'message.post', messageId, threadId, body: 'words first written', contentWarning: 'first warning' });
      await run({ type: 'message.post', messageId: nanoid(), threadId, body: 'a bystander' });
      await run({ type: 'message.edit', messageId, body: 'words written second' });
      await run({ type: 'message.react', messageId, reaction: '👍', active: true });
      await run({ type: 'message.edit', messageId, body: 'words as they stand', contentWarning: null });
      const events = await storage.read('edits', (tx) => tx.eventsAfter(0, 1000));
      const text = JSON.stringify(events);
      for (const old of ['words first written', 'first warning', 'words written second']) assert.ok(!text.includes(old), `no stored event holds “${old}”`);
      assert.ok(text.includes('words as they stand') && text.includes('a bystander'));
      assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i + 1), 'the log keeps every seq');
      const entry = await service.enter('edits', { kind: 'token', token: ownerToken }, cursor);
      const replay = entry.session.replay!;
      assert.deepEqual(replay.map((e) => e.seq), events.slice(Number(cursor)).map((e) => e.seq), 'a resume replays every seq after its cursor, no gap');
      const versions = replay.flatMap((e) => (e.type === 'message.upserted' && e.message.id === messageId ? [e.message.body] : []));
      assert.ok(versions.length >= 3 && versions.every((body) => body === 'words as they stand'), 'each of its events holds the message as it is now');
    });

    it('pages a thread backwards, oldest first within a page', async () => {
      const storage = await open();
      await storage.create('h', settings, 1, (tx) => {
        for (let seq = 1; seq <= 25; seq++) tx.repo.putMessage(message(`m-${String(seq).padStart(6, '0')}`, seq % 5 === 0 ? 'other-thread' : 'thread-0001', seq));
      });
      const pages: number[][] = [];
      let before: string | null = null;
      do {
        const page = await storage.read('h', (tx) => tx.historyPage('thread-0001', before, 8));
        pages.push(page.messages.map((m) => m.seq));
        before = page.before;
      } while (before !== null);
      const expected = Array.from({ length: 25 }, (_, i) => i + 1).filter((s) => s % 5 !== 0);
      assert.deepEqual(pages.map((p) => p.length), [8, 8, 4]);
      assert.deepEqual(pages.reverse().flat(), expected);
      await rejects(storage.read('h', (tx) => tx.historyPage('thread-0001', 'not-a-seq', 5)), 'invalid');
      assert.deepEqual((await storage.read('h', (tx) => tx.allMessages())).map((m) => m.seq), Array.from({ length: 25 }, (_, i) => i + 1));
    });

    it('applies a command id once, however often and however concurrently it arrives', async () => {
      const storage = await open();
      const service = new CircleService({ storage, fanOut: createInProcessFanOut() });
      const { ownerId } = await service.createCircle({ id: 'once', name: 'Once' });
      const threadId = nanoid();
      assert.equal((await service.execute('once', ownerId, { id: nanoid(), type: 'thread.create', threadId, title: 'T' })).ok, true);
      const post = { id: nanoid(), type: 'message.post', messageId: nanoid(), threadId, body: 'hello' } as Command;
      const acks = await Promise.all([service.execute('once', ownerId, post), service.execute('once', ownerId, post), service.execute('once', ownerId, post)]);
      const again = await service.execute('once', ownerId, post);
      for (const ack of [...acks, again]) assert.deepEqual(ack, acks[0], 'every arrival gets the same ack');
      const exported = (await service.exportCircle('once')) as { messages: Message[]; headSeq: number };
      assert.equal(exported.messages.filter((m) => m.body === 'hello').length, 1, 'stored once');
      assert.equal(acks[0]!.ok && acks[0]!.seq, exported.headSeq, 'and the ack names its event');
    });

    it('answers a replayed command id only to its author; another member reusing it is refused and told nothing', async () => {
      const storage = await open();
      const service = new CircleService({ storage, fanOut: createInProcessFanOut() });
      const { ownerId } = await service.createCircle({ id: 'mine', name: 'Mine' });
      const invite = await service.createInvite('mine', { maxUses: null, expiresInMs: null });
      const code = (invite as { code?: string }).code ?? (invite as { invite?: { code: string } }).invite!.code;
      const joined = await service.enter('mine', { kind: 'invite', code, displayName: 'Other', acceptNorms: true }, null);
      const id = nanoid();
      const created = await service.execute('mine', ownerId, { id, type: 'invite.create', maxUses: 1, expiresInMs: null });
      assert.equal(created.ok, true);
      const stolen = await service.execute('mine', joined.member.id, { id, type: 'member.update', flair: 'x' });
      assert.equal(stolen.ok, false, 'another member gets no ack of someone else’s command');
      assert.equal(!stolen.ok && stolen.error.code, 'conflict');
      assert.ok(!JSON.stringify(stolen).includes('invite'), 'and nothing of what it did');
      assert.equal((await service.getMember('mine', joined.member.id))!.flair, null, 'their command changed nothing');
      assert.deepEqual(await service.execute('mine', ownerId, { id, type: 'invite.create', maxUses: 1, expiresInMs: null }), withoutShownOnce(created), 'the author’s retry gets the recorded ack');
    });

    it('admits by an invite code, and lists and revokes invites by an id that is not the code', async () => {
      const storage = await open();
      const service = new CircleService({ storage, fanOut: createInProcessFanOut() });
      const { ownerId } = await service.createCircle({ id: 'codes', name: 'Codes' });
      const created = await service.execute('codes', ownerId, { id: nanoid(), type: 'invite.create', maxUses: 5, expiresInMs: null });
      assert.ok(created.ok);
      const { invite, code } = created.result as { invite: Invite; code: string };
      assert.equal(typeof code, 'string');
      assert.ok(!JSON.stringify(invite).includes(code), 'the invite record does not carry its code');
      await service.enter('codes', { kind: 'invite', code, displayName: 'First', acceptNorms: true }, null);
      const listed = await service.execute('codes', ownerId, { id: nanoid(), type: 'invite.list' });
      assert.deepEqual(listed.ok && (listed.result as { invites: Invite[] }).invites.map((i) => [i.id, i.uses]), [[invite.id, 1]]);
      assert.equal((await storage.read('codes', (tx) => tx.repo.getInvite(invite.id)))?.uses, 1, 'found by id');
      assert.equal((await storage.read('codes', (tx) => tx.repo.findInviteByCode(code)))?.id, invite.id, 'and by code');
      assert.equal(await storage.read('codes', (tx) => tx.repo.findInviteByCode(invite.id)), undefined, 'the id is no code');
      const revoked = await service.execute('codes', ownerId, { id: nanoid(), type: 'invite.revoke', inviteId: invite.id });
      assert.equal(revoked.ok, true);
      await rejects(service.enter('codes', { kind: 'invite', code, displayName: 'Second', acceptNorms: true }, null), 'invite_expired');
    });

    it('keeps a stored token bucket across handles (one budget for several processes)', async () => {
      const storage = await open();
      const other = await under.openAgain(storage);
      opened.push(other);
      await storage.create('budget', settings, 1, () => {});
      const spec = { capacity: 3, refillPerSecond: 1 };
      const take = (s: Storage, at: number) => s.write('budget', (tx) => tx.takeBucketToken('member:m', spec, at));
      assert.deepEqual([await take(storage, 1000), await take(other, 1000), await take(storage, 1000)], [0, 0, 0]);
      assert.equal(await take(other, 1000), 1000, 'the fourth waits for a token, whichever handle asks');
      assert.equal(await take(storage, 1500), 500, 'a refusal spends nothing');
      assert.equal(await take(other, 2000), 0, 'refilled');
    });

    it('gives gapless, unique seqs to concurrent writers on separate handles', async () => {
      const storage = await open();
      await storage.create('race', settings, 1, () => {});
      await storage.create('calm', settings, 1, () => {});
      const writers = 4;
      const each = 40;
      const results = await runWriters(
        Array.from({ length: writers }, (_, n) => ({ store: under.writerStore(storage), circleId: 'race', writer: `w${n}`, count: each, inFlight: 4 })),
      );
      const seqs = results.flatMap((r) => r.seqs).sort((a, b) => a - b);
      assert.deepEqual(seqs, Array.from({ length: writers * each }, (_, i) => i + 1), 'every seq once, none skipped');
      const stored = await storage.read('race', (tx) => ({ events: tx.eventsAfter(0, 10_000), head: tx.headSeq() }));
      assert.equal(stored.head, writers * each);
      assert.deepEqual(stored.events.map((e) => e.seq), seqs, 'the stored log matches what writers were told');
      for (const result of results) {
        const mine = stored.events.filter((e) => e.type === 'member.removed' && e.memberId.startsWith(`${result.writer}-`));
        assert.deepEqual(mine.map((e) => e.seq), [...result.seqs].sort((a, b) => a - b), `${result.writer}'s events carry the seqs it was given`);
      }
      assert.equal(await storage.read('calm', (tx) => tx.headSeq()), 0, 'another circle is untouched');
    });
  });
}

