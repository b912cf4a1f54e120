/**
 * `@hearth/core/testing`: the transport conformance suite. Any transport, together with its backend, runs
 * it to prove it honours the contract in `transport.ts`: ordering, resume without gaps, idempotent resend,
 * error codes, refusal of unknown credentials, history paging. It runs under node:test and under mocha
 * (web-test-runner): pass that runner's `describe`, `it`, `before` and `after`.
 */
import { HearthError, type Ack, type CircleEvent, type Command, type CommandInput, type Credentials, type ErrorInfo, type Session } from '@hearth/protocol';
import { nanoid } from 'nanoid';
import type { Transport } from './transport.js';

export interface ConformanceCircle {
  circle: string;
  /** Credentials of the circle's owner. */
  owner: Credentials;
  /** A multi-use invite that does not expire during the run. */
  inviteCode: string;
}

export interface ConformanceBackend {
  /** A fresh circle (each test gets its own, so tests cannot disturb each other). */
  createCircle(): Promise<ConformanceCircle>;
  createTransport(): Transport;
  close(): Promise<void>;
}

type Fn = () => void | Promise<void>;
export interface ConformanceOptions {
  name: string;
  setup: () => Promise<ConformanceBackend>;
  describe: (name: string, fn: () => void) => unknown;
  it: (name: string, fn: () => Promise<void>) => unknown;
  before: (fn: Fn) => unknown;
  after: (fn: Fn) => unknown;
  /** How long to wait for an expected event. Default 5 s. */
  timeoutMs?: number;
}

export class ConformanceFailure extends Error {
  override name = 'ConformanceFailure';
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ConformanceFailure(message);
}

/** A raw connection that records what the transport delivers. */
interface Peer {
  transport: Transport;
  session: Session;
  events: CircleEvent[];
  lost: ErrorInfo[];
}

