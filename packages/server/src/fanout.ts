import type { CircleEvent } from '@hearth/protocol';

export type FanOutListener = (events: readonly CircleEvent[]) => void;

/**
 * Carries committed events to every connection of a circle. In-process by default; an implementation over a
 * broker (Redis pub/sub, NATS, Postgres NOTIFY) lets several server processes share circles. Delivery may be
 * late or lossy in such a broker: connections fill any gap in seq from storage, so fan-out only has to be fast.
 */
export interface FanOut {
  publish(circleId: string, events: readonly CircleEvent[]): void;
  subscribe(circleId: string, listener: FanOutListener): () => void;
  close(): void;
}

export function createInProcessFanOut(): FanOut {
  const listeners = new Map<string, Set<FanOutListener>>();
  return {
    publish(circleId, events) {
      if (events.length === 0) return;
      for (const listener of [...(listeners.get(circleId) ?? [])]) listener(events);
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
    close() {
      listeners.clear();
    },
  };
}
