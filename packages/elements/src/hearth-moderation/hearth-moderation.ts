import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import type { AuditEntry, Invite, JoinRequest, Report } from '@hearth/protocol';
import { HearthElement } from '../shared/element.js';
import { controls, tokens } from '../shared/styles.js';
import { fullTime, relativeTime } from '../shared/time.js';
import { excerpt } from '../markdown/render.js';
import { isolate } from '../shared/isolate.js';
import type { ModerationAction } from '../shared/events.js';
import { moderationStyles } from './hearth-moderation.styles.js';
import { addEnglishStrings } from '../i18n/catalogue.js';
import { enModeration } from '../i18n/en-moderation.js';

// The tools' English strings come with them: readers who never moderate do not download them.
addEnglishStrings(enModeration);

type Tab = 'queue' | 'requests' | 'invites' | 'audit';
const TABS: Tab[] = ['queue', 'requests', 'invites', 'audit'];
const DAY = 24 * 60 * 60 * 1000;

/**
 * Moderator tools: the queue of reported messages (hide or dismiss), join requests, invites (create —
 * the new link is shown once —, revoke) and the audit log. Shows nothing but a notice to members who are not moderators.
 *
 * @tagname hearth-moderation
 * @summary Moderation queue, invites and audit log.
 *
 * @event hearth-moderate - A moderator acted. `detail: { action, targetId }`
 * @event hearth-error - An action was refused. `detail: { code, message }`
 *
 * @csspart tabs - The row of tabs.
 * @csspart panel - The open tab's panel.
 */
export class HearthModerationElement extends HearthElement {
  static override styles = [tokens, controls, moderationStyles];

  @state() private tab: Tab = 'queue';
  @state() private reports: Report[] | null = null;
  @state() private requests: JoinRequest[] | null = null;
  @state() private invites: Invite[] | null = null;
  @state() private audit: AuditEntry[] | null = null;
  @state() private error = '';
  @state() private notice = '';
  #loadedFor: string | null = null;

