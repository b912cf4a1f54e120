// A writer thread for the storage conformance set: opens its own handle on a store (as another server process
// would) and appends events to one circle, several transactions at a time, reporting the seqs it was given.
import { parentPort, workerData } from 'node:worker_threads';
import { createSqliteStorage, openPostgresStorage, type Storage } from '@hearth/server';

export interface WriterJob {
  store: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
  circleId: string;
  /** Names this writer's events (`<writer>-<n>`). */
  writer: string;
  count: number;
  /** Transactions this writer keeps going at once. */
  inFlight: number;
}

export interface WriterResult {
  writer: string;
  seqs: number[];
}

async function main(job: WriterJob): Promise<WriterResult> {
  const storage: Storage =
    job.store.kind === 'sqlite' ? createSqliteStorage({ file: job.store.file, busyTimeoutMs: 30_000 }) : await openPostgresStorage({ url: job.store.url, poolSize: job.inFlight });
  const seqs: number[] = [];
  let next = 0;
  const lane = async () => {
    while (next < job.count) {
      const n = next++;
      const seq = await storage.write(job.circleId, (tx) => {
        const event = tx.repo.appendEvent({ type: 'member.removed', memberId: `${job.writer}-${n}`, at: n, commandId: null, actorId: null });
        tx.repo.recordAppliedCommand(`${job.writer}-command-${n}`, job.writer, { ok: true, seq: event.seq });
        return event.seq;
      });
      seqs.push(seq);
    }
  };
  await Promise.all(Array.from({ length: job.inFlight }, lane));
  await storage.close();
  return { writer: job.writer, seqs };
}

main(workerData as WriterJob).then(
  (result) => parentPort!.postMessage(result),
  (error: unknown) => {
    throw error;
  },
);
