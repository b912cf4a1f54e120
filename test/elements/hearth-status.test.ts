import { expect, html } from '@open-wc/testing';
import type { HearthStatusElement } from '@hearth/elements';
import { circleWithMembers, render, until, waitFor } from './helpers.js';

describe('<hearth-status>', () => {
  it('says nothing while connected, and calmly says when reconnecting and what waits to be sent', async () => {
    const { hub, member, threadId } = await circleWithMembers();
    const status = await render<HearthStatusElement>(html`<hearth-status .client=${member}></hearth-status>`);
    expect(status.shadowRoot!.querySelector('[part=status]')).to.equal(null);
    expect(status.shadowRoot!.querySelector('[role=status]')).to.not.equal(null);
    const seen: string[] = [];
    status.addEventListener('hearth-status', (e) => seen.push(e.detail.status));
    hub.setOffline(true);
    await until(member, (s) => s.status === 'reconnecting', 'reconnecting');
    void member.post({ threadId }, 'later');
    const line = await waitFor(() => status.shadowRoot!.querySelector('[part=status]'), 'status line');
    await waitFor(() => line.textContent!.includes('1 message waiting to be sent'), 'pending count');
    expect(line.textContent).to.contain('Reconnecting');
    hub.setOffline(false);
    await until(member, (s) => s.status === 'connected' && s.pendingCount === 0, 'back', 8000);
    await waitFor(() => !status.shadowRoot!.querySelector('[part=status]'), 'quiet again');
    expect(seen).to.include('reconnecting');
    expect(seen.at(-1)).to.equal('connected');
  });
});
