import { expect, html } from '@open-wc/testing';
import type { HearthMembersElement } from '@hearth/elements';
import { button, circleWithMembers, client, invite, render, until, waitFor } from './helpers.js';

function row(list: HearthMembersElement, name: string): HTMLElement {
  return [...list.shadowRoot!.querySelectorAll<HTMLElement>('[part=member]')].find((r) => r.querySelector('.name')!.textContent === name)!;
}

describe('<hearth-members>', () => {
  it('lists members by role, and offers a member no moderation actions', async () => {
    const { member } = await circleWithMembers({ members: ['Ana', 'Ben'] });
    const list = await render<HearthMembersElement>(html`<hearth-members .client=${member}></hearth-members>`);
    await waitFor(() => list.shadowRoot!.querySelectorAll('[part=member]').length === 3, 'three members');
    expect([...list.shadowRoot!.querySelectorAll('h3')].map((h) => h.textContent)).to.deep.equal(['Owner', 'Members']);
    expect(list.shadowRoot!.querySelector('p')!.textContent).to.equal('3 members');
    expect(row(list, 'Ana').textContent).to.contain('(you)');
    expect(list.shadowRoot!.querySelectorAll('[role=group]')).to.have.length(0);
  });

  it('lets the owner mute, unmute, promote, ban and unban', async () => {
    const { owner, member } = await circleWithMembers({ members: ['Ana'] });
    const list = await render<HearthMembersElement>(html`<hearth-members .client=${owner}></hearth-members>`);
    const anaId = member.getSnapshot().me!.id;
    await waitFor(() => row(list, 'Ana'), 'Ana');
    button(row(list, 'Ana'), 'Mute')!.click();
    const form = await waitFor(() => row(list, 'Ana').querySelector('form'), 'mute form');
    expect(form.querySelector('select')).to.not.equal(null);
    form.querySelector('textarea')!.value = 'heated';
    form.requestSubmit();
    await until(member, (s) => s.me?.state === 'muted', 'muted');
    await waitFor(() => row(list, 'Ana').textContent!.includes('muted until'), 'shown muted');
    button(row(list, 'Ana'), 'Unmute')!.click();
    await until(member, (s) => s.me?.state === 'active', 'unmuted');
    await waitFor(() => button(row(list, 'Ana'), 'Make moderator'), 'promote offered');
    button(row(list, 'Ana'), 'Make moderator')!.click();
    await until(member, (s) => s.me?.role === 'moderator', 'promoted');
    await waitFor(() => [...list.shadowRoot!.querySelectorAll('h3')].some((h) => h.textContent === 'Moderators'), 'moderators group');
    button(row(list, 'Ana'), 'Ban')!.click();
    const banForm = await waitFor(() => row(list, 'Ana').querySelector('form'), 'ban form');
    banForm.querySelector('textarea')!.value = 'repeated abuse';
    banForm.requestSubmit();
    await until(owner, (s) => s.members[anaId]?.state === 'banned', 'banned');
    await waitFor(() => button(row(list, 'Ana'), 'Unban'), 'unban offered');
    button(row(list, 'Ana'), 'Unban')!.click();
    await until(owner, (s) => s.members[anaId]?.state === 'active', 'unbanned');
  });

  it('offers to revoke the invite a banned member came in by, in the same step', async () => {
    const { owner, member, hub, circle, inviteCode } = await circleWithMembers({ members: ['Ana'] });
    const list = await render<HearthMembersElement>(html`<hearth-members .client=${owner}></hearth-members>`);
    const anaId = member.getSnapshot().me!.id;
    await waitFor(() => row(list, 'Ana'), 'Ana');
    button(row(list, 'Ana'), 'Ban')!.click();
    const banForm = await waitFor(() => row(list, 'Ana').querySelector('form'), 'ban form');
    const revoke = banForm.querySelector<HTMLInputElement>('input[type=checkbox][name=revokeInvite]');
    expect(revoke, 'a choice to revoke the invite Ana joined by').to.not.equal(null);
    expect(revoke!.checked).to.equal(true);
    banForm.querySelector('textarea')!.value = 'came back to troll';
    banForm.requestSubmit();
    await until(owner, (s) => s.members[anaId]?.state === 'banned', 'banned');
    const late = client({ hub, circle });
    const refused = await late.join(invite(inviteCode, 'Ana again')).then(() => null, (error: { code?: string }) => error.code);
    expect(refused, 'the invite no longer admits anyone').to.equal('invite_expired');
  });
});

