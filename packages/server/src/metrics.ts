import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The server's Prometheus metrics, in a registry of its own (several servers in one process do not mix).
 * Labels are command types and error codes only: never a circle, a member or an address.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  /** Open client connections. */
  readonly connections = new Gauge({ name: 'hearth_connections', help: 'Open WebSocket connections', registers: [this.registry] });
  readonly connectionsOpened = new Counter({ name: 'hearth_connections_opened_total', help: 'WebSocket connections accepted', registers: [this.registry] });
  /** Commands handled, by type and outcome (`ok` or the error code): `rate()` of it is commands per second. */
  readonly commands = new Counter({
    name: 'hearth_commands_total',
    help: 'Commands handled, by type and outcome (ok or the error code)',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly commandSeconds = new Histogram({
    name: 'hearth_command_duration_seconds',
    help: 'Time from a command frame arriving to its ack (storage transaction included)',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  /** Publish (after the commit, in whichever process) to the event frame written to a socket here. */
  readonly fanOutSeconds = new Histogram({
    name: 'hearth_fanout_latency_seconds',
    help: 'Time from an event being published after its commit to its frame being written to a client socket',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });
  /** Connections dropped because their client left more than the send budget unread. */
  readonly slowReadersDropped = new Counter({
    name: 'hearth_slow_readers_dropped_total',
    help: 'Connections dropped because their client left more than the send budget unread',
    registers: [this.registry],
  });
  readonly gapFills = new Counter({
    name: 'hearth_fanout_gap_fills_total',
    help: 'Events read from storage because fan-out delivered them late or not at all',
    registers: [this.registry],
  });
  /** Errors answered to clients (refused acks and error frames), by code; `internal` ones are bugs or outages. */
  readonly errors = new Counter({ name: 'hearth_errors_total', help: 'Errors answered to clients, by code', labelNames: ['code'] as const, registers: [this.registry] });
  readonly brokerConnected = new Gauge({ name: 'hearth_broker_connected', help: '1 while the fan-out broker is reachable', registers: [this.registry] });

  /** Adds the process metrics (CPU, memory, event loop lag, GC): for a server that owns its process. */
  collectProcessMetrics(): void {
    collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
