import { expect } from '@open-wc/testing';
import { readFile } from '@web/test-runner-commands';

/** The drop-in's budget: every reader of every page embedding Hearth downloads it. */
const BUDGET = 35 * 1024;
const BUNDLE = '../../packages/elements/dist/hearth.js';

async function gzipSize(text: string): Promise<number> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

/** The bundle as it is on disk (the test server would serve it transformed). */
async function bundle(): Promise<string | undefined> {
  return readFile({ path: BUNDLE }).catch(() => undefined);
}

describe('the drop-in bundle', () => {
  it(`stays within ${BUDGET / 1024} KB gzip`, async function () {
    const code = await bundle();
    if (!code) this.skip(); // not built: `npm run build` first (the build enforces the budget too)
    const raw = new Blob([code!]).size;
    const size = await gzipSize(code!);
    console.log(`hearth.js: ${(raw / 1024).toFixed(1)} KB raw, ${(size / 1024).toFixed(1)} KB gzip (budget ${BUDGET / 1024} KB)`);
    expect(size).to.be.at.most(BUDGET);
  });

  it('contains no unsafeHTML, eval or new Function, and only Lit’s own innerHTML', async function () {
    const code = await bundle();
    if (!code) this.skip();
    expect(code).not.to.match(/unsafeHTML|\beval\(|new Function\(/);
    // Lit prepares templates through its Trusted Types policy: that is the one innerHTML in the bundle.
    expect(code.match(/\.innerHTML\s*=/g)?.length ?? 0).to.be.at.most(1);
  });
});
