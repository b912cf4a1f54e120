import { expect, html } from '@open-wc/testing';
import type { HearthThreadListElement } from '@hearth/elements';
import { circleWithMembers, render, until, waitFor } from './helpers.js';

describe('<hearth-thread-list>', () => {
  it('lists threads by latest activity with unread counts, and selects one', async () => {
    const { owner, member, threadId } = await circleWithMembers();
    const second = await owner.createThread('Poetry corner');
    await until(member, (s) => !!s.threads[second]?.thread, 'second thread');
    const list = await render<HearthThreadListElement>(html`<hearth-thread-list .client=${member}></hearth-thread-list>`);
    await owner.post({ threadId }, 'a new message in the first thread');
    // The post and the thread's new activity time are two events: the badge may show before the list re-sorts.
    const titles = () => [...list.shadowRoot!.querySelectorAll('.title')].map((t) => t.textContent);
    await waitFor(() => list.shadowRoot!.querySelector('.unread') && titles()[0] === 'Tea and books', 'unread badge, and the thread first');
    expect(titles()).to.deep.equal(['Tea and books', 'Poetry corner']);
    expect(list.shadowRoot!.querySelector('.unread')!.textContent).to.equal('1 unread');
    const selected = new Promise<string>((resolve) => list.addEventListener('hearth-thread-select', (e) => resolve(e.detail.threadId)));
    list.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part=thread]')[1]!.click();
    expect(await selected).to.equal(second);
    await list.updateComplete;
    expect(list.shadowRoot!.querySelectorAll('[part=thread]')[1]!.getAttribute('aria-current')).to.equal('true');
  });

  it('starts a thread', async () => {
    const { member } = await circleWithMembers();
    const list = await render<HearthThreadListElement>(html`<hearth-thread-list .client=${member}></hearth-thread-list>`);
    const selected = new Promise<string>((resolve) => list.addEventListener('hearth-thread-select', (e) => resolve(e.detail.threadId)));
    list.shadowRoot!.querySelector<HTMLInputElement>('#title')!.value = 'Book swap';
    list.shadowRoot!.querySelector('form')!.requestSubmit();
    const threadId = await selected;
    await until(member, (s) => s.threads[threadId]?.thread?.title === 'Book swap', 'thread arrives');
    await waitFor(() => [...list.shadowRoot!.querySelectorAll('.title')].some((t) => t.textContent === 'Book swap'), 'listed');
  });
});
