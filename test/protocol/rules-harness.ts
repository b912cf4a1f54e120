// A small harness around the rules engine: a fresh circle in a memory repository, a settable clock,
// deterministic ids, and helpers that run commands the way a host does (inside a transaction).
import assert from 'node:assert/strict';
import { LIMITS, type Ack, type Circle, type CircleEvent, type CommandInput, type CommandType, type ErrorCode, type ErrorInfo, type Member } from '@hearth/protocol';
import { nameSkeletons } from '@hearth/protocol/confusables';
import { admit, createMemoryRepository, execute, initCircle, type AdmitRequest, type ExecuteOutcome, type WordFilter } from '@hearth/protocol/rules';

export const T0 = 1_700_000_000_000;

/** A command as tests write it: the id may be left out. */
export type TestCommand = { [T in CommandType]: CommandInput<T> & { type: T; id?: string } }[CommandType];

export interface HarnessOptions {
  circle?: Partial<Circle>;
  wordFilter?: WordFilter;
  /** The owner's display name; `Owner` unless given. */
  ownerName?: string;
}

export function harness(options: HarnessOptions = {}) {
  const repo = createMemoryRepository('readers');
  const clock = { now: T0 };
  let counter = 0;
  const newId = (size = 21) => `id${String(++counter).padStart(size - 2, '0')}`;
  // Names are compared as the reference server compares them: with Unicode's confusable skeletons.
  const ctx = () => ({ repo, now: clock.now, newId, nameSkeletons });
  const circle: Circle = {
    id: 'readers', name: 'Readers', description: '', norms: 'Be kind.', access: 'invite',
    memberCap: LIMITS.memberCapDefault, reactions: ['👍', '❤️', 'heh'],
    settings: { slowModeSeconds: 0, pseudonymsAllowed: true },
    ...options.circle,
  };
  const { owner } = repo.transaction(() => initCircle(ctx(), { circle, wordFilter: options.wordFilter, owner: { displayName: options.ownerName ?? 'Owner' } }));

  /** Runs a command as a member (looked up fresh, as a host does). */
  function run(actorId: string, command: TestCommand): ExecuteOutcome {
    const actor = repo.getMember(actorId);
    assert.ok(actor, `no member ${actorId}`);
    const full = { id: command.id ?? newId(), ...command } as Parameters<typeof execute>[1];
    return repo.transaction(() => execute({ ...ctx(), actor }, full));
  }

  /** Runs a command that must succeed; returns its ack. */
  function ok(actorId: string, command: TestCommand): { ack: Extract<Ack, { ok: true }>; events: CircleEvent[] } {
    const outcome = run(actorId, command);
    assert.equal(outcome.ack.ok, true, `${command.type} refused: ${JSON.stringify(outcome.ack)}`);
    return outcome as { ack: Extract<Ack, { ok: true }>; events: CircleEvent[] };
  }

  /** Runs a command that must be refused with `code` (and `field`), and checks that it wrote nothing. */
  function refused(actorId: string, command: TestCommand, code: ErrorCode, field?: string) {
    const before = snapshot();
    const outcome = run(actorId, command);
    assert.equal(outcome.ack.ok, false, `${command.type} should be refused with ${code}`);
    if (outcome.ack.ok) return outcome.ack;
    assert.equal(outcome.ack.error.code, code, outcome.ack.error.message);
    if (field !== undefined) assert.equal(outcome.ack.error.field, field);
    assert.ok(outcome.ack.error.message.length > 0);
    assert.deepEqual(outcome.events, []);
    assert.deepEqual(snapshot(), before, `${command.type} refused but changed the repository`);
    return outcome.ack.error;
  }

  /** Everything the repository holds, for before/after comparisons. */
  function snapshot() {
    return structuredClone({
      record: repo.getCircle(),
      members: repo.listMembers(),
      threads: repo.listThreads(),
      messages: repo.listThreads().map((t) => repo.historyPage(t.id, null, LIMITS.historyPageMax).messages),
      invites: repo.listInvites(),
      reports: repo.listReports(true),
      requests: repo.listJoinRequests(),
      audit: repo.listAudit(null, 10_000),
      events: repo.eventsAfter(0),
    });
  }

  /** A new invite's code, as shown once to the owner who made it. */
  function inviteCode(): string {
    const { ack } = run(owner.id, { type: 'invite.create', expiresInMs: null });
    return (ack as { result: { code: string } }).result.code;
  }

  /** Admits a newcomer as a host does (inside a transaction). */
  function admitNow(request: AdmitRequest) {
    return repo.transaction(() => admit(ctx(), request));
  }

  /** An admission that must be refused with `code` (and on `field`) and write nothing; returns the refusal. */
  function admitRefused(request: AdmitRequest, code: ErrorCode, field?: string): ErrorInfo {
    const before = snapshot();
    const outcome = admitNow(request);
    assert.equal(outcome.ok, false, `${JSON.stringify(request)} admitted`);
    const { error } = outcome as { error: ErrorInfo };
    assert.equal(error.code, code, error.message);
    if (field) assert.equal(error.field, field);
    assert.deepEqual(snapshot(), before);
    return error;
  }

  /** Seats a plain member through an invite. */
  function join(displayName: string): Member {
    const code = inviteCode();
    const outcome = repo.transaction(() => admit(ctx(), { kind: 'invite', code, displayName }));
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
    return (outcome as { member: Member }).member;
  }

  /** Seats a member and gives them a role. */
  function moderator(displayName: string): Member {
    const member = join(displayName);
    ok(owner.id, { type: 'mod.role', memberId: member.id, role: 'moderator', reason: null });
    return repo.getMember(member.id)!;
  }

  function thread(actorId = owner.id, title = 'General'): string {
    const threadId = newId();
    ok(actorId, { type: 'thread.create', threadId, title });
    return threadId;
  }

  function post(actorId: string, threadId: string, body = 'hello', extra: Record<string, unknown> = {}): string {
    const messageId = newId();
    ok(actorId, { type: 'message.post', messageId, threadId, body, ...extra });
    return messageId;
  }

  return { repo, clock, newId, ctx, owner, run, ok, refused, snapshot, inviteCode, admitNow, admitRefused, join, moderator, thread, post };
}

export type Harness = ReturnType<typeof harness>;
