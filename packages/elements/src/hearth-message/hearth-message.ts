import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { Member, Message } from '@hearth/core';
import type { MessageView } from '@hearth/core';
import { HearthElement } from '../shared/element.js';
import { controls, tokens } from '../shared/styles.js';
import { avatar } from '../shared/avatar.js';
import { fullTime, relativeTime } from '../shared/time.js';
import { parse, type Block } from '../markdown/parse.js';
import { excerpt, renderBlocks } from '../markdown/render.js';
import type { MessageAction } from '../shared/events.js';
import { messageStyles } from './hearth-message.styles.js';

type Mode = null | 'edit' | 'report' | 'hide' | 'delete' | 'react';

/**
 * One message: author with avatar, flair and role, relative time, edited marker, the message it replies to,
 * a content warning to reveal, the body (a small markdown subset, rendered as text and templates only),
 * the circle's own reactions, and the actions the viewer may take on it. Fed by properties, so a list of
 * messages re-renders only the ones that changed.
 *
 * @tagname hearth-message
 * @summary A message in a circle.
 *
 * @event hearth-reply - The viewer asked to reply to this message. `detail: { messageId }`
 * @event hearth-message-action - The viewer acted on the message. `detail: { action, messageId, reaction? }`
 * @event hearth-error - The client refused an action. `detail: { code, message }`
 *
 * @csspart message - The message's container (an `article`).
 * @csspart avatar - The author's generated avatar.
 * @csspart author - The author's display name.
 * @csspart flair - The author's flair.
 * @csspart reply-quote - The excerpt of the message replied to.
 * @csspart body - The message body.
 * @csspart reactions - The reactions row.
 * @csspart actions - The row of actions.
 *
 * @cssproperty --hearth-message-background - Background of a message.
 * @cssproperty --hearth-message-mine-background - Background of the viewer's own messages.
 * @cssproperty --hearth-font-family-code - Font of code spans and blocks.
 */
export class HearthMessageElement extends HearthElement {
  static override styles = [tokens, controls, messageStyles];
  protected static override subscribes = false;

  /** The message to show (a `MessageView` from the client's snapshot). */
  @property({ attribute: false }) message: MessageView | null = null;
  /** Its author; looked up in the client's snapshot when not given. */
  @property({ attribute: false }) author: Member | null = null;
  /** The viewer; decides which actions are offered. Looked up in the client's snapshot when not given. */
  @property({ attribute: false }) me: Member | null = null;
  /** The circle's own reaction set; looked up in the client's snapshot when not given. */
  @property({ attribute: false }) reactions: readonly string[] | null = null;
  /** The message this one replies to, when loaded. */
  @property({ attribute: false }) replyMessage: Message | null = null;
  /** The author of `replyMessage`. */
  @property({ attribute: false }) replyAuthor: Member | null = null;
  /** The time relative times are measured from (ms); the thread moves it on every minute. */
  @property({ type: Number }) now = Date.now();

  @state() private mode: Mode = null;
  @state() private cwShown = false;
  @state() private notice = '';
  @state() private busy = false;

  #parsed: { body: string; blocks: Block[] } | null = null;
  /** The button that opened a form, to give focus back when it closes. */
  #opener: HTMLElement | null = null;

  override focus(options?: FocusOptions): void {
    (this.renderRoot.querySelector('article') as HTMLElement | null)?.focus(options);
  }

