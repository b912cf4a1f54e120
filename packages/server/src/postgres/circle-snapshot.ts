// The Postgres adapter's answer to a synchronous rules engine over an asynchronous database: the state a
// transaction's synchronous work reads is loaded into memory first (some of it up front, the rest when a run
// of the work asks for something not loaded yet), the work runs against that snapshot, and what it wrote is
// written to the database before COMMIT. See `PostgresStorage` for the locking that makes this sound.
import { HearthError, type AuditEntry, type CircleEvent, type HistoryPage, type Invite, type JoinRequest, type Member, type Message, type Report, type Thread } from '@hearth/protocol';
import type { Ack, AppliedCommand, CircleRecord, CircleRepository, EventDraft } from '@hearth/protocol/rules';
import { hashInviteCode } from '../tokens.js';
import { takeFromBucket, type BucketSpec, type BucketState } from '../rate-limit.js';
import { parseHistoryCursor as parseCursor, type CircleReadTx, type CircleServerSettings, type TokenHolder } from '../storage.js';

/** Something a run of the work read that was not loaded: the loader fetches it before the next run. */
export type Need =
  | { t: 'members' }
  | { t: 'threads' }
  | { t: 'invites' }
  | { t: 'invite'; id: string }
  /** An invite looked up by its code: the hash is what is stored, and what is asked for. */
  | { t: 'inviteCode'; hash: string }
  | { t: 'reports'; open: boolean }
  | { t: 'report'; id: string }
  | { t: 'requests' }
  | { t: 'request'; id: string }
  | { t: 'message'; id: string }
  | { t: 'lastPost'; memberId: string }
  | { t: 'applied'; id: string }
  | { t: 'token'; hash: string }
  | { t: 'bucket'; key: string }
  | { t: 'audit'; before: number; limit: number }
  | { t: 'events'; after: number; limit: number }
  | { t: 'history'; threadId: string; before: number; limit: number }
  | { t: 'allMessages' };

/** A table loaded by key on demand, and whole when something lists it. */
export class Keyed<T> {
  /** Every row, once a listing loaded them. */
  all: Map<string, T> | null = null;
  /** Rows loaded one by one; null records that the row does not exist. */
  readonly points = new Map<string, T | null>();

  /** The stored row, null when there is none, undefined when not loaded. */
  lookup(key: string): T | null | undefined {
    if (this.all) return this.all.get(key) ?? null;
    return this.points.get(key);
  }
}

/** The token operations of a transaction, in order (they apply to rows the transaction may not have loaded). */
type TokenOp =
  | { op: 'put'; hash: string; holder: TokenHolder; now: number }
  | { op: 'promote'; requestId: string; memberId: string }
  | { op: 'delete'; memberId: string };

/**
 * What one database transaction has loaded of one circle. It outlives the runs of the work: each run starts
 * from it with no writes, and anything a run missed is added to it before the next run.
 */
export class CircleSnapshot {
  record: CircleRecord | null = null;
  settings: CircleServerSettings = { ssoSecret: null, allowedOrigins: [] };
  head = 0;
  /**
   * Members and threads, loaded whole: up front for a write (nearly every command reads them, and sessions
   * carry them whole), on demand for a read (a gap fill reads only events).
   */
  members: Map<string, Member> | null = null;
  threads: Map<string, Thread> | null = null;
  readonly invites = new Keyed<Invite>();
  /** Code hash → invite id, null when no invite has that code. */
  readonly inviteIdsByCodeHash = new Map<string, string | null>();
  readonly reports = new Keyed<Report>();
  /** The open reports, once the moderation queue listed them. */
  openReports: Map<string, Report> | null = null;
  readonly requests = new Keyed<JoinRequest>();
  readonly messages = new Map<string, Message | null>();
  readonly lastPosts = new Map<string, number | null>();
  readonly applied = new Map<string, AppliedCommand | null>();
  readonly tokens = new Map<string, TokenHolder | null>();
  readonly buckets = new Map<string, BucketState | null>();
  readonly audit = new Map<string, AuditEntry[]>();
  readonly events = new Map<string, CircleEvent[]>();
  readonly history = new Map<string, HistoryPage>();
  allMessages: Message[] | null = null;

  constructor(readonly circleId: string) {}
}

