// The custom transport example as `npm start` serves it, in Chromium: the elements over the example's own
// REST + Server-Sent Events backend through sse-transport.ts. Two readers join; what one posts reaches the
// other live over the event stream; nothing goes through the reference server's WebSocket.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { joinByInvite, notBuilt, post, startHarness, waitForMessage, type Harness } from './helpers.js';

let h: Harness;

describe('the custom transport example', { skip: notBuilt }, () => {
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h?.close();
  });

  it('joins, posts and receives live over its own REST + SSE backend', async () => {
    const url = `${h.site.url}/custom-transport/?invite=${h.site.example.inviteCode}`;
    const ana = await h.reader('Ana');
    const ben = await h.reader('Ben');
    const requests: string[] = [];
    ana.on('request', (request) => requests.push(new URL(request.url()).pathname));
    await ana.goto(url);
    await ben.goto(url);
    await joinByInvite(ana, 'Ana');
    await joinByInvite(ben, 'Ben');
    // The example circle shows its threads: Ana starts one, Ben opens it.
    await ana.locator('hearth-circle >>> hearth-thread-list >>> #title').fill('Over SSE');
    await ana.focus('hearth-circle >>> hearth-thread-list >>> #title');
    await ana.keyboard.press('Enter');
    await post(ana, 'Carried by fetch and an event stream.');
    await waitForMessage(ana, 'Carried by fetch and an event stream.');

    await ben.locator('hearth-circle >>> hearth-thread-list >>> [part=thread]').click();
    await waitForMessage(ben, 'Carried by fetch and an event stream.');
    await post(ben, 'And back the same way.');
    await waitForMessage(ana, 'And back the same way.');

    assert.ok(requests.includes('/custom-transport/api/example/connect'), 'connected through the example backend');
    assert.ok(requests.includes('/custom-transport/api/example/events'), 'opened its event stream');
    assert.ok(requests.includes('/custom-transport/api/example/commands'), 'sent commands to it');
    assert.equal(h.site.server.connectionCount(), 0, 'no WebSocket to the reference server');
    await h.assertNoProblems();
  });
});
