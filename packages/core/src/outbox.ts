import type { Command, ErrorInfo } from '@hearth/protocol';
import { readJson, type ClientStorage } from './storage.js';

/**
 * A command on its way. It is written to storage before it is first sent, and leaves only when the backend
 * has acknowledged it (or refused it for good), so a command typed offline or just before a reload is
 * delivered later — exactly once, because the backend applies each command id once.
 */
export interface OutboxEntry {
  readonly command: Command;
  /** `acked`: stored by the backend, waiting for its event to arrive so the optimistic copy can go. */
  readonly state: 'queued' | 'sending' | 'acked' | 'failed';
  readonly ackSeq?: number;
  readonly error?: ErrorInfo;
  readonly attempts: number;
  readonly createdAt: number;
}

/** The persisted, ordered list of pending commands. Immutable entries: every change makes a new array. */
export class Outbox {
  #entries: readonly OutboxEntry[];

  constructor(
    private readonly storage: ClientStorage,
    private readonly key: string,
  ) {
    // After a reload nothing is in flight any more: whatever was `sending` goes out again with the same id.
    const saved = readJson<OutboxEntry[]>(storage, key, []);
    this.#entries = saved.filter((e) => e.state !== 'failed').map((e) => (e.state === 'sending' ? { ...e, state: 'queued' } : e));
  }

  get entries(): readonly OutboxEntry[] {
    return this.#entries;
  }

  add(command: Command, now: number): void {
    this.#set([...this.#entries, { command, state: 'queued', attempts: 0, createdAt: now }]);
  }

  update(id: string, change: Partial<OutboxEntry>): void {
    this.#set(this.#entries.map((e) => (e.command.id === id ? { ...e, ...change } : e)));
  }

  remove(id: string): void {
    this.#set(this.#entries.filter((e) => e.command.id !== id));
  }

  /** Drops acknowledged entries whose events have been applied (seq reached). Returns whether any went. */
  settle(seq: number): boolean {
    const keep = this.#entries.filter((e) => !(e.state === 'acked' && (e.ackSeq ?? 0) <= seq));
    if (keep.length === this.#entries.length) return false;
    this.#set(keep);
    return true;
  }

  next(): OutboxEntry | undefined {
    return this.#entries.find((e) => e.state === 'queued');
  }

  #set(entries: readonly OutboxEntry[]): void {
    this.#entries = entries;
    // Failed entries stay visible in this page (so the UI can offer a retry) but are not persisted.
    const durable = entries.filter((e) => e.state !== 'failed');
    if (durable.length === 0) this.storage.remove(this.key);
    else this.storage.set(this.key, JSON.stringify(durable));
  }
}
