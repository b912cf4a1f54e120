import type { CircleEvent } from '@hearth/protocol';

export interface SeqStreamOptions {
  /** Reads committed events with seq > `after`, oldest first, at most `limit` (from storage). */
  fetch(after: number, limit: number): Promise<CircleEvent[]>;
  /**
   * Receives events in seq order, each once and without gaps from the start on. `publishedAt` is null for
   * events read from storage. With `passLate`, events older than the stream's position are handed on too.
   */
  emit(events: CircleEvent[], publishedAt: number | null): void;
  /** How long a missing seq may take to arrive by itself before it is read from storage. */
  gapWaitMs: number;
  /** Hand on events older than the position (a feed does, for consumers that are further behind). */
  passLate?: boolean;
  onError(error: unknown): void;
}

/** Events read from storage at once when filling a gap or catching up. */
const FETCH_PAGE = 500;
/** After a failed read, the next try waits this long. */
const RETRY_MS = 250;

/**
 * Turns events that may arrive late, twice, out of order or not at all into one ordered, gap-free stream.
 * Until `start(head)` it only buffers; from then on it emits seq head+1, head+2, … A missing seq is awaited
 * for `gapWaitMs` (another process's event may simply be slower) and then read from storage.
 */
export class SeqStream {
  #next: number | null = null;
  readonly #pending = new Map<number, { event: CircleEvent; publishedAt: number | null }>();
  #timer: NodeJS.Timeout | null = null;
  /** A catch-up that failed, to be tried again. */
  #catchUpRetry: NodeJS.Timeout | null = null;
  #fetching = false;
  #catchUpWanted = false;
  #closed = false;

  constructor(private readonly options: SeqStreamOptions) {}

  get started(): boolean {
    return this.#next !== null;
  }

  /** Seq of the last event emitted (or of the starting head). */
  get position(): number | null {
    return this.#next === null ? null : this.#next - 1;
  }

  /** Starts after `head`: buffered events up to it are dropped (or handed on, with `passLate`). */
  start(head: number): void {
    if (this.#next !== null || this.#closed) return;
    this.#next = head + 1;
    if (this.options.passLate) {
      const late = [...this.#pending.entries()].filter(([seq]) => seq <= head).sort(([a], [b]) => a - b);
      for (const [, { event, publishedAt }] of late) this.options.emit([event], publishedAt);
    }
    for (const seq of [...this.#pending.keys()]) if (seq <= head) this.#pending.delete(seq);
    this.#drain();
  }

  offer(events: readonly CircleEvent[], publishedAt: number | null): void {
    if (this.#closed) return;
    for (const event of events) {
      if (this.#next !== null && event.seq < this.#next) {
        if (this.options.passLate) this.options.emit([event], publishedAt);
        continue;
      }
      if (!this.#pending.has(event.seq)) this.#pending.set(event.seq, { event, publishedAt });
    }
    if (this.#next !== null) this.#drain();
  }

  /** Reads whatever was committed after the position (deliveries may have been lost). */
  catchUp(): void {
    if (this.#next === null || this.#closed) return;
    if (this.#fetching) this.#catchUpWanted = true;
    else void this.#fill(Number.MAX_SAFE_INTEGER);
  }

  close(): void {
    this.#closed = true;
    this.#pending.clear();
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#catchUpRetry) clearTimeout(this.#catchUpRetry);
    this.#timer = null;
    this.#catchUpRetry = null;
  }

  #drain(): void {
    this.#emitContiguous();
    if (this.#pending.size === 0) {
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = null;
    } else if (!this.#timer && !this.#fetching) {
      this.#timer = setTimeout(() => {
        this.#timer = null;
        void this.#fill(Math.min(...this.#pending.keys()) - 1);
      }, this.options.gapWaitMs);
    }
  }

  /** Emits every buffered event that follows on from the position, together (one write per connection). */
  #emitContiguous(): void {
    const events: CircleEvent[] = [];
    let publishedAt: number | null = null;
    for (let entry = this.#pending.get(this.#next!); entry && !this.#closed; entry = this.#pending.get(this.#next!)) {
      this.#pending.delete(this.#next!);
      this.#next! += 1;
      if (events.length === 0) publishedAt = entry.publishedAt;
      events.push(entry.event);
    }
    if (events.length > 0) this.options.emit(events, publishedAt);
  }

  /** Reads from storage the events after the position up to `until` (or to the end), then emits in order. */
  async #fill(until: number): Promise<void> {
    if (this.#fetching || this.#closed) return;
    this.#fetching = true;
    let failed = false;
    try {
      while (!this.#closed && this.#next! <= until) {
        const after = this.#next! - 1;
        const events = await this.options.fetch(after, Math.min(FETCH_PAGE, until - after));
        if (this.#closed) return;
        for (const event of events) {
          if (event.seq >= this.#next! && !this.#pending.has(event.seq)) this.#pending.set(event.seq, { event, publishedAt: null });
        }
        const before = this.#next!;
        this.#emitContiguous();
        if (events.length < FETCH_PAGE || this.#next === before) break;
      }
    } catch (error) {
      failed = true;
      this.options.onError(error);
    } finally {
      this.#fetching = false;
    }
    if (this.#closed) return;
    if (this.#catchUpWanted) {
      this.#catchUpWanted = false;
      return this.#fill(Number.MAX_SAFE_INTEGER);
    }
    if (failed) {
      // Storage did not answer: try again shortly, while a gap remains or a catch-up is unfinished.
      if (until === Number.MAX_SAFE_INTEGER) {
        this.#catchUpRetry ??= setTimeout(() => {
          this.#catchUpRetry = null;
          this.catchUp();
        }, RETRY_MS);
      } else if (this.#pending.size > 0 && !this.#timer) {
        this.#timer = setTimeout(() => {
          this.#timer = null;
          if (this.#pending.size > 0) void this.#fill(Math.min(...this.#pending.keys()) - 1);
        }, RETRY_MS);
      }
      return;
    }
    this.#drain();
  }
}
