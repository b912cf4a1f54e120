import { randomBytes } from 'node:crypto';
import { nanoid } from 'nanoid';
import {
  HearthError, LIMITS, parseCommand,
  type Ack, type Circle, type CircleEvent, type Command, type Credentials, type HistoryPage, type HistoryQuery, type Invite, type Member, type Role, type Session,
} from '@hearth/protocol';
import { nameSkeletons } from '@hearth/protocol/confusables';
import { admit, execute, initCircle, previewCircle, viewMemberFor, viewMessageFor, viewReplayFor, type WordFilter } from '@hearth/protocol/rules';
import type { FanOut } from './fanout.js';
import { RateLimiter, type BucketSpec } from './rate-limit.js';
import type { CircleReadTx, CircleTx, Storage } from './storage.js';
import { hashToken, newToken } from './tokens.js';
import { verifySsoToken, type SsoIdentity } from './sso.js';

export interface ServiceOptions {
  storage: Storage;
  fanOut: FanOut;
  now?: () => number;
  /** A resume replays at most this many events; an older cursor gets `replay: null`. Default 5000. */
  replayLimit?: number;
  /**
   * The command budget of each member, applied by `submit`. Counted in this process, and also in the store
   * when `shared` (several processes on one store), so a member connected to several processes still gets
   * one budget. Default: no limit.
   */
  memberLimit?: { spec: BucketSpec; shared: boolean };
}

/** What `createCircle` needs; everything but id and name has a default. */
export interface CircleInit extends Partial<Omit<Circle, 'id' | 'name' | 'settings'>> {
  id: string;
  name: string;
  settings?: Partial<Circle['settings']>;
  wordFilter?: WordFilter;
  ownerName?: string;
  /** Origins allowed to embed this circle, besides the server's own. */
  allowedOrigins?: string[];
  /** Turn on host-site sign-on: a secret is generated, or this one used. */
  sso?: boolean | string;
}

export interface CreatedCircle {
  circle: Circle;
  ownerId: string;
  ownerToken: string;
  ssoSecret: string | null;
}

/** The circle-level state a new connection starts from, and the member it signs in. */
export interface Entry {
  session: Session;
  member: Member;
  head: number;
}

export const DEFAULT_REACTIONS = ['👍', '❤️', '😂', '🎉', '🤔'];
export const DEFAULT_NORMS = 'Be kind. Assume good faith. What is said here stays here.';

/**
 * The server's behaviour without its sockets: admission, commands, history and administration, each in one
 * storage transaction around the rules engine, with committed events handed to fan-out. The CLI uses it
 * directly on the store; the socket server calls it per frame.
 *
 * Everything that runs inside `storage.write` / `storage.read` is synchronous and only touches the
 * transaction (see `Storage`): events are published after the commit, never from inside.
 */
export class CircleService {
  readonly storage: Storage;
  readonly fanOut: FanOut;
  readonly now: () => number;
  readonly replayLimit: number;
  /** Per-member command buckets of this process (see `ServiceOptions.memberLimit`). */
  readonly memberLimiter: RateLimiter | null;
  readonly #sharedLimit: BucketSpec | null;

  constructor(options: ServiceOptions) {
    this.storage = options.storage;
    this.fanOut = options.fanOut;
    this.now = options.now ?? Date.now;
    this.replayLimit = options.replayLimit ?? 5000;
    this.memberLimiter = options.memberLimit ? new RateLimiter(options.memberLimit.spec, this.now) : null;
    this.#sharedLimit = options.memberLimit?.shared ? options.memberLimit.spec : null;
  }

  // ── Administration (CLI, tests, npm start) ────────────────────────────────────────────────────

