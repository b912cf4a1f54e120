/**
 * Tiered backoff with full jitter: the n-th retry waits `random(0, min(cap, base·2ⁿ))`.
 * Full jitter spreads a circle's clients apart after a server restart instead of having them return in waves.
 */
export interface BackoffTier {
  baseMs: number;
  capMs: number;
}

/** Ordinary trouble: a dropped connection, a restarting server. */
export const NORMAL_TIER: BackoffTier = { baseMs: 250, capMs: 10_000 };
/** The server asked us to slow down (`rate_limited`, `circle_full`): back off further. */
export const SLOW_TIER: BackoffTier = { baseMs: 2_000, capMs: 60_000 };

export function backoffDelay(tier: BackoffTier, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(tier.capMs, tier.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
