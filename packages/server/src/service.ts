import { randomBytes } from 'node:crypto';
import { nanoid } from 'nanoid';
import {
  HearthError, LIMITS,
  type Ack, type Circle, type CircleEvent, type Command, type Credentials, type HistoryPage, type HistoryQuery, type Invite, type Member, type Role, type Session,
} from '@hearth/protocol';
import { admit, execute, initCircle, viewMessageFor, viewReplayFor, type CircleRepository, type WordFilter } from '@hearth/protocol/rules';
import type { FanOut } from './fanout.js';
import type { Storage } from './storage.js';
import { hashToken, newToken } from './tokens.js';
import { verifySsoToken, type SsoIdentity } from './sso.js';

export interface ServiceOptions {
  storage: Storage;
  fanOut: FanOut;
  now?: () => number;
  /** A resume replays at most this many events; an older cursor gets `replay: null`. Default 5000. */
  replayLimit?: number;
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
 * directly on the data file; the socket server calls it per frame.
 */
export class CircleService {
  readonly storage: Storage;
  readonly fanOut: FanOut;
  readonly now: () => number;
  readonly replayLimit: number;

  constructor(options: ServiceOptions) {
    this.storage = options.storage;
    this.fanOut = options.fanOut;
    this.now = options.now ?? Date.now;
    this.replayLimit = options.replayLimit ?? 5000;
  }

  // ── Administration (CLI, tests, npm start) ────────────────────────────────────────────────────

  createCircle(init: CircleInit): CreatedCircle {
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
    const created = this.storage.transaction(() => {
      const repo = this.storage.createCircleShell(circle.id, { ssoSecret, allowedOrigins: init.allowedOrigins ?? [] }, now);
      const { owner } = initCircle(
        { repo, now, newId: nanoid },
        { circle, wordFilter: init.wordFilter ?? { banned: [], suspect: [] }, owner: { displayName: init.ownerName ?? 'Owner' } },
      );
      const ownerToken = this.#issueToken(circle.id, owner.id, null, now);
      return { circle: repo.getCircle().circle, ownerId: owner.id, ownerToken, ssoSecret };
    });
    return created;
  }

  /** Creates an invite in the owner's name. */
  createInvite(circleId: string, options: { maxUses?: number | null; expiresInMs?: number | null } = {}): Invite {
    const ack = this.#asOwner(circleId, { id: nanoid(), type: 'invite.create', ...options });
    return (ack.result as { invite: Invite }).invite;
  }

  /** Changes a member's role in the owner's name (recorded in the audit log like any moderation). */
  setRole(circleId: string, memberId: string, role: Role, reason?: string): Member {
    this.#asOwner(circleId, { id: nanoid(), type: 'mod.role', memberId, role, reason: reason ?? 'changed by the operator' });
    return this.#repo(circleId).getMember(memberId)!;
  }

  /**
   * Turns host-site sign-on on with a new secret (or this one), replacing any earlier secret, so tokens it
   * signed stop working; `null` turns sign-on off. Returns the secret now in force.
   */
  setSsoSecret(circleId: string, secret: string | null = randomBytes(32).toString('base64url')): string | null {
    const settings = this.storage.getServerSettings(circleId);
    if (!settings) throw new HearthError('not_found', `no circle ${circleId}`);
    if (secret !== null && secret.length < 32) throw new HearthError('invalid', 'a sign-on secret needs at least 32 characters');
    this.storage.putServerSettings(circleId, { ...settings, ssoSecret: secret });
    return secret;
  }

  /** Whether the circle accepts host-site sign-on (the secret itself stays with the server). */
  hasSso(circleId: string): boolean {
    return !!this.storage.getServerSettings(circleId)?.ssoSecret;
  }

  setAllowedOrigins(circleId: string, allowedOrigins: string[]): void {
    const settings = this.storage.getServerSettings(circleId);
    if (!settings) throw new HearthError('not_found', `no circle ${circleId}`);
    this.storage.putServerSettings(circleId, { ...settings, allowedOrigins });
  }