  get #allowed(): boolean {
    const role = this.snapshot?.me?.role;
    return role === 'owner' || role === 'moderator';
  }

  protected override updated(changed: PropertyValues): void {
    // Load the open tab once connected, and again when the tab changes.
    const key = `${this.tab}:${this.snapshot?.status === 'connected' && this.#allowed}`;
    if (key !== this.#loadedFor && this.snapshot?.status === 'connected' && this.#allowed) {
      this.#loadedFor = key;
      void this.refresh();
    }
    if (changed.has('tab')) this.notice = '';
  }

  /** Reloads the open tab's list from the circle. */
  async refresh(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.error = '';
    try {
      if (this.tab === 'queue') this.reports = (await client.command({ type: 'report.list' })).reports;
      else if (this.tab === 'requests') this.requests = (await client.command({ type: 'request.list' })).requests;
      else if (this.tab === 'invites') this.invites = (await client.command({ type: 'invite.list' })).invites;
      else this.audit = (await client.command({ type: 'audit.list', limit: 50 })).entries;
    } catch (error) {
      this.error = this.describeError(error);
    }
  }

  override render(): TemplateResult {
    if (!this.#allowed) return html`<p class="muted">${this.t('mod.notAllowed')}</p>`;
    const labels: Record<Tab, string> = {
      queue: this.t('mod.queue'),
      requests: this.t('mod.requests'),
      invites: this.t('mod.invites'),
      audit: this.t('mod.audit'),
    };
    return html`
      <section aria-label=${this.t('mod.label')}>
        <div role="tablist" part="tabs" aria-label=${this.t('mod.label')} @keydown=${this.#tabKey}>
          ${TABS.map((tab) => html`<button type="button" role="tab" id="tab-${tab}" aria-controls="panel" aria-selected=${String(tab === this.tab)}
            tabindex=${tab === this.tab ? 0 : -1} @click=${() => (this.tab = tab)}>${labels[tab]}</button>`)}
        </div>
        <div id="panel" role="tabpanel" part="panel" aria-labelledby="tab-${this.tab}">
          <div class="head">
            <h3>${labels[this.tab]}</h3>
            <button type="button" class="quiet" @click=${() => this.refresh()}>${this.t('mod.refresh')}</button>
          </div>
          ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
          ${this.notice ? html`<p class="muted" role="status">${this.notice}</p>` : nothing}
          ${this.tab === 'queue' ? this.#renderQueue() : this.tab === 'requests' ? this.#renderRequests() : this.tab === 'invites' ? this.#renderInvites() : this.#renderAudit()}
        </div>
      </section>
    `;
  }

  /** Arrow keys move along the tabs, as the ARIA tabs pattern expects. */
  #tabKey = (event: KeyboardEvent): void => {
    const step = { ArrowRight: 1, ArrowLeft: -1, Home: -TABS.length, End: TABS.length }[event.key];
    if (step === undefined) return;
    event.preventDefault();
    const rtl = getComputedStyle(this).direction === 'rtl' && Math.abs(step) === 1 ? -1 : 1;
    const index = Math.min(TABS.length - 1, Math.max(0, TABS.indexOf(this.tab) + step * rtl));
    this.tab = TABS[index]!;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${this.tab}`)?.focus());
  };

  #name(memberId: string): string {
    return this.snapshot?.members[memberId]?.displayName ?? this.t('message.unknownAuthor');
  }

  #renderQueue() {
    const open = (this.reports ?? []).filter((r) => r.resolvedAt === null);
    if (this.reports && open.length === 0) return html`<p class="muted">${this.t('mod.queueEmpty')}</p>`;
    const threads = this.snapshot?.threads ?? {};
    return html`<ul>
      ${open.map((report) => {
        const message = threads[report.threadId]?.messages.find((m) => m.id === report.messageId);
        // The words as they were reported: the report's own copy, so an edit made since cannot change them.
        const reported = report.snapshot ?? (message?.state === 'visible' ? { body: message.body, contentWarning: message.contentWarning } : null);
        const editedSince = report.snapshot !== undefined && message?.state === 'visible' && message.body !== report.snapshot.body;
        return html`<li>
          <span>${this.tIsolated('mod.reportBy', { name: this.#name(report.reporterId), reason: report.reason })}</span>
          ${reported
            ? html`<blockquote dir="auto">${message ? html`<strong>${isolate(this.#name(message.authorId))}</strong>: ` : nothing}${reported.contentWarning ? html`<em>${reported.contentWarning}</em> ` : nothing}${excerpt(reported.body, 200)}</blockquote>`
            : message
              ? html`<blockquote dir="auto"><strong>${isolate(this.#name(message.authorId))}</strong>: ${this.t(message.state === 'deleted' ? 'message.deleted' : 'message.hidden')}</blockquote>`
              : html`<span class="muted">${this.t('mod.messageUnavailable')}</span>`}
          ${editedSince ? html`<span class="muted">${this.t('mod.editedSinceReport')}</span>` : nothing}
          <div class="row">
            ${message?.state !== 'hidden-by-moderator'
              ? html`<button type="button" class="danger" @click=${() => this.#hide(report)}>${this.t('mod.hideMessage')}</button>`
              : nothing}
            <button type="button" @click=${() => this.#act('report-resolve', report.id, { type: 'report.resolve', reportId: report.id })}>${this.t('mod.resolve')}</button>
          </div>
        </li>`;
      })}
    </ul>`;
  }

  async #hide(report: Report): Promise<void> {
    await this.#act('hide', report.messageId, { type: 'mod.hide', messageId: report.messageId, reason: report.reason });
    await this.#act('report-resolve', report.id, { type: 'report.resolve', reportId: report.id, reason: 'hidden' });
  }

  #renderRequests() {
    if (this.requests && this.requests.length === 0) return html`<p class="muted">${this.t('mod.requestsEmpty')}</p>`;
    return html`<ul>
      ${(this.requests ?? []).map(
        (request) => html`<li>
          <strong>${isolate(request.displayName)}</strong>
          ${request.note ? html`<span dir="auto">${request.note}</span>` : nothing}
          <div class="row">
            <button type="button" class="primary" @click=${() => this.#act('request-approve', request.id, { type: 'request.approve', requestId: request.id })}>${this.t('mod.approve')}</button>
            <button type="button" @click=${() => this.#act('request-deny', request.id, { type: 'request.deny', requestId: request.id })}>${this.t('mod.deny')}</button>
          </div>
        </li>`,
      )}
    </ul>`;
  }

  #renderInvites() {
    const now = Date.now();
    return html`
      <form @submit=${this.#createInvite} aria-label=${this.t('mod.inviteCreate')}>
        <label>${this.t('mod.inviteUses')}
          <select name="uses">
            <option value="1">${this.t('mod.inviteSingle')}</option>
            <option value="10">10</option>
            <option value="">${this.t('mod.inviteUnlimited')}</option>
          </select>
        </label>
        <label>${this.t('mod.inviteExpiry')}
          <select name="expiry">
            <option value=${DAY}>${this.t('members.day')}</option>
            <option value=${7 * DAY}>${this.t('members.week')}</option>
            <option value="">${this.t('mod.inviteNever')}</option>
          </select>
        </label>
        <button type="submit" class="primary">${this.t('mod.inviteCreate')}</button>
      </form>
      ${this.invites && this.invites.length === 0 ? html`<p class="muted">${this.t('mod.inviteEmpty')}</p>` : nothing}
      <ul>
        ${(this.invites ?? []).map((invite) => {
          const dead = invite.revoked || (invite.expiresAt !== null && invite.expiresAt < now) || (invite.maxUses !== null && invite.uses >= invite.maxUses);
          return html`<li>
            <span class="muted">
              ${invite.maxUses === null ? this.t('mod.inviteUsedUnlimited', { count: invite.uses }) : this.t('mod.inviteUsed', { count: invite.uses, max: invite.maxUses })}
              ${invite.revoked ? html` · ${this.t('mod.inviteRevoked')}` : invite.expiresAt !== null ? html` · ${this.t('mod.inviteExpires', { time: relativeTime(this.locale, invite.expiresAt, now) })}` : nothing}
            </span>
            ${dead
              ? nothing
              : html`<div class="row">
                  <button type="button" class="danger" @click=${() => this.#act('invite-revoke', invite.id, { type: 'invite.revoke', inviteId: invite.id })}>${this.t('mod.inviteRevoke')}</button>
                </div>`}
          </li>`;
        })}
      </ul>
    `;
  }

  #renderAudit() {
    if (this.audit && this.audit.length === 0) return html`<p class="muted">${this.t('mod.auditEmpty')}</p>`;
    return html`<ul>
      ${(this.audit ?? []).map(
        (entry) => html`<li>
          <span>${this.tIsolated('mod.auditEntry', { actor: this.#name(entry.actorId), action: entry.action })}
            ${entry.targetId ? html`<span class="muted">→ ${isolate(this.snapshot?.members[entry.targetId]?.displayName ?? entry.targetId)}</span>` : nothing}</span>
          ${entry.reason ? html`<span dir="auto">${entry.reason}</span>` : nothing}
          <time class="muted" datetime=${new Date(entry.at).toISOString()}>${fullTime(this.locale, entry.at)}</time>
        </li>`,
      )}
    </ul>`;
  }

  #createInvite = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const value = (name: string) => (form.elements.namedItem(name) as HTMLSelectElement).value;
    const uses = value('uses');
    const expiry = value('expiry');
    try {
      const invite = await this.client!.createInvite({ maxUses: uses ? Number(uses) : null, expiresInMs: expiry ? Number(expiry) : null });
      this.emit('hearth-moderate', { action: 'invite-create', targetId: invite.id });
      await this.refresh();
      // The server keeps only a hash of the code: this is the one time it can be shown.
      if (invite.code === null) this.error = this.t('mod.inviteLost');
      else await this.#copy(invite.code);
    } catch (error) {
      this.error = this.describeError(error);
    }
  };

  /** Shows and copies a new invitation link: this page with `?invite=`, which `<hearth-circle>` reads. */
  async #copy(code: string): Promise<void> {
    const url = new URL(location.href);
    url.searchParams.set('invite', code);
    this.notice = this.t('mod.inviteNew', { link: url.href });
    await navigator.clipboard.writeText(url.href).catch(() => {});
  }

  async #act(action: ModerationAction, targetId: string, command: Parameters<NonNullable<HearthElement['client']>['command']>[0]): Promise<void> {
    this.error = '';
    this.emit('hearth-moderate', { action, targetId });
    try {
      await this.client!.command(command);
    } catch (error) {
      this.error = this.describeError(error);
      this.emit('hearth-error', { code: (error as { code?: string }).code ?? 'internal', message: String((error as Error).message ?? error) });
    }
    await this.refresh();
  }
}
