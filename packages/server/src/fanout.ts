import type { CircleEvent } from '@hearth/protocol';

/** Receives committed events; `publishedAt` is when the publishing process handed them over (ms, its clock). */
export type FanOutListener = (events: readonly CircleEvent[], publishedAt: number) => void;

/**
 * Carries committed events to every process holding connections of a circle. In-process by default; an
 * implementation over a broker (NATS: `createNatsFanOut`) lets several server processes share circles.
 * Delivery may be late, reordered or lost in a broker: the server orders events by seq and fills any gap
 * from storage (see `CircleFeeds`), so fan-out only has to be fast.
 */
export interface FanOut {
  /** `in-process` or the broker's name, for logs and metrics. */
  readonly kind: string;
  /** Hands events (of one transaction, in seq order) to every subscriber of the circle, here and elsewhere. */
  publish(circleId: string, events: readonly CircleEvent[]): void;
  subscribe(circleId: string, listener: FanOutListener): () => void;
  /**
   * Calls `listener` when deliveries may have been missed (the broker connection was lost and came back),
   * so subscribers can catch up from storage. Returns a function that stops the calls.
   */
  onResync(listener: () => void): () => void;
  /** False while the broker cannot be reached (readiness). Always true in-process. */
  connected(): boolean;
  close(): Promise<void>;
}

export function createInProcessFanOut(): FanOut {
  const listeners = new Map<string, Set<FanOutListener>>();
  return {
    kind: 'in-process',
    publish(circleId, events) {
      if (events.length === 0) return;
      const at = Date.now();
      for (const listener of [...(listeners.get(circleId) ?? [])]) listener(events, at);
    },
    subscribe(circleId, listener) {
      let set = listeners.get(circleId);
      if (!set) listeners.set(circleId, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(circleId);
      };
    },
    onResync: () => () => {},
    connected: () => true,
    async close() {
      listeners.clear();
    },
  };
}