const byJoined = (a: Member, b: Member) => a.joinedAt - b.joinedAt || (a.id < b.id ? -1 : 1);
const byCreated = (a: { createdAt: number; id?: string }, b: { createdAt: number; id?: string }) =>
  a.createdAt - b.createdAt || ((a.id ?? '') < (b.id ?? '') ? -1 : (a.id ?? '') > (b.id ?? '') ? 1 : 0);

/** Stored rows with this run's writes laid over them (null in `writes` deletes). */
function merged<T>(base: Iterable<[string, T]>, writes: Map<string, T | null>): T[] {
  const out = new Map(base);
  for (const [key, value] of writes) {
    if (value === null) out.delete(key);
    else out.set(key, value);
  }
  return [...out.values()];
}

/**
 * One run of the work against a snapshot: a `CircleRepository` and the rest of `CircleReadTx`. Writes are
 * kept in memory (and are what `flush` writes); reads of anything not loaded are recorded as needs and
 * answered with an empty value, so the run goes on and reveals what else it needs. A run that needed
 * anything is thrown away, whatever it returned or threw.
 */
export class SnapshotTx implements CircleReadTx, CircleRepository {
  readonly needs = new Map<string, Need>();
  // This run's writes.
  record: CircleRecord | null = null;
  settings: CircleServerSettings | null = null;
  readonly members = new Map<string, Member | null>();
  readonly threads = new Map<string, Thread | null>();
  readonly messages = new Map<string, Message | null>();
  readonly invites = new Map<string, Invite | null>();
  /** Invites this run added, by id: the hash of their code (the rest of them is in `invites`). */
  readonly newInviteCodeHashes = new Map<string, string>();
  readonly reports = new Map<string, Report | null>();
  readonly requests = new Map<string, JoinRequest | null>();
  readonly auditEntries: AuditEntry[] = [];
  readonly appended: CircleEvent[] = [];
  readonly appliedAcks = new Map<string, AppliedCommand>();
  readonly tokenOps: TokenOp[] = [];
  readonly buckets = new Map<string, BucketState>();

  constructor(
    readonly snap: CircleSnapshot,
    readonly readOnly: boolean,
  ) {}

  get circleId(): string {
    return this.snap.circleId;
  }

  get repo(): CircleRepository {
    return this;
  }

  /** True when the run wrote nothing. */
  get clean(): boolean {
    return (
      this.record === null && this.settings === null && this.members.size === 0 && this.threads.size === 0 && this.messages.size === 0 &&
      this.invites.size === 0 && this.reports.size === 0 && this.requests.size === 0 && this.auditEntries.length === 0 &&
      this.appended.length === 0 && this.appliedAcks.size === 0 && this.tokenOps.length === 0 && this.buckets.size === 0
    );
  }

