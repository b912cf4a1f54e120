import type { CircleEvent } from '@hearth/protocol';
import type { FanOut } from './fanout.js';
import { SeqStream } from './seq-stream.js';

export type FeedListener = (events: readonly CircleEvent[], publishedAt: number | null) => void;

export interface CircleFeedsOptions {
  fanOut: FanOut;
  /** Committed events after `seq` (storage). */
  fetch(circleId: string, after: number, limit: number): Promise<CircleEvent[]>;
  /** How long an out-of-order event waits for the ones before it before they are read from storage. */
  gapWaitMs?: number;
  onError(error: unknown): void;
}

interface Feed {
  stream: SeqStream;
  listeners: Set<FeedListener>;
  unsubscribe: () => void;
}

/**
 * One ordered event stream per circle for all the connections of this process: a single fan-out
 * subscription per circle, events put in seq order, and gaps (events another process published late, or a
 * broker lost) filled from storage once per process rather than once per connection.
 *
 * A feed starts at the head of the first session opened on it; until then it buffers. Connections keep their
 * own position (their session may be older or newer than the feed's) and drop what they already have.
 */
export class CircleFeeds {
  readonly #feeds = new Map<string, Feed>();
  readonly #stopResync: () => void;

  constructor(private readonly options: CircleFeedsOptions) {
    // After a broker outage, every feed reads what it may have missed.
    this.#stopResync = options.fanOut.onResync(() => this.catchUp());
  }

  /** Every feed reads from storage what it may have missed (events committed where fan-out did not reach). */
  catchUp(): void {
    for (const feed of this.#feeds.values()) feed.stream.catchUp();
  }

  /** Adds a listener to a circle's feed (opening it). Returns the function that removes it. */
  join(circleId: string, listener: FeedListener): () => void {
    let feed = this.#feeds.get(circleId);
    if (!feed) {
      const listeners = new Set<FeedListener>();
      const stream = new SeqStream({
        fetch: (after, limit) => this.options.fetch(circleId, after, limit),
        emit: (events, publishedAt) => {
          for (const l of [...listeners]) l(events, publishedAt);
        },
        gapWaitMs: this.options.gapWaitMs ?? 50,
        passLate: true,
        onError: this.options.onError,
      });
      const unsubscribe = this.options.fanOut.subscribe(circleId, (events, publishedAt) => stream.offer(events, publishedAt));
      feed = { stream, listeners, unsubscribe };
      this.#feeds.set(circleId, feed);
    }
    const joined = feed;
    joined.listeners.add(listener);
    return () => {
      joined.listeners.delete(listener);
      if (joined.listeners.size === 0 && this.#feeds.get(circleId) === joined) {
        this.#feeds.delete(circleId);
        joined.unsubscribe();
        joined.stream.close();
      }
    };
  }

  /** A session was opened at `head`: a feed that has not started yet starts there. */
  opened(circleId: string, head: number): void {
    this.#feeds.get(circleId)?.stream.start(head);
  }

  get size(): number {
    return this.#feeds.size;
  }

  close(): void {
    this.#stopResync();
    for (const feed of this.#feeds.values()) {
      feed.unsubscribe();
      feed.stream.close();
    }
    this.#feeds.clear();
  }
}
