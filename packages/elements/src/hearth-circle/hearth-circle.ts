import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { createCircleClient, type CircleClient, type Transport } from '@hearth/core';
import { LIMITS, clipLine } from '@hearth/protocol';
import { HearthElement } from '../shared/element.js';
import { controls, tokens } from '../shared/styles.js';
import { directionOf, resolveLanguage } from '../i18n/catalogue.js';
import { ensureElement } from '../shared/lazy.js';
import { circleStyles } from './hearth-circle.styles.js';

type View = 'threads' | 'members' | 'moderation';

/** Errors after which the reader has to join (again) rather than wait. */
const NEEDS_JOIN = new Set(['unauthorized', 'invite_expired', 'not_found', 'invalid', 'pending_approval']);

/**
 * The drop-in: a whole private circle from one tag. Reads its configuration from attributes, creates the
 * client and its transport, and shows the join gate, then the threads (or one page-keyed thread), the
 * members and, for moderators, the moderation tools, with a calm connection status.
 *
 * ```html
 * <script type="module" src="/hearth.js"></script>
 * <hearth-circle server="https://circles.example.org" circle="readers" thread="/posts/my-article"></hearth-circle>
 * ```
 *
 * Composing over another transport: set the `client` property to a client from `@hearth/core`.
 *
 * @tagname hearth-circle
 * @summary A complete private circle.
 *
 * @event hearth-joined - The viewer joined. `detail: { memberId }`
 * @event hearth-status - The connection status changed. `detail: { status }`
 * @event hearth-thread-select - A thread was opened. `detail: { threadId }`
 * @event hearth-send - A message was sent (or queued). `detail: { messageId, threadId, threadKey, replyTo }`
 * @event hearth-message-action - The viewer acted on a message. `detail: { action, messageId, reaction? }`
 * @event hearth-moderate - A moderator acted. `detail: { action, targetId }`
 * @event hearth-error - A command was refused. `detail: { code, message }`
 *
 * @csspart circle - The widget's frame.
 * @csspart header - The header with the circle's name and navigation.
 * @csspart nav - The navigation between threads, members and moderation.
 *
 * @cssproperty --hearth-color-surface - Background.
 * @cssproperty --hearth-color-surface-raised - Background of hovered and secondary surfaces.
 * @cssproperty --hearth-color-text - Text colour.
 * @cssproperty --hearth-color-text-muted - Secondary text colour.
 * @cssproperty --hearth-color-border - Borders.
 * @cssproperty --hearth-color-accent - Accent: primary buttons, links, highlights.
 * @cssproperty --hearth-color-on-accent - Text on the accent colour.
 * @cssproperty --hearth-color-accent-soft - Soft accent: flair, selection, content warnings.
 * @cssproperty --hearth-color-danger - Errors and destructive actions.
 * @cssproperty --hearth-color-focus - Focus ring.
 * @cssproperty --hearth-radius - Corner radius.
 * @cssproperty --hearth-space - Base spacing.
 * @cssproperty --hearth-font-family - Font (default: inherited from the page).
 * @cssproperty --hearth-font-size - Font size (default: inherited from the page).
 * @cssproperty --hearth-circle-background - Background of the widget's frame.
 * @cssproperty --hearth-circle-border - Border of the widget's frame (e.g. `none`).
 */
export class HearthCircleElement extends HearthElement {
  static override styles = [tokens, controls, circleStyles];

  /**
   * Makes the transport for a `server` URL. The drop-in bundle sets it to the WebSocket transport; without
   * it, give the element a `client`.
   */
  static transportFactory: ((server: string) => Transport) | null = null;
  /** Server used when the `server` attribute is left out (the drop-in: the server that served `hearth.js`). */
  static defaultServer = '';

  /** URL of the Hearth server (e.g. `https://circles.example.org`); defaults to the one that served the drop-in. */
  @property() server = '';
  /** The circle's id. */
  @property() circle = '';
  /** Key of a page-keyed thread (e.g. the page's path); when set, the circle shows that one thread. */
  @property() thread = '';
  /** Title for the page-keyed thread when the first post creates it (default: the page's title). */
  @property({ attribute: 'thread-title' }) threadTitle = '';
  /** An invite code; read from the page URL's `?invite=` when not set. */
  @property() invite = '';
  /** A sign-on token (JWT) from the host site, to join without an invite. */
  @property({ attribute: 'sso-token' }) ssoToken = '';
  /** The circle's norms to show on the join gate, when the page provides them before joining. */
  @property() norms = '';

  @state() private view: View = 'threads';
  @state() private selected: string | null = null;
  @state() private gate = false;