  #lookup() {
    const snapshot = this.client?.getSnapshot();
    const message = this.message!;
    return {
      author: this.author ?? snapshot?.members[message.authorId] ?? null,
      me: this.me ?? snapshot?.me ?? null,
      reactions: this.reactions ?? snapshot?.circle?.reactions ?? [],
    };
  }

  #blocks(body: string): Block[] {
    if (this.#parsed?.body !== body) this.#parsed = { body, blocks: parse(body) };
    return this.#parsed.blocks;
  }

  override render(): TemplateResult | typeof nothing {
    const message = this.message;
    if (!message) return nothing;
    const { author, me, reactions } = this.#lookup();
    const name = author?.displayName ?? this.t('message.unknownAuthor');
    const mine = !!me && message.authorId === me.id;
    const moderator = me?.role === 'owner' || me?.role === 'moderator';
    const settled = !message.pending;
    const visible = message.state === 'visible';
    const classes = `message${mine ? ' mine' : ''}${message.pending ? ` ${message.pending === 'failed' ? 'failed' : 'pending'}` : ''}`;
    const headingId = `m-${message.id}`;
    return html`
      <article part="message" class=${classes} tabindex="-1" aria-labelledby=${headingId} @keydown=${this.#onKeydown}>
        ${avatar(message.authorId, name)}
        <div class="main">
          <header id=${headingId}>
            <bdi class="author" part="author">${name}</bdi>
            ${author?.flair ? html`<span class="flair" part="flair" dir="auto">${author.flair}</span>` : nothing}
            ${author && author.role !== 'member' ? html`<span class="role">${this.t(author.role === 'owner' ? 'message.owner' : 'message.moderator')}</span>` : nothing}
            <time datetime=${new Date(message.createdAt).toISOString()} title=${fullTime(this.locale, message.createdAt)}
              >${relativeTime(this.locale, message.createdAt, this.now)}</time
            >
            ${message.editedAt && visible ? html`<span class="edited" title=${fullTime(this.locale, message.editedAt)}>${this.t('message.edited')}</span>` : nothing}
          </header>
          ${this.#renderQuote(message)} ${this.#renderContent(message, moderator)} ${this.#renderState(message)}
          ${visible && settled ? this.#renderReactions(message, reactions, me) : nothing}
          ${settled && this.mode === null ? this.#renderActions(message, mine, moderator, !!me) : nothing} ${this.#renderForm(message, reactions)}
          ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
        </div>
      </article>
    `;
  }

  #renderQuote(message: MessageView) {
    if (!message.replyTo) return nothing;
    const target = this.replyMessage;
    const who = target ? (this.replyAuthor?.displayName ?? this.t('message.unknownAuthor')) : this.t('message.replyMissing');
    const text = target && target.state === 'visible' ? excerpt(target.body, 90) : '';
    return html`<div class="quote" part="reply-quote">
      <span>${this.tIsolated('message.replyTo', { author: who })}</span>${text ? html`: <span dir="auto">${text}</span>` : nothing}
    </div>`;
  }

  #renderContent(message: MessageView, moderator: boolean) {
    if (message.state === 'deleted') return html`<p class="tombstone">${this.t('message.deleted')}</p>`;
    if (message.state === 'hidden-by-moderator') {
      // Members get an empty body; moderators still see what they hid, so they can judge a restore.
      return html`<p class="tombstone">${this.t(moderator ? 'message.hiddenForMods' : 'message.hidden')}</p>
        ${moderator && message.body ? html`<div class="body hidden-body" part="body">${renderBlocks(this.#blocks(message.body))}</div>` : nothing}`;
    }
    if (this.mode === 'edit') return nothing;
    const warning = message.contentWarning;
    const bodyId = `b-${message.id}`;
    return html`
      ${warning
        ? html`<div class="cw">
            <span dir="auto">${this.t('message.cw', { warning })}</span>
            <button type="button" aria-expanded=${String(this.cwShown)} aria-controls=${bodyId} @click=${() => (this.cwShown = !this.cwShown)}>
              ${this.t(this.cwShown ? 'message.cwHide' : 'message.cwShow')}
            </button>
          </div>`
        : nothing}
      <div class="body" part="body" id=${bodyId} ?hidden=${!!warning && !this.cwShown}>${renderBlocks(this.#blocks(message.body))}</div>
    `;
  }

  #renderState(message: MessageView) {
    if (message.pending === 'sending') return html`<span class="state">${this.t('message.sending')}</span>`;
    if (message.pending !== 'failed') return nothing;
    return html`<div class="row">
      <span class="state" role="alert">${this.t('message.failed', { reason: this.describeError(message.error) })}</span>
      <button type="button" @click=${() => this.#act('retry', () => this.client!.retry(message.id))}>${this.t('message.retry')}</button>
      <button type="button" class="quiet" @click=${() => this.#act('discard', () => this.client!.discard(message.id))}>${this.t('message.discard')}</button>
    </div>`;
  }

  #renderReactions(message: MessageView, reactions: readonly string[], me: Member | null) {
    // Counts from any reaction the message carries; new ones only from the circle's own set. The reaction is
    // isolated, so right-to-left or override characters in its name cannot move the count.
    const shown = Object.entries(message.reactions).filter(([, who]) => who.length > 0);
    if (shown.length === 0 && (!me || reactions.length === 0)) return nothing;
    return html`<div class="reactions" part="reactions">
      ${shown.map(([reaction, who]) => {
        const pressed = !!me && who.includes(me.id);
        return html`<button type="button" aria-pressed=${String(pressed)} ?disabled=${!me}
          aria-label=${this.t('message.reaction', { reaction, count: who.length })}
          @click=${() => this.#react(reaction, !pressed)}><bdi>${reaction}</bdi> ${who.length}</button>`;
      })}
    </div>`;
  }

  #renderActions(message: MessageView, mine: boolean, moderator: boolean, member: boolean) {
    if (!member) return nothing;
    const visible = message.state === 'visible';
    const { reactions } = this.#lookup();
    const action = (label: string, mode: Mode | (() => void), extra = '') =>
      html`<button type="button" class="quiet ${extra}" data-action=${label}
        @click=${(e: Event) => (typeof mode === 'function' ? mode() : this.#open(mode, e.currentTarget as HTMLElement))}>${this.t(`message.${label}` as 'message.reply')}</button>`;
    return html`<div class="actions" part="actions" role="group" aria-label=${this.t('message.actions')}>
      ${visible && reactions.length > 0 ? action('react', 'react') : nothing}
      ${visible ? action('reply', () => this.emit('hearth-reply', { messageId: message.id })) : nothing}
      ${visible && mine ? action('edit', 'edit') : nothing}
      ${visible && mine ? action('delete', 'delete', 'danger') : nothing}
      ${visible && !mine ? action('report', 'report') : nothing}
      ${visible && moderator && !mine ? action('hide', 'hide', 'danger') : nothing}
      ${message.state === 'hidden-by-moderator' && moderator ? action('restore', () => this.#act('restore', () => this.client!.command({ type: 'mod.restore', messageId: message.id }))) : nothing}
    </div>`;
  }

  #renderForm(message: MessageView, reactions: readonly string[]) {
    const cancel = html`<button type="button" class="quiet" @click=${this.#close}>${this.t('message.cancel')}</button>`;
    switch (this.mode) {
      case 'react':
        return html`<div class="reactions" role="group" aria-label=${this.t('message.react')}>
          ${reactions.map((r) => html`<button type="button" @click=${() => (this.#react(r, true), this.#close())}>${r}</button>`)} ${cancel}
        </div>`;
      case 'delete':
        return html`<div class="row" role="group" aria-label=${this.t('message.confirmDelete')}>
          <span>${this.t('message.confirmDelete')}</span>
          <button type="button" class="danger" data-confirm @click=${() => this.#act('delete', () => this.client!.delete(message.id), true)}>${this.t('message.delete')}</button>
          ${cancel}
        </div>`;
      case 'edit':
      case 'report':
      case 'hide': {
        const label = this.t(this.mode === 'edit' ? 'message.editLabel' : this.mode === 'report' ? 'message.reportReason' : 'message.hideReason');
        return html`<form @submit=${this.#submit}>
          <label for="field">${label}</label>
          <textarea id="field" name="field" rows=${this.mode === 'edit' ? 3 : 2} required dir="auto" @keydown=${this.#fieldKey}
            .value=${this.mode === 'edit' ? message.body : ''}></textarea>
          <div class="row">
            <button type="submit" class="primary" ?disabled=${this.busy}>${this.t(this.mode === 'edit' ? 'message.save' : this.mode === 'report' ? 'message.report' : 'message.hide')}</button>
            ${cancel}
          </div>
        </form>`;
      }
      default:
        return nothing;
    }
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('mode') && this.mode !== null) {
      (this.renderRoot.querySelector('#field, [data-confirm], .reactions[role=group] button') as HTMLElement | null)?.focus();
    }
  }

  #open(mode: Mode, opener: HTMLElement): void {
    this.#opener = opener;
    this.notice = '';
    this.mode = mode;
  }

  #close = (): void => {
    const action = this.#opener?.dataset.action;
    this.mode = null;
    this.#opener = null;
    // The opener is re-rendered with the actions row: find it again and give focus back.
    void this.updateComplete.then(() => (this.renderRoot.querySelector(`[data-action="${action}"]`) as HTMLElement | null)?.focus());
  };

  #onKeydown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape' && this.mode !== null) {
      event.stopPropagation();
      this.#close();
    }
  };

  /** In the edit field, Enter saves and Shift+Enter starts a new line, as in the composer. */
  #fieldKey = (event: KeyboardEvent): void => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && this.mode === 'edit') {
      event.preventDefault();
      (event.target as HTMLTextAreaElement).form!.requestSubmit();
    }
  };

  #submit = (event: SubmitEvent): void => {
    event.preventDefault();
    const message = this.message!;
    const value = ((event.target as HTMLFormElement).elements.namedItem('field') as HTMLTextAreaElement).value.trim();
    if (!value) return;
    const client = this.client!;
    if (this.mode === 'edit') {
      if (value !== message.body) this.#act('edit', () => client.edit(message.id, value));
      this.#close();
    } else if (this.mode === 'report') {
      this.#act('report', () => client.report(message.id, value), false, this.t('message.reported'));
      this.#close();
    } else if (this.mode === 'hide') {
      this.#act('hide', () => client.command({ type: 'mod.hide', messageId: message.id, reason: value }));
      this.#close();
    }
  };

  #react(reaction: string, active: boolean): void {
    this.#act('react', () => this.client!.react(this.message!.id, reaction, active), false, '', reaction);
  }

  /**
   * Runs an action through the client (optimistic: the snapshot shows it at once), tells the page, and
   * shows a refusal where it happened.
   */
  #act(action: MessageAction, run: () => unknown, close = false, done = '', reaction?: string): void {
    if (!this.client) return;
    const messageId = this.message!.id;
    this.notice = '';
    this.emit('hearth-message-action', { action, messageId, ...(reaction ? { reaction } : {}) });
    if (close) this.mode = null;
    Promise.resolve()
      .then(run)
      .then(
        () => done && (this.notice = done),
        (error: { code?: string; message?: string }) => {
          this.notice = this.describeError(error);
          this.emit('hearth-error', { code: error?.code ?? 'internal', message: error?.message ?? String(error) });
        },
      );
  }
}
