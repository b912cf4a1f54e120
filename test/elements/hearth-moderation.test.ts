import { expect, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../packages/elements/src/hearth-moderation/define.js';
import type { HearthModerationElement } from '@hearth/elements';
import { button, circleWithMembers, deepActive, render, until, waitFor } from './helpers.js';

describe('<hearth-moderation>', () => {
  it('shows members only a notice', async () => {
    const { member } = await circleWithMembers();
    const tools = await render<HearthModerationElement>(html`<hearth-moderation .client=${member}></hearth-moderation>`);
    expect(tools.shadowRoot!.textContent!.trim()).to.equal('Only moderators see this.');
  });

  it('queues reports; hiding from the queue hides the message and resolves the report', async () => {
    const { owner, members, threadId } = await circleWithMembers({ members: ['Ana', 'Ben'] });
    const [ana, ben] = members as [typeof owner, typeof owner];
    const messageId = await ana.post({ threadId }, 'something unkind');
    await ben.loadOlder(threadId);
    await owner.loadOlder(threadId);
    await ben.report(messageId, 'unkind to Ben');
    const tools = await render<HearthModerationElement>(html`<hearth-moderation .client=${owner}></hearth-moderation>`);
    const item = await waitFor(() => tools.shadowRoot!.querySelector('li'), 'report listed');
    expect(item.textContent).to.contain('Reported by Ben: unkind to Ben').and.contain('something unkind');
    button(tools, 'Hide message')!.click();
    await until(ben, (s) => s.threads[threadId]!.messages.find((m) => m.id === messageId)?.state === 'hidden-by-moderator', 'hidden');
    await waitFor(() => tools.shadowRoot!.textContent!.includes('No open reports.'), 'queue empty');
  });

  it('shows the words as they were reported, even after their author edits them', async () => {
    const { owner, members, threadId } = await circleWithMembers({ members: ['Ana', 'Ben'] });
    const [ana, ben] = members as [typeof owner, typeof owner];
    const messageId = await ana.post({ threadId }, 'something unkind');
    await ben.loadOlder(threadId);
    await owner.loadOlder(threadId);
    await ben.report(messageId, 'unkind to Ben');
    await ana.edit(messageId, 'something harmless');
    await until(owner, (s) => s.threads[threadId]!.messages.find((m) => m.id === messageId)?.body === 'something harmless', 'edit seen');
    const tools = await render<HearthModerationElement>(html`<hearth-moderation .client=${owner}></hearth-moderation>`);
    const item = await waitFor(() => tools.shadowRoot!.querySelector('li'), 'report listed');
    expect(item.querySelector('blockquote')!.textContent).to.contain('something unkind').and.not.contain('something harmless');
    expect(item.textContent).to.contain('Edited since it was reported');
  });

  it('creates, lists and revokes invites; the audit log records it all', async () => {
    const { owner } = await circleWithMembers();
    const tools = await render<HearthModerationElement>(html`<hearth-moderation .client=${owner}></hearth-moderation>`);
    // Tabs follow the ARIA pattern: arrow keys move between them.
    tools.shadowRoot!.querySelector<HTMLElement>('#tab-queue')!.focus();
    await sendKeys({ press: 'ArrowRight' });
    await sendKeys({ press: 'ArrowRight' });
    await waitFor(() => deepActive()?.id === 'tab-invites', 'invites tab');
    await waitFor(() => tools.shadowRoot!.querySelector('form'), 'invite form');
    const before = tools.shadowRoot!.querySelectorAll('li').length;
    tools.shadowRoot!.querySelector('form')!.requestSubmit();
    await waitFor(() => tools.shadowRoot!.querySelectorAll('li').length === before + 1, 'new invite listed');
    const created = [...tools.shadowRoot!.querySelectorAll('li')].find((li) => li.textContent!.includes('Used 0 of 1 times'))!;
    expect(created).to.not.equal(undefined);
    // The new link is shown this once (the server keeps only a hash of its code); the list never shows codes.
    const link = await waitFor(() => /https?:\/\/\S*[?&]invite=([A-Za-z0-9_-]{21,})/.exec(tools.shadowRoot!.querySelector('[role="status"]')?.textContent ?? ''), 'the new link');
    expect(tools.shadowRoot!.querySelector('ul')!.textContent).to.not.contain(link[1]);
    const revoke = [...created.querySelectorAll('button')].find((b) => b.textContent === 'Revoke')!;
    revoke.click();
    await waitFor(() => tools.shadowRoot!.textContent!.includes('revoked'), 'revoked');
    tools.shadowRoot!.querySelector<HTMLButtonElement>('#tab-audit')!.click();
    const entries = await waitFor(() => {
      const items = [...tools.shadowRoot!.querySelectorAll('#panel li')].map((li) => li.textContent!.replace(/\s+/g, ' '));
      return items.some((t) => t.includes('invite.revoke')) && items;
    }, 'audit entries');
    expect(entries.join('\n')).to.contain('Owner: invite.create');
  });
});