  /** Everything a circle holds, as JSON-ready data. Tokens and the sign-on secret stay out. */
  exportCircle(circleId: string): Record<string, unknown> {
    return this.storage.transaction(() => {
      const repo = this.#repo(circleId);
      const record = repo.getCircle();
      return {
        format: 'hearth-circle-export',
        version: 1,
        exportedAt: new Date(this.now()).toISOString(),
        circle: record.circle,
        wordFilter: record.wordFilter,
        allowedOrigins: this.storage.getServerSettings(circleId)?.allowedOrigins ?? [],
        members: repo.listMembers(),
        threads: repo.listThreads(),
        messages: this.storage.allMessages(circleId),
        invites: repo.listInvites(),
        reports: repo.listReports(true),
        joinRequests: repo.listJoinRequests(),
        audit: repo.listAudit(null, Number.MAX_SAFE_INTEGER),
        headSeq: this.storage.headSeq(circleId),
      };
    });
  }

  // ── What connections call ─────────────────────────────────────────────────────────────────────

  /**
   * Signs a connection in (or admits a newcomer) and builds its session. The only asynchronous step, the
   * JWT check, runs first; everything after is one synchronous stretch, so the caller can subscribe to
   * fan-out before any later event is published and no event falls between the snapshot and the live stream.
   */
  async enter(circleId: string, credentials: Credentials, cursor: string | null): Promise<Entry> {
    let identity: SsoIdentity | null = null;
    if (credentials.kind === 'sso') {
      const settings = this.storage.getServerSettings(circleId);
      if (!settings) throw new HearthError('not_found', `no circle ${circleId}`);
      if (!settings.ssoSecret) throw new HearthError('unauthorized', 'this circle does not accept host-site sign-on');
      identity = await verifySsoToken(credentials.jwt, settings.ssoSecret, this.now());
    }
    return this.enterVerified(circleId, credentials, identity, cursor);
  }