  /** The client this element created (and so disposes of); null when the page gave one. */
  #owned: CircleClient | null = null;
  #ownedFor = '';
  #dirSet = false;

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.client) this.#createClient();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.#owned) {
      this.#owned.dispose();
      if (this.client === this.#owned) this.client = null;
      this.#owned = null;
    }
  }

  #createClient(): void {
    const factory = HearthCircleElement.transportFactory;
    const server = this.server || HearthCircleElement.defaultServer;
    if (!server || !this.circle || !factory) return;
    this.#owned = createCircleClient({ transport: factory(server), circle: this.circle });
    this.#ownedFor = this.#target();
    this.client = this.#owned;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // A client this element made belongs to one server and circle: another pair needs another client.
    if (this.#owned && this.#ownedFor !== this.#target()) {
      this.#owned.dispose();
      this.#owned = null;
      this.client = null;
    }
    if (!this.client && this.isConnected) this.#createClient();
    if (changed.has('client')) {
      const client = this.client;
      this.gate = !!client && !client.hasCredentials;
      if (client && client.hasCredentials && client.getSnapshot().status === 'initial') client.connect();
    }
    super.willUpdate(changed);
    const snapshot = this.snapshot;
    if (snapshot?.me && snapshot.status === 'connected' && this.gate) {
      // The gate closes as soon as the client is in, which may be before the join form hears back: the
      // circle tells the page itself.
      this.gate = false;
      this.emit('hearth-joined', { memberId: snapshot.me.id });
    }
    else if (snapshot?.status === 'disconnected' && NEEDS_JOIN.has(snapshot.error?.code ?? '')) this.gate = true;
    if (this.view === 'moderation' && snapshot?.me && snapshot.me.role === 'member') this.view = 'threads';
    // Moderators get their tools fetched in the background, so the tab opens at once.
    if (snapshot?.me && snapshot.me.role !== 'member') ensureElement('hearth-moderation');
  }

  protected override updated(): void {
    // Direction follows the interface language unless the page set one on the element.
    if (this.#dirSet || !this.hasAttribute('dir')) {
      this.dir = directionOf(resolveLanguage(this.locale));
      this.#dirSet = true;
    }
  }

  override render(): TemplateResult {
    const snapshot = this.snapshot;
    const lang = this.locale;
    if (!this.client) return html`<div class="circle" part="circle"><p class="muted">${this.t('status.connecting')}</p></div>`;
    const status = html`<hearth-status theme=${this.theme} lang=${lang} .client=${this.client}></hearth-status>`;
    if (this.gate || !snapshot?.me) {
      return html`<div class="circle" part="circle" aria-label=${this.t('circle.label', { circle: this.circle })} role="region">
        ${status}
        ${this.gate || snapshot?.status === 'initial'
          ? html`<hearth-join theme=${this.theme} lang=${lang} .client=${this.client} .invite=${this.#invite()} .ssoToken=${this.ssoToken}
              .norms=${this.norms} @hearth-joined=${(e: Event) => e.stopPropagation()}></hearth-join>`
          : nothing}
      </div>`;
    }
    const moderator = snapshot.me.role !== 'member';
    const tab = (view: View, label: string) =>
      html`<button type="button" aria-current=${this.view === view ? 'page' : 'false'} @click=${() => (this.view = view)}>${label}</button>`;
    return html`<div class="circle" part="circle" role="region" aria-label=${this.t('circle.label', { circle: snapshot.circle?.name ?? this.circle })}>
      <div class="header" part="header">
        <h2 dir="auto">${snapshot.circle?.name ?? this.circle}</h2>
        <nav part="nav" aria-label=${snapshot.circle?.name ?? this.circle}>
          ${tab('threads', this.t(this.thread ? 'circle.discussion' : 'circle.threads'))} ${tab('members', this.t('circle.members'))}
          ${moderator ? tab('moderation', this.t('circle.moderation')) : nothing}
        </nav>
      </div>
      ${status} ${this.#renderView(lang)}
    </div>`;
  }

  #renderView(lang: string) {
    if (this.view === 'members') {
      return html`<hearth-members theme=${this.theme} lang=${lang} .client=${this.client}></hearth-members>
        <div class="foot"><button type="button" class="quiet" @click=${this.#signOut}>${this.t('circle.signOut')}</button></div>`;
    }
    if (this.view === 'moderation') return html`<hearth-moderation theme=${this.theme} lang=${lang} .client=${this.client}></hearth-moderation>`;
    if (this.thread) {
      return html`<hearth-thread theme=${this.theme} lang=${lang} .client=${this.client} .threadKey=${this.thread}
        .threadTitle=${clipLine(this.threadTitle || document.title || this.thread, LIMITS.threadTitleMaxChars)} hide-title></hearth-thread>`;
    }
    const selected = this.selected && this.snapshot?.threads[this.selected] ? this.selected : null;
    return html`<div class="panes split">
      <hearth-thread-list data-pane theme=${this.theme} lang=${lang} .client=${this.client} .selected=${selected} ?hidden=${!!selected}
        @hearth-thread-select=${(e: CustomEvent<{ threadId: string }>) => this.#open(e.detail.threadId)}></hearth-thread-list>
      ${selected
        ? html`<div data-pane>
            <button type="button" class="quiet back" @click=${this.#back}>← ${this.t('circle.back')}</button>
            <hearth-thread theme=${this.theme} lang=${lang} .client=${this.client} .threadId=${selected}></hearth-thread>
          </div>`
        : nothing}
    </div>`;
  }

  #open(threadId: string): void {
    this.selected = threadId;
  }

  #back = (): void => {
    const previous = this.selected;
    this.selected = null;
    // Back on the list, focus the thread just left, as a keyboard user expects.
    void this.updateComplete.then(() => {
      const list = this.renderRoot.querySelector('hearth-thread-list');
      const button = list?.shadowRoot?.querySelector<HTMLElement>('[aria-current="true"]') ?? list?.shadowRoot?.querySelector<HTMLElement>('button');
      if (previous) button?.focus();
    });
  };

  #signOut = async (): Promise<void> => {
    await this.client?.signOut();
    this.gate = true;
  };

  #target(): string {
    return `${this.server || HearthCircleElement.defaultServer} ${this.circle}`;
  }

  #invite(): string {
    if (this.invite) return this.invite;
    try {
      return new URLSearchParams(location.search).get('invite') ?? '';
    } catch {
      return '';
    }
  }
}
