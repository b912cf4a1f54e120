import { expect, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { HearthComposerElement } from '@hearth/elements';
import { circleWithMembers, deepActive, render, until, waitFor } from './helpers.js';

function field(composer: HearthComposerElement): HTMLTextAreaElement {
  return composer.shadowRoot!.querySelector('textarea')!;
}

describe('<hearth-composer>', () => {
  it('sends with Enter and starts a new line with Shift+Enter, from the keyboard alone', async () => {
    const { member, owner, threadId } = await circleWithMembers();
    const composer = await render<HearthComposerElement>(html`<hearth-composer .client=${member} thread-id=${threadId}></hearth-composer>`);
    const sends: unknown[] = [];
    composer.addEventListener('hearth-send', (e) => sends.push(e.detail));
    composer.focus();
    await sendKeys({ type: 'first line' });
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ type: 'second line' });
    expect(field(composer).value).to.equal('first line\nsecond line');
    await sendKeys({ press: 'Enter' });
    expect(field(composer).value).to.equal('');
    expect(sends).to.have.length(1);
    await owner.loadOlder(threadId);
    await until(owner, (s) => s.threads[threadId]!.messages.some((m) => m.body === 'first line\nsecond line'), 'delivered');
    expect(deepActive()).to.equal(field(composer));
  });

  it('keeps a draft per thread', async () => {
    const { owner, member, threadId } = await circleWithMembers();
    const other = await owner.createThread('Second');
    await until(member, (s) => !!s.threads[other]?.thread, 'second thread');
    const composer = await render<HearthComposerElement>(html`<hearth-composer .client=${member} thread-id=${threadId}></hearth-composer>`);
    composer.focus();
    await sendKeys({ type: 'half a thought' });
    composer.threadId = other;
    await composer.updateComplete;
    expect(field(composer).value).to.equal('');
    composer.threadId = threadId;
    await composer.updateComplete;
    expect(field(composer).value).to.equal('half a thought');
  });

  it('queues a message written offline and delivers it when the connection is back', async () => {
    const { hub, member, owner, threadId } = await circleWithMembers();
    const composer = await render<HearthComposerElement>(html`<hearth-composer .client=${member} thread-id=${threadId}></hearth-composer>`);
    hub.setOffline(true);
    await until(member, (s) => s.status === 'reconnecting', 'reconnecting');
    field(composer).value = 'written on the train';
    field(composer).dispatchEvent(new InputEvent('input'));
    composer.send();
    await waitFor(() => composer.shadowRoot!.querySelector('#status')!.textContent!.includes('Waiting for the connection'), 'queued notice');
    expect(member.getSnapshot().threads[threadId]!.messages.at(-1)!.pending).to.equal('sending');
    hub.setOffline(false);
    await until(member, (s) => s.status === 'connected' && s.pendingCount === 0, 'delivered', 8000);
    await owner.loadOlder(threadId);
    await until(owner, (s) => s.threads[threadId]!.messages.filter((m) => m.body === 'written on the train').length === 1, 'exactly once');
    await waitFor(() => composer.shadowRoot!.querySelector('#status')!.textContent!.trim() === '', 'status clears');
  });

  it('shows a refused message with the reason and a retry', async () => {
    const { owner, member, threadId } = await circleWithMembers();
    await owner.command({ type: 'mod.mute', memberId: member.getSnapshot().me!.id, until: Date.now() + 60_000, reason: 'cool down' });
    const composer = await render<HearthComposerElement>(html`<hearth-composer .client=${member} thread-id=${threadId}></hearth-composer>`);
    // The mute reaches the member after the element rendered: it disables the field and says until when.
    await waitFor(() => field(composer).disabled, 'muted field');
    expect(composer.shadowRoot!.querySelector('#status')!.textContent).to.contain('muted until');
  });

  it('marks itself when too long and refuses to send', async () => {
    const { member, threadId } = await circleWithMembers();
    const composer = await render<HearthComposerElement>(html`<hearth-composer .client=${member} thread-id=${threadId}></hearth-composer>`);
    field(composer).value = 'x'.repeat(4005);
    field(composer).dispatchEvent(new InputEvent('input'));
    await composer.updateComplete;
    expect(composer.shadowRoot!.querySelector('.over')!.textContent).to.contain('5 characters too many');
    expect(composer.shadowRoot!.querySelector<HTMLButtonElement>('[part=send]')!.disabled).to.equal(true);
    expect(field(composer).getAttribute('aria-invalid')).to.equal('true');
  });

  it('adds a content warning', async () => {
    const { member, threadId } = await circleWithMembers();
    const composer = await render<HearthComposerElement>(html`<hearth-composer .client=${member} thread-id=${threadId}></hearth-composer>`);
    composer.shadowRoot!.querySelector<HTMLInputElement>('.cw-toggle input')!.click();
    const cw = await waitFor(() => composer.shadowRoot!.querySelector<HTMLInputElement>('#cw'), 'cw field');
    cw.value = 'food';
    field(composer).value = 'the recipe';
    field(composer).dispatchEvent(new InputEvent('input'));
    composer.send();
    await until(member, (s) => s.threads[threadId]!.messages.at(-1)?.contentWarning === 'food' && !s.threads[threadId]!.messages.at(-1)!.pending, 'sent with warning');
  });
});