  async createCircle(init: CircleInit): Promise<CreatedCircle> {
    const now = this.now();
    const circle: Circle = {
      id: init.id,
      name: init.name,
      description: init.description ?? '',
      norms: init.norms ?? DEFAULT_NORMS,
      access: init.access ?? 'invite',
      memberCap: init.memberCap ?? LIMITS.memberCapDefault,
      reactions: init.reactions ?? DEFAULT_REACTIONS,
      settings: { slowModeSeconds: 0, pseudonymsAllowed: true, ...init.settings },
    };
    const ssoSecret = init.sso === true ? randomBytes(32).toString('base64url') : typeof init.sso === 'string' ? init.sso : null;
    const settings = { ssoSecret, allowedOrigins: init.allowedOrigins ?? [] };
    const ownerToken = newToken();
    return this.storage.create(circle.id, settings, now, (tx) => {
      const { owner } = initCircle(
        { repo: tx.repo, now, newId: nanoid },
        { circle, wordFilter: init.wordFilter ?? { banned: [], suspect: [] }, owner: { displayName: init.ownerName ?? 'Owner' } },
      );
      tx.putToken(hashToken(ownerToken), { circleId: circle.id, memberId: owner.id, requestId: null }, now);
      return { circle: tx.repo.getCircle().circle, ownerId: owner.id, ownerToken, ssoSecret };
    });
  }

  /**
   * Creates an invite in the owner's name. The answer is the only place its code is ever shown: the store
   * keeps a hash of it.
   */
  async createInvite(circleId: string, options: { maxUses?: number | null; expiresInMs?: number | null } = {}): Promise<Invite & { code: string }> {
    const ack = await this.#asOwner(circleId, { id: nanoid(), type: 'invite.create', ...options });
    const { invite, code } = ack.result as { invite: Invite; code: string };
    return { ...invite, code };
  }

  /** The circle's invites, by id (their codes are not kept: see `createInvite`). */
  listInvites(circleId: string): Promise<Invite[]> {
    return this.storage.read(circleId, (tx) => tx.repo.listInvites());
  }

  /** Revokes an invite by its id in the owner's name (audited like a moderator's revoke). */
  async revokeInvite(circleId: string, inviteId: string): Promise<Invite> {
    await this.#asOwner(circleId, { id: nanoid(), type: 'invite.revoke', inviteId });
    return (await this.storage.read(circleId, (tx) => tx.repo.getInvite(inviteId)))!;
  }

  /** Changes a member's role in the owner's name (recorded in the audit log like any moderation). */
  async setRole(circleId: string, memberId: string, role: Role, reason?: string): Promise<Member> {
    await this.#asOwner(circleId, { id: nanoid(), type: 'mod.role', memberId, role, reason: reason ?? 'changed by the operator' });
    return (await this.storage.read(circleId, (tx) => tx.repo.getMember(memberId)))!;
  }

  /**
   * Bans a member in the owner's name, as a moderator's `mod.ban` would: audited, their sockets closed by
   * the event, and their sign-in refused until `unbanMember`.
   */
  async banMember(circleId: string, memberId: string, reason?: string): Promise<Member> {
    await this.#asOwner(circleId, { id: nanoid(), type: 'mod.ban', memberId, reason: reason ?? OPERATOR_REASON });
    return (await this.storage.read(circleId, (tx) => tx.repo.getMember(memberId)))!;
  }

  /** Lifts a ban in the owner's name (`mod.unban`, audited). */
  async unbanMember(circleId: string, memberId: string, reason?: string): Promise<Member> {
    await this.#asOwner(circleId, { id: nanoid(), type: 'mod.unban', memberId, reason: reason ?? OPERATOR_REASON });
    return (await this.storage.read(circleId, (tx) => tx.repo.getMember(memberId)))!;
  }

  /** Removes a member in the owner's name (`mod.remove`, audited): their tokens go and their sockets close. */
  async removeMember(circleId: string, memberId: string, reason?: string): Promise<void> {
    await this.#asOwner(circleId, { id: nanoid(), type: 'mod.remove', memberId, reason: reason ?? OPERATOR_REASON });
  }

  /**
   * Turns host-site sign-on on with a new secret (or this one), replacing any earlier secret, so tokens it
   * signed stop working; `null` turns sign-on off. Returns the secret now in force.
   */
  async setSsoSecret(circleId: string, secret: string | null = randomBytes(32).toString('base64url')): Promise<string | null> {
    if (secret !== null && secret.length < 32) throw new HearthError('invalid', 'a sign-on secret needs at least 32 characters');
    await this.storage.write(circleId, (tx) => tx.putServerSettings({ ...tx.serverSettings(), ssoSecret: secret }));
    return secret;
  }

