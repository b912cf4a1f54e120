import { HearthError, type CircleEvent, type HistoryPage, type Message } from '@hearth/protocol';
import type { CircleRepository } from '@hearth/protocol/rules';
import type { BucketSpec } from './rate-limit.js';

/** Who a member token signs in: a member, or a join request still waiting for a moderator. */
export interface TokenHolder {
  circleId: string;
  memberId: string | null;
  requestId: string | null;
}

/** Server-only settings of a circle, never sent to clients. */
export interface CircleServerSettings {
  /** HS256 secret for host-site single sign-on; null when sign-on is off. */
  ssoSecret: string | null;
  /** Origins allowed to embed the circle (checked on the WebSocket upgrade and at hello). */
  allowedOrigins: string[];
}

/**
 * One circle inside a storage transaction, as the service's synchronous code sees it. Reads see the writes
 * made earlier in the same transaction.
 */
export interface CircleTx {
  /** The circle's state for the rules engine. */
  readonly repo: CircleRepository;
  /** Seq of the newest event of the circle (including events appended in this transaction); 0 when none. */
  headSeq(): number;
  serverSettings(): CircleServerSettings;
  putServerSettings(settings: CircleServerSettings): void;

  /** The holder of a token hash, whatever circle it belongs to (the caller checks the circle). */
  getToken(tokenHash: string): TokenHolder | undefined;
  /** Stores the SHA-256 hash of a token, never the token itself. */
  putToken(tokenHash: string, holder: TokenHolder, now: number): void;
  /** Points the tokens of an approved join request at the member it became. */
  promoteRequestTokens(requestId: string, memberId: string): void;
  deleteMemberTokens(memberId: string): void;

  /**
   * Takes one token from a stored token bucket of this circle (a member's command budget, shared by every
   * server process on the store). Returns 0 when allowed, else the ms until a token is available; a refusal
   * leaves the bucket as it was.
   */
  takeBucketToken(key: string, spec: BucketSpec, now: number): number;
}

/** A read-only view of one circle: the reads that only ever look at committed state. */
export interface CircleReadTx extends CircleTx {
  /** Events with seq > `after`, oldest first, at most `limit`. */
  eventsAfter(after: number, limit: number): CircleEvent[];
  /** A page of a thread's messages, oldest first, ending just before the `before` cursor. */
  historyPage(threadId: string, before: string | null, limit: number): HistoryPage;
  /** Every message of the circle, oldest first (for export). */
  allMessages(): Message[];
}

/**
 * Everything the server keeps, one circle at a time.
 *
 * The rules engine (`@hearth/protocol/rules`) is synchronous on purpose: it checks, then writes, against a
 * `CircleRepository`, and the applied command id is recorded with the change. Storage engines are not all
 * synchronous (better-sqlite3 is, PostgreSQL drivers are not), so the boundary is an asynchronous
 * transaction around synchronous work: `write(circleId, work)` gives `work` exclusive access to one circle,
 * runs it, and resolves once what it wrote is durably committed. The caller acknowledges after that.
 *
 * `work` must be synchronous and have no effect outside the transaction (no publishing, no I/O): an adapter
 * may run it more than once and keep only the writes of the last run. The Postgres adapter does so when
 * `work` reads state it had not loaded yet: it loads it and runs `work` again under the same lock.
 */
export interface Storage {
  /** `sqlite` or `postgres`, for logs and metrics. */
  readonly kind: string;
  /**
   * True when other server processes may write to the same store at the same time (PostgreSQL): the server
   * then keeps member rate limits in the store so they hold across processes.
   */
  readonly shared: boolean;

  /**
   * Runs `work` with the circle's write lock held and commits its writes before resolving. Throwing (or a
   * rejected commit) rolls back everything. Rejects with `not_found` when there is no such circle.
   */
  write<T>(circleId: string, work: (tx: CircleTx) => T): Promise<T>;
  /** Runs `work` on one consistent snapshot of a circle. Writing throws. Rejects with `not_found` when there is no such circle. */
  read<T>(circleId: string, work: (tx: CircleReadTx) => T): Promise<T>;
  /** Creates a new, empty circle and runs `work` on it in the same transaction. Rejects with `conflict` when the id is taken. */
  create<T>(circleId: string, settings: CircleServerSettings, now: number, work: (tx: CircleTx) => T): Promise<T>;

  /** Ids of the circles that are set up, sorted. */
  listCircleIds(): Promise<string[]>;
  /** Whether some circle lists `origin` (normalized, see `normalizeOrigin`) among its allowed origins. */
  anyCircleAllowsOrigin(origin: string): Promise<boolean>;
  /** Resolves when the store answers (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The seq a history cursor stands for (`before` of the previous page); no cursor means from the newest. */
export function parseHistoryCursor(before: string | null): number {
  if (before === null) return Number.MAX_SAFE_INTEGER;
  const seq = Number(before);
  if (!/^\d{1,15}$/.test(before) || !Number.isSafeInteger(seq)) {
    throw new HearthError('invalid', 'history cursor is not one this server issued', { field: 'query.before' });
  }
  return seq;
}
