import { expect, html } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import '../../packages/elements/src/hearth-moderation/define.js';
import type { CircleClient } from '@hearth/core';
import type { HearthCircleElement } from '@hearth/elements';
import { LIMITS } from '@hearth/protocol';
import { button, client, connected, deep, deepAll, invite, makeCircle, render, token, until, waitFor } from './helpers.js';

// What moderators read is written by anyone, an anonymous asker included: one unbroken word as long as a
// field allows must wrap inside the widget, as message bodies do, and never widen the host page.

/** A word as long as the field takes, of the widest Latin letter, ending in a tag so names stay distinct. */
const word = (length: number, tag: string) => 'W'.repeat(length - tag.length) + tag;
const LONG = LIMITS.reasonMaxChars; // 500: notes, report reasons, moderation reasons

/** A circle whose moderator views all hold long words: a join request, a report, audit entries, long names and flair. */
async function longContent(): Promise<CircleClient> {
  const { hub, circle, ownerToken, inviteCode } = makeCircle();
  const owner = client({ hub, circle, credentials: token(ownerToken) });
  owner.connect();
  await connected(owner);
  const [writer, reporter] = [client({ hub, circle }), client({ hub, circle })];
  await writer.join(invite(inviteCode, word(LIMITS.displayNameMaxChars, 'a')));
  await reporter.join(invite(inviteCode, word(LIMITS.displayNameMaxChars, 'b')));
  await writer.command({ type: 'member.update', flair: word(LIMITS.flairMaxChars, 'f') });
  const threadId = await owner.createThread(word(LIMITS.threadTitleMaxChars, 't'));
  await until(writer, (s) => !!s.threads[threadId]?.thread, 'thread seen');
  const messageId = await writer.post({ threadId }, word(LIMITS.bodyMaxChars, 'm'));
  await reporter.loadOlder(threadId);
  await owner.loadOlder(threadId);
  await reporter.report(messageId, word(LONG, 'r'));
  await owner.command({ type: 'mod.mute', memberId: writer.getSnapshot().me!.id, until: Date.now() + 3_600_000, reason: word(LONG, 'u') });
  // An anonymous request with a long name and note.
  await owner.command({ type: 'circle.update', access: 'request' });
  const asker = client({ hub, circle });
  await asker.join({ kind: 'request', displayName: word(LIMITS.displayNameMaxChars, 'c'), note: word(LONG, 'n'), acceptNorms: true }).catch(() => {});
  return owner;
}

/** Where the page or the widget scrolls sideways, or something of the widget lies outside it. */
function overflow(element: HTMLElement): string[] {
  const problems: string[] = [];
  const page = document.documentElement;
  if (page.scrollWidth > window.innerWidth) problems.push(`page ${page.scrollWidth} px wide in a ${window.innerWidth} px viewport`);
  if (element.scrollWidth > element.clientWidth) problems.push(`widget scrolls: ${element.scrollWidth} > ${element.clientWidth}`);
  const host = element.getBoundingClientRect();
  for (const inner of deepAll(element, '*')) {
    const box = inner.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.left < host.left - 1 || box.right > host.right + 1) problems.push(`<${inner.localName} class="${inner.className}"> spans ${Math.round(box.left)}…${Math.round(box.right)} of ${Math.round(host.left)}…${Math.round(host.right)}`);
  }
  // The page and widget lines, then the innermost offenders (later in document order), which name the cause.
  return problems.length > 8 ? [...problems.slice(0, 2), ...problems.slice(-6)] : problems;
}

describe('moderator views contain long words', () => {
  after(() => setViewport({ width: 800, height: 600 }));

  for (const width of [375, 1280]) {
    it(`at ${width} px: the queue, join requests, invites, audit log, members and the thread stay inside the widget`, async () => {
      await setViewport({ width, height: 800 });
      const owner = await longContent();
      const element = await render<HearthCircleElement>(html`<hearth-circle .client=${owner}></hearth-circle>`);
      const tools = () => deep<HTMLElement>(element, 'hearth-moderation')?.shadowRoot;
      (await waitFor(() => button(element, 'Moderation'), 'moderation offered')).click();
      await waitFor(() => tools()?.querySelector('#panel li'), 'the report listed');
      const views: Record<string, string[]> = {};
      views.queue = overflow(element);
      for (const [tab, ready] of [['requests', 'Approve'], ['invites', 'Revoke'], ['audit', 'mod.mute']] as const) {
        tools()!.querySelector<HTMLButtonElement>(`#tab-${tab}`)!.click();
        await waitFor(() => tools()!.querySelector('#panel ul')?.textContent!.includes(ready), `${tab} listed`);
        views[tab] = overflow(element);
      }
      button(element, 'Members')!.click();
      await waitFor(() => deep(element, 'hearth-members')?.shadowRoot?.querySelectorAll('[part=member]').length === 3, 'members listed');
      views.members = overflow(element);
      // And the thread the report came from, as members see it: long title, flair, name and body.
      button(element, 'Threads')!.click();
      (await waitFor(() => deep<HTMLElement>(element, 'hearth-thread-list')?.shadowRoot?.querySelector<HTMLElement>('[part=thread]'), 'thread listed')).click();
      await waitFor(() => deep(element, 'hearth-thread')?.shadowRoot?.querySelector('hearth-message')?.shadowRoot?.querySelector('.flair'), 'message shown');
      views.thread = overflow(element);
      expect(views).to.deep.equal({ queue: [], requests: [], invites: [], audit: [], members: [], thread: [] });
    });
  }

  // axe-core on the same views (see accessibility.test.ts): wrapping and isolating must not cost contrast or names.
  for (const theme of ['light', 'dark'] as const) {
    it(`the same views have no accessibility violations (${theme})`, async () => {
      await setViewport({ width: 375, height: 800 });
      const owner = await longContent();
      const element = await render<HearthCircleElement>(html`<hearth-circle theme=${theme} .client=${owner}></hearth-circle>`);
      const tools = () => deep<HTMLElement>(element, 'hearth-moderation')?.shadowRoot;
      (await waitFor(() => button(element, 'Moderation'), 'moderation offered')).click();
      await waitFor(() => tools()?.querySelector('#panel li'), 'the report listed');
      await expect(element).to.be.accessible();
      for (const [tab, ready] of [['requests', 'Approve'], ['audit', 'mod.mute']] as const) {
        tools()!.querySelector<HTMLButtonElement>(`#tab-${tab}`)!.click();
        await waitFor(() => tools()!.querySelector('#panel ul')?.textContent!.includes(ready), `${tab} listed`);
        await expect(element).to.be.accessible();
      }
      button(element, 'Members')!.click();
      await waitFor(() => deep(element, 'hearth-members')?.shadowRoot?.querySelectorAll('[part=member]').length === 3, 'members listed');
      await expect(element).to.be.accessible();
    });
  }
});
