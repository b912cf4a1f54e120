import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { LIMITS } from '@hearth/protocol';
import type { Circle, Credentials } from '@hearth/core';
import { HearthElement } from '../shared/element.js';
import { controls, tokens } from '../shared/styles.js';
import { joinStyles } from './hearth-join.styles.js';

/**
 * The join gate: an invite code and a display name (a pseudonym is fine), or the host site's sign-on token
 * (`sso-token`), or a member token from an earlier join; and the circle's norms with a checkbox to accept
 * them. The norms come from the circle itself when the transport can show it before joining (with the
 * invite code held), else from the `norms` property. Joining connects the client.
 *
 * @tagname hearth-join
 * @summary Joins a circle.
 *
 * @event hearth-joined - The viewer joined and is connected. `detail: { memberId }`
 * @event hearth-error - Joining was refused. `detail: { code, message }`
 *
 * @csspart form - The join form.
 * @csspart norms - The circle's norms.
 * @csspart submit - The join button.
 */
export class HearthJoinElement extends HearthElement {
  static override styles = [tokens, controls, joinStyles];

  /** The invite code, when the page knows it (from the invitation link). */
  @property() invite = '';
  /** A sign-on token (JWT) issued by the host site; when set, no invite code is asked for. */
  @property({ attribute: 'sso-token' }) ssoToken = '';
  /** The circle's name, shown before joining (after joining it comes from the circle). */
  @property({ attribute: 'circle-name' }) circleName = '';
  /** The circle's norms, shown before joining when the page or server provides them. */
  @property() norms = '';

  /** The circle as shown before joining, for the code last asked about. */
  @state() private preview: Circle | null = null;
  #previewed: string | null = null;
  @state() private useToken = false;
  @state() private busy = false;
  @state() private error = '';

  protected override updated(changed: PropertyValues<this>): void {
    if ((changed.has('invite') || changed.has('client')) && !this.snapshot?.circle && !this.norms && !this.ssoToken) this.#askPreview(this.invite);
  }

  /** Asks the circle for its name and norms once per code; a dead invite is said at once, not after typing a name. */
  #askPreview(code: string): void {
    if (!this.client || this.#previewed === code) return;
    this.#previewed = code;
    this.client.preview(code || null).then(
      (circle) => this.#previewed === code && (this.preview = circle),
      (error: { code?: string }) => {
        if (this.#previewed === code && code && (error.code === 'invite_expired' || error.code === 'unauthorized')) this.error = this.describeError(error);
      },
    );
  }

  override render(): TemplateResult {
    const circle = this.snapshot?.circle ?? this.preview;
    const name = circle?.name ?? this.circleName;
    const norms = circle?.norms ?? this.norms;
    const sso = !!this.ssoToken;
    const token = this.useToken && !sso;
    return html`
      <form part="form" @submit=${this.#submit} aria-labelledby="title" novalidate>
        <h2 id="title">${name ? this.tIsolated('join.title', { circle: name }) : this.t('join.titleUnnamed')}</h2>
        <p class="muted">${this.t('join.intro')}</p>
        ${sso
          ? html`<p>${this.t('join.sso')}</p>`
          : html`<div class="field">
                <label for="code">${this.t(token ? 'join.token' : 'join.code')}</label>
                ${token
                  ? html`<input id="code" name="code" required autocomplete="off" spellcheck="false" />`
                  : html`<input id="code" name="code" required autocomplete="off" spellcheck="false" minlength=${LIMITS.inviteCodeMinChars}
                      .value=${this.invite} aria-describedby="code-help" @change=${(e: Event) => this.#askPreview((e.target as HTMLInputElement).value.trim())} />
                      <span id="code-help" class="help">${this.t('join.codeHelp')}</span>`}
                <button type="button" class="link" @click=${() => (this.useToken = !this.useToken)}>${this.t(token ? 'join.useCode' : 'join.useToken')}</button>
              </div>`}
        ${sso || token
          ? nothing
          : html`<div class="field">
              <label for="name">${this.t('join.name')}</label>
              <input id="name" name="name" required autocomplete="nickname" maxlength=${LIMITS.displayNameMaxChars} aria-describedby="name-help" dir="auto" />
              <span id="name-help" class="help">${this.t('join.nameHelp')}</span>
            </div>`}
        ${token
          ? nothing
          : html`<fieldset>
              <legend>${this.t('join.norms')}</legend>
              ${norms ? html`<p class="norms" part="norms" dir="auto" tabindex="0">${norms}</p>` : html`<p class="help">${this.t('join.normsUnknown')}</p>`}
              <label class="accept"><input type="checkbox" name="accept" required /> <span>${this.t('join.accept')}</span></label>
            </fieldset>`}
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        <div><button type="submit" class="primary" part="submit" ?disabled=${this.busy}>${this.t(this.busy ? 'join.joining' : 'join.submit')}</button></div>
      </form>
    `;
  }

  #submit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    if (!form.reportValidity() || !this.client || this.busy) return;
    const field = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | null)?.value.trim() ?? '';
    let credentials: Credentials;
    if (this.ssoToken) credentials = { kind: 'sso', jwt: this.ssoToken, acceptNorms: true };
    else if (this.useToken) credentials = { kind: 'token', token: field('code') };
    else credentials = { kind: 'invite', code: field('code'), displayName: field('name'), acceptNorms: true };
    this.busy = true;
    this.error = '';
    try {
      await this.client.join(credentials);
      this.emit('hearth-joined', { memberId: this.client.getSnapshot().me?.id ?? '' });
    } catch (error) {
      const info = error as { code?: string; message?: string };
      this.error = info?.code === 'pending_approval' ? this.t('join.pending') : this.describeError(error);
      this.emit('hearth-error', { code: info?.code ?? 'internal', message: info?.message ?? '' });
    } finally {
      this.busy = false;
    }
  };
}
