import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { LIMITS } from '@hearth/protocol';
import type { MessageView } from '@hearth/core';
import { HearthElement } from '../shared/element.js';
import { controls, tokens } from '../shared/styles.js';
import { fullTime } from '../shared/time.js';
import { excerpt } from '../markdown/render.js';
import { composerStyles } from './hearth-composer.styles.js';

/** Drafts survive switching threads and re-rendering; keyed by circle and thread, kept for the page's life. */
const drafts = new Map<string, string>();

/**
 * The message composer: multi-line, Enter sends and Shift+Enter starts a new line, an optional content
 * warning, a reply target, and the state of the last message sent (queued while offline, failed with a
 * retry). The draft is kept per thread.
 *
 * @tagname hearth-composer
 * @summary Writes messages into a thread.
 *
 * @event hearth-send - A message was handed to the client. `detail: { messageId, threadId, threadKey, replyTo }`
 * @event hearth-reply-cancel - The reply target was dropped (Escape, the cancel button, or sending).
 * @event hearth-error - The client refused the message. `detail: { code, message }`
 *
 * @csspart form - The composer's frame.
 * @csspart textarea - The message field.
 * @csspart send - The send button.
 *
 * @cssproperty --hearth-composer-background - Background of the composer.
 */
export class HearthComposerElement extends HearthElement {
  static override styles = [tokens, controls, composerStyles];

  /** Id of the thread to post into. */
  @property({ attribute: 'thread-id' }) threadId: string | null = null;
  /** Key of a page-keyed thread to post into (created by the first post) when `thread-id` is not set. */
  @property({ attribute: 'thread-key' }) threadKey: string | null = null;
  /** Title of the page-keyed thread, should the first post create it. */
  @property({ attribute: 'thread-title' }) threadTitle: string | null = null;
  /** The message being replied to, if any. */
  @property({ attribute: false }) replyTo: MessageView | null = null;

  @state() private text = '';
  @state() private cwOn = false;
  @state() private lastSent: string | null = null;

  #shownKey: string | null = null;

