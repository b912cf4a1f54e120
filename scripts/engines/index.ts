// Throwaway engines and server processes, for the tests in test/ and for benchmarks: a PostgreSQL cluster
// and a NATS server on free 127.0.0.1 ports, `hearth-server` processes on them, a TCP load balancer in front.
export { startThrowawayPostgres, postgresBinDir } from './postgres.js';
export type { ThrowawayPostgres, PostgresOptions } from './postgres.js';
export { startThrowawayNats } from './nats.js';
export type { ThrowawayNats } from './nats.js';
export { startHearthProcess, startHearthProcesses, hearthCommand } from './hearth.js';
export type { HearthProcess, HearthProcessOptions, ClusterOptions } from './hearth.js';
export { startBalancer } from './balancer.js';
export type { Backend, Balancer } from './balancer.js';
export { freePort, stopChild, waitForOutput } from './common.js';
