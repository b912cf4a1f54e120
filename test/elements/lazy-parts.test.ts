// The drop-in's on-demand parts over a misbehaving network: `hearth-fr.js` (French) and
// `hearth-moderation.js` (moderator tools) are fetched from beside `hearth.js` when first needed. msw's `http`
// handlers answer those requests with an error or a delay; the widget keeps working meanwhile, says what
// failed, asks once, and picks a slow part up when it lands. Runs the built bundle; skipped when not built.
import { expect } from '@open-wc/testing';
import { delay, http, HttpResponse, passthrough } from 'msw';
import { sleep } from '../core/helpers.js';
import { circleElement, connectedOwner, navLabels, rerender, startWithBundle, waitFor, warnings, worker } from './lazy-helpers.js';

let built = true;

describe('the drop-in’s on-demand parts over a misbehaving network (msw)', () => {
  before(async () => {
    built = await startWithBundle();
  });
  beforeEach(function () {
    if (!built) this.skip(); // not built: `npm run build` first
  });
  afterEach(() => {
    worker.resetHandlers();
    for (const element of document.querySelectorAll('hearth-circle')) element.remove();
  });
  after(() => {
    if (built) worker.stop();
  });

  it('moderator tools that arrive slowly: the circle works meanwhile, the tools appear when they land', async () => {
    let requests = 0;
    worker.use(
      http.get('*/hearth-moderation.js', async () => {
        requests++;
        await delay(1500);
        return passthrough();
      }),
    );
    const owner = await connectedOwner();
    const element = circleElement(owner);
    const tab = await waitFor(() => [...element.shadowRoot!.querySelectorAll<HTMLButtonElement>('nav[part=nav] button')].find((b) => b.textContent!.trim() === 'Moderation'), 'the moderation tab');
    tab.click();
    await sleep(300);
    expect(customElements.get('hearth-moderation')).to.equal(undefined, 'still on its way');
    await rerender(owner);
    expect(owner.getSnapshot().threadList).to.have.length(5, 'the circle works meanwhile');
    await waitFor(() => element.shadowRoot!.querySelector('hearth-moderation')?.shadowRoot?.querySelector('[role=tablist]'), 'the tools, once loaded', 8000);
    expect(requests).to.equal(1);
  });

  it('French that fails to load (HTTP 500): the circle works in English, one warning says so, no retry storm', async () => {
    let requests = 0;
    worker.use(
      http.get('*/hearth-fr.js', () => {
        requests++;
        return new HttpResponse('upstream trouble', { status: 500 });
      }),
    );
    const warned = warnings();
    try {
      const owner = await connectedOwner();
      const element = circleElement(owner, 'fr');
      await waitFor(() => navLabels(element).includes('Members'), 'the circle, in English');
      await waitFor(() => warned.lines.some((l) => l.includes('could not load the "fr" strings')), 'a warning naming what failed');
      await rerender(owner);
      expect(owner.getSnapshot().threadList).to.have.length(5);
      expect(navLabels(element)).to.include('Members');
      expect(requests).to.equal(1, 'asked for once');
      expect(warned.lines.filter((l) => l.includes('could not load'))).to.have.length(1, 'warned once');
    } finally {
      warned.restore();
    }
  });
});