  /** A page-keyed thread keeps its draft when the first post gives it an id. */
  get #draftKey(): string {
    return `${this.client?.circle ?? ''}\n${this.threadKey ? `key:${this.threadKey}` : this.threadId ?? ''}`;
  }

  /** Puts the caret in the message field. */
  override focus(options?: FocusOptions): void {
    this.renderRoot.querySelector('textarea')?.focus(options);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (this.#draftKey !== this.#shownKey) {
      this.#shownKey = this.#draftKey;
      this.text = drafts.get(this.#draftKey) ?? '';
      this.lastSent = null;
    }
  }

  override render(): TemplateResult {
    const snapshot = this.snapshot;
    const me = snapshot?.me;
    if (!me) return html`<p class="muted">${this.t('composer.signIn')}</p>`;
    const over = this.text.length - LIMITS.bodyMaxChars;
    const muted = me.state === 'muted' && me.mutedUntil !== null && me.mutedUntil > Date.now();
    const replyAuthor = this.replyTo ? snapshot.members[this.replyTo.authorId]?.displayName ?? this.t('message.unknownAuthor') : '';
    return html`
      <form part="form" @submit=${this.#onSubmit} aria-label=${this.t('composer.label')}>
        ${this.replyTo
          ? html`<div class="replying">
              <span>${this.tIsolated('composer.replyingTo', { author: replyAuthor })}: <span dir="auto">${excerpt(this.replyTo.body, 60)}</span></span>
              <button type="button" class="quiet" @click=${this.#cancelReply}>${this.t('composer.cancelReply')}</button>
            </div>`
          : nothing}
        ${this.cwOn
          ? html`<label class="sr-only" for="cw">${this.t('composer.cwLabel')}</label>
              <input id="cw" name="cw" maxlength=${LIMITS.contentWarningMaxChars} placeholder=${this.t('composer.cwLabel')} dir="auto" />`
          : nothing}
        <label class="sr-only" for="body">${this.t('composer.label')}</label>
        <textarea id="body" part="textarea" rows="2" dir="auto" placeholder=${this.t('composer.placeholder')} ?disabled=${muted}
          .value=${this.text} @input=${this.#onInput} @keydown=${this.#onKeydown}
          aria-invalid=${over > 0 ? 'true' : 'false'} aria-describedby="status"></textarea>
        <div class="bar">
          <label class="cw-toggle"><input type="checkbox" .checked=${this.cwOn} @change=${(e: Event) => (this.cwOn = (e.target as HTMLInputElement).checked)} />
            ${this.t('composer.cw')}</label>
          <div class="row">
            ${over > 0 ? html`<span class="over">${this.t('composer.tooLong', { count: over })}</span>` : nothing}
            <button type="submit" class="primary" part="send" ?disabled=${muted || over > 0 || this.text.trim() === ''}>${this.t('composer.send')}</button>
          </div>
        </div>
        <div id="status" class="status ${this.#lastState()?.pending ?? ''}" role="status">${muted ? this.t('composer.muted', { time: fullTime(this.locale, me.mutedUntil!) }) : this.#renderStatus()}</div>
      </form>
    `;
  }

  /** The last message sent from here, as the snapshot shows it now. */
  #lastState(): MessageView | undefined {
    if (!this.lastSent || !this.snapshot) return undefined;
    const thread = this.threadId ? this.snapshot.threads[this.threadId] : this.threadKey ? this.snapshot.threadsByKey[this.threadKey] : undefined;
    return thread?.messages.find((m) => m.id === this.lastSent);
  }

  #renderStatus() {
    const last = this.#lastState();
    if (!last) return '';
    if (last.pending === 'failed') {
      return html`${this.t('composer.failed', { reason: this.describeError(last.error) })}
        <button type="button" class="link" @click=${() => this.client!.retry(last.id)}>${this.t('message.retry')}</button>`;
    }
    if (last.pending === 'sending') return this.snapshot!.status === 'connected' ? this.t('composer.sending') : this.t('composer.queued');
    return '';
  }

  #onInput = (event: InputEvent): void => {
    this.text = (event.target as HTMLTextAreaElement).value;
    drafts.set(this.#draftKey, this.text);
  };

  #onKeydown = (event: KeyboardEvent): void => {
    // While an input method composes (Japanese, Chinese…), Enter confirms the composition, not the message.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && !event.altKey) {
      event.preventDefault();
      this.send();
    } else if (event.key === 'Escape' && this.replyTo) {
      event.preventDefault();
      this.#cancelReply();
    }
  };

  #onSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    this.send();
  };

  #cancelReply = (): void => {
    this.replyTo = null;
    this.emit('hearth-reply-cancel', {});
    this.focus();
  };

  /** Sends what is written. The message appears in the thread at once and is delivered when connected. */
  send(): void {
    const client = this.client;
    const body = this.text;
    if (!client || body.trim() === '' || body.length > LIMITS.bodyMaxChars) return;
    if (!this.threadId && !this.threadKey) return;
    const cw = (this.renderRoot.querySelector('#cw') as HTMLInputElement | null)?.value.trim() || null;
    const replyTo = this.replyTo?.id ?? null;
    const target = this.threadId
      ? { threadId: this.threadId }
      : { threadKey: this.threadKey!, ...(this.threadTitle ? { threadTitle: this.threadTitle } : {}) };
    const sent = client.post(target, body, { contentWarning: cw, replyTo });
    // The id is only known from the snapshot: the newest pending message of ours in this thread.
    const pending = this.#newestPending();
    this.lastSent = pending?.id ?? null;
    this.text = '';
    this.cwOn = false;
    drafts.delete(this.#draftKey);
    if (this.replyTo) this.#cancelReplySilently();
    this.emit('hearth-send', { messageId: this.lastSent ?? '', threadId: this.threadId, threadKey: this.threadId ? null : this.threadKey, replyTo });
    sent.catch(
      (error: { code?: string; message?: string }) => this.emit('hearth-error', { code: error?.code ?? 'internal', message: error?.message ?? '' }),
    );
  }

  #cancelReplySilently(): void {
    this.replyTo = null;
    this.emit('hearth-reply-cancel', {});
  }

  #newestPending(): MessageView | undefined {
    const snapshot = this.client!.getSnapshot();
    const thread = this.threadId ? snapshot.threads[this.threadId] : snapshot.threadsByKey[this.threadKey!];
    const messages = thread?.messages ?? [];
    for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.pending) return messages[i];
    return undefined;
  }
}
