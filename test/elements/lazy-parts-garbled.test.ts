// A garbled on-demand part: a proxy answers `hearth-moderation.js` with an HTML error page. The moderator's
// circle keeps working, one warning names the part, and it is not asked for again on every render (the
// browser would only hand back the same failure). Its own file: a failed import stays failed for the page.
import { expect } from '@open-wc/testing';
import { http, HttpResponse } from 'msw';
import { circleElement, connectedOwner, navLabels, rerender, startWithBundle, waitFor, warnings, worker } from './lazy-helpers.js';

let built = true;

describe('a garbled on-demand part (msw)', () => {
  before(async () => {
    built = await startWithBundle();
  });
  after(() => {
    if (built) worker.stop();
  });

  it('the moderation part is not JavaScript: a warning, the circle keeps working, no retry storm', async function () {
    if (!built) this.skip(); // not built: `npm run build` first
    let requests = 0;
    worker.use(
      http.get('*/hearth-moderation.js', () => {
        requests++;
        return new HttpResponse('<!doctype html><title>Proxy error</title>', { headers: { 'Content-Type': 'text/javascript' } });
      }),
    );
    const warned = warnings();
    try {
      const owner = await connectedOwner();
      const element = circleElement(owner);
      await waitFor(() => warned.lines.some((l) => l.includes('could not load <hearth-moderation>')), 'a warning naming the part');
      await rerender(owner);
      expect(owner.getSnapshot().threadList).to.have.length(5);
      expect(navLabels(element)).to.deep.equal(['Threads', 'Members', 'Moderation'], 'the circle renders on');
      expect(requests).to.equal(1, 'asked for once');
      expect(warned.lines.filter((l) => l.includes('could not load'))).to.have.length(1, 'warned once');
      element.remove();
    } finally {
      warned.restore();
    }
  });
});
