import { randomBytes } from 'node:crypto';
import { connect, Events, type NatsConnection, type Subscription } from 'nats';
import type { CircleEvent } from '@hearth/protocol';
import type { FanOut, FanOutListener } from '../fanout.js';
import type { Logger } from '../logger.js';

export interface NatsFanOutOptions {
  /** `nats://host:4222`, or several (comma-separated or a list) for a NATS cluster. */
  servers: string | string[];
  /** Subjects are `<prefix>.circle.<circle id>`. Default `hearth`; give each deployment sharing a NATS its own. */
  subjectPrefix?: string;
  /** Shown in NATS monitoring. Default `hearth-server`. */
  name?: string;
  logger: Logger;
}

/** What goes over the wire: who published (to skip one's own), when, and the events of one transaction. */
interface Envelope {
  origin: string;
  publishedAt: number;
  events: CircleEvent[];
}

/**
 * Fan-out through NATS core publish/subscribe: each process subscribes to the circles it has connections
 * for, and publishes every committed transaction's events on the circle's subject. NATS delivers at most
 * once, in publish order per publisher; events of different processes may interleave out of seq order, and
 * a process cut off from NATS misses what was published meanwhile. Both are repaired downstream: the server
 * orders by seq and reads any gap from storage, and after a reconnect (`onResync`) every feed catches up.
 *
 * Publishing delivers to this process's own subscribers at once (no round trip through NATS; the connection
 * is opened with `noEcho`).
 */
export class NatsFanOut implements FanOut {
  readonly kind = 'nats';
  readonly #origin = randomBytes(8).toString('hex');
  readonly #prefix: string;
  readonly #listeners = new Map<string, { set: Set<FanOutListener>; sub: Subscription }>();
  readonly #resync = new Set<() => void>();
  #connected = true;

  constructor(
    readonly nc: NatsConnection,
    private readonly options: NatsFanOutOptions,
  ) {
    this.#prefix = options.subjectPrefix ?? 'hearth';
    void this.#watch();
  }

  publish(circleId: string, events: readonly CircleEvent[]): void {
    if (events.length === 0) return;
    const publishedAt = Date.now();
    this.#deliver(circleId, events, publishedAt);
    const envelope: Envelope = { origin: this.#origin, publishedAt, events: [...events] };
    try {
      // While disconnected the client buffers publications and sends them on reconnect.
      this.nc.publish(this.#subject(circleId), new TextEncoder().encode(JSON.stringify(envelope)));
    } catch (error) {
      // Other processes fill the gap from storage when the circle's next event reaches them, or on resync.
      this.options.logger.warn('could not publish to NATS', { error, circle: circleId });
    }
  }

  subscribe(circleId: string, listener: FanOutListener): () => void {
    let entry = this.#listeners.get(circleId);
    if (!entry) {
      const sub = this.nc.subscribe(this.#subject(circleId), {
        callback: (error, message) => {
          if (error) return this.options.logger.warn('NATS subscription error', { error, circle: circleId });
          let envelope: Envelope;
          try {
            envelope = JSON.parse(new TextDecoder().decode(message.data)) as Envelope;
          } catch (parseError) {
            return this.options.logger.warn('unreadable message on a circle subject', { error: parseError, circle: circleId });
          }
          if (envelope.origin === this.#origin || !Array.isArray(envelope.events)) return;
          this.#deliver(circleId, envelope.events, envelope.publishedAt);
        },
      });
      entry = { set: new Set(), sub };
      this.#listeners.set(circleId, entry);
    }
    const joined = entry;
    joined.set.add(listener);
    return () => {
      joined.set.delete(listener);
      if (joined.set.size === 0 && this.#listeners.get(circleId) === joined) {
        this.#listeners.delete(circleId);
        joined.sub.unsubscribe();
      }
    };
  }

  onResync(listener: () => void): () => void {
    this.#resync.add(listener);
    return () => this.#resync.delete(listener);
  }

  connected(): boolean {
    return this.#connected && !this.nc.isClosed();
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    this.#resync.clear();
    if (this.nc.isClosed()) return;
    // Drain sends what is buffered and lets subscriptions finish before closing.
    await this.nc.drain().catch(() => this.nc.close());
  }

  #subject(circleId: string): string {
    return `${this.#prefix}.circle.${circleId}`;
  }

  #deliver(circleId: string, events: readonly CircleEvent[], publishedAt: number): void {
    for (const listener of [...(this.#listeners.get(circleId)?.set ?? [])]) listener(events, publishedAt);
  }

  async #watch(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === Events.Disconnect) {
        this.#connected = false;
        this.options.logger.warn('lost the NATS connection; reconnecting', { server: String(status.data) });
      } else if (status.type === Events.Reconnect) {
        this.#connected = true;
        this.options.logger.info('reconnected to NATS; catching up from storage', { server: String(status.data) });
        for (const listener of [...this.#resync]) listener();
      }
    }
  }
}

/** Connects to NATS (retrying for ever once connected) and returns the fan-out over it. */
export async function connectNatsFanOut(options: NatsFanOutOptions): Promise<NatsFanOut> {
  const servers = (Array.isArray(options.servers) ? options.servers : options.servers.split(',')).map((s) => s.trim()).filter(Boolean);
  let nc: NatsConnection;
  try {
    nc = await connect({ servers, name: options.name ?? 'hearth-server', noEcho: true, maxReconnectAttempts: -1, reconnectTimeWait: 500 });
  } catch (error) {
    throw new Error(`cannot connect to NATS at ${servers.join(', ')}: ${(error as Error).message}`, { cause: error });
  }
  options.logger.info('connected to NATS', { server: nc.getServer() });
  return new NatsFanOut(nc, options);
}
