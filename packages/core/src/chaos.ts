import { HearthError, type CircleEvent } from '@hearth/protocol';
import type { Transport, TransportSink } from './transport.js';

/** A small seeded PRNG (mulberry32): the same seed gives the same faults, so a failing run can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ChaosOptions {
  random: () => number;
  /** Probability that a live event is lost. */
  drop?: number;
  /** Probability that a live event is delivered twice. */
  duplicate?: number;
  /** Probability that a live event is held back (so later ones overtake it), and for how long at most. */
  delay?: number;
  maxDelayMs?: number;
  /** Probability, per command, that the connection is cut before the command goes out or after it was applied (ack lost). */
  cut?: number;
}

export interface ChaosTransport extends Transport {
  /** Turns every fault off, for the healing phase of a test. */
  heal(): void;
  readonly faults: { dropped: number; duplicated: number; delayed: number; cuts: number };
}

/**
 * Wraps a transport and misbehaves on purpose: drops, duplicates, delays and reorders events, and cuts the
 * connection around commands (before sending, or after the backend applied it so the ack is lost). Whatever
 * it does, a correct client must end with exactly the backend's state.
 */
export function chaosTransport(inner: Transport, options: ChaosOptions): ChaosTransport {
  const { random } = options;
  let healed = false;
  let sink: TransportSink | null = null;
  let connection = 0;
  const faults = { dropped: 0, duplicated: 0, delayed: 0, cuts: 0 };
  const chance = (p = 0) => !healed && random() < p;

  const cut = async () => {
    faults.cuts++;
    const current = sink;
    sink = null;
    connection++;
    await inner.close();
    current?.disconnected({ code: 'unavailable', message: 'connection cut by chaos' });
  };

  return {
    faults,
    heal() {
      healed = true;
    },
    async connect(params, outer) {
      const mine = ++connection;
      const deliver = (event: CircleEvent) => {
        if (mine === connection) outer.event(event);
      };
      const session = await inner.connect(params, {
        event(event) {
          if (chance(options.drop)) return void faults.dropped++;
          if (chance(options.delay)) {
            faults.delayed++;
            setTimeout(() => deliver(event), 1 + random() * (options.maxDelayMs ?? 20));
            return;
          }
          deliver(event);
          if (chance(options.duplicate)) (faults.duplicated++, deliver(event));
        },
        disconnected(error) {
          if (mine !== connection) return;
          sink = null;
          outer.disconnected(error);
        },
      });
      if (mine === connection) sink = outer;
      return session;
    },
    async send(command) {
      if (chance(options.cut)) {
        await cut();
        throw new HearthError('unavailable', 'connection cut before sending');
      }
      const ack = await inner.send(command);
      if (chance(options.cut)) {
        await cut();
        throw new HearthError('unavailable', 'connection cut before the ack');
      }
      return ack;
    },
    history: (query) => inner.history(query),
    close() {
      connection++;
      sink = null;
      return inner.close();
    },
  };
}