  /** The synchronous rest of `enter`. */
  enterVerified(circleId: string, credentials: Credentials, identity: SsoIdentity | null, cursor: string | null): Entry {
    const repo = this.#repo(circleId);
    const now = this.now();
    const outcome = this.storage.transaction(() => this.#signIn(repo, credentials, identity, now));
    if ('pending' in outcome) {
      throw Object.assign(new HearthError('pending_approval', 'your request to join waits for a moderator'), { token: outcome.pending });
    }
    this.fanOut.publish(circleId, outcome.events);
    const { member, token } = outcome;
    if (member.state === 'banned') throw new HearthError('forbidden', 'you are banned from this circle');
    return this.storage.transaction(() => {
      const head = this.storage.headSeq(circleId);
      const session: Session = {
        circleId,
        member,
        token,
        circle: repo.getCircle().circle,
        members: repo.listMembers(),
        threads: repo.listThreads(),
        cursor: head > 0 ? String(head) : null,
        replay: this.#replay(circleId, cursor, head, member),
      };
      return { session, member, head };
    });
  }

  /** Applies one command as `memberId`. Returns the ack after the transaction has committed. */
  execute(circleId: string, memberId: string, command: Command): Ack {
    const repo = this.#repo(circleId);
    const outcome = this.storage.transaction(() => {
      const actor = repo.getMember(memberId);
      if (!actor) return { ack: { ok: false, error: { code: 'unauthorized', message: 'no longer a member of this circle' } } as Ack, events: [] };
      if (actor.state === 'banned') return { ack: { ok: false, error: { code: 'forbidden', message: 'banned from this circle' } } as Ack, events: [] };
      const result = execute({ repo, actor, now: this.now(), newId: nanoid }, command);
      this.#afterEvents(circleId, result.events);
      return result;
    });
    this.fanOut.publish(circleId, outcome.events);
    return outcome.ack;
  }

  history(circleId: string, memberId: string, query: HistoryQuery): HistoryPage {
    const repo = this.#repo(circleId);
    const viewer = repo.getMember(memberId);
    if (!viewer) throw new HearthError('unauthorized', 'no longer a member of this circle');
    if (!repo.getThread(query.threadId)) throw new HearthError('not_found', 'no such thread');
    const page = this.storage.historyPage(circleId, query.threadId, query.before, Math.min(query.limit, LIMITS.historyPageMax));
    return { ...page, messages: page.messages.map((m) => viewMessageFor(m, viewer)) };
  }

  /** Events after `seq` for filling a gap in a connection's stream (fan-out across processes may lag). */
  eventsAfter(circleId: string, seq: number, limit: number): CircleEvent[] {
    return this.storage.eventsAfter(circleId, seq, limit);
  }

  getMember(circleId: string, memberId: string): Member | undefined {
    return this.storage.repository(circleId)?.getMember(memberId);
  }

  allowedOrigins(circleId: string): string[] | undefined {
    return this.storage.getServerSettings(circleId)?.allowedOrigins;
  }

  // ── Internals ─────────────────────────────────────────────────────────────────────────────────

  #signIn(
    repo: CircleRepository,
    credentials: Credentials,
    identity: SsoIdentity | null,
    now: number,
  ): { member: Member; token: string | null; events: CircleEvent[] } | { pending: string } {
    const circleId = repo.circleId;
    if (credentials.kind === 'token') {
      const holder = this.storage.getToken(hashToken(credentials.token));
      if (!holder || holder.circleId !== circleId) throw new HearthError('unauthorized', 'this token does not sign in to this circle');
      let memberId = holder.memberId;
      if (holder.requestId !== null) {
        if (repo.getJoinRequest(holder.requestId)) throw new HearthError('pending_approval', 'your request to join still waits for a moderator');
        // An approved request becomes a member with the request's id; a denied one leaves nothing.
        if (!repo.getMember(holder.requestId)) throw new HearthError('unauthorized', 'your request to join was not approved');
        this.storage.promoteRequestTokens(circleId, holder.requestId, holder.requestId);
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
    const outcome = admit({ repo, now, newId: nanoid }, request);
    if (outcome.ok === 'pending') return { pending: this.#issueToken(circleId, null, outcome.request.id, now) };
    if (!outcome.ok) throw HearthError.from(outcome.error);
    return { member: outcome.member, token: this.#issueToken(circleId, outcome.member.id, null, now), events: outcome.events };
  }

  #replay(circleId: string, cursor: string | null, head: number, viewer: Member): CircleEvent[] | null {
    if (cursor === null || !/^\d{1,15}$/.test(cursor)) return null;
    const from = Number(cursor);
    if (from > head || head - from > this.replayLimit) return null;
    const repo = this.#repo(circleId);
    return viewReplayFor(this.storage.eventsAfter(circleId, from, this.replayLimit), viewer, (id) => repo.getMessage(id));
  }

  /** Bookkeeping outside the engine's reach, in the same transaction: a removed member's tokens go. */
  #afterEvents(circleId: string, events: readonly CircleEvent[]): void {
    for (const event of events) {
      if (event.type === 'member.removed') this.storage.deleteMemberTokens(circleId, event.memberId);
    }
  }

  #issueToken(circleId: string, memberId: string | null, requestId: string | null, now: number): string {
    const token = newToken();
    this.storage.putToken(hashToken(token), { circleId, memberId, requestId }, now);
    return token;
  }

  #asOwner(circleId: string, command: Command): Extract<Ack, { ok: true }> {
    const repo = this.#repo(circleId);
    const owner = repo.listMembers().find((m) => m.role === 'owner');
    if (!owner) throw new HearthError('not_found', `circle ${circleId} has no owner`);
    const ack = this.execute(circleId, owner.id, command);
    if (!ack.ok) throw HearthError.from(ack.error);
    return ack;
  }

  #repo(circleId: string): CircleRepository {
    const repo = this.storage.repository(circleId);
    if (!repo) throw new HearthError('not_found', `no circle ${circleId}`);
    return repo;
  }
}