async function connectPeer(backend: ConformanceBackend, circle: string, credentials: Credentials, cursor: string | null = null, transport = backend.createTransport()): Promise<Peer> {
  const events: CircleEvent[] = [];
  const lost: ErrorInfo[] = [];
  const session = await transport.connect({ circle, credentials, cursor }, { event: (e) => void events.push(e), disconnected: (e) => void lost.push(e) });
  return { transport, session, events, lost };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new ConformanceFailure(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function expectCode(promise: Promise<unknown>, codes: string[], what: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    const code = (error as HearthError).code;
    check(codes.includes(code), `${what}: expected ${codes.join(' or ')}, got ${code} (${(error as Error).message})`);
    return;
  }
  throw new ConformanceFailure(`${what}: expected ${codes.join(' or ')}, but it succeeded`);
}

function refused(ack: Ack, codes: string[], what: string): void {
  check(!ack.ok, `${what}: expected refusal with ${codes.join(' or ')}, got ok`);
  if (!ack.ok) check(codes.includes(ack.error.code), `${what}: expected ${codes.join(' or ')}, got ${ack.error.code}`);
}

function accepted(ack: Ack, what: string): asserts ack is Extract<Ack, { ok: true }> {
  check(ack.ok, `${what}: refused with ${!ack.ok ? `${ack.error.code}: ${ack.error.message}` : ''}`);
}

function contiguous(events: readonly CircleEvent[], after: number, what: string): void {
  events.forEach((event, i) => check(event.seq === after + 1 + i, `${what}: expected seq ${after + 1 + i} at position ${i}, got ${event.seq}`));
}

const headOf = (session: Session) => (session.cursor === null ? 0 : Number(session.cursor));
const post = (threadId: string, body: string, messageId = nanoid()): Command => ({ id: nanoid(), type: 'message.post', messageId, threadId, body });

export function runTransportConformance(options: ConformanceOptions): void {
  const { describe, it, before, after } = options;
  const timeout = options.timeoutMs ?? 5000;
  let backend: ConformanceBackend;
  const peers: Peer[] = [];
  const open = async (...args: Parameters<typeof connectPeer> extends [unknown, ...infer R] ? R : never) => {
    const peer = await connectPeer(backend, ...args);
    peers.push(peer);
    return peer;
  };
  /** A circle with its owner connected, a member joined by invite, and one thread. */
  const world = async () => {
    const circle = await backend.createCircle();
    const owner = await open(circle.circle, circle.owner);
    const member = await open(circle.circle, { kind: 'invite', code: circle.inviteCode, displayName: `Reader ${nanoid(5)}`, acceptNorms: true });
    const threadId = nanoid();
    accepted(await owner.transport.send({ id: nanoid(), type: 'thread.create', threadId, title: 'Conformance' }), 'thread.create');
    return { circle, owner, member, threadId };
  };

  describe(`transport conformance: ${options.name}`, () => {
    before(async () => {
      backend = await options.setup();
    });
    after(async () => {
      await Promise.all(peers.map((p) => p.transport.close().catch(() => {})));
      await backend.close();
    });

    it('connects with valid credentials and returns the circle at its head', async () => {
      const circle = await backend.createCircle();
      const owner = await open(circle.circle, circle.owner);
      check(owner.session.circle.id === circle.circle, 'session.circle.id is the circle');
      check(owner.session.member.role === 'owner', 'the owner signs in as owner');
      check(owner.session.members.some((m) => m.id === owner.session.member.id), 'members include the owner');
      check(owner.session.cursor !== null && headOf(owner.session) >= 1, 'the cursor names the head of a non-empty stream');
      check(owner.session.replay === null, 'no replay without a cursor');
    });

    it('refuses unknown credentials with unauthorized', async () => {
      const circle = await backend.createCircle();
      await expectCode(connectPeer(backend, circle.circle, { kind: 'token', token: nanoid(32) }), ['unauthorized'], 'unknown token');
      await expectCode(
        connectPeer(backend, circle.circle, { kind: 'invite', code: nanoid(24), displayName: 'Stranger', acceptNorms: true }),
        ['unauthorized'],
        'unknown invite code',
      );
    });

    it('shows the circle before joining to someone holding an invite, and to no one else (when it can preview)', async () => {
      const circle = await backend.createCircle();
      const transport = backend.createTransport();
      if (!transport.preview) return; // optional: a join gate then shows no norms before joining
      const shown = await transport.preview({ circle: circle.circle, invite: circle.inviteCode });
      check(shown.id === circle.circle && typeof shown.norms === 'string' && typeof shown.name === 'string', 'the preview is the circle, with its name and norms');
      await expectCode(transport.preview({ circle: circle.circle, invite: nanoid(24) }), ['unauthorized'], 'an unknown invite code');
      await expectCode(transport.preview({ circle: circle.circle, invite: null }), ['unauthorized', 'forbidden'], 'no code for an invite-only circle');
      await expectCode(transport.preview({ circle: `no-${nanoid(8).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`, invite: circle.inviteCode }), ['not_found', 'unauthorized'], 'an unknown circle');
      const member = await open(circle.circle, { kind: 'invite', code: circle.inviteCode, displayName: `Reader ${nanoid(5)}`, acceptNorms: true });
      check(member.session.members.length === 2, 'previewing did not join anyone');
    });

    it('joins by invite and signs in again with the issued token', async () => {
      const { circle, member } = await world();
      check(typeof member.session.token === 'string', 'joining issues a member token');
      check(member.session.member.role === 'member', 'a joiner is a member');
      const again = await open(circle.circle, { kind: 'token', token: member.session.token! });
      check(again.session.member.id === member.session.member.id, 'the token signs in the same member');
      check(again.session.token === null, 'signing in with a token issues no new one');
    });

    it('delivers every event to every member in seq order, with no gap and no duplicate', async () => {
      const { owner, member, threadId } = await world();
      const start = headOf(member.session);
      const acks = await Promise.all(Array.from({ length: 20 }, (_, i) => owner.transport.send(post(threadId, `message ${i}`))));
      acks.forEach((ack, i) => accepted(ack, `post ${i}`));
      const last = Math.max(...acks.map((a) => (a.ok ? a.seq ?? 0 : 0)));
      await waitFor(() => member.events.some((e) => e.seq >= last), 'the last event at the member', timeout);
      await waitFor(() => owner.events.some((e) => e.seq >= last), 'the last event at the sender', timeout);
      const after = member.events.filter((e) => e.seq > start);
      contiguous(after, start, 'member events');
      const posted = new Set(after.flatMap((e) => (e.type === 'message.upserted' ? [e.message.body] : [])));
      check(posted.size === 20, `the member saw all 20 posts once (saw ${posted.size})`);
      check(after.length === member.events.length, 'no event at or below the session cursor is delivered live');
    });

    it('resumes from a cursor with exactly the missed events', async () => {
      const { circle, owner, member, threadId } = await world();
      const token = member.session.token!;
      await owner.transport.send(post(threadId, 'before the drop'));
      await waitFor(() => member.events.some((e) => e.type === 'message.upserted'), 'the first post', timeout);
      const cursor = String(member.events[member.events.length - 1]!.seq);
      await member.transport.close();
      const missed = [] as string[];
      for (let i = 0; i < 5; i++) {
        const command = post(threadId, `while away ${i}`);
        accepted(await owner.transport.send(command), 'post while away');
        missed.push(command.id);
      }
      const back = await open(circle.circle, { kind: 'token', token }, cursor);
      check(back.session.replay !== null, 'a recent cursor gets a replay');
      contiguous(back.session.replay!, Number(cursor), 'replay');
      check(back.session.replay!.length === headOf(back.session) - Number(cursor), 'replay reaches the session head');
      const replayed = new Set(back.session.replay!.map((e) => e.commandId));
      check(missed.every((id) => replayed.has(id)), 'every missed command appears in the replay');
      const live = post(threadId, 'after resume');
      accepted(await owner.transport.send(live), 'post after resume');
      await waitFor(() => back.events.some((e) => e.commandId === live.id), 'the live event after resume', timeout);
      contiguous(back.events, headOf(back.session), 'live events after resume');
    });

    it('never replays words deleted or hidden while a member was away', async () => {
      const { circle, owner, member, threadId } = await world();
      const token = member.session.token!;
      const cursor = String(headOf(member.session));
      await member.transport.close();
      const deleted = post(threadId, 'taken back: marmalade');
      const hidden = post(threadId, 'hidden: quince');
      accepted(await owner.transport.send(deleted), 'post to be deleted');
      accepted(await owner.transport.send(hidden), 'post to be hidden');
      const writer = await open(circle.circle, { kind: 'invite', code: circle.inviteCode, displayName: `Writer ${nanoid(5)}`, acceptNorms: true });
      const ownPost = post(threadId, 'hidden: persimmon');
      accepted(await writer.transport.send(ownPost), 'member post');
      accepted(await owner.transport.send({ id: nanoid(), type: 'message.delete', messageId: (deleted as { messageId: string }).messageId }), 'delete');
      accepted(await owner.transport.send({ id: nanoid(), type: 'mod.hide', messageId: (hidden as { messageId: string }).messageId, reason: 'conformance' }), 'hide');
      accepted(await owner.transport.send({ id: nanoid(), type: 'mod.hide', messageId: (ownPost as { messageId: string }).messageId, reason: 'conformance' }), 'hide');
      const back = await open(circle.circle, { kind: 'token', token }, cursor);
      check(back.session.replay !== null, 'a recent cursor gets a replay');
      const words = JSON.stringify(back.session.replay);
      check(!words.includes('marmalade'), 'the replay does not carry a deleted message’s words');
      check(!words.includes('quince') && !words.includes('persimmon'), 'the replay does not carry a hidden message’s words to a member');
      const page = await back.transport.history({ threadId, before: null, limit: 50 });
      check(!/marmalade|quince|persimmon/.test(JSON.stringify(page)), 'nor does history');
      const moderator = await open(circle.circle, circle.owner, cursor);
      check(JSON.stringify(moderator.session.replay).includes('persimmon'), 'a moderator’s replay still shows what was hidden, to review it');
      check(!JSON.stringify(moderator.session.replay).includes('marmalade'), 'but not what was deleted');
    });

    it('applies a command id once, however many times it is sent', async () => {
      const { owner, member, threadId } = await world();
      const command = post(threadId, 'only once');
      const acks = [await owner.transport.send(command), ...(await Promise.all([owner.transport.send(command), owner.transport.send(command)]))];
      acks.forEach((ack, i) => accepted(ack, `send #${i + 1}`));
      const seqs = new Set(acks.map((a) => (a.ok ? a.seq : -1)));
      check(seqs.size === 1, `every ack names the same event (got ${[...seqs].join(', ')})`);
      const page = await member.transport.history({ threadId, before: null, limit: 50 });
      check(page.messages.filter((m) => m.body === 'only once').length === 1, 'the message is stored once');
      await waitFor(() => member.events.some((e) => e.commandId === command.id), 'the event', timeout);
      await new Promise((r) => setTimeout(r, 50));
      check(member.events.filter((e) => e.type === 'message.upserted' && e.commandId === command.id).length === 1, 'its event is delivered once');
    });

    it('treats a resend after reconnecting as the same command', async () => {
      const { circle, owner, threadId } = await world();
      const command = post(threadId, 'sent twice across a reconnect');
      accepted(await owner.transport.send(command), 'first send');
      await owner.transport.close();
      const again = await open(circle.circle, circle.owner, null, owner.transport);
      accepted(await again.transport.send(command), 'resend');
      const page = await again.transport.history({ threadId, before: null, limit: 50 });
      check(page.messages.filter((m) => m.id === (command as { messageId: string }).messageId).length === 1, 'stored once');
    });

    it('refuses bad commands with stable codes and changes nothing', async () => {
      const { owner, member, threadId } = await world();
      const ownerPost = await owner.transport.send(post(threadId, 'the owner speaks'));
      accepted(ownerPost, 'owner post');
      const headBefore = ownerPost.seq!;
      await waitFor(() => member.events.some((e) => e.seq === headBefore), 'every event of the owner post', timeout);
      const ownerMessage = member.events.find((e) => e.type === 'message.upserted')!;
      const messageId = ownerMessage.type === 'message.upserted' ? ownerMessage.message.id : '';
      const send = (c: CommandInput) => member.transport.send({ id: nanoid(), ...c } as Command);
      refused(await send({ type: 'message.post', messageId: nanoid(), threadId: nanoid(), body: 'into the void' }), ['not_found'], 'post to an unknown thread');
      refused(await send({ type: 'message.edit', messageId, body: 'not mine' }), ['forbidden'], "editing another member's message");
      refused(await send({ type: 'message.react', messageId, reaction: 'not-a-circle-reaction', active: true }), ['invalid'], 'a reaction outside the circle’s set');
      refused(await send({ type: 'mod.ban', memberId: owner.session.member.id, reason: 'coup' }), ['forbidden'], 'a member banning the owner');
      refused(await send({ type: 'message.post', messageId: nanoid(), threadId, body: '   ' }), ['invalid'], 'a blank body');
      refused(await send({ type: 'message.post', messageId: nanoid(), threadId, body: 'x'.repeat(4001) }), ['too_large'], 'an oversize body');
      refused(await send({ type: 'invite.list' }), ['forbidden'], 'a member listing invites');
      await new Promise((r) => setTimeout(r, 100));
      const extra = member.events.filter((e) => e.seq > headBefore);
      check(extra.length === 0, `refused commands produced no event (got ${extra.map((e) => e.type).join(', ')})`);
      const probe = post(threadId, 'probe');
      const ack = await owner.transport.send(probe);
      accepted(ack, 'probe');
      check(ack.seq !== null && ack.seq <= headBefore + 2, `the stream did not advance while refusing (probe at ${ack.seq}, head was ${headBefore})`);
    });

    it('pages history backwards without overlap', async () => {
      const { member, owner, threadId } = await world();
      for (let i = 0; i < 25; i++) accepted(await owner.transport.send(post(threadId, `page ${i}`)), `post ${i}`);
      const seen: string[] = [];
      let before: string | null = null;
      const sizes: number[] = [];
      do {
        const page: Awaited<ReturnType<Transport['history']>> = await member.transport.history({ threadId, before, limit: 10 });
        sizes.push(page.messages.length);
        for (let i = 1; i < page.messages.length; i++) check(page.messages[i - 1]!.seq < page.messages[i]!.seq, 'a page is oldest first');
        seen.unshift(...page.messages.map((m) => m.body));
        before = page.before;
      } while (before !== null && sizes.length < 10);
      check(sizes.join(',') === '10,10,5', `pages of 10, 10 and 5 (got ${sizes.join(',')})`);
      check(seen.join('|') === Array.from({ length: 25 }, (_, i) => `page ${i}`).join('|'), 'pages join into the whole thread, in order');
    });

    it('disconnects a banned member and refuses them afterwards', async () => {
      const { circle, owner, member } = await world();
      accepted(await owner.transport.send({ id: nanoid(), type: 'mod.ban', memberId: member.session.member.id, reason: 'conformance' }), 'ban');
      await waitFor(() => member.lost.length > 0, 'the banned member’s disconnection', timeout);
      check(['forbidden', 'unauthorized'].includes(member.lost[0]!.code), `disconnected with forbidden or unauthorized (got ${member.lost[0]!.code})`);
      await expectCode(connectPeer(backend, circle.circle, { kind: 'token', token: member.session.token! }), ['forbidden', 'unauthorized'], 'a banned member reconnecting');
    });
  });
}

/**
 * Runs the suite outside any test runner and returns what passed and failed — used to prove the suite
 * catches broken transports.
 */
export async function runConformanceCollecting(setup: () => Promise<ConformanceBackend>, timeoutMs = 2000): Promise<Map<string, Error | null>> {
  const tests: [string, () => Promise<void>][] = [];
  const befores: Fn[] = [];
  const afters: Fn[] = [];
  runTransportConformance({
    name: 'collected',
    setup,
    timeoutMs,
    describe: (_name, fn) => fn(),
    it: (name, fn) => tests.push([name, fn]),
    before: (fn) => befores.push(fn),
    after: (fn) => afters.push(fn),
  });
  const results = new Map<string, Error | null>();
  for (const fn of befores) await fn();
  for (const [name, fn] of tests) {
    try {
      await fn();
      results.set(name, null);
    } catch (error) {
      results.set(name, error as Error);
    }
  }
  for (const fn of afters) await fn();
  return results;
}

export { HearthError };
export { chaosTransport, seededRandom } from './chaos.js';
export type { ChaosOptions, ChaosTransport } from './chaos.js';
