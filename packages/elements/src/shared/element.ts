import { LitElement, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { CircleClient, CircleSnapshot } from '@hearth/core';
import { onLanguagesChanged, translate, translateParts, type MessageKey, type Params } from '../i18n/catalogue.js';
import { isolate } from './isolate.js';
import { VERSION } from './define.js';
import { emit, type HearthEventDetails, type HearthEventName } from './events.js';

/**
 * What every Hearth element shares: the circle client it binds to, its language, its colour scheme, and
 * typed events. Elements that show circle state re-render when the client's snapshot changes; since
 * snapshots keep the references of unchanged parts, children passed those parts skip their own updates.
 */
export class HearthElement extends LitElement {
  /** Registered version; a second copy of the bundle compares it before standing aside. */
  static hearthVersion = VERSION;
  /** Whether instances re-render on every snapshot. Leaf elements fed by properties opt out. */
  protected static subscribes = true;

  /** The headless circle client (from `@hearth/core`) this element shows and acts through. */
  @property({ attribute: false }) client: CircleClient | null = null;

  /**
   * Colour scheme: `light`, `dark`, or `auto` (follows `prefers-color-scheme`).
   * @attr theme
   */
  @property({ reflect: true }) theme: 'light' | 'dark' | 'auto' = 'auto';

  /** Language of the interface (a BCP 47 tag). Inherited from the nearest ancestor with `lang` when unset. */
  @property() override lang = '';

  /** The client's latest snapshot (null without a client). */
  @state() protected snapshot: CircleSnapshot | null = null;

  #unsubscribe: (() => void) | null = null;
  #unsubscribeLanguages: (() => void) | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#unsubscribeLanguages = onLanguagesChanged(() => this.requestUpdate());
    this.#subscribe();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unsubscribeLanguages?.();
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client')) this.#subscribe();
  }

  #subscribe(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    const client = this.client;
    if (!client || !this.isConnected) return;
    if (!(this.constructor as typeof HearthElement).subscribes) return;
    this.snapshot = client.getSnapshot();
    this.#unsubscribe = client.subscribe(() => {
      const next = client.getSnapshot();
      if (next !== this.snapshot) this.snapshot = next;
    });
  }

  /** The interface language: this element's `lang`, else the nearest ancestor's across shadow roots, else English. */
  get locale(): string {
    return this.#renderLocale ?? this.#findLocale();
  }

  /** The locale looked up once per update: a render asks for it with every string, and finding it walks up the tree. */
  #renderLocale: string | null = null;

  protected override update(changed: PropertyValues<this>): void {
    this.#renderLocale = this.#findLocale();
    try {
      super.update(changed);
    } finally {
      this.#renderLocale = null;
    }
  }

  #findLocale(): string {
    for (let node: Node | null = this; node; node = node.parentNode ?? (node as ShadowRoot).host ?? null) {
      if (node instanceof HTMLElement && node.lang) return node.lang;
    }
    return 'en';
  }

  /** A string from the catalogue in this element's language. */
  protected t(key: MessageKey, params?: Params): string {
    return translate(this.locale, key, params);
  }

  /** A string from the catalogue whose parameters are words people chose (names, reasons): each is isolated. */
  protected tIsolated(key: MessageKey, params: Record<string, string>): unknown[] {
    return translateParts(this.locale, key, params).map((part, i) => (i % 2 ? isolate(part) : part));
  }

  protected emit<K extends HearthEventName>(name: K, detail: HearthEventDetails[K]): boolean {
    return emit(this, name, detail);
  }

  /** A refusal's message for people, in the interface language. */
  protected describeError(error: unknown): string {
    const info = error as { code?: string; message?: string };
    const key = `error.${info?.code ?? 'internal'}` as MessageKey;
    return this.t(key in errorKeys ? key : 'error.internal', { detail: info?.message ?? '' });
  }
}

const errorKeys = Object.fromEntries(
  ['unauthorized', 'forbidden', 'not_found', 'invalid', 'rate_limited', 'too_large', 'circle_full', 'invite_expired', 'pending_approval',
    'conflict', 'cursor_expired', 'unsupported_version', 'unavailable', 'internal'].map((code) => [`error.${code}`, true]),
);
