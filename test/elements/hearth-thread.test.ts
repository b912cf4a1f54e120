import { expect, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { HearthThreadElement } from '@hearth/elements';
import type { CircleClient } from '@hearth/core';
import { button, circleWithMembers, client, deepActive, invite, render, token, until, waitFor, connected } from './helpers.js';

function messages(thread: HearthThreadElement) {
  return [...thread.shadowRoot!.querySelectorAll('hearth-message')];
}

/** A member who joins after the fact, so nothing of the thread is loaded yet. */
async function latecomer(setup: { hub: Parameters<typeof client>[0]['hub']; circle: string; inviteCode: string }) {
  const reader = client({ hub: setup.hub, circle: setup.circle });
  await reader.join(invite(setup.inviteCode, 'Late'));
  return reader;
}

async function postMany(author: CircleClient, threadId: string, count: number, prefix = 'message') {
  const sent: Promise<string>[] = [];
  for (let i = 0; i < count; i++) sent.push(author.post({ threadId }, `${prefix} ${i}`));
  await Promise.all(sent);
  await until(author, (s) => s.pendingCount === 0, 'all sent', 20000);
}

describe('<hearth-thread>', () => {
  it('loads and renders a thread’s messages from the client, oldest first', async () => {
    const { owner, member, threadId } = await circleWithMembers();
    await owner.post({ threadId }, 'first');
    await owner.post({ threadId }, 'second');
    const thread = await render<HearthThreadElement>(html`<hearth-thread .client=${member} thread-id=${threadId}></hearth-thread>`);
    await waitFor(() => messages(thread).length === 2, 'two messages');
    expect(thread.shadowRoot!.querySelector('h2')!.textContent).to.equal('Tea and books');
    expect(messages(thread).map((m) => m.shadowRoot!.querySelector('[part=body]')!.textContent!.trim())).to.deep.equal(['first', 'second']);
    expect(thread.shadowRoot!.querySelector('.edge')!.textContent).to.contain('Start of the conversation');
  });

  it('replies: the reply button points the composer at the message, and the reply quotes it', async () => {
    const { owner, member, threadId } = await circleWithMembers();
    await owner.post({ threadId }, 'What are you reading?');
    const thread = await render<HearthThreadElement>(html`<hearth-thread .client=${member} thread-id=${threadId}></hearth-thread>`);
    const first = await waitFor(() => messages(thread)[0], 'message');
    await first.updateComplete;
    button(first, 'Reply')!.click();
    const composer = thread.shadowRoot!.querySelector('hearth-composer')!;
    await waitFor(() => composer.shadowRoot!.querySelector('.replying'), 'replying banner');
    expect(composer.shadowRoot!.querySelector('.replying')!.textContent).to.contain('Replying to Owner');
    await waitFor(() => deepActive()?.tagName === 'TEXTAREA', 'composer focused');
    await sendKeys({ type: 'Middlemarch, slowly' });
    await sendKeys({ press: 'Enter' });
    const reply = await until(member, (s) => s.threads[threadId]!.messages.some((m) => m.replyTo && !m.pending), 'reply sent');
    expect(reply.threads[threadId]!.messages.at(-1)!.replyTo).to.equal(reply.threads[threadId]!.messages[0]!.id);
    await waitFor(() => messages(thread)[1]?.shadowRoot?.querySelector('[part=reply-quote]'), 'quote');
    expect(messages(thread)[1]!.shadowRoot!.querySelector('[part=reply-quote]')!.textContent).to.contain('In reply to Owner').and.contain('What are you reading?');
    expect(composer.shadowRoot!.querySelector('.replying')).to.equal(null);
  });

  it('keeps the DOM bounded in a long thread and loads older pages on scrolling up, keeping the reading position', async function () {
    this.timeout(30000);
    const setup = await circleWithMembers();
    const { owner, threadId } = setup;
    await postMany(owner, threadId, 320);
    const member = await latecomer(setup);
    const thread = await render<HearthThreadElement>(html`<hearth-thread .client=${member} thread-id=${threadId}></hearth-thread>`);
    await waitFor(() => messages(thread).length === 25, 'newest page (a smaller first page)');
    const list = thread.shadowRoot!.querySelector<HTMLElement>('.list')!;
    await waitFor(() => list.scrollTop > 0 && list.scrollHeight - list.scrollTop - list.clientHeight < 2, 'at the bottom');
    for (let round = 0; round < 8; round++) {
      const anchor = messages(thread)[0]!;
      list.scrollTop = 0;
      const before = anchor.getBoundingClientRect().top;
      list.dispatchEvent(new Event('scroll'));
      await waitFor(() => messages(thread)[0] !== anchor || !thread.view!.hasOlder, 'older messages', 6000);
      await thread.updateComplete;
      await new Promise((r) => setTimeout(r, 30));
      expect(messages(thread).length).to.be.at.most(150);
      // The message that was at the top stays where the reader saw it.
      if (messages(thread)[0] !== anchor) expect(Math.abs(anchor.getBoundingClientRect().top - before)).to.be.below(2);
    }
    const shown = messages(thread);
    expect(shown.length).to.be.at.most(150);
    expect(member.getSnapshot().threads[threadId]!.messages.length).to.equal(320);
    expect(shown[0]!.message!.body).to.equal('message 0');
    // Back to the newest: the window slides down and follows again.
    thread.scrollToLatest();
    await thread.updateComplete;
    await waitFor(() => messages(thread).at(-1)?.message?.body === 'message 319', 'newest again');
    expect(messages(thread).length).to.be.at.most(150);
  });

  it('keeps the reading position exactly when older messages arrive above', async function () {
    this.timeout(20000);
    const setup = await circleWithMembers();
    const { owner, threadId } = setup;
    await postMany(owner, threadId, 120);
    const member = await latecomer(setup);
    const thread = await render<HearthThreadElement>(html`<hearth-thread .client=${member} thread-id=${threadId}></hearth-thread>`);
    await waitFor(() => messages(thread).length === 25, 'newest page (a smaller first page)');
    const list = thread.shadowRoot!.querySelector<HTMLElement>('.list')!;
    await new Promise((r) => setTimeout(r, 30)); // not rAF: it does not run in a background tab
    list.scrollTop = 200; // near the top, but not at it
    list.dispatchEvent(new Event('scroll'));
    await thread.updateComplete;
    const anchor = messages(thread).find((m) => m.getBoundingClientRect().bottom > list.getBoundingClientRect().top)!;
    const offset = anchor.getBoundingClientRect().top - list.getBoundingClientRect().top;
    await thread.showOlder();
    await waitFor(() => messages(thread).length === 75, 'older page in');
    await thread.updateComplete;
    await new Promise((r) => setTimeout(r, 50));
    const after = anchor.getBoundingClientRect().top - list.getBoundingClientRect().top;
    expect(Math.abs(after - offset)).to.be.below(2);
  });

  it('raises a new-messages indicator while scrolled up, and announces new messages politely', async () => {
    const { owner, member, threadId } = await circleWithMembers();
    for (let i = 0; i < 30; i++) await owner.post({ threadId }, `line ${i}`);
    const thread = await render<HearthThreadElement>(html`<hearth-thread .client=${member} thread-id=${threadId}></hearth-thread>`);
    await waitFor(() => messages(thread).length === 30, 'messages');
    const list = thread.shadowRoot!.querySelector<HTMLElement>('.list')!;
    await new Promise((r) => setTimeout(r, 30)); // not rAF: it does not run in a background tab
    list.scrollTop = 100;
    list.dispatchEvent(new Event('scroll'));
    await thread.updateComplete;
    await owner.post({ threadId }, 'news from the owner');
    const indicator = await waitFor(() => thread.shadowRoot!.querySelector<HTMLButtonElement>('[part=new-messages]'), 'indicator');
    expect(indicator.textContent).to.contain('1 new message');
    const live = thread.shadowRoot!.querySelector('[aria-live=polite]')!;
    expect(live.textContent).to.equal('New message from Owner: news from the owner');
    expect(list.scrollTop).to.equal(100);
    indicator.click();
    await waitFor(() => !thread.shadowRoot!.querySelector('[part=new-messages]'), 'indicator gone');
    await new Promise((r) => setTimeout(r, 30)); // not rAF: it does not run in a background tab
    expect(list.scrollHeight - list.scrollTop - list.clientHeight).to.be.below(2);
  });

  it('moves between messages with the arrow keys', async () => {
    const { owner, member, threadId } = await circleWithMembers();
    for (const body of ['one', 'two', 'three']) await owner.post({ threadId }, body);
    const thread = await render<HearthThreadElement>(html`<hearth-thread .client=${member} thread-id=${threadId}></hearth-thread>`);
    await waitFor(() => messages(thread).length === 3, 'messages');
    thread.shadowRoot!.querySelector<HTMLElement>('.list')!.focus();
    await sendKeys({ press: 'ArrowDown' });
    expect(deepActive()?.closest('article')).to.equal(messages(thread)[0]!.shadowRoot!.querySelector('article'));
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'ArrowDown' });
    expect(deepActive()).to.equal(messages(thread)[2]!.shadowRoot!.querySelector('article'));
    await sendKeys({ press: 'ArrowUp' });
    expect(deepActive()).to.equal(messages(thread)[1]!.shadowRoot!.querySelector('article'));
  });

  it('shows a refused post as failed, and retries it', async () => {
    const { hub, circle, owner, member, threadId } = await circleWithMembers();
    const memberId = member.getSnapshot().me!.id;
    await owner.command({ type: 'mod.mute', memberId, until: Date.now() + 60_000, reason: 'cool down' });
    await until(member, (s) => s.me?.state === 'muted', 'muted');
    const thread = await render<HearthThreadElement>(html`<hearth-thread .client=${member} thread-id=${threadId}></hearth-thread>`);
    await member.post({ threadId }, 'let me speak').catch(() => {});
    const failed = await waitFor(() => messages(thread).find((m) => m.shadowRoot!.querySelector('.state[role=alert]')), 'failed message');
    expect(failed.shadowRoot!.querySelector('.state')!.textContent).to.contain('Not sent: You are not allowed to do that.');
    await owner.command({ type: 'mod.unmute', memberId });
    await until(member, (s) => s.me?.state === 'active', 'unmuted');
    button(failed, 'Retry')!.click();
    await until(member, (s) => s.threads[threadId]!.messages.some((m) => m.body === 'let me speak' && !m.pending), 'delivered');
    void hub;
    void circle;
  });

  it('posts into a page-keyed thread, created by the first post', async () => {
    const { hub, circle, ownerToken, member } = await circleWithMembers();
    const thread = await render<HearthThreadElement>(html`<hearth-thread .client=${member} thread-key="/posts/tea" thread-title="On tea"></hearth-thread>`);
    expect(thread.shadowRoot!.querySelector('.empty')!.textContent).to.contain('No messages yet');
    const composer = thread.shadowRoot!.querySelector('hearth-composer')!;
    const textarea = composer.shadowRoot!.querySelector('textarea')!;
    textarea.value = 'First!';
    textarea.dispatchEvent(new InputEvent('input'));
    composer.send();
    const snapshot = await until(member, (s) => !!s.threadsByKey['/posts/tea']?.thread && s.pendingCount === 0, 'keyed thread');
    expect(snapshot.threadsByKey['/posts/tea']!.thread!.title).to.equal('On tea');
    await waitFor(() => messages(thread).length === 1, 'message shown');
    const reader = client({ hub, circle, credentials: token(ownerToken) });
    reader.connect();
    await connected(reader);
    expect(reader.getSnapshot().threadsByKey['/posts/tea']).to.not.equal(undefined);
  });
});
