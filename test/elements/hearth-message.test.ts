import { expect, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { HearthMessageElement } from '@hearth/elements';
import { button, circleWithMembers, deepActive, deepAll, render, until, waitFor } from './helpers.js';

/** Posts as `author`, waits until `viewer` has it, and renders it for `viewer`. */
async function shown(body: string, extra: { contentWarning?: string } = {}) {
  const setup = await circleWithMembers();
  const { owner, member, threadId } = setup;
  const messageId = await member.post({ threadId }, body, extra);
  await owner.loadOlder(threadId);
  await until(owner, (s) => !!s.threads[threadId]!.messages.find((m) => m.id === messageId && !m.pending), 'message');
  const view = () => owner.getSnapshot().threads[threadId]!.messages.find((m) => m.id === messageId)!;
  const element = await render<HearthMessageElement>(html`<hearth-message .client=${owner} .message=${view()}></hearth-message>`);
  // Keep the element fed as a thread would.
  owner.subscribe(() => (element.message = view()));
  return { ...setup, element, messageId, view, root: element.shadowRoot! };
}

describe('<hearth-message>', () => {
  it('renders author, role, relative time and the markdown body', async () => {
    const { root } = await shown('Hello **there**, see https://example.org and `code`\n\n> a quote\n\n- one\n- two');
    expect(root.querySelector('[part=author]')!.textContent).to.equal('Ana');
    expect(root.querySelector('time')!.textContent!.trim()).to.match(/now|second/);
    expect(root.querySelector('strong')!.textContent).to.equal('there');
    const link = root.querySelector('a')!;
    expect(link.getAttribute('href')).to.equal('https://example.org/');
    expect(link.getAttribute('rel')).to.equal('noopener noreferrer ugc');
    expect(link.getAttribute('target')).to.equal('_blank');
    expect(root.querySelector('blockquote')!.textContent!.trim()).to.equal('a quote');
    expect(root.querySelectorAll('li')).to.have.length(2);
    expect(root.querySelector('code')!.textContent).to.equal('code');
  });

  it('renders hostile bodies as text: no element, no attribute, no script runs', async () => {
    const payloads = [
      '<img src=x onerror="window.__pwned=1">',
      '<script>window.__pwned=2</script>',
      '"><svg onload=window.__pwned=3>',
      '[click](javascript:window.__pwned=4)',
      '[x](https://example.org/"onmouseover="window.__pwned=5)',
      '<a href="javascript:window.__pwned=6">a</a> ||<iframe srcdoc=x>|| `<b>code</b>`',
      '{{constructor.constructor("window.__pwned=7")()}} ${window.__pwned=8}',
    ];
    const { root } = await shown(payloads.join('\n\n'));
    await new Promise((r) => setTimeout(r, 50));
    expect((window as { __pwned?: unknown }).__pwned).to.equal(undefined);
    const body = root.querySelector('[part=body]')!;
    expect(body.querySelectorAll('img, script, svg, iframe, b, object, embed, style')).to.have.length(0);
    for (const element of body.querySelectorAll('*')) {
      for (const attribute of element.attributes) expect(attribute.name.startsWith('on'), `${element.tagName} ${attribute.name}`).to.equal(false);
      expect(element.hasAttribute('style')).to.equal(false);
    }
    for (const link of body.querySelectorAll('a')) expect(link.getAttribute('href')).to.match(/^(https?:|mailto:)/);
    expect(body.textContent).to.contain('<img src=x onerror="window.__pwned=1">');
    expect(body.textContent).to.contain('<script>window.__pwned=2</script>');
    expect(body.querySelector('code')!.textContent).to.equal('<b>code</b>');
  });

  it('hides a body behind its content warning until revealed', async () => {
    const { root } = await shown('the ending of the book', { contentWarning: 'spoilers for Middlemarch' });
    const body = root.querySelector<HTMLElement>('[part=body]')!;
    expect(body.hidden).to.equal(true);
    expect(root.querySelector('.cw')!.textContent).to.contain('spoilers for Middlemarch');
    const reveal = root.querySelector<HTMLButtonElement>('.cw button')!;
    expect(reveal.getAttribute('aria-expanded')).to.equal('false');
    reveal.click();
    await waitFor(() => !body.hidden, 'revealed');
    expect(reveal.getAttribute('aria-expanded')).to.equal('true');
  });

  it('reveals a spoiler with the keyboard', async () => {
    const { root } = await shown('the butler ||did it||');
    const spoiler = root.querySelector<HTMLElement>('.spoiler')!;
    expect(spoiler.getAttribute('aria-expanded')).to.equal('false');
    spoiler.focus();
    await sendKeys({ press: 'Enter' });
    expect(spoiler.classList.contains('shown')).to.equal(true);
    expect(spoiler.getAttribute('aria-expanded')).to.equal('true');
  });

  it('lets the direction of right-to-left text follow the text', async () => {
    const { root } = await shown('مرحبا بكم في الدائرة');
    const paragraph = root.querySelector('p')!;
    expect(paragraph.getAttribute('dir')).to.equal('auto');
    expect(getComputedStyle(paragraph).direction).to.equal('rtl');
  });

  it('reacts with the circle’s own reactions, and toggles a reaction off', async () => {
    const { element, root, owner, view } = await shown('react to me');
    button(element, 'Add reaction')!.click();
    await waitFor(() => root.querySelector('.reactions[role=group]'), 'picker');
    const choices = [...root.querySelectorAll('.reactions[role=group] button')].map((b) => b.textContent!.trim());
    expect(choices.slice(0, 3)).to.deep.equal(['🔥', '🌱', '💡']);
    button(element, '🌱')!.click();
    await until(owner, () => view().reactions['🌱']?.length === 1 && !view().pending, 'reacted');
    const pill = await waitFor(() => root.querySelector<HTMLButtonElement>('[part=reactions] button[aria-pressed=true]'), 'pressed reaction');
    expect(pill.getAttribute('aria-label')).to.equal('🌱: 1 reaction');
    pill.click();
    await until(owner, () => view().reactions['🌱'] === undefined, 'reaction removed');
  });

  it('keeps a reaction’s right-to-left override inside its name, away from the count', async () => {
    const { element, root, owner, view } = await shown('react to me');
    await owner.command({ type: 'circle.update', reactions: ['\u202Eevil', '🔥'] });
    await until(owner, (s) => s.circle!.reactions[0] === '\u202Eevil', 'new set');
    await owner.react(view().id, '\u202Eevil');
    element.reactions = ['\u202Eevil', '🔥'];
    await until(owner, () => view().reactions['\u202Eevil']?.length === 1 && !view().pending, 'reacted');
    const shownPill = () => {
      const pill = root.querySelector<HTMLButtonElement>('[part=reactions] button');
      const name = pill?.querySelector('bdi');
      return pill && name && { text: pill.textContent, name: name.textContent, bidi: getComputedStyle(name).unicodeBidi };
    };
    expect(await waitFor(shownPill, 'reaction shown')).to.deep.equal({ text: '\u202Eevil 1', name: '\u202Eevil', bidi: 'isolate' });
  });

  it('edits and deletes the viewer’s own message, leaving a tombstone', async () => {
    const { member, threadId } = await circleWithMembers();
    const messageId = await member.post({ threadId }, 'frist');
    const view = () => member.getSnapshot().threads[threadId]!.messages.find((m) => m.id === messageId)!;
    await until(member, () => !view().pending, 'sent');
    const element = await render<HearthMessageElement>(html`<hearth-message .client=${member} .message=${view()}></hearth-message>`);
    member.subscribe(() => (element.message = view()));
    button(element, 'Edit')!.click();
    const field = await waitFor(() => element.shadowRoot!.querySelector<HTMLTextAreaElement>('#field'), 'edit field');
    expect(field.value).to.equal('frist');
    field.value = 'first';
    element.shadowRoot!.querySelector('form')!.requestSubmit();
    await until(member, () => view().body === 'first' && view().editedAt !== null, 'edited');
    await waitFor(() => element.shadowRoot!.querySelector('.edited'), 'edited marker');
    button(element, 'Delete')!.click();
    (await waitFor(() => element.shadowRoot!.querySelector<HTMLButtonElement>('[data-confirm]'), 'confirm')).click();
    await until(member, () => view().state === 'deleted', 'deleted');
    await waitFor(() => element.shadowRoot!.querySelector('.tombstone'), 'tombstone');
    expect(element.shadowRoot!.querySelector('.tombstone')!.textContent).to.equal('Message deleted.');
  });

  it('reports a message to the moderators', async () => {
    const { owner, member, threadId } = await circleWithMembers();
    const messageId = await owner.post({ threadId }, 'a strong opinion');
    await member.loadOlder(threadId);
    const view = () => member.getSnapshot().threads[threadId]!.messages.find((m) => m.id === messageId)!;
    await until(member, () => !!view(), 'seen');
    const element = await render<HearthMessageElement>(html`<hearth-message .client=${member} .message=${view()}></hearth-message>`);
    expect(button(element, 'Edit')).to.equal(undefined);
    expect(button(element, 'Hide')).to.equal(undefined);
    button(element, 'Report')!.click();
    const field = await waitFor(() => element.shadowRoot!.querySelector<HTMLTextAreaElement>('#field'), 'reason');
    field.value = 'rude to a member';
    element.shadowRoot!.querySelector('form')!.requestSubmit();
    await waitFor(() => element.shadowRoot!.querySelector('.notice')?.textContent?.includes('Reported'), 'thanks');
    const { reports } = await owner.command({ type: 'report.list' });
    expect(reports).to.have.length(1);
    expect(reports[0]!.reason).to.equal('rude to a member');
    expect(reports[0]!.messageId).to.equal(messageId);
  });

  it('lets a moderator hide and restore a message; members then see a tombstone', async () => {
    const { owner, members, threadId } = await circleWithMembers({ members: ['Ana', 'Ben'] });
    const [member, other] = members as [typeof owner, typeof owner];
    const messageId = await member.post({ threadId }, 'off-topic rant');
    await owner.loadOlder(threadId);
    const view = () => owner.getSnapshot().threads[threadId]!.messages.find((m) => m.id === messageId)!;
    await until(owner, () => !!view() && !view().pending, 'seen');
    const element = await render<HearthMessageElement>(html`<hearth-message .client=${owner} .message=${view()}></hearth-message>`);
    owner.subscribe(() => (element.message = view()));
    button(element, 'Hide')!.click();
    const field = await waitFor(() => element.shadowRoot!.querySelector<HTMLTextAreaElement>('#field'), 'reason');
    field.value = 'off topic';
    element.shadowRoot!.querySelector('form')!.requestSubmit();
    await other.loadOlder(threadId);
    await until(other, (s) => s.threads[threadId]!.messages.find((m) => m.id === messageId)?.state === 'hidden-by-moderator', 'hidden for others');
    expect(other.getSnapshot().threads[threadId]!.messages.find((m) => m.id === messageId)!.body).to.equal('');
    const seenByOther = await render<HearthMessageElement>(html`<hearth-message .client=${other} .message=${other.getSnapshot().threads[threadId]!.messages.find((m) => m.id === messageId)!}></hearth-message>`);
    expect(seenByOther.shadowRoot!.textContent).not.to.contain('off-topic rant');
    expect(seenByOther.shadowRoot!.querySelector('.tombstone')!.textContent).to.equal('Hidden by a moderator.');
    await waitFor(() => button(element, 'Restore'), 'restore offered');
    expect(element.shadowRoot!.querySelector('.tombstone')!.textContent).to.contain('Hidden from members');
    button(element, 'Restore')!.click();
    await until(member, (s) => s.threads[threadId]!.messages.find((m) => m.id === messageId)?.state === 'visible', 'restored');
  });

  it('works from the keyboard alone: Tab to an action, Enter opens it, Escape closes it and returns focus', async () => {
    const { element } = await shown('keyboard me');
    element.focus();
    await sendKeys({ press: 'Tab' });
    expect(deepActive()?.textContent?.trim()).to.equal('Add reaction');
    await sendKeys({ press: 'Enter' });
    await waitFor(() => deepActive()?.textContent?.trim() === '🔥', 'first reaction focused');
    await sendKeys({ press: 'Escape' });
    await waitFor(() => deepActive()?.textContent?.trim() === 'Add reaction', 'focus back on the reaction button');
    // Report through the keyboard.
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Tab' });
    expect(deepActive()?.textContent?.trim()).to.equal('Report');
    await sendKeys({ press: 'Enter' });
    await waitFor(() => (deepActive() as HTMLElement | null)?.id === 'field', 'reason field focused');
    await sendKeys({ type: 'spam' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Enter' });
    await waitFor(() => element.shadowRoot!.querySelector('.notice')?.textContent?.includes('Reported'), 'reported');
    expect(deepAll(element, 'button').length).to.be.greaterThan(0);
  });
});