  /** Whether the circle accepts host-site sign-on (the secret itself stays with the server). */
  async hasSso(circleId: string): Promise<boolean> {
    return this.storage.read(circleId, (tx) => !!tx.serverSettings().ssoSecret);
  }

  async setAllowedOrigins(circleId: string, allowedOrigins: string[]): Promise<void> {
    await this.storage.write(circleId, (tx) => tx.putServerSettings({ ...tx.serverSettings(), allowedOrigins }));
  }

  /** Everything a circle holds, as JSON-ready data. Tokens and the sign-on secret stay out. */
  exportCircle(circleId: string): Promise<Record<string, unknown>> {
    return this.storage.read(circleId, (tx) => {
      const { repo } = tx;
      const record = repo.getCircle();
      return {
        format: 'hearth-circle-export',
        version: 1,
        exportedAt: new Date(this.now()).toISOString(),
        circle: record.circle,
        wordFilter: record.wordFilter,
        allowedOrigins: tx.serverSettings().allowedOrigins,
        members: repo.listMembers(),
        threads: repo.listThreads(),
        messages: tx.allMessages(),
        invites: repo.listInvites(),
        reports: repo.listReports(true),
        joinRequests: repo.listJoinRequests(),
        audit: repo.listAudit(null, Number.MAX_SAFE_INTEGER),
        headSeq: tx.headSeq(),
      };
    });
  }

  // ── What connections call ─────────────────────────────────────────────────────────────────────

  /** The public circle for someone about to join (see `previewCircle`): with a usable invite, or for an open circle. */
  async preview(circleId: string, inviteCode: string | null): Promise<Circle> {
    const outcome = await this.storage.read(circleId, (tx) => previewCircle({ repo: tx.repo, now: this.now() }, inviteCode));
    if (!outcome.ok) throw HearthError.from(outcome.error);
    return outcome.circle;
  }

  /**
   * Signs a connection in (or admits a newcomer) and builds its session: the sign-on token check, then the
   * sign-in in one write transaction, then the session from one read snapshot. A caller that must not miss
   * events subscribes to fan-out before calling, and drops events up to `head` (see `Connection`).
   */
  async enter(circleId: string, credentials: Credentials, cursor: string | null): Promise<Entry> {
    let identity: SsoIdentity | null = null;
    if (credentials.kind === 'sso') {
      const settings = await this.storage.read(circleId, (tx) => tx.serverSettings());
      if (!settings.ssoSecret) throw new HearthError('unauthorized', 'this circle does not accept host-site sign-on');
      identity = await verifySsoToken(credentials.jwt, settings.ssoSecret, this.now());
    }
    return this.enterVerified(circleId, credentials, identity, cursor);
  }

