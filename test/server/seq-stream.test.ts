// The ordered event stream behind every feed and connection: buffering until started, seq order, duplicates
// dropped, a gap awaited and then read from storage, catching up after a broker outage, retrying a failed read.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CircleEvent } from '@hearth/protocol';
import { SeqStream } from '@hearth/server';
import { sleep } from './helpers.js';

const event = (seq: number): CircleEvent => ({ type: 'member.removed', memberId: `member-${seq}`, seq, at: seq, commandId: null, actorId: null });
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(5);
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => event(from + i));

function harness(options: { gapWaitMs?: number; passLate?: boolean; stored?: CircleEvent[]; failReads?: number } = {}) {
  const emitted: number[] = [];
  const reads: [number, number][] = [];
  let failures = options.failReads ?? 0;
  const errors: unknown[] = [];
  const stream = new SeqStream({
    fetch: async (after, limit) => {
      reads.push([after, limit]);
      if (failures-- > 0) throw new Error('database down');
      return (options.stored ?? []).filter((e) => e.seq > after).slice(0, limit);
    },
    emit: (events) => emitted.push(...events.map((e) => e.seq)),
    gapWaitMs: options.gapWaitMs ?? 20,
    passLate: options.passLate ?? false,
    onError: (error) => errors.push(error),
  });
  return { stream, emitted, reads, errors };
}

describe('SeqStream', () => {
  it('buffers until started, then emits in seq order from the head on, each once', () => {
    const { stream, emitted } = harness();
    stream.offer([event(4), event(3)], 1);
    stream.offer([event(5)], 1);
    stream.start(3);
    assert.deepEqual(emitted, [4, 5], 'what the session already held (3) is dropped');
    stream.offer([event(5), event(4), event(6)], 1);
    assert.deepEqual(emitted, [4, 5, 6], 'duplicates are dropped');
    stream.close();
  });

  it('waits for a late event before reading the gap from storage', async () => {
    const { stream, emitted, reads } = harness({ gapWaitMs: 30, stored: range(1, 10) });
    stream.start(0);
    stream.offer([event(1), event(3)], 1);
    assert.deepEqual(emitted, [1]);
    stream.offer([event(2)], 1);
    assert.deepEqual(emitted, [1, 2, 3], 'the late event closed the gap');
    stream.offer([event(6)], 1);
    assert.deepEqual(reads, [], 'no read at once: the missing events may still arrive');
    await until(() => emitted.length === 6);
    assert.deepEqual(reads, [[3, 2]], 'exactly the missing seqs were read, once');
    assert.deepEqual(emitted, [1, 2, 3, 4, 5, 6]);
    stream.close();
  });

  it('catches up from storage after an outage, and retries a read that failed', async () => {
    const { stream, emitted, reads, errors } = harness({ stored: range(1, 7), failReads: 1 });
    stream.start(2);
    stream.catchUp();
    await until(() => errors.length === 1);
    assert.deepEqual(emitted, [], 'nothing emitted from a failed read');
    await until(() => emitted.length === 5);
    assert.deepEqual(emitted, [3, 4, 5, 6, 7], 'the catch-up was tried again and read everything after the position');
    assert.deepEqual(reads.map(([after]) => after), [2, 2]);
    stream.close();
  });

  it('hands on late events when asked to (a feed serves connections that are further behind)', () => {
    const { stream, emitted } = harness({ passLate: true });
    stream.offer([event(2)], 1);
    stream.start(2);
    assert.deepEqual(emitted, [2], 'buffered events up to the head are handed on');
    stream.offer([event(1)], 1);
    assert.deepEqual(emitted, [2, 1]);
    stream.close();
  });
});
