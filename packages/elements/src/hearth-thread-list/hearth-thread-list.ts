import { html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { LIMITS } from '@hearth/protocol';
import { HearthElement } from '../shared/element.js';
import { controls, tokens } from '../shared/styles.js';
import { relativeTime } from '../shared/time.js';
import { threadListStyles } from './hearth-thread-list.styles.js';

/**
 * The circle's threads, most recent activity first (chronology, not ranking), with unread counts and a
 * form to start a thread.
 *
 * @tagname hearth-thread-list
 * @summary The circle's threads.
 *
 * @event hearth-thread-select - A thread was chosen. `detail: { threadId }`
 * @event hearth-error - Creating a thread was refused. `detail: { code, message }`
 *
 * @csspart list - The list of threads.
 * @csspart thread - A thread's button.
 * @csspart new-thread - The form that starts a thread.
 */
export class HearthThreadListElement extends HearthElement {
  static override styles = [tokens, controls, threadListStyles];

  /** The thread shown as current. */
  @property({ attribute: 'selected' }) selected: string | null = null;
  /** Hides the form that starts a thread. */
  @property({ type: Boolean, attribute: 'no-create' }) noCreate = false;

  @state() private error = '';

  override render(): TemplateResult {
    const snapshot = this.snapshot;
    const threads = snapshot?.threadList ?? [];
    const now = Date.now();
    return html`
      <nav aria-label=${this.t('threads.label')}>
        ${threads.length === 0 ? html`<p class="empty">${this.t('threads.empty')}</p>` : nothing}
        <ul part="list">
          ${threads.map((view) => {
            const thread = view.thread!;
            const last = thread.lastMessageAt ?? thread.createdAt;
            return html`<li>
              <button type="button" class="thread" part="thread" aria-current=${String(thread.id === this.selected)}
                @click=${() => this.select(thread.id)}>
                <span class="title" dir="auto">${thread.title}</span>
                ${view.unread > 0 ? html`<span class="unread">${this.t('threads.unread', { count: view.unread })}</span>` : nothing}
                <span class="meta">${this.t('threads.messages', { count: thread.messageCount })} · ${relativeTime(this.locale, last, now)}</span>
              </button>
            </li>`;
          })}
        </ul>
        ${this.noCreate || !snapshot?.me
          ? nothing
          : html`<form part="new-thread" @submit=${this.#create}>
              <label class="sr-only" for="title">${this.t('threads.title')}</label>
              <input id="title" name="title" required maxlength=${LIMITS.threadTitleMaxChars} placeholder=${this.t('threads.new')} dir="auto" />
              <button type="submit">${this.t('threads.create')}</button>
            </form>`}
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      </nav>
    `;
  }

  /** Chooses a thread, as a click on it does. */
  select(threadId: string): void {
    this.selected = threadId;
    this.emit('hearth-thread-select', { threadId });
  }

  #create = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const input = (event.target as HTMLFormElement).elements.namedItem('title') as HTMLInputElement;
    const title = input.value.trim();
    if (!title || !this.client) return;
    this.error = '';
    input.value = '';
    try {
      this.select(await this.client.createThread(title));
    } catch (error) {
      input.value = title;
      this.error = this.describeError(error);
    }
  };
}