  /** The rest of `enter`, after a sign-on token was verified. */
  async enterVerified(circleId: string, credentials: Credentials, identity: SsoIdentity | null, cursor: string | null): Promise<Entry> {
    const now = this.now();
    // The token is made up front so that a second run of the work (see `Storage`) issues the same one.
    const token = newToken();
    const outcome = await this.storage.write(circleId, (tx) => this.#signIn(tx, credentials, identity, now, token));
    if ('pending' in outcome) {
      throw Object.assign(new HearthError('pending_approval', 'your request to join waits for a moderator'), { token: outcome.pending });
    }
    this.fanOut.publish(circleId, outcome.events);
    const { member } = outcome;
    return this.storage.read(circleId, (tx) => {
      const head = tx.headSeq();
      const { repo } = tx;
      const session: Session = {
        circleId,
        member: viewMemberFor(member, member),
        token: outcome.token,
        circle: repo.getCircle().circle,
        members: repo.listMembers().map((m) => viewMemberFor(m, member)),
        threads: repo.listThreads(),
        cursor: head > 0 ? String(head) : null,
        replay: this.#replay(tx, cursor, head, member),
      };
      return { session, member, head };
    });
  }

  /**
   * Takes one token from the member's command budget in this process, when the frame arrives. Returns 0 when
   * allowed (then call `submit`), else how many ms until a token is available.
   */
  reserve(circleId: string, memberId: string): number {
    return this.memberLimiter?.take(limiterKey(circleId, memberId)) ?? 0;
  }

  /**
   * Applies one command a member sent, after `reserve` allowed it. With a shared budget (`memberLimit.shared`)
   * the member's stored bucket is checked in the same transaction. Resolves with the ack once the
   * transaction has committed; its events are published by then.
   */
  async submit(circleId: string, memberId: string, command: Command): Promise<Ack> {
    const { ack, overBudget } = await this.#execute(circleId, memberId, command, this.#sharedLimit);
    // Refused by the budget shared with other processes: this process did not spend its token after all.
    if (overBudget) this.memberLimiter?.refund(limiterKey(circleId, memberId));
    return ack;
  }

  /** Applies one command as `memberId`, with no rate limit (administration). Resolves after the commit. */
  async execute(circleId: string, memberId: string, command: Command): Promise<Ack> {
    return (await this.#execute(circleId, memberId, command, null)).ack;
  }

  history(circleId: string, memberId: string, query: HistoryQuery): Promise<HistoryPage> {
    return this.storage.read(circleId, (tx) => {
      const viewer = tx.repo.getMember(memberId);
      if (!viewer) throw new HearthError('unauthorized', 'no longer a member of this circle');
      if (!tx.repo.getThread(query.threadId)) throw new HearthError('not_found', 'no such thread');
      const page = tx.historyPage(query.threadId, query.before, Math.min(query.limit, LIMITS.historyPageMax));
      return { ...page, messages: page.messages.map((m) => viewMessageFor(m, viewer)) };
    });
  }

  /** Events after `seq` for filling a gap in a stream (fan-out across processes may lag or drop). */
  eventsAfter(circleId: string, seq: number, limit: number): Promise<CircleEvent[]> {
    return this.storage.read(circleId, (tx) => tx.eventsAfter(seq, limit));
  }

  getMember(circleId: string, memberId: string): Promise<Member | undefined> {
    return this.storage.read(circleId, (tx) => tx.repo.getMember(memberId)).catch(notFoundAsUndefined);
  }

  allowedOrigins(circleId: string): Promise<string[] | undefined> {
    return this.storage.read(circleId, (tx) => tx.serverSettings().allowedOrigins).catch(notFoundAsUndefined);
  }

  // ── Internals ─────────────────────────────────────────────────────────────────────────────────

  async #execute(circleId: string, memberId: string, command: Command, sharedLimit: BucketSpec | null): Promise<{ ack: Ack; overBudget: boolean }> {
    const now = this.now();
    const outcome = await this.storage.write(circleId, (tx): { ack: Ack; events: CircleEvent[]; overBudget?: boolean } => {
      const actor = tx.repo.getMember(memberId);
      if (!actor) return { ack: { ok: false, error: { code: 'unauthorized', message: 'no longer a member of this circle' } }, events: [] };
      if (actor.state === 'banned') return { ack: { ok: false, error: { code: 'forbidden', message: 'banned from this circle' } }, events: [] };
      if (sharedLimit) {
        const wait = tx.takeBucketToken(`member:${memberId}`, sharedLimit, now);
        if (wait > 0) return { ack: tooMany(wait), events: [], overBudget: true };
      }
      const result = execute({ repo: tx.repo, actor, now, newId: nanoid, nameSkeletons }, command);
      this.#afterEvents(tx, result.events);
      return result;
    });
    this.fanOut.publish(circleId, outcome.events);
    return { ack: outcome.ack, overBudget: outcome.overBudget === true };
  }

  #signIn(
    tx: CircleTx,
    credentials: Credentials,
    identity: SsoIdentity | null,
    now: number,
    token: string,
  ): { member: Member; token: string | null; events: CircleEvent[] } | { pending: string } {
    const { repo } = tx;
    const circleId = repo.circleId;
    if (credentials.kind === 'token') {
      const holder = tx.getToken(hashToken(credentials.token));
      if (!holder || holder.circleId !== circleId) throw new HearthError('unauthorized', 'this token does not sign in to this circle');
      let memberId = holder.memberId;
      if (holder.requestId !== null) {
        if (repo.getJoinRequest(holder.requestId)) throw new HearthError('pending_approval', 'your request to join still waits for a moderator');
        // An approved request becomes a member with the request's id; a denied one leaves nothing.
        if (!repo.getMember(holder.requestId)) throw new HearthError('unauthorized', 'your request to join was not approved');
        tx.promoteRequestTokens(holder.requestId, holder.requestId);
        memberId = holder.requestId;
      }
      const member = memberId === null ? undefined : repo.getMember(memberId);
      if (!member) throw new HearthError('unauthorized', 'not a member of this circle');
      if (member.state === 'banned') throw new HearthError('forbidden', 'you are banned from this circle');
      return { member, token: null, events: [] };
    }
    const request =
      credentials.kind === 'invite' ? { kind: 'invite' as const, code: credentials.code, displayName: credentials.displayName }
      : credentials.kind === 'link' ? { kind: 'link' as const, displayName: credentials.displayName }
      : credentials.kind === 'request' ? { kind: 'request' as const, displayName: credentials.displayName, note: credentials.note ?? null }
      : { kind: 'sso' as const, memberId: identity!.memberId, displayName: identity!.displayName };
    const outcome = admit({ repo, now, newId: nanoid, nameSkeletons }, request);
    if (outcome.ok === 'pending') {
      tx.putToken(hashToken(token), { circleId, memberId: null, requestId: outcome.request.id }, now);
      return { pending: token };
    }
    if (!outcome.ok) throw HearthError.from(outcome.error);
    if (outcome.member.state === 'banned') throw new HearthError('forbidden', 'you are banned from this circle');
    tx.putToken(hashToken(token), { circleId, memberId: outcome.member.id, requestId: null }, now);
    return { member: outcome.member, token, events: outcome.events };
  }

