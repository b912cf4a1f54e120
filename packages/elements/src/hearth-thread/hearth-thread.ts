import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { MessageView, ThreadView } from '@hearth/core';
import { HearthElement } from '../shared/element.js';
import { controls, tokens } from '../shared/styles.js';
import { excerpt } from '../markdown/render.js';
import { warmUpTime } from '../shared/time.js';
import type { HearthComposerElement } from '../hearth-composer/hearth-composer.js';
import type { HearthMessageElement } from '../hearth-message/hearth-message.js';
import { threadStyles } from './hearth-thread.styles.js';

/** At most this many message elements are in the DOM, however long the thread. */
export const WINDOW = 150;
/** Messages fetched, or slid into the window, per step. */
const PAGE = 50;
/**
 * The first page of a thread is smaller: a few screens is all a reader sees on opening it, and every message
 * rendered before the first paint delays it (here 25 messages went from data to painted in ~110 ms, 50 in ~180).
 */
const FIRST_PAGE = 25;
/** How close to an edge (px) counts as being there. */
const EDGE = 48;

/**
 * A thread: its messages, oldest first, with older pages loaded as the reader scrolls up, and a composer.
 * The DOM holds a window of at most 150 messages; the reading position is kept when older messages arrive;
 * while the reader is scrolled up, new messages raise an indicator instead of moving the page; a polite
 * live region announces them to screen readers.
 *
 * Give it `thread-id`, or `thread-key` for a page-keyed thread (one per article), which the first post creates.
 *
 * @tagname hearth-thread
 * @summary Messages of one thread, and the composer.
 *
 * @event hearth-send - Re-dispatched from the composer. `detail: { messageId, threadId, threadKey, replyTo }`
 *
 * @csspart title - The thread's title.
 * @csspart list - The scrolling list of messages.
 * @csspart new-messages - The "new messages" button shown while scrolled up.
 * @csspart composer - The composer.
 *
 * @cssproperty --hearth-thread-height - Largest height of the message list before it scrolls (default `min(70vh, 36em)`).
 */
export class HearthThreadElement extends HearthElement {
  static override styles = [tokens, controls, threadStyles];

  /** Id of the thread to show. */
  @property({ attribute: 'thread-id' }) threadId: string | null = null;
  /** Key of a page-keyed thread (e.g. the page's path), used when `thread-id` is not set. */
  @property({ attribute: 'thread-key' }) threadKey: string | null = null;
  /** Title given to a page-keyed thread when the first post creates it. */
  @property({ attribute: 'thread-title' }) threadTitle: string | null = null;
  /** Hides the title heading (e.g. under an article whose title is right above). */
  @property({ type: Boolean, attribute: 'hide-title' }) hideTitle = false;

  @state() private windowFirstId: string | null = null;
  @state() private following = true;
  @state() private newCount = 0;
  @state() private replyTo: MessageView | null = null;
  @state() private loading = false;
  @state() private announcement = '';
  @state() private now = Date.now();

  @query('.list') private list!: HTMLElement | null;