  #need(need: Need): void {
    this.needs.set(JSON.stringify(need), need);
  }

  #write(): void {
    if (this.readOnly) throw new HearthError('internal', 'a read-only transaction cannot write');
  }

  // ── Circle ──────────────────────────────────────────────────────────────────────────────────────

  getCircle(): CircleRecord {
    const record = this.record ?? this.snap.record;
    if (!record) throw new HearthError('not_found', `no circle ${this.circleId}`);
    return record;
  }

  putCircle(record: CircleRecord): void {
    this.#write();
    this.record = structuredClone(record);
  }

  serverSettings(): CircleServerSettings {
    return this.settings ?? this.snap.settings;
  }

  putServerSettings(settings: CircleServerSettings): void {
    this.#write();
    this.settings = structuredClone(settings);
  }

  // ── Members and threads (loaded whole) ──────────────────────────────────────────────────────────

  #members(): Map<string, Member> {
    if (!this.snap.members) this.#need({ t: 'members' });
    return this.snap.members ?? new Map();
  }

  #threads(): Map<string, Thread> {
    if (!this.snap.threads) this.#need({ t: 'threads' });
    return this.snap.threads ?? new Map();
  }

  getMember(id: string): Member | undefined {
    const written = this.members.get(id);
    if (written !== undefined) return written ?? undefined;
    return this.#members().get(id);
  }

  listMembers(): Member[] {
    return merged(this.#members(), this.members).sort(byJoined);
  }

  countSeatedMembers(): number {
    return merged(this.#members(), this.members).filter((m) => m.state !== 'banned').length;
  }

  putMember(member: Member): void {
    this.#write();
    this.members.set(member.id, structuredClone(member));
  }

  deleteMember(id: string): void {
    this.#write();
    this.members.set(id, null);
  }

  getThread(id: string): Thread | undefined {
    const written = this.threads.get(id);
    if (written !== undefined) return written ?? undefined;
    return this.#threads().get(id);
  }

  getThreadByKey(key: string): Thread | undefined {
    return merged(this.#threads(), this.threads).find((t) => t.key === key);
  }

  listThreads(): Thread[] {
    return merged(this.#threads(), this.threads).sort(byCreated);
  }

  putThread(thread: Thread): void {
    this.#write();
    this.threads.set(thread.id, structuredClone(thread));
  }

  // ── Messages ────────────────────────────────────────────────────────────────────────────────────

  getMessage(id: string): Message | undefined {
    const written = this.messages.get(id);
    if (written !== undefined) return written ?? undefined;
    const stored = this.snap.messages.get(id);
    if (stored === undefined) this.#need({ t: 'message', id });
    return stored ?? undefined;
  }

  putMessage(message: Message): void {
    this.#write();
    this.messages.set(message.id, structuredClone(message));
  }

  lastPostAt(memberId: string): number | undefined {
    const stored = this.snap.lastPosts.get(memberId);
    if (stored === undefined) this.#need({ t: 'lastPost', memberId });
    let last = stored ?? undefined;
    for (const message of this.messages.values()) {
      if (message && message.authorId === memberId && (last === undefined || message.createdAt > last)) last = message.createdAt;
    }
    return last;
  }

  // ── Invites, reports, join requests (loaded by key, or whole to list) ──────────────────────────

  #get<T>(table: Keyed<T>, writes: Map<string, T | null>, key: string, need: Need): T | undefined {
    const written = writes.get(key);
    if (written !== undefined) return written ?? undefined;
    const stored = table.lookup(key);
    if (stored === undefined) this.#need(need);
    return stored ?? undefined;
  }

  #list<T>(table: Keyed<T>, writes: Map<string, T | null>, need: Need): T[] {
    if (!table.all) {
      this.#need(need);
      return [];
    }
    return merged(table.all, writes);
  }

  getInvite(id: string): Invite | undefined {
    return this.#get(this.snap.invites, this.invites, id, { t: 'invite', id });
  }

  findInviteByCode(code: string): Invite | undefined {
    const hash = hashInviteCode(code);
    for (const [id, added] of this.newInviteCodeHashes) if (added === hash) return this.getInvite(id);
    const id = this.snap.inviteIdsByCodeHash.get(hash);
    if (id === undefined) this.#need({ t: 'inviteCode', hash });
    return id ? this.getInvite(id) : undefined;
  }

  addInvite(invite: Invite, code: string): void {
    this.#write();
    this.invites.set(invite.id, structuredClone(invite));
    this.newInviteCodeHashes.set(invite.id, hashInviteCode(code));
  }

  listInvites(): Invite[] {
    return this.#list(this.snap.invites, this.invites, { t: 'invites' }).sort((a, b) => a.createdAt - b.createdAt);
  }

  putInvite(invite: Invite): void {
    this.#write();
    this.invites.set(invite.id, structuredClone(invite));
  }

  getReport(id: string): Report | undefined {
    return this.#get(this.snap.reports, this.reports, id, { t: 'report', id });
  }

  listReports(includeResolved: boolean): Report[] {
    if (includeResolved) return this.#list(this.snap.reports, this.reports, { t: 'reports', open: false }).sort(byCreated);
    const open = this.snap.reports.all ?? this.snap.openReports;
    if (!open) {
      this.#need({ t: 'reports', open: true });
      return [];
    }
    return merged(open, this.reports).filter((r) => r.resolvedAt === null).sort(byCreated);
  }

  putReport(report: Report): void {
    this.#write();
    this.reports.set(report.id, structuredClone(report));
  }

  getJoinRequest(id: string): JoinRequest | undefined {
    return this.#get(this.snap.requests, this.requests, id, { t: 'request', id });
  }

  listJoinRequests(): JoinRequest[] {
    return this.#list(this.snap.requests, this.requests, { t: 'requests' }).sort(byCreated);
  }

  putJoinRequest(request: JoinRequest): void {
    this.#write();
    this.requests.set(request.id, structuredClone(request));
  }

  deleteJoinRequest(id: string): void {
    this.#write();
    this.requests.set(id, null);
  }

  // ── Audit, events, applied commands ─────────────────────────────────────────────────────────────

  appendAudit(entry: AuditEntry): void {
    this.#write();
    this.auditEntries.push(structuredClone(entry));
  }

  listAudit(before: number | null, limit: number): AuditEntry[] {
    const bound = before ?? Number.MAX_SAFE_INTEGER;
    const stored = this.snap.audit.get(`${bound}:${limit}`);
    if (!stored) this.#need({ t: 'audit', before: bound, limit });
    // Entries of this run are the newest; among entries of the same ms, the later written comes first.
    const mine = this.auditEntries.filter((e) => e.at < bound).reverse();
    return [...mine, ...(stored ?? [])].sort((a, b) => b.at - a.at).slice(0, limit);
  }

  headSeq(): number {
    return this.snap.head + this.appended.length;
  }

  peekNextSeq(): number {
    return this.headSeq() + 1;
  }

  appendEvent(draft: EventDraft): CircleEvent {
    this.#write();
    const event = structuredClone({ ...draft, seq: this.peekNextSeq() }) as CircleEvent;
    this.appended.push(event);
    return event;
  }

  getAppliedCommand(commandId: string): AppliedCommand | undefined {
    const written = this.appliedAcks.get(commandId);
    if (written) return written;
    const stored = this.snap.applied.get(commandId);
    if (stored === undefined) this.#need({ t: 'applied', id: commandId });
    return stored ?? undefined;
  }

  recordAppliedCommand(commandId: string, authorId: string, ack: Ack): void {
    this.#write();
    this.appliedAcks.set(commandId, structuredClone({ authorId, ack }));
  }

  // ── Tokens and buckets ──────────────────────────────────────────────────────────────────────────

  getToken(tokenHash: string): TokenHolder | undefined {
    const stored = this.snap.tokens.get(tokenHash);
    if (stored === undefined) this.#need({ t: 'token', hash: tokenHash });
    let holder = stored ?? undefined;
    for (const op of this.tokenOps) {
      if (op.op === 'put' && op.hash === tokenHash) holder = op.holder;
      else if (holder?.circleId !== this.circleId) continue;
      else if (op.op === 'promote' && holder.requestId === op.requestId) holder = { ...holder, memberId: op.memberId, requestId: null };
      else if (op.op === 'delete' && holder.memberId === op.memberId) holder = undefined;
    }
    return holder;
  }

  putToken(tokenHash: string, holder: TokenHolder, now: number): void {
    this.#write();
    this.tokenOps.push({ op: 'put', hash: tokenHash, holder: { ...holder }, now });
  }

  promoteRequestTokens(requestId: string, memberId: string): void {
    this.#write();
    this.tokenOps.push({ op: 'promote', requestId, memberId });
  }

  deleteMemberTokens(memberId: string): void {
    this.#write();
    this.tokenOps.push({ op: 'delete', memberId });
  }

  takeBucketToken(key: string, spec: BucketSpec, now: number): number {
    this.#write();
    const stored = this.snap.buckets.get(key);
    if (stored === undefined) this.#need({ t: 'bucket', key });
    const { wait, state } = takeFromBucket(this.buckets.get(key) ?? stored ?? undefined, spec, now);
    if (wait === 0) this.buckets.set(key, state);
    return wait;
  }

  // ── Reads of committed state (read transactions) ────────────────────────────────────────────────

  eventsAfter(after: number, limit: number): CircleEvent[] {
    const stored = this.snap.events.get(`${after}:${limit}`);
    if (!stored) this.#need({ t: 'events', after, limit });
    return stored ?? [];
  }

  historyPage(threadId: string, before: string | null, limit: number): HistoryPage {
    const bound = parseCursor(before);
    const stored = this.snap.history.get(`${threadId}:${bound}:${limit}`);
    if (!stored) this.#need({ t: 'history', threadId, before: bound, limit });
    return stored ?? { threadId, messages: [], before: null };
  }

  allMessages(): Message[] {
    if (!this.snap.allMessages) this.#need({ t: 'allMessages' });
    return this.snap.allMessages ?? [];
  }
}
