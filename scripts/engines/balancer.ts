// A round-robin TCP load balancer on 127.0.0.1 for tests and benchmarks of several server processes: each new
// connection goes to the next backend that accepts it, so when a process dies its clients' reconnections land
// on the others, as behind a real load balancer. Bytes are piped untouched (WebSocket upgrades included).
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface Backend {
  host?: string;
  port: number;
}

export interface Balancer {
  port: number;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Replaces the backends (new connections only). */
  setBackends(backends: Backend[]): void;
  /** Connections each backend has been given so far, by port. */
  assigned(): Map<number, number>;
  close(): Promise<void>;
}

export async function startBalancer(backends: Backend[]): Promise<Balancer> {
  let pool = [...backends];
  let next = 0;
  const counts = new Map<number, number>();
  const open = new Set<Socket>();
  let closed = false;

  /** Tries backends in turn from the next one; a backend that refuses is skipped for this connection. */
  const route = (client: Socket, tried = 0) => {
    if (pool.length === 0 || tried >= pool.length) return client.destroy();
    const backend = pool[next++ % pool.length]!;
    const upstream = connect({ host: backend.host ?? '127.0.0.1', port: backend.port });
    open.add(upstream);
    upstream.once('close', () => open.delete(upstream));
    upstream.once('connect', () => {
      if (client.destroyed) return void upstream.destroy();
      counts.set(backend.port, (counts.get(backend.port) ?? 0) + 1);
      client.pipe(upstream);
      upstream.pipe(client);
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
      client.resume();
    });
    let connected = false;
    upstream.once('connect', () => void (connected = true));
    upstream.once('error', () => {
      upstream.destroy();
      // A backend that refuses is skipped; one that fails mid-stream ends its client's connection.
      if (!connected && !client.destroyed && !closed) route(client, tried + 1);
      else client.destroy();
    });
  };

  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    if (closed) return void client.destroy();
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    route(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    setBackends(list) {
      pool = [...list];
    },
    assigned: () => new Map(counts),
    close() {
      closed = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of open) socket.destroy();
      return stopped;
    },
  };
}
