import { expect, html } from '@open-wc/testing';
import { registerLanguage, defineElement, HearthMessageElement, type HearthCircleElement } from '@hearth/elements';
import { button, circleWithMembers, client, deep, deepAll, deepText, makeCircle, render, token, until, waitFor } from './helpers.js';

async function joinThrough(circleElement: HearthCircleElement, name: string) {
  const join = await waitFor(() => deep<HTMLElement>(circleElement, 'hearth-join'), 'join gate');
  const root = join.shadowRoot!;
  await waitFor(() => root.querySelector('#name'), 'join form');
  root.querySelector<HTMLInputElement>('#name')!.value = name;
  root.querySelector<HTMLInputElement>('[name=accept]')!.checked = true;
  root.querySelector('form')!.requestSubmit();
}

describe('<hearth-circle>', () => {
  it('goes from the join gate to the threads, opens one and posts in it', async () => {
    const { hub, circle, inviteCode } = makeCircle();
    const reader = client({ hub, circle });
    const element = await render<HearthCircleElement>(html`<hearth-circle .client=${reader} invite=${inviteCode}></hearth-circle>`);
    const joined = new Promise((resolve) => element.addEventListener('hearth-joined', resolve, { once: true }));
    await joinThrough(element, 'Wren');
    await joined;
    await waitFor(() => deep(element, 'hearth-thread-list'), 'thread list');
    expect(element.shadowRoot!.querySelector('h2')!.textContent).to.equal('Readers');
    // No moderation for members.
    expect(button(element, 'Moderation')).to.equal(undefined);
    const list = deep<HTMLElement>(element, 'hearth-thread-list')!;
    await waitFor(() => list.shadowRoot!.querySelector('#title'), 'new thread form');
    list.shadowRoot!.querySelector<HTMLInputElement>('#title')!.value = 'Introductions';
    list.shadowRoot!.querySelector('form')!.requestSubmit();
    const thread = await waitFor(() => deep<HTMLElement>(element, 'hearth-thread'), 'thread opened');
    const composer = await waitFor(() => thread.shadowRoot?.querySelector('hearth-composer'), 'composer');
    const textarea = await waitFor(() => composer.shadowRoot!.querySelector('textarea'), 'textarea');
    textarea.value = 'Hello, I am Wren';
    textarea.dispatchEvent(new InputEvent('input'));
    (composer as unknown as { send(): void }).send();
    await waitFor(() => deepText(thread).includes('Hello, I am Wren'), 'message shown');
    await until(reader, (s) => s.pendingCount === 0, 'delivered');
  });

  it('reads the invite code from the page URL', async () => {
    const { hub, circle, inviteCode } = makeCircle();
    const previous = location.href;
    history.replaceState(null, '', `?invite=${inviteCode}`);
    try {
      const element = await render<HearthCircleElement>(html`<hearth-circle .client=${client({ hub, circle })}></hearth-circle>`);
      const join = await waitFor(() => deep<HTMLElement>(element, 'hearth-join'), 'join gate');
      await waitFor(() => join.shadowRoot!.querySelector<HTMLInputElement>('#code')?.value === inviteCode, 'code prefilled');
    } finally {
      history.replaceState(null, '', previous);
    }
  });

  it('shows one page-keyed thread when given `thread`', async () => {
    const { member } = await circleWithMembers();
    const element = await render<HearthCircleElement>(html`<hearth-circle .client=${member} thread="/posts/on-tea" thread-title="On tea"></hearth-circle>`);
    const thread = await waitFor(() => deep<HTMLElement & { threadKey: string }>(element, 'hearth-thread'), 'keyed thread');
    expect(thread.threadKey).to.equal('/posts/on-tea');
    expect(deep(element, 'hearth-thread-list')).to.equal(undefined);
  });

  it('titles a page-keyed thread after a page title too long for a title, cut to fit, so the first post goes through', async () => {
    const { member } = await circleWithMembers();
    const previous = document.title;
    document.title = `${'A long page title, '.repeat(10)}the end`; // 197 characters
    try {
      const element = await render<HearthCircleElement>(html`<hearth-circle .client=${member} thread="/posts/long"></hearth-circle>`);
      const thread = await waitFor(() => deep<HTMLElement>(element, 'hearth-thread'), 'keyed thread');
      const composer = await waitFor(() => thread.shadowRoot?.querySelector('hearth-composer'), 'composer');
      const textarea = await waitFor(() => composer.shadowRoot!.querySelector('textarea'), 'textarea');
      textarea.value = 'First!';
      textarea.dispatchEvent(new InputEvent('input'));
      (composer as unknown as { send(): void }).send();
      const snapshot = await until(member, (s) => !!s.threadsByKey['/posts/long']?.thread && s.pendingCount === 0, 'thread created');
      expect(snapshot.threadsByKey['/posts/long']!.thread!.title).to.equal(document.title.slice(0, 120).trim());
    } finally {
      document.title = previous;
    }
  });

  it('gives moderators their tools, loaded on demand', async () => {
    const { owner, member, threadId } = await circleWithMembers();
    await member.post({ threadId }, 'please look');
    const element = await render<HearthCircleElement>(html`<hearth-circle .client=${owner}></hearth-circle>`);
    await waitFor(() => button(element, 'Moderation'), 'moderation tab');
    button(element, 'Moderation')!.click();
    await waitFor(() => customElements.get('hearth-moderation'), 'moderation defined');
    const tools = await waitFor(() => deep<HTMLElement>(element, 'hearth-moderation')?.shadowRoot?.querySelector('[role=tablist]'), 'tools rendered');
    expect(tools.textContent).to.contain('Reports');
    button(element, 'Members')!.click();
    await waitFor(() => deep(element, 'hearth-members'), 'members');
  });

  it('speaks French when the page is in French, and lets a page add a language', async () => {
    const { member } = await circleWithMembers();
    const element = await render<HearthCircleElement>(html`<hearth-circle lang="fr" .client=${member}></hearth-circle>`);
    await waitFor(() => button(element, 'Membres'), 'French navigation');
    expect(button(element, 'Fils')).to.not.equal(undefined);
    registerLanguage('eo', { 'circle.members': 'Membroj' });
    element.lang = 'eo';
    await waitFor(() => button(element, 'Membroj'), 'registered language');
    // Keys a language leaves out fall back to English.
    expect(button(element, 'Threads')).to.not.equal(undefined);
  });

  it('lays itself out right to left for a right-to-left language', async () => {
    registerLanguage('he', { 'circle.threads': 'שרשורים', 'circle.members': 'חברים' });
    const { member } = await circleWithMembers();
    const element = await render<HearthCircleElement>(html`<hearth-circle lang="he" .client=${member}></hearth-circle>`);
    await waitFor(() => button(element, 'חברים'), 'Hebrew navigation');
    expect(element.getAttribute('dir')).to.equal('rtl');
    expect(getComputedStyle(deep(element, 'nav')!).direction).to.equal('rtl');
  });

  it('follows the theme attribute over the system preference', async () => {
    const { member } = await circleWithMembers();
    const element = await render<HearthCircleElement>(html`<hearth-circle theme="dark" .client=${member}></hearth-circle>`);
    const frame = await waitFor(() => element.shadowRoot!.querySelector<HTMLElement>('[part=circle]'), 'frame');
    expect(getComputedStyle(element).colorScheme).to.equal('dark');
    const dark = getComputedStyle(frame).backgroundColor;
    element.theme = 'light';
    await element.updateComplete;
    expect(getComputedStyle(frame).backgroundColor).not.to.equal(dark);
    // Children follow the circle's theme.
    await waitFor(() => deepAll(element, 'hearth-thread-list').every((e) => e.getAttribute('theme') === 'light'), 'children light');
  });

  it('is themed through --hearth-* custom properties and uses no inline styles', async () => {
    const { member } = await circleWithMembers();
    const element = await render<HearthCircleElement>(html`<hearth-circle theme="light" style="--hearth-color-accent: rgb(1, 2, 3)" .client=${member}></hearth-circle>`);
    await waitFor(() => deep(element, 'hearth-thread-list')?.shadowRoot?.querySelector('button[type=submit]'), 'list');
    const list = deep(element, 'hearth-thread-list')!;
    const input = list.shadowRoot!.querySelector<HTMLInputElement>('#title')!;
    input.value = 'x';
    // Every element in every shadow root: no style attribute anywhere.
    expect(deepAll(element, '[style]').filter((e) => e !== element)).to.have.length(0);
    const avatarLess = getComputedStyle(deep(element, 'nav button[aria-current=page]')!).backgroundColor;
    expect(avatarLess).to.not.equal('');
  });

  it('defining the elements twice does not throw, and warns on another version', async () => {
    // Importing the registrations again is harmless; a second copy of the whole bundle is tested in csp.test.ts.
    await import('@hearth/elements/define');
    const warnings: unknown[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      class Other extends HTMLElement {
        static hearthVersion = '9.9.9';
      }
      expect(() => defineElement('hearth-message', Other)).not.to.throw();
      expect(customElements.get('hearth-message')).to.equal(HearthMessageElement);
      expect(String((warnings[0] as unknown[])[0])).to.contain('9.9.9');
    } finally {
      console.warn = warn;
    }
  });

  it('signs in with a saved token and signs out', async () => {
    const { hub, circle, ownerToken } = makeCircle();
    const owner = client({ hub, circle, credentials: token(ownerToken) });
    const element = await render<HearthCircleElement>(html`<hearth-circle .client=${owner}></hearth-circle>`);
    await waitFor(() => button(element, 'Members'), 'signed in');
    button(element, 'Members')!.click();
    await waitFor(() => button(element, 'Leave on this device'), 'sign out button');
    button(element, 'Leave on this device')!.click();
    await waitFor(() => deep(element, 'hearth-join'), 'join gate again');
  });
});
