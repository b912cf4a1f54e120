import type { CircleEvent, HistoryPage, Message } from '@hearth/protocol';
import type { CircleRepository } from '@hearth/protocol/rules';

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
 * Everything the server keeps. Synchronous on purpose, like `CircleRepository`: the rules engine runs inside
 * one transaction, and everything written alongside a command (its events, its applied id, a token issued by
 * a join) commits or rolls back together. A Postgres implementation would run each transaction on one
 * pooled connection behind a per-circle queue.
 */
export interface Storage {
  /**
   * Runs `fn` in one write transaction. Nested calls join the outer transaction. Throwing rolls back
   * everything written inside.
   */
  transaction<T>(fn: () => T): T;

  /** The repository of one circle, for the rules engine. Undefined when there is no such circle. */
  repository(circleId: string): CircleRepository | undefined;
  /** Registers a new, empty circle so a repository exists for `initCircle` to fill. */
  createCircleShell(circleId: string, settings: CircleServerSettings, now: number): CircleRepository;
  listCircleIds(): string[];

  getServerSettings(circleId: string): CircleServerSettings | undefined;
  putServerSettings(circleId: string, settings: CircleServerSettings): void;

  /** Seq of the newest event of a circle; 0 when it has none. */
  headSeq(circleId: string): number;
  /** Events with seq > `after`, oldest first, at most `limit`. */
  eventsAfter(circleId: string, after: number, limit: number): CircleEvent[];
  /** Every message of a circle, oldest first (for export). */
  allMessages(circleId: string): Message[];
  /** A page of a thread's messages, oldest first, ending just before the `before` cursor. */
  historyPage(circleId: string, threadId: string, before: string | null, limit: number): HistoryPage;

  /** Stores the SHA-256 hash of a token, never the token itself. */
  putToken(tokenHash: string, holder: TokenHolder, now: number): void;
  getToken(tokenHash: string): TokenHolder | undefined;
  /** Points the tokens of an approved join request at the member it became. */
  promoteRequestTokens(circleId: string, requestId: string, memberId: string): void;
  deleteMemberTokens(circleId: string, memberId: string): void;

  close(): void;
}
