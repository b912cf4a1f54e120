import type { Ack, Circle, CircleEvent, Command, Credentials, ErrorInfo, HistoryPage, HistoryQuery, Session } from '@hearth/protocol';

export type { Ack };

/**
 * The contract an integrator implements to carry a circle over their own backend.
 *
 * A transport only moves things: it does not retry, reorder, dedupe or keep state across connections.
 * The core owns all of that (outbox, backoff, resume, optimistic state), so a transport stays small.
 *
 * Rules every transport follows (the conformance suite in `@hearth/core/testing` checks them):
 * - `connect` resolves with the circle-level snapshot at the head of the event stream. When `cursor` is
 *   given and the backend still holds every event after it, `session.replay` lists them in order;
 *   otherwise `replay` is null.
 * - Events reach `sink.event` in `seq` order, only after `connect` has resolved, each at most once per
 *   connection. A live event never has a seq at or below `session.cursor`.
 * - `send` resolves with the backend's acknowledgement once the command is durably applied (or refused
 *   with a stable code). Sending a command id that was already applied resolves `ok` again, without a
 *   second change. It rejects with `HearthError('unavailable')` when the outcome is unknown (connection lost).
 * - `connect` rejects with a `HearthError` whose code says why (`unauthorized`, `invite_expired`,
 *   `circle_full`, `pending_approval`, `unavailable`, …).
 * - When an established connection ends for any reason other than `close()`, `sink.disconnected` is called
 *   once, with `unavailable` for network trouble or the backend's code (e.g. `unauthorized` after a ban).
 * - A transport can be connected again after it disconnected or was closed.
 * - `preview` (optional) resolves with the public circle for someone not yet a member: with a usable invite
 *   code, or without one when the circle takes joins by link or request. It rejects like `connect` does
 *   (`unauthorized` for an unknown code, `invite_expired`, `not_found`) and needs no connection.
 */
export interface Transport {
  connect(params: ConnectParams, sink: TransportSink): Promise<Session>;
  send(command: Command): Promise<Ack>;
  history(query: HistoryQuery): Promise<HistoryPage>;
  close(): Promise<void>;
  /** The circle's name, description and norms, to show before joining. Without it, a join gate shows none. */
  preview?(query: PreviewQuery): Promise<Circle>;
}

export interface PreviewQuery {
  circle: string;
  /** The invite code the person holds, or null. */
  invite: string | null;
}

export interface ConnectParams {
  circle: string;
  credentials: Credentials;
  /**
   * Resume position: the decimal `seq` of the last event the client applied, or null for a fresh start.
   * Opaque to the transport, which passes it to its backend unchanged.
   */
  cursor: string | null;
}

export interface TransportSink {
  event(event: CircleEvent): void;
  disconnected(error: ErrorInfo): void;
}
