import { expect, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { HearthJoinElement } from '@hearth/elements';
import type { Transport } from '@hearth/core';
import { client, deepActive, makeCircle, render, waitFor } from './helpers.js';

function fresh() {
  const made = makeCircle();
  return { ...made, reader: client({ hub: made.hub, circle: made.circle }) };
}

describe('<hearth-join>', () => {
  it('shows the circle’s own name and norms before joining, from the invite it was given', async () => {
    const { reader, inviteCode } = fresh();
    const join = await render<HearthJoinElement>(html`<hearth-join .client=${reader} invite=${inviteCode}></hearth-join>`);
    const norms = await waitFor(() => join.shadowRoot!.querySelector('[part=norms]'), 'the norms');
    expect(norms.textContent).to.equal('Be kind. Assume good faith. What is said here stays here.');
    expect(join.shadowRoot!.querySelector('h2')!.textContent).to.equal('Join Readers');
    expect(reader.getSnapshot().status).to.equal('initial', 'looking did not join');
  });

  it('says at once that an invite is dead, before a name is typed, and shows no norms', async () => {
    const { hub, circle, reader } = fresh();
    const dead = hub.createInvite(circle, { maxUses: 1, expiresInMs: null });
    await client({ hub, circle }).join({ kind: 'invite', code: dead, displayName: 'First', acceptNorms: true });
    const join = await render<HearthJoinElement>(html`<hearth-join .client=${reader} invite=${dead}></hearth-join>`);
    const alert = await waitFor(() => join.shadowRoot!.querySelector('[role=alert]'), 'an error');
    expect(alert.textContent).to.contain('used up');
    expect(join.shadowRoot!.querySelector('[part=norms]')).to.equal(null);
  });

  it('joins with an invite code, a display name and the accepted norms, from the keyboard alone', async () => {
    const { reader, inviteCode } = fresh();
    const join = await render<HearthJoinElement>(html`<hearth-join .client=${reader} invite=${inviteCode} circle-name="Readers"
      norms="Be kind. No spoilers without a warning."></hearth-join>`);
    const root = join.shadowRoot!;
    expect(root.querySelector('h2')!.textContent).to.equal('Join Readers');
    expect(root.querySelector('[part=norms]')!.textContent).to.equal('Be kind. No spoilers without a warning.');
    expect(root.querySelector<HTMLInputElement>('#code')!.value).to.equal(inviteCode);
    // Every control has a label.
    for (const control of root.querySelectorAll('input')) {
      const labelled = control.labels?.length || control.getAttribute('aria-label');
      expect(labelled, control.outerHTML).to.be.ok;
    }
    const joined = new Promise<CustomEvent>((resolve) => join.addEventListener('hearth-joined', (e) => resolve(e), { once: true }));
    root.querySelector<HTMLInputElement>('#name')!.focus();
    await sendKeys({ type: 'Wren' });
    await sendKeys({ press: 'Tab' });
    // The norms are focusable so a keyboard user can scroll them.
    expect(deepActive()?.getAttribute('part')).to.equal('norms');
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Space' });
    expect(root.querySelector<HTMLInputElement>('[name=accept]')!.checked).to.equal(true);
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Enter' });
    const event = await joined;
    expect(event.detail.memberId).to.equal(reader.getSnapshot().me!.id);
    expect(reader.getSnapshot().me!.displayName).to.equal('Wren');
    expect(event.composed && event.bubbles).to.equal(true);
  });

  it('does not join before the norms are accepted', async () => {
    const { reader, inviteCode } = fresh();
    const join = await render<HearthJoinElement>(html`<hearth-join .client=${reader} invite=${inviteCode}></hearth-join>`);
    const root = join.shadowRoot!;
    root.querySelector<HTMLInputElement>('#name')!.value = 'Wren';
    root.querySelector('form')!.requestSubmit();
    await new Promise((r) => setTimeout(r, 50));
    expect(reader.getSnapshot().status).to.equal('initial');
    expect(root.querySelector<HTMLInputElement>('[name=accept]')!.validity.valueMissing).to.equal(true);
  });

  it('says the norms come after joining when the transport cannot show the circle before', async () => {
    const { hub, circle, inviteCode } = fresh();
    const inner = hub.transport();
    const withoutPreview: Transport = { connect: (p, s) => inner.connect(p, s), send: (c) => inner.send(c), history: (q) => inner.history(q), close: () => inner.close() };
    const reader = client({ hub, circle, transport: withoutPreview });
    const join = await render<HearthJoinElement>(html`<hearth-join .client=${reader} invite=${inviteCode}></hearth-join>`);
    await new Promise((r) => setTimeout(r, 50));
    expect(join.shadowRoot!.querySelector('fieldset .help')!.textContent).to.contain('shown to you after joining');
  });

  it('explains a refused invite', async () => {
    const { reader } = fresh();
    const join = await render<HearthJoinElement>(html`<hearth-join .client=${reader} invite=${'x'.repeat(21)}></hearth-join>`);
    const root = join.shadowRoot!;
    root.querySelector<HTMLInputElement>('#name')!.value = 'Wren';
    root.querySelector<HTMLInputElement>('[name=accept]')!.checked = true;
    root.querySelector('form')!.requestSubmit();
    const error = await waitFor(() => root.querySelector('.error[role=alert]'), 'error');
    expect(error.textContent).to.match(/expired|not valid|not signed in|Not found/);
  });

  it('signs in with a member token instead', async () => {
    const { hub, circle, ownerToken } = makeCircle();
    const reader = client({ hub, circle });
    const join = await render<HearthJoinElement>(html`<hearth-join .client=${reader}></hearth-join>`);
    const root = join.shadowRoot!;
    [...root.querySelectorAll('button')].find((b) => b.textContent!.includes('member token'))!.click();
    await join.updateComplete;
    expect(root.querySelector('label[for=code]')!.textContent).to.equal('Member token');
    root.querySelector<HTMLInputElement>('#code')!.value = ownerToken;
    root.querySelector('form')!.requestSubmit();
    await waitFor(() => reader.getSnapshot().me?.role === 'owner', 'signed in as owner');
  });

  it('joins with the host site’s sign-on token, asking only for the norms', async () => {
    const { hub, circle } = makeCircle();
    const reader = client({ hub, circle });
    const join = await render<HearthJoinElement>(html`<hearth-join .client=${reader} sso-token="eyJhbGciOiJIUzI1NiJ9.e30.x"></hearth-join>`);
    const root = join.shadowRoot!;
    expect(root.querySelector('#code')).to.equal(null);
    expect(root.querySelector('#name')).to.equal(null);
    root.querySelector<HTMLInputElement>('[name=accept]')!.checked = true;
    root.querySelector('form')!.requestSubmit();
    // The memory hub has no sign-on secret, so it refuses: the refusal is what the reader sees.
    const error = await waitFor(() => root.querySelector('.error[role=alert]'), 'error');
    expect(error.textContent).to.equal('You are not signed in to this circle.');
  });
});
