import { expect } from '@open-wc/testing';
import { createMemoryHub, type Transport, type CircleEvent } from '@hearth/core';
import { runConformanceCollecting, runTransportConformance, type ConformanceBackend } from '@hearth/core/testing';
import { nanoid } from 'nanoid';

function memoryBackend(wrap: (t: Transport) => Transport = (t) => t): () => Promise<ConformanceBackend> {
  return async () => {
    const hub = createMemoryHub();
    return {
      async createCircle() {
        const circle = `c-${nanoid(8).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
        const { ownerToken } = hub.createCircle({ id: circle, name: 'Conformance', owner: { displayName: 'Owner' } });
        return { circle, owner: { kind: 'token', token: ownerToken }, inviteCode: hub.createInvite(circle, { maxUses: null, expiresInMs: null }) };
      },
      createTransport: () => wrap(hub.transport()),
      close: async () => {},
    };
  };
}

runTransportConformance({ name: 'memory', setup: memoryBackend(), describe, it, before, after });

/** Loses every third live event. */
function dropsEveryThirdEvent(inner: Transport): Transport {
  let n = 0;
  return {
    connect: (params, sink) => inner.connect(params, { event: (e: CircleEvent) => (++n % 3 === 0 ? undefined : sink.event(e)), disconnected: (e) => sink.disconnected(e) }),
    send: (c) => inner.send(c),
    history: (q) => inner.history(q),
    close: () => inner.close(),
  };
}

/** Sends every command under a fresh id, so a resend is a new command. */
function resendsWithoutTheId(inner: Transport): Transport {
  return { connect: (p, s) => inner.connect(p, s), send: (c) => inner.send({ ...c, id: nanoid() }), history: (q) => inner.history(q), close: () => inner.close() };
}

describe('the conformance suite catches broken transports', () => {
  it('fails a transport that drops every third event', async () => {
    const results = await runConformanceCollecting(memoryBackend(dropsEveryThirdEvent), 500);
    const failed = [...results].filter(([, error]) => error).map(([name]) => name);
    expect(failed).to.include('delivers every event to every member in seq order, with no gap and no duplicate');
  });

  it('fails a transport that resends without the command id', async () => {
    const results = await runConformanceCollecting(memoryBackend(resendsWithoutTheId), 500);
    const failed = [...results].filter(([, error]) => error).map(([name]) => name);
    expect(failed).to.include('applies a command id once, however many times it is sent');
    expect(failed).to.include('treats a resend after reconnecting as the same command');
  });

  it('passes the memory transport on every test when run the same way', async () => {
    const results = await runConformanceCollecting(memoryBackend(), 2000);
    expect([...results].filter(([, error]) => error).map(([name, error]) => `${name}: ${error!.message}`)).to.deep.equal([]);
    expect(results.size).to.be.greaterThan(8);
  });
});
