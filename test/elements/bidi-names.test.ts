import { expect, html } from '@open-wc/testing';
import '../../packages/elements/src/hearth-moderation/define.js';
import type { CircleClient, Member } from '@hearth/core';
import type { HearthComposerElement, HearthJoinElement, HearthMembersElement, HearthMessageElement, HearthModerationElement } from '@hearth/elements';
import { circleWithMembers, client, deepAll, render, until, waitFor } from './helpers.js';

// A name is whatever its owner typed: right-to-left letters, or a bidi control such as U+202E (RIGHT-TO-LEFT
// OVERRIDE), must not reorder the label around it ("In reply to Ann: …", "Reported by Ann: …"). Every element
// that shows a name shows it in an isolating element that holds the name and nothing else.

/** The classic spoof: shown unisolated, the override runs to the end of the line and reverses what follows. */
const OVERRIDE = '\u202EAnn';
/** Names a circle takes (right-to-left letters are a name like any other). */
const [DANA, AVI] = ['דנה', 'אבי'];

const isolating = (element: Element) => ['isolate', 'isolate-override', 'plaintext'].includes(getComputedStyle(element).unicodeBidi);

/** Where `name` shows in `root` (shadow trees included) without an isolating element around exactly it. */
function unisolated(root: Element, name: string): string[] {
  const problems: string[] = [];
  let seen = 0;
  for (const element of [root, ...deepAll(root, '*')]) {
    for (const node of element.childNodes) {
      if (node.nodeType !== Node.TEXT_NODE || !node.textContent!.includes(name)) continue;
      seen++;
      let box: Element | null = node.parentElement;
      while (box && !isolating(box)) box = box.parentElement;
      if (!box || box.textContent !== name) problems.push(`${JSON.stringify(name)} not isolated in ${JSON.stringify(node.parentElement!.textContent!.trim().slice(0, 80))}`);
    }
  }
  if (seen === 0) problems.push(`${JSON.stringify(name)} not shown`);
  return problems;
}

/** The rendered box of the first text node holding `text`. */
function textBox(root: ParentNode, text: string): DOMRect {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    if (walker.currentNode.textContent!.includes(text)) {
      const range = document.createRange();
      range.selectNodeContents(walker.currentNode);
      return range.getBoundingClientRect();
    }
  }
  throw new Error(`no text ${JSON.stringify(text)}`);
}

describe('names are isolated where they are shown', () => {
  it('a message: its author, and the author of the message it replies to, keep the labels around them in order', async () => {
    const { owner, member, threadId } = await circleWithMembers();
    const first = await member.post({ threadId }, 'first words');
    const reply = await owner.post({ threadId }, 'an answer', { replyTo: first });
    await until(owner, (s) => s.threads[threadId]!.messages.filter((m) => !m.pending).length === 2, 'both settled');
    const messages = owner.getSnapshot().threads[threadId]!.messages;
    const spoofer: Member = { ...owner.getSnapshot().members[member.getSnapshot().me!.id]!, displayName: OVERRIDE };
    const element = await render<HearthMessageElement>(html`<hearth-message .client=${owner} .message=${messages.find((m) => m.id === reply)!}
      .author=${spoofer} .replyMessage=${messages.find((m) => m.id === first)!} .replyAuthor=${spoofer}></hearth-message>`);
    expect(unisolated(element, OVERRIDE)).to.deep.equal([]);
    // Read on screen: "In reply to", then the name, then the excerpt — the override reverses nothing after it.
    const quote = element.shadowRoot!.querySelector('[part=reply-quote]')!;
    const label = textBox(quote, 'In reply to');
    const name = textBox(quote, OVERRIDE);
    const excerpt = textBox(quote, 'first words');
    expect(label.right, 'the label before the name').to.be.at.most(name.left + 1);
    expect(name.right, 'the excerpt after the name').to.be.at.most(excerpt.left + 1);
  });

  it('the composer names the author it replies to', async () => {
    const { owner, member, threadId } = await circleWithMembers({ members: [DANA] });
    const first = await member.post({ threadId }, 'first words');
    await owner.loadOlder(threadId);
    const message = await waitFor(() => owner.getSnapshot().threads[threadId]!.messages.find((m) => m.id === first && !m.pending), 'message');
    const composer = await render<HearthComposerElement>(html`<hearth-composer .client=${owner} .threadId=${threadId} .replyTo=${message}></hearth-composer>`);
    await waitFor(() => composer.shadowRoot!.textContent!.includes('Replying to'), 'reply shown');
    expect(unisolated(composer, DANA)).to.deep.equal([]);
  });

  it('the members list', async () => {
    const { owner } = await circleWithMembers({ members: [DANA, AVI] });
    const list = await render<HearthMembersElement>(html`<hearth-members .client=${owner}></hearth-members>`);
    await waitFor(() => list.shadowRoot!.querySelectorAll('[part=member]').length === 3, 'members');
    expect([...unisolated(list, DANA), ...unisolated(list, AVI), ...unisolated(list, 'Owner')]).to.deep.equal([]);
  });

  it('the moderation queue, join requests and audit log', async () => {
    const { owner, members, threadId, hub, circle } = await circleWithMembers({ members: [DANA, AVI] });
    const [dana, avi] = members as [CircleClient, CircleClient];
    const messageId = await dana.post({ threadId }, 'something unkind');
    await avi.loadOlder(threadId);
    await owner.loadOlder(threadId);
    await avi.report(messageId, '2 times now');
    await owner.command({ type: 'mod.mute', memberId: dana.getSnapshot().me!.id, until: Date.now() + 3_600_000, reason: 'cooling off' });
    await owner.command({ type: 'circle.update', access: 'request' });
    await client({ hub, circle }).join({ kind: 'request', displayName: 'שרה', note: 'hello', acceptNorms: true }).catch(() => {});
    const tools = await render<HearthModerationElement>(html`<hearth-moderation .client=${owner}></hearth-moderation>`);
    await waitFor(() => tools.shadowRoot!.querySelector('#panel li'), 'report listed');
    const problems = [...unisolated(tools, AVI), ...unisolated(tools, DANA)];
    tools.shadowRoot!.querySelector<HTMLButtonElement>('#tab-requests')!.click();
    await waitFor(() => tools.shadowRoot!.querySelector('#panel li')?.textContent!.includes('Approve'), 'request listed');
    problems.push(...unisolated(tools, 'שרה'));
    tools.shadowRoot!.querySelector<HTMLButtonElement>('#tab-audit')!.click();
    await waitFor(() => tools.shadowRoot!.querySelector('#panel ul')?.textContent!.includes('mod.mute'), 'audit listed');
    problems.push(...unisolated(tools, 'Owner'), ...unisolated(tools, DANA));
    expect(problems).to.deep.equal([]);
  });

  it('the join gate names the circle', async () => {
    const gate = await render<HearthJoinElement>(html`<hearth-join circle-name="מעגל הקוראים"></hearth-join>`);
    expect(unisolated(gate, 'מעגל הקוראים')).to.deep.equal([]);
  });
});
