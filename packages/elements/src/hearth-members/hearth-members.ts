import { html, nothing, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { LIMITS, ROLE_LEVEL } from '@hearth/protocol';
import type { Member } from '@hearth/core';
import { HearthElement } from '../shared/element.js';
import { controls, tokens } from '../shared/styles.js';
import { avatar } from '../shared/avatar.js';
import { fullTime } from '../shared/time.js';
import type { ModerationAction } from '../shared/events.js';
import { membersStyles } from './hearth-members.styles.js';

type MemberAction = 'mute' | 'ban' | 'remove';

const DURATIONS: [ms: number, key: 'members.hour' | 'members.day' | 'members.week' | 'members.month'][] = [
  [60 * 60 * 1000, 'members.hour'],
  [24 * 60 * 60 * 1000, 'members.day'],
  [7 * 24 * 60 * 60 * 1000, 'members.week'],
  [LIMITS.muteMaxMs, 'members.month'],
];

/**
 * The circle's members by role, with flair and state (muted, banned). Moderators see the actions they may
 * take on members of a lower role: mute for a time, ban, remove, and (for the owner) promote or demote.
 * The protocol carries no presence, so none is shown.
 *
 * @tagname hearth-members
 * @summary Members of the circle.
 *
 * @event hearth-moderate - A moderator acted on a member. `detail: { action, targetId }`
 * @event hearth-error - An action was refused. `detail: { code, message }`
 *
 * @csspart member - A member's row.
 * @csspart avatar - A member's generated avatar.
 */
export class HearthMembersElement extends HearthElement {
  static override styles = [tokens, controls, membersStyles];

  @state() private acting: { memberId: string; action: MemberAction } | null = null;
  @state() private error = '';

  override render(): TemplateResult {
    const snapshot = this.snapshot;
    const all = Object.values(snapshot?.members ?? {}).sort((a, b) => a.displayName.localeCompare(b.displayName, this.locale));
    const groups: [Member['role'], 'members.owner' | 'members.moderator' | 'members.member'][] = [
      ['owner', 'members.owner'],
      ['moderator', 'members.moderator'],
      ['member', 'members.member'],
    ];
    return html`
      <section aria-label=${this.t('members.label')}>
        <p class="muted">${this.t('members.count', { count: all.filter((m) => m.state !== 'banned').length })}</p>
        ${groups.map(([role, label]) => {
          const members = all.filter((m) => m.role === role);
          if (members.length === 0) return nothing;
          return html`<h3>${this.t(label)}</h3>
            <ul>
              ${members.map((m) => this.#renderMember(m))}
            </ul>`;
        })}
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      </section>
    `;
  }

  #canAct(member: Member): boolean {
    const me = this.snapshot?.me;
    return !!me && me.role !== 'member' && me.id !== member.id && ROLE_LEVEL[me.role] > ROLE_LEVEL[member.role];
  }

  #renderMember(member: Member) {
    const me = this.snapshot?.me;
    const muted = member.state === 'muted' && member.mutedUntil !== null;
    return html`<li part="member">
      ${avatar(member.id, member.displayName)}
      <span>
        <bdi class="name">${member.displayName}</bdi>
        ${member.id === me?.id ? html`<span class="muted">${this.t('members.you')}</span>` : nothing}
        ${member.flair ? html`<span class="flair" dir="auto">${member.flair}</span>` : nothing}
        ${muted ? html`<span class="state">${this.t('members.muted', { time: fullTime(this.locale, member.mutedUntil!) })}</span>` : nothing}
        ${member.state === 'banned' ? html`<span class="state">${this.t('members.banned')}</span>` : nothing}
      </span>
      ${this.#canAct(member) ? this.#renderActions(member, muted) : nothing}
      ${this.acting?.memberId === member.id ? this.#renderForm(member) : nothing}
    </li>`;
  }

  #renderActions(member: Member, muted: boolean) {
    const me = this.snapshot!.me!;
    const open = (action: MemberAction) => () => (this.acting = { memberId: member.id, action });
    const button = (label: 'members.mute' | 'members.unmute' | 'members.ban' | 'members.unban' | 'members.remove' | 'members.promote' | 'members.demote', run: () => void, danger = false) =>
      html`<button type="button" class="quiet ${danger ? 'danger' : ''}" @click=${run}>${this.t(label)}</button>`;
    return html`<div class="row" role="group" aria-label=${this.t('members.actions', { name: member.displayName })}>
      ${member.state === 'banned'
        ? button('members.unban', () => this.#run('unban', member, { type: 'mod.unban', memberId: member.id }))
        : html`${muted ? button('members.unmute', () => this.#run('unmute', member, { type: 'mod.unmute', memberId: member.id })) : button('members.mute', open('mute'))}
            ${button('members.ban', open('ban'), true)} ${button('members.remove', open('remove'), true)}`}
      ${me.role === 'owner' && member.state !== 'banned'
        ? member.role === 'member'
          ? button('members.promote', () => this.#run('promote', member, { type: 'mod.role', memberId: member.id, role: 'moderator' }))
          : button('members.demote', () => this.#run('demote', member, { type: 'mod.role', memberId: member.id, role: 'member' }))
        : nothing}
    </div>`;
  }

  #renderForm(member: Member) {
    const action = this.acting!.action;
    const label = this.t(action === 'mute' ? 'members.mute' : action === 'ban' ? 'members.ban' : 'members.remove');
    return html`<form @submit=${(e: SubmitEvent) => this.#submit(e, member)} @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && (this.acting = null)}
      aria-label="${label}: ${member.displayName}">
      ${action === 'mute'
        ? html`<label for="duration">${this.t('members.duration')}</label>
            <select id="duration" name="duration">${DURATIONS.map(([ms, key]) => html`<option value=${ms}>${this.t(key)}</option>`)}</select>`
        : nothing}
      <label for="reason">${this.t('message.reason')}</label>
      <textarea id="reason" name="reason" rows="2" required dir="auto"></textarea>
      ${action === 'ban' && member.inviteId
        ? html`<label><input type="checkbox" name="revokeInvite" checked /> ${this.t('members.banRevokeInvite')}</label>`
        : nothing}
      <div class="row">
        <button type="submit" class="primary">${label}</button>
        <button type="button" class="quiet" @click=${() => (this.acting = null)}>${this.t('message.cancel')}</button>
      </div>
    </form>`;
  }

  protected override updated(): void {
    if (this.acting) {
      const field = this.renderRoot.querySelector<HTMLElement>('form select, form textarea');
      if (field && !this.renderRoot.querySelector('form')!.contains((this.renderRoot as ShadowRoot).activeElement)) field.focus();
    }
  }

  #submit(event: SubmitEvent, member: Member): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const reason = (form.elements.namedItem('reason') as HTMLTextAreaElement).value.trim();
    if (!reason) return;
    const action = this.acting!.action;
    this.acting = null;
    if (action === 'mute') {
      const duration = Number((form.elements.namedItem('duration') as HTMLSelectElement).value);
      this.#run('mute', member, { type: 'mod.mute', memberId: member.id, until: Date.now() + duration, reason });
    } else if (action === 'ban') {
      // A multi-use invite would let the banned person straight back in: closed in the ban's own step.
      const revokeInvite = (form.elements.namedItem('revokeInvite') as HTMLInputElement | null)?.checked === true;
      this.#run('ban', member, { type: 'mod.ban', memberId: member.id, reason, ...(revokeInvite ? { revokeInvite } : {}) });
    }
    else this.#run('remove', member, { type: 'mod.remove', memberId: member.id, reason });
  }

  #run(action: ModerationAction, member: Member, command: Parameters<NonNullable<HearthElement['client']>['command']>[0]): void {
    if (!this.client) return;
    this.error = '';
    this.emit('hearth-moderate', { action, targetId: member.id });
    this.client.command(command).catch((error: { code?: string; message?: string }) => {
      this.error = this.describeError(error);
      this.emit('hearth-error', { code: error?.code ?? 'internal', message: error?.message ?? '' });
    });
  }
}
