import type { AuditEntry, Circle, Invite, JoinRequest, Member, Message, Report, Thread } from '../domain.js';
import type { CircleEvent } from '../events.js';
import type { Ack } from './ack.js';

/** Words that get a post rejected (`banned`) or held for moderator review (`suspect`). */
export interface WordFilter {
  banned: string[];
  suspect: string[];
}

/** A circle as its backend stores it: the public circle plus what only moderators and the server see. */
export interface CircleRecord {
  circle: Circle;
  wordFilter: WordFilter;
}

/**
 * A command applied in this circle: its ack and the member who sent it. The ack is answered again only to
 * that member (a retry after a lost ack); `authorId` is null for a record kept before authors were, which
 * is then answered to no one.
 */
export interface AppliedCommand {
  authorId: string | null;
  ack: Ack;
}

/**
 * Whether storing this version of a message rewrites the message's earlier events to it. Once a message is
 * deleted or edited, the words it had before must not stay in the event log: deleting means gone, and an
 * edit takes back what was first said. A replay sends each message as it is now anyway (`viewReplayFor`), so
 * a member resuming sees the same either way; seqs stay as they were. Every repository applies this rule in
 * `putMessage`, in the same transaction.
 */
export function rewritesEarlierEvents(message: Message): boolean {
  return message.state === 'deleted' || message.editedAt !== null;
}

/** An event before the repository gives it its seq. */
export type EventDraft = CircleEvent extends infer E ? (E extends CircleEvent ? Omit<E, 'seq'> : never) : never;

/**
 * One circle's state as the rules engine reads and writes it. Synchronous on purpose: the engine runs inside
 * one storage transaction (better-sqlite3 is synchronous; the memory repository is plain maps), so the checks
 * and the writes of a command are atomic, and the applied command id is recorded in the same transaction as
 * the change (exactly-once, as Replicache does it).
 *
 * The engine performs every check before its first write, so a refused command writes nothing.
 */
export interface CircleRepository {
  readonly circleId: string;
  getCircle(): CircleRecord;
  putCircle(record: CircleRecord): void;

  getMember(id: string): Member | undefined;
  listMembers(): Member[];
  /** Members who are not banned: what the member cap counts. */
  countSeatedMembers(): number;
  putMember(member: Member): void;
  deleteMember(id: string): void;

  getThread(id: string): Thread | undefined;
  getThreadByKey(key: string): Thread | undefined;
  listThreads(): Thread[];
  putThread(thread: Thread): void;

  getMessage(id: string): Message | undefined;
  putMessage(message: Message): void;
  /** Creation time of the author's newest message in this circle (slow mode). */
  lastPostAt(memberId: string): number | undefined;

  getInvite(id: string): Invite | undefined;
  /** The invite this code opens. A stored repository keeps only a hash of the code (see `addInvite`). */
  findInviteByCode(code: string): Invite | undefined;
  listInvites(): Invite[];
  /**
   * Stores a new invite and what finds it by code. A repository whose data outlives the process (a file, a
   * database) stores the code's SHA-256, never the code: the code is random (≥ 21 characters), so its hash
   * reveals nothing, and a copy of the data does not let anyone join.
   */
  addInvite(invite: Invite, code: string): void;
  /** Updates an invite stored by `addInvite` (uses, revoked). */
  putInvite(invite: Invite): void;

  getReport(id: string): Report | undefined;
  listReports(includeResolved: boolean): Report[];
  putReport(report: Report): void;

  getJoinRequest(id: string): JoinRequest | undefined;
  listJoinRequests(): JoinRequest[];
  putJoinRequest(request: JoinRequest): void;
  deleteJoinRequest(id: string): void;

  appendAudit(entry: AuditEntry): void;
  /** Newest first, strictly older than `before` when given. */
  listAudit(before: number | null, limit: number): AuditEntry[];

  /** The seq the next appended event will get (so a message can carry the seq of its own creation). */
  peekNextSeq(): number;
  /** Gives the draft the circle's next seq (last + 1), stores it, and returns the stored event. */
  appendEvent(draft: EventDraft): CircleEvent;

  /** The record of a command id already applied in this circle, if any. */
  getAppliedCommand(commandId: string): AppliedCommand | undefined;
  recordAppliedCommand(commandId: string, authorId: string, ack: Ack): void;
}
