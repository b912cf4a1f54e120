import { expect, html } from '@open-wc/testing';
import type { HearthCircleElement } from '@hearth/elements';
import { button, circleWithMembers, client, deep, makeCircle, render, waitFor } from './helpers.js';

// axe-core checks (through @open-wc/testing's chai-a11y-axe) on the states a reader meets: the join gate,
// a thread with messages, the members list and, for moderators, the moderation tools; light and dark.
describe('accessibility (axe)', () => {
  for (const theme of ['light', 'dark'] as const) {
    it(`the join gate has no violations (${theme})`, async () => {
      const { hub, circle, inviteCode } = makeCircle();
      const element = await render<HearthCircleElement>(html`<hearth-circle theme=${theme} invite=${inviteCode} .client=${client({ hub, circle })}></hearth-circle>`);
      await waitFor(() => deep(element, 'hearth-join')?.shadowRoot?.querySelector('form'), 'join form');
      await expect(element).to.be.accessible();
    });

    it(`a thread, the members and the moderation tools have no violations (${theme})`, async () => {
      const { hub, owner, member, threadId } = await circleWithMembers();
      await member.post({ threadId }, 'Hello **everyone**, see https://example.org', { contentWarning: 'greetings' });
      await owner.post({ threadId }, 'Welcome! ||a surprise||');
      await waitFor(() => owner.getSnapshot().pendingCount === 0, 'the posts settled');
      // And one still on its way, which must be as readable as the rest.
      hub.setOffline(true);
      void owner.post({ threadId }, 'Sent while offline').catch(() => {});
      const element = await render<HearthCircleElement>(html`<hearth-circle theme=${theme} .client=${owner}></hearth-circle>`);
      await waitFor(() => deep<HTMLElement>(element, 'hearth-thread-list')?.shadowRoot?.querySelector('[part=thread]'), 'threads');
      deep<HTMLElement>(element, 'hearth-thread-list')!.shadowRoot!.querySelector<HTMLElement>('[part=thread]')!.click();
      await waitFor(() => deep(element, 'hearth-thread')?.shadowRoot?.querySelectorAll('hearth-message').length === 3, 'messages');
      const messages = () => [...deep(element, 'hearth-thread')!.shadowRoot!.querySelectorAll('hearth-message')];
      await waitFor(() => messages().some((m) => m.shadowRoot?.querySelector('.pending')), 'a pending message');
      await expect(element).to.be.accessible();
      hub.setOffline(false);
      await waitFor(() => owner.getSnapshot().pendingCount === 0, 'the offline post delivered');
      button(element, 'Members')!.click();
      await waitFor(() => deep(element, 'hearth-members')?.shadowRoot?.querySelector('[part=member]'), 'members');
      await expect(element).to.be.accessible();
      button(element, 'Moderation')!.click();
      await waitFor(() => deep(element, 'hearth-moderation')?.shadowRoot?.querySelector('[role=tablist]'), 'moderation');
      await expect(element).to.be.accessible();
    });
  }
});
