/**
 * What the client needs from its surroundings, injectable so tests control time, randomness and the
 * browser's online/visibility signals (as TanStack Query's onlineManager does).
 */
export interface ClientEnvironment {
  now(): number;
  random(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Calls `listener` when the network comes back or the page becomes visible again. Returns an unsubscribe. */
  onWake(listener: () => void): () => void;
}

export function defaultEnvironment(): ClientEnvironment {
  return {
    now: () => Date.now(),
    random: Math.random,
    setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
    clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
    onWake(listener) {
      const win = typeof window !== 'undefined' ? window : undefined;
      const doc = typeof document !== 'undefined' ? document : undefined;
      if (!win || !doc) return () => {};
      const onVisible = () => {
        if (doc.visibilityState === 'visible') listener();
      };
      win.addEventListener('online', listener);
      doc.addEventListener('visibilitychange', onVisible);
      return () => {
        win.removeEventListener('online', listener);
        doc.removeEventListener('visibilitychange', onVisible);
      };
    },
  };
}
