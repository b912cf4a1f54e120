// The fault proxy's own promise: whatever it delays or splits, the bytes of a live connection arrive
// complete and in order (TCP never reorders; a chaos run that saw reordered frames would chase a fault that
// cannot happen — a client that hears events before its welcome rightly drops them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startFaultProxy } from '../support/fault-proxy.js';
import { seededRandom } from '@hearth/core/testing';

test('the fault proxy delays and splits but never reorders the bytes of a connection', async () => {
  // Upstream: a sink that records everything it receives.
  let received = Buffer.alloc(0);
  let done!: () => void;
  const all = new Promise<void>((resolve) => (done = resolve));
  const chunks = 400;
  const expected = Buffer.concat(Array.from({ length: chunks }, (_, i) => Buffer.from(`<${i}>`)));
  const sink = net.createServer((socket) => {
    socket.on('error', () => {}); // reset when the proxy breaks the pair at the end
    socket.on('data', (data: Buffer) => {
      received = Buffer.concat([received, data]);
      if (received.length >= expected.length) done();
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const proxy = await startFaultProxy((sink.address() as net.AddressInfo).port, { random: seededRandom(7), delay: 0.2, maxDelayMs: 5, split: 0.3 });
  proxy.unleash();
  const client = net.connect(proxy.port, '127.0.0.1');
  client.on('error', () => {});
  await new Promise<void>((resolve) => client.once('connect', resolve));
  client.setNoDelay(true);
  // Small writes a turn apart, so the proxy reads most of them as chunks of their own.
  for (let i = 0; i < chunks; i++) {
    client.write(`<${i}>`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([all, new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]);
  clearTimeout(timer);
  client.destroy();
  await proxy.close();
  await new Promise<void>((resolve) => sink.close(() => resolve()));
  assert.ok(proxy.faults.split > 10 && proxy.faults.delayed > 10, `faults were injected: ${JSON.stringify(proxy.faults)}`);
  assert.equal(received.toString(), expected.toString());
});