  #replay(tx: CircleReadTx, cursor: string | null, head: number, viewer: Member): CircleEvent[] | null {
    if (cursor === null || !/^\d{1,15}$/.test(cursor)) return null;
    const from = Number(cursor);
    if (from > head || head - from > this.replayLimit) return null;
    return viewReplayFor(tx.eventsAfter(from, this.replayLimit), viewer, (id) => tx.repo.getMessage(id));
  }

  /** Bookkeeping outside the engine's reach, in the same transaction: a removed member's tokens go. */
  #afterEvents(tx: CircleTx, events: readonly CircleEvent[]): void {
    for (const event of events) {
      if (event.type === 'member.removed') tx.deleteMemberTokens(event.memberId);
    }
  }

  async #asOwner(circleId: string, command: Command): Promise<Extract<Ack, { ok: true }>> {
    // The operator's command meets the same checks as one from the wire: the engine trusts parsed commands.
    const parsed = parseCommand(command);
    if (!parsed.ok) throw HearthError.from(parsed.error);
    const owner = await this.storage.read(circleId, (tx) => tx.repo.listMembers().find((m) => m.role === 'owner'));
    if (!owner) throw new HearthError('not_found', `circle ${circleId} has no owner`);
    const ack = await this.execute(circleId, owner.id, command);
    if (!ack.ok) throw HearthError.from(ack.error);
    return ack;
  }
}

const TOO_MANY = 'slow down: too many commands';
/** The audit log's reason for what the operator did from the command line without giving one. */
const OPERATOR_REASON = 'by the operator';

const limiterKey = (circleId: string, memberId: string) => `${circleId}\u0000${memberId}`;

export function tooMany(retryAfterMs: number): Ack {
  return { ok: false, error: { code: 'rate_limited', message: TOO_MANY, retryAfterMs } };
}

function notFoundAsUndefined(error: unknown): undefined {
  if (error instanceof HearthError && error.code === 'not_found') return undefined;
  throw error;
}
