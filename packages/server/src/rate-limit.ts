/** Capacity (burst) and steady refill of a token bucket. */
export interface BucketSpec {
  capacity: number;
  refillPerSecond: number;
}

/** A bucket's tokens as of a moment (ms). */
export interface BucketState {
  tokens: number;
  at: number;
}

/**
 * Takes `cost` tokens from a bucket (a missing bucket is full). Returns the wait (0 when allowed, else ms
 * until enough tokens are there) and the bucket's new state. Pure, so an in-memory limiter and a stored
 * bucket (shared by several server processes) count the same way.
 */
export function takeFromBucket(bucket: BucketState | undefined, spec: BucketSpec, now: number, cost = 1): { wait: number; state: BucketState } {
  const start = bucket ?? { tokens: spec.capacity, at: now };
  // A clock that went backwards (another machine's) neither refills nor drains.
  const elapsed = Math.max(0, now - start.at);
  const tokens = Math.min(spec.capacity, start.tokens + (elapsed / 1000) * spec.refillPerSecond);
  if (tokens >= cost) return { wait: 0, state: { tokens: tokens - cost, at: Math.max(now, start.at) } };
  return { wait: Math.max(1, Math.ceil(((cost - tokens) / spec.refillPerSecond) * 1000)), state: { tokens, at: Math.max(now, start.at) } };
}

/**
 * Token buckets by key (a member, an IP). A bucket that has refilled completely is forgotten, so memory
 * follows the number of recently active keys, not of every key ever seen.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, BucketState>();

  constructor(
    readonly spec: BucketSpec,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token. Returns 0 when allowed, else how many ms until a token is available. */
  take(key: string, cost = 1): number {
    const { wait, state } = takeFromBucket(this.#buckets.get(key), this.spec, this.now(), cost);
    this.#buckets.set(key, state);
    return wait;
  }

  /** How many ms until `cost` tokens are there (0: now), without taking any. */
  wait(key: string, cost = 1): number {
    return takeFromBucket(this.#buckets.get(key), this.spec, this.now(), cost).wait;
  }

  /** Gives back tokens taken for something that did not happen after all (a shared limit refused it). */
  refund(key: string, cost = 1): void {
    const bucket = this.#buckets.get(key);
    if (bucket) bucket.tokens = Math.min(this.spec.capacity, bucket.tokens + cost);
  }

  /** Drops buckets that are full again. Called now and then by the server. */
  sweep(): void {
    const now = this.now();
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.spec.refillPerSecond >= this.spec.capacity) this.#buckets.delete(key);
    }
  }

  get size(): number {
    return this.#buckets.size;
  }
}
