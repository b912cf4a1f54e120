// The integrator's proof: the example REST + SSE transport passes core's conformance suite against its own backend.
import { after, before, describe, it } from 'node:test';
import { nanoid } from 'nanoid';
import { runTransportConformance } from '@hearth/core/testing';
import { startExampleBackend, type ExampleBackend } from '../../examples/custom-transport/backend.js';
import { createSseTransport } from '../../examples/custom-transport/sse-transport.js';

runTransportConformance({
  name: 'example REST + SSE transport',
  describe,
  it,
  before,
  after,
  async setup() {
    const backend: ExampleBackend = await startExampleBackend();
    return {
      async createCircle() {
        const circle = `example-${nanoid(6).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
        const { ownerToken, inviteCode } = backend.createCircle(circle);
        return { circle, owner: { kind: 'token', token: ownerToken }, inviteCode };
      },
      createTransport: () => createSseTransport({ url: backend.url }),
      close: () => backend.close(),
    };
  },
});
