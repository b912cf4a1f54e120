/** Capacity (burst) and steady refill of a token bucket. */
export interface BucketSpec {
  capacity: number;
  refillPerSecond: number;
}

/**
 * Token buckets by key (a member, an IP). A bucket that has refilled completely is forgotten, so memory
 * follows the number of recently active keys, not of every key ever seen.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly spec: BucketSpec,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token. Returns 0 when allowed, else how many ms until a token is available. */
  take(key: string, cost = 1): number {
    const now = this.now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.spec.capacity, at: now };
    bucket.tokens = Math.min(this.spec.capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.spec.refillPerSecond);
    bucket.at = now;
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      this.#buckets.set(key, bucket);
      return 0;
    }
    this.#buckets.set(key, bucket);
    return Math.max(1, Math.ceil(((cost - bucket.tokens) / this.spec.refillPerSecond) * 1000));
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