  #loaded = new Set<string>();
  #lastId: string | null = null;
  #anchor: { id: string; offset: number } | null = null;
  #updates = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  /** While following, a list that changes size (a rotated phone, a revealed warning) stays at its newest. */
  #resize = new ResizeObserver(() => {
    if (this.following && this.list) this.list.scrollTop = this.list.scrollHeight;
  });

  override connectedCallback(): void {
    super.connectedCallback();
    // Relative times ("5 minutes ago") move on once a minute.
    this.#timer = setInterval(() => (this.now = Date.now()), 60_000);
    warmUpTime(this.locale);
    void this.updateComplete.then(() => this.list && this.isConnected && this.#resize.observe(this.list));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#timer);
    this.#resize.disconnect();
  }


  /** The thread as the snapshot shows it now, by id or by key. */
  get view(): ThreadView | undefined {
    const snapshot = this.snapshot;
    if (!snapshot) return undefined;
    return this.threadId ? snapshot.threads[this.threadId] : this.threadKey ? snapshot.threadsByKey[this.threadKey] : undefined;
  }

  /** The messages currently in the DOM: a window of at most `WINDOW`. */
  get windowed(): readonly MessageView[] {
    const messages = this.view?.messages ?? [];
    const [start, end] = this.#range(messages);
    return messages.slice(start, end);
  }

  #range(messages: readonly MessageView[]): [number, number] {
    if (this.following || !this.windowFirstId) {
      const start = Math.max(0, messages.length - WINDOW);
      return [start, messages.length];
    }
    let start = messages.findIndex((m) => m.id === this.windowFirstId);
    if (start < 0) start = Math.max(0, messages.length - WINDOW);
    return [start, Math.min(messages.length, start + WINDOW)];
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('threadId') || changed.has('threadKey')) {
      this.following = true;
      this.windowFirstId = null;
      this.newCount = 0;
      this.replyTo = null;
      this.#lastId = null;
    }
    this.#noticeNewMessages();
    // Measured before the first of a run of updates and put back after the last: updates that come while
    // the messages are still rendering must not measure a half-done layout.
    if (this.following) this.#anchor = null;
    else this.#anchor ??= this.#captureAnchor();
  }

  /** Counts and announces messages that arrived at the end since the last render. */
  #noticeNewMessages(): void {
    const messages = this.view?.messages ?? [];
    const last = messages[messages.length - 1];
    const previous = this.#lastId;
    this.#lastId = last?.id ?? null;
    if (!previous || !last || last.id === previous) return;
    const from = messages.findIndex((m) => m.id === previous);
    if (from < 0) return;
    const me = this.snapshot?.me?.id;
    const arrived = messages.slice(from + 1).filter((m) => !m.pending && m.authorId !== me && m.state === 'visible');
    if (arrived.length === 0) return;
    if (!this.following) this.newCount += arrived.length;
    if (arrived.length === 1) {
      const author = this.snapshot?.members[arrived[0]!.authorId]?.displayName ?? this.t('message.unknownAuthor');
      const text = arrived[0]!.contentWarning ? this.t('message.cw', { warning: arrived[0]!.contentWarning }) : excerpt(arrived[0]!.body, 140);
      this.announcement = this.t('thread.announce', { author, text });
    } else {
      this.announcement = this.t('thread.announceMany', { count: arrived.length });
    }
  }

  /** The first message at least partly in view, and where it sits, to put it back there after the update. */
  #captureAnchor(): { id: string; offset: number } | null {
    const list = this.list;
    if (!list) return null;
    const top = list.getBoundingClientRect().top;
    for (const element of list.querySelectorAll<HTMLElement>('hearth-message')) {
      const box = element.getBoundingClientRect();
      if (box.bottom > top) return { id: element.dataset.id!, offset: box.top - top };
    }
    return null;
  }

  protected override async updated(changed: PropertyValues<this>): Promise<void> {
    this.#loadFirstPage();
    const list = this.list;
    if (!list) return;
    // Messages render after this element does: place the scroll once they have their height. Only the
    // latest of overlapping updates does it, once everything it rendered has its size.
    const run = ++this.#updates;
    await Promise.all([...list.querySelectorAll<HearthMessageElement>('hearth-message')].map((m) => m.updateComplete));
    if (run !== this.#updates) return;
    if (this.following) {
      list.scrollTop = list.scrollHeight;
      const view = this.view;
      if (view?.id && view.unread > 0) this.client?.markRead(view.id);
    } else if (this.#anchor) {
      const element = list.querySelector<HTMLElement>(`hearth-message[data-id="${CSS.escape(this.#anchor.id)}"]`);
      if (element) list.scrollTop += element.getBoundingClientRect().top - list.getBoundingClientRect().top - this.#anchor.offset;
      this.#anchor = null;
    }
  }

  /** A thread's newest page is fetched the first time it is shown. */
  #loadFirstPage(): void {
    const view = this.view;
    if (!view?.id || this.#loaded.has(view.id) || !this.client || this.snapshot?.status !== 'connected') return;
    this.#loaded.add(view.id);
    if (view.hasOlder) void this.#fetchOlder(view.id, FIRST_PAGE);
  }

  async #fetchOlder(threadId: string, limit = PAGE): Promise<void> {
    if (this.loading) return;
    this.loading = true;
    try {
      await this.client!.loadOlder(threadId, limit);
    } catch {
      this.#loaded.delete(threadId); // try again next time
    } finally {
      this.loading = false;
    }
  }

  /** Shows older messages: slides the window up, or fetches the next older page when at its start. */
  async showOlder(): Promise<void> {
    const view = this.view;
    if (!view) return;
    const messages = view.messages;
    const [start] = this.#range(messages);
    if (start > 0) {
      this.following = false;
      this.windowFirstId = messages[Math.max(0, start - PAGE)]!.id;
      return;
    }
    if (!view.hasOlder || !view.id || this.loading) return;
    this.following = false;
    this.windowFirstId = messages[0]?.id ?? null;
    await this.#fetchOlder(view.id);
    // The fetched page sits above the window's first message: slide up onto it.
    const now = this.view?.messages ?? [];
    const at = now.findIndex((m) => m.id === this.windowFirstId);
    if (at > 0) this.windowFirstId = now[Math.max(0, at - PAGE)]!.id;
  }

  /** Jumps to the newest message and follows new ones again. */
  scrollToLatest(): void {
    this.following = true;
    this.windowFirstId = null;
    this.newCount = 0;
    const list = this.list;
    if (list) list.scrollTop = list.scrollHeight;
  }

  #onScroll = (): void => {
    const list = this.list;
    const view = this.view;
    if (!list || !view) return;
    const messages = view.messages;
    const [start, end] = this.#range(messages);
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < EDGE;
    if (list.scrollTop < EDGE && (start > 0 || view.hasOlder)) {
      void this.showOlder();
    } else if (atBottom && end < messages.length) {
      // Slide the window down towards the newest messages.
      this.following = false;
      this.windowFirstId = messages[Math.min(messages.length - WINDOW, start + PAGE)]?.id ?? null;
    } else if (atBottom && !this.following) {
      this.following = true;
      this.windowFirstId = null;
      this.newCount = 0;
    } else if (!atBottom && this.following) {
      this.following = false;
      this.windowFirstId = messages[start]?.id ?? null;
    }
  };

  /** Arrow keys move between messages; Home and End jump to the first and last shown. */
  #onListKey = (event: KeyboardEvent): void => {
    const origin = event.composedPath()[0] as HTMLElement;
    if (origin.matches?.('textarea, input')) return;
    const messages = [...this.list!.querySelectorAll<HearthMessageElement>('hearth-message')];
    if (messages.length === 0) return;
    const current = messages.findIndex((m) => m.contains(origin) || m.shadowRoot!.contains(origin) || m === origin);
    let next: number;
    if (event.key === 'ArrowDown') next = current < 0 ? 0 : Math.min(messages.length - 1, current + 1);
    else if (event.key === 'ArrowUp') next = current < 0 ? messages.length - 1 : Math.max(0, current - 1);
    else if (event.key === 'Home' && current >= 0) next = 0;
    else if (event.key === 'End' && current >= 0) next = messages.length - 1;
    else return;
    event.preventDefault();
    messages[next]!.focus();
    if (next === 0 && event.key === 'ArrowUp') void this.showOlder();
  };

  #onReply = (event: CustomEvent<{ messageId: string }>): void => {
    this.replyTo = this.view?.messages.find((m) => m.id === event.detail.messageId) ?? null;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HearthComposerElement>('hearth-composer')?.focus());
  };

  override render(): TemplateResult {
    const snapshot = this.snapshot;
    const view = this.view;
    const messages = view?.messages ?? [];
    const shown = this.windowed;
    const [start] = this.#range(messages);
    const byId = new Map(messages.map((m) => [m.id, m]));
    const members = snapshot?.members ?? {};
    const title = view?.thread?.title ?? this.threadTitle;
    return html`
      <section class="thread" aria-label=${title ?? this.t('thread.label')}>
        ${title && !this.hideTitle ? html`<h2 part="title" dir="auto">${title}</h2>` : nothing}
        <div class="list" part="list" tabindex="0" role="region" aria-label=${this.t('thread.label')} @scroll=${this.#onScroll} @keydown=${this.#onListKey}
          @hearth-reply=${this.#onReply}>
          ${start > 0 || view?.hasOlder && messages.length > 0
            ? html`<div class="edge"><button type="button" class="quiet" ?disabled=${this.loading} @click=${() => this.showOlder()}>
                ${this.t(this.loading ? 'thread.loading' : 'thread.loadOlder')}</button></div>`
            : messages.length > 0 ? html`<div class="edge">${this.t('thread.start')}</div>` : nothing}
          ${messages.length === 0 ? html`<p class="empty">${this.t(this.loading ? 'thread.loading' : 'thread.empty')}</p>` : nothing}
          ${repeat(shown, (m) => m.id, (m) => {
            const replied = m.replyTo ? byId.get(m.replyTo) ?? null : null;
            return html`<hearth-message data-id=${m.id} theme=${this.theme} .client=${this.client} .message=${m} .author=${members[m.authorId] ?? null}
              .me=${snapshot?.me ?? null} .reactions=${snapshot?.circle?.reactions ?? []} .replyMessage=${replied}
              .replyAuthor=${replied ? members[replied.authorId] ?? null : null} .now=${this.now}></hearth-message>`;
          })}
        </div>
        ${this.newCount > 0
          ? html`<button type="button" class="new primary" part="new-messages" @click=${() => this.scrollToLatest()}>
              ${this.t('thread.newMessages', { count: this.newCount })} ↓</button>`
          : nothing}
        <div class="sr-only" aria-live="polite">${this.announcement}</div>
        <hearth-composer part="composer" theme=${this.theme} .client=${this.client} .threadId=${view?.id ?? this.threadId}
          .threadKey=${this.threadKey} .threadTitle=${this.threadTitle} .replyTo=${this.replyTo}
          @hearth-reply-cancel=${() => (this.replyTo = null)} @hearth-send=${() => this.scrollToLatest()}></hearth-composer>
      </section>
    `;
  }
}
