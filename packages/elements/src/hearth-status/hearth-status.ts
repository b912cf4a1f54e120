import { css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { HearthElement } from '../shared/element.js';
import { controls, tokens } from '../shared/styles.js';

/**
 * The connection, shown calmly: nothing while connected, a quiet line while connecting or reconnecting
 * (with how many messages wait to be sent), and a way to try again when disconnected. Announced politely.
 *
 * @tagname hearth-status
 * @summary Connection status.
 *
 * @event hearth-status - The connection status changed. `detail: { status }`
 *
 * @csspart status - The status line.
 *
 * @cssproperty --hearth-status-background - Background of the status line.
 */
export class HearthStatusElement extends HearthElement {
  static override styles = [
    tokens,
    controls,
    css`
      .status {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.25em 0.75em;
        padding: 0.35em 0.75em;
        border-radius: var(--_radius);
        background: var(--hearth-status-background, var(--_bg-2));
        color: var(--_muted);
        font-size: 0.88em;
      }
      .dot {
        inline-size: 0.6em;
        block-size: 0.6em;
        border-radius: 50%;
        background: var(--_muted);
        animation: pulse 1.6s ease-in-out infinite;
      }
      .disconnected .dot {
        background: var(--_danger);
        animation: none;
      }
      @keyframes pulse {
        50% {
          opacity: 0.3;
        }
      }
    `,
  ];

  #last: string | null = null;

  protected override updated(_changed: PropertyValues<this>): void {
    const status = this.snapshot?.status;
    if (status && status !== this.#last) {
      this.#last = status;
      this.emit('hearth-status', { status });
    }
  }

  override render(): TemplateResult {
    const snapshot = this.snapshot;
    const status = snapshot?.status ?? 'initial';
    const pending = snapshot?.pendingCount ?? 0;
    let text = '';
    if (status === 'connecting') text = this.t('status.connecting');
    else if (status === 'reconnecting') text = this.t(navigator.onLine === false ? 'status.offline' : 'status.reconnecting');
    else if (status === 'disconnected') text = snapshot?.error ? this.describeError(snapshot.error) : this.t('status.disconnected');
    const quiet = status === 'connected' || status === 'initial';
    // The live region stays in the DOM so changes to it are announced; it is empty while all is well.
    return html`<div role="status" aria-live="polite">
      ${quiet
        ? nothing
        : html`<div class="status ${status}" part="status">
            <span class="dot" aria-hidden="true"></span><span>${text}</span>
            ${pending > 0 ? html`<span>${this.t('status.pending', { count: pending })}</span>` : nothing}
            ${status === 'disconnected' && this.client?.hasCredentials && snapshot?.error?.code !== 'unauthorized' && snapshot?.error?.code !== 'forbidden'
              ? html`<button type="button" class="link" @click=${() => this.client!.connect()}>${this.t('status.retry')}</button>`
              : nothing}
          </div>`}
    </div>`;
  }
}
