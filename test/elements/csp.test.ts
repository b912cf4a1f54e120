import { expect } from '@open-wc/testing';
import { deep, deepAll, deepText, waitFor } from './helpers.js';

type FrameWindow = Window & { __violations?: string[]; __ready?: boolean; __pwned?: unknown; trustedTypes?: unknown };

/** Proves the page really enforces Trusted Types: a plain string into innerHTML is refused. */
function expectTrustedTypesEnforced(win: FrameWindow) {
  expect(win.trustedTypes).to.not.equal(undefined);
  expect(() => {
    win.document.createElement('div').innerHTML = '<b>x</b>';
  }).to.throw();
}

async function frame(src: string): Promise<HTMLIFrameElement> {
  const iframe = document.createElement('iframe');
  iframe.src = src;
  iframe.style.width = '800px';
  iframe.style.height = '900px';
  document.body.append(iframe);
  await new Promise((resolve) => iframe.addEventListener('load', resolve, { once: true }));
  return iframe;
}

describe('strict Content-Security-Policy with Trusted Types', () => {
  it('renders a circle, markdown and hostile bodies with no CSP violation (sources, memory transport)', async () => {
    const iframe = await frame('/test/elements/fixtures/csp-memory.html');
    const win = iframe.contentWindow as FrameWindow;
    await waitFor(() => win.__ready, 'posts sent', 10000);
    const circle = iframe.contentDocument!.querySelector('hearth-circle')!;
    await waitFor(() => deepAll(circle, 'hearth-message').length === 6 && deepText(circle).includes('مرحبا'), 'messages rendered', 8000).catch((error) => {
      throw new Error(`${error.message}; violations: ${JSON.stringify(win.__violations)}; errors: ${JSON.stringify((win as { __errors?: unknown }).__errors)}; text: ${deepText(circle).slice(0, 300)}`);
    });
    expect(deep(circle, 'strong')!.textContent).to.equal('strict');
    expect(deepAll(circle, 'hearth-message').flatMap((m) => deepAll(m, 'img, script'))).to.have.length(0);
    expect(win.__pwned).to.equal(undefined);
    expect(win.__violations).to.deep.equal([]);
    expectTrustedTypesEnforced(win);
    iframe.remove();
  });

  it('runs the drop-in bundle, loaded twice, with no CSP violation and no error', async function () {
    const exists = await fetch('/packages/elements/dist/hearth.js', { method: 'HEAD' });
    if (!exists.ok) this.skip(); // not built: `npm run build` first
    const iframe = await frame('/test/elements/fixtures/csp-bundle.html');
    const win = iframe.contentWindow as FrameWindow;
    const errors: unknown[] = [];
    win.addEventListener('error', (e) => errors.push(e.message));
    const circle = iframe.contentDocument!.querySelector('hearth-circle')!;
    const join = await waitFor(() => deep(circle, 'hearth-join')?.shadowRoot?.querySelector('form'), 'join gate rendered', 8000).catch((error) => {
      throw new Error(`${error.message}; violations: ${JSON.stringify(win.__violations)}; errors: ${JSON.stringify(errors)}; defined: ${!!win.customElements.get('hearth-circle')}`);
    });
    expect(join.querySelector<HTMLInputElement>('#code')!.value).to.equal('not-a-real-invite-code-123');
    expect(win.customElements.get('hearth-circle')).to.not.equal(undefined);
    expect(errors).to.deep.equal([]);
    expect(win.__violations).to.deep.equal([]);
    expectTrustedTypesEnforced(win);
    iframe.remove();
  });
});
