import { HearthError, type AuditEntry, type CircleEvent, type Invite, type JoinRequest, type Member, type Message, type Report, type Thread } from '@hearth/protocol';
import { rewritesEarlierEvents, type Ack, type AppliedCommand, type CircleRecord, type CircleRepository, type EventDraft } from '@hearth/protocol/rules';
import { hashInviteCode } from '../tokens.js';
import type { SqliteStorage } from './sqlite-storage.js';

type Row = { data: string };
const parse = <T>(row: unknown): T | undefined => (row === undefined ? undefined : (JSON.parse((row as Row).data) as T));
const parseAll = <T>(rows: unknown[]): T[] => rows.map((row) => JSON.parse((row as Row).data) as T);

/**
 * One circle's state in SQLite, as the rules engine sees it. The engine calls it inside
 * `storage.transaction`, so its reads and writes are one atomic unit.
 */
export class SqliteCircleRepository implements CircleRepository {
  constructor(
    private readonly storage: SqliteStorage,
    readonly circleId: string,
  ) {}

  #get<T>(sql: string, ...params: unknown[]): T | undefined {
    return parse<T>(this.storage.stmt(sql).get(this.circleId, ...params));
  }

  #all<T>(sql: string, ...params: unknown[]): T[] {
    return parseAll<T>(this.storage.stmt(sql).all(this.circleId, ...params));
  }

  #run(sql: string, ...params: unknown[]): void {
    this.storage.stmt(sql).run(this.circleId, ...params);
  }

  getCircle(): CircleRecord {
    const row = this.storage.stmt('SELECT record FROM circles WHERE id = ?').get(this.circleId) as { record: string | null } | undefined;
    if (!row?.record) throw new HearthError('not_found', `no circle ${this.circleId}`);
    return JSON.parse(row.record) as CircleRecord;
  }

  putCircle(record: CircleRecord): void {
    this.storage.stmt('UPDATE circles SET record = ? WHERE id = ?').run(JSON.stringify(record), this.circleId);
  }

  getMember(id: string): Member | undefined {
    return this.#get('SELECT data FROM members WHERE circle_id = ? AND id = ?', id);
  }

  listMembers(): Member[] {
    return this.#all<Member>('SELECT data FROM members WHERE circle_id = ?').sort((a, b) => a.joinedAt - b.joinedAt || (a.id < b.id ? -1 : 1));
  }

  countSeatedMembers(): number {
    return (this.storage.stmt('SELECT COUNT(*) AS n FROM members WHERE circle_id = ? AND banned = 0').get(this.circleId) as { n: number }).n;
  }

  putMember(member: Member): void {
    this.#run(
      'INSERT INTO members (circle_id, id, banned, data) VALUES (?, ?, ?, ?) ON CONFLICT (circle_id, id) DO UPDATE SET banned = excluded.banned, data = excluded.data',
      member.id,
      member.state === 'banned' ? 1 : 0,
      JSON.stringify(member),
    );
  }

  deleteMember(id: string): void {
    this.#run('DELETE FROM members WHERE circle_id = ? AND id = ?', id);
  }

  getThread(id: string): Thread | undefined {
    return this.#get('SELECT data FROM threads WHERE circle_id = ? AND id = ?', id);
  }

  getThreadByKey(key: string): Thread | undefined {
    return this.#get('SELECT data FROM threads WHERE circle_id = ? AND key = ?', key);
  }

  listThreads(): Thread[] {
    return this.#all<Thread>('SELECT data FROM threads WHERE circle_id = ?').sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  }

  putThread(thread: Thread): void {
    this.#run(
      'INSERT INTO threads (circle_id, id, key, data) VALUES (?, ?, ?, ?) ON CONFLICT (circle_id, id) DO UPDATE SET key = excluded.key, data = excluded.data',
      thread.id,
      thread.key,
      JSON.stringify(thread),
    );
  }

  getMessage(id: string): Message | undefined {
    return this.#get('SELECT data FROM messages WHERE circle_id = ? AND id = ?', id);
  }

  putMessage(message: Message): void {
    this.#run(
      `INSERT INTO messages (circle_id, id, thread_id, author_id, seq, created_at, data) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (circle_id, id) DO UPDATE SET thread_id = excluded.thread_id, seq = excluded.seq, data = excluded.data`,
      message.id,
      message.threadId,
      message.authorId,
      message.seq,
      message.createdAt,
      JSON.stringify(message),
    );
    if (rewritesEarlierEvents(message)) {
      // Deleted or edited: the earlier words leave the events kept for replays, which then show this version,
      // and (after the commit) the WAL that still holds the pages they were written in.
      this.storage.noteErasure();
      this.storage
        .stmt(
          // INDEXED BY: without statistics the planner would rather scan the circle's events by primary key.
          `UPDATE events INDEXED BY events_by_message SET data = json_set(data, '$.message', json(?))
           WHERE circle_id = ? AND json_extract(data, '$.type') = 'message.upserted' AND json_extract(data, '$.message.id') = ?`,
        )
        .run(JSON.stringify(message), this.circleId, message.id);
    }
  }

  lastPostAt(memberId: string): number | undefined {
    const row = this.storage.stmt('SELECT MAX(created_at) AS at FROM messages WHERE circle_id = ? AND author_id = ?').get(this.circleId, memberId) as { at: number | null };
    return row.at ?? undefined;
  }

  getInvite(id: string): Invite | undefined {
    return this.#get('SELECT data FROM invites WHERE circle_id = ? AND id = ?', id);
  }

  findInviteByCode(code: string): Invite | undefined {
    return this.#get('SELECT data FROM invites WHERE circle_id = ? AND code_hash = ?', hashInviteCode(code));
  }

  listInvites(): Invite[] {
    return this.#all<Invite>('SELECT data FROM invites WHERE circle_id = ?').sort((a, b) => a.createdAt - b.createdAt);
  }

  addInvite(invite: Invite, code: string): void {
    this.#run('INSERT INTO invites (circle_id, id, code_hash, data) VALUES (?, ?, ?, ?)', invite.id, hashInviteCode(code), JSON.stringify(invite));
  }

  putInvite(invite: Invite): void {
    this.storage.stmt('UPDATE invites SET data = ? WHERE circle_id = ? AND id = ?').run(JSON.stringify(invite), this.circleId, invite.id);
  }

  getReport(id: string): Report | undefined {
    return this.#get('SELECT data FROM reports WHERE circle_id = ? AND id = ?', id);
  }

  listReports(includeResolved: boolean): Report[] {
    return this.#all<Report>(
      `SELECT data FROM reports WHERE circle_id = ? ${includeResolved ? '' : 'AND resolved = 0'} ORDER BY created_at, id`,
    );
  }

  putReport(report: Report): void {
    this.#run(
      'INSERT INTO reports (circle_id, id, resolved, created_at, data) VALUES (?, ?, ?, ?, ?) ON CONFLICT (circle_id, id) DO UPDATE SET resolved = excluded.resolved, data = excluded.data',
      report.id,
      report.resolvedAt === null ? 0 : 1,
      report.createdAt,
      JSON.stringify(report),
    );
  }

  getJoinRequest(id: string): JoinRequest | undefined {
    return this.#get('SELECT data FROM join_requests WHERE circle_id = ? AND id = ?', id);
  }

  listJoinRequests(): JoinRequest[] {
    return this.#all<JoinRequest>('SELECT data FROM join_requests WHERE circle_id = ? ORDER BY created_at, id');
  }

  putJoinRequest(request: JoinRequest): void {
    this.#run(
      'INSERT INTO join_requests (circle_id, id, created_at, data) VALUES (?, ?, ?, ?) ON CONFLICT (circle_id, id) DO UPDATE SET data = excluded.data',
      request.id,
      request.createdAt,
      JSON.stringify(request),
    );
  }

  deleteJoinRequest(id: string): void {
    this.#run('DELETE FROM join_requests WHERE circle_id = ? AND id = ?', id);
  }

  appendAudit(entry: AuditEntry): void {
    this.#run('INSERT INTO audit (circle_id, id, at, data) VALUES (?, ?, ?, ?)', entry.id, entry.at, JSON.stringify(entry));
  }

  listAudit(before: number | null, limit: number): AuditEntry[] {
    // rowid breaks ties between entries of the same millisecond: newest written first.
    return this.#all<AuditEntry>('SELECT data FROM audit WHERE circle_id = ? AND at < ? ORDER BY at DESC, rowid DESC LIMIT ?', before ?? Number.MAX_SAFE_INTEGER, limit);
  }

  peekNextSeq(): number {
    return this.storage.headSeqOf(this.circleId) + 1;
  }

  appendEvent(draft: EventDraft): CircleEvent {
    const event = { ...draft, seq: this.peekNextSeq() } as CircleEvent;
    this.#run('INSERT INTO events (circle_id, seq, data) VALUES (?, ?, ?)', event.seq, JSON.stringify(event));
    return event;
  }

  getAppliedCommand(commandId: string): AppliedCommand | undefined {
    const row = this.storage.stmt('SELECT author_id, ack FROM applied_commands WHERE circle_id = ? AND command_id = ?').get(this.circleId, commandId) as
      | { author_id: string | null; ack: string }
      | undefined;
    return row && { authorId: row.author_id, ack: JSON.parse(row.ack) as Ack };
  }

  recordAppliedCommand(commandId: string, authorId: string, ack: Ack): void {
    this.#run('INSERT OR REPLACE INTO applied_commands (circle_id, command_id, author_id, ack) VALUES (?, ?, ?, ?)', commandId, authorId, JSON.stringify(ack));
  }

}
