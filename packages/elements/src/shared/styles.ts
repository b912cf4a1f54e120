import { css } from 'lit';

// Theming follows Material's tiers: public `--hearth-*` tokens (system: `--hearth-color-*`, then per element:
// `--hearth-<element>-*`) are read once at :host into private `--_*` variables with built-in defaults, so a
// page themes Hearth by setting a few tokens on any ancestor and nothing inside can be restyled by accident.

const darkTokens = css`
  --_bg: var(--hearth-color-surface, #1d1a17);
  --_bg-2: var(--hearth-color-surface-raised, #2a2521);
  --_fg: var(--hearth-color-text, #f3ece4);
  --_muted: var(--hearth-color-text-muted, #b5aa9f);
  --_border: var(--hearth-color-border, #433b34);
  --_accent: var(--hearth-color-accent, #f0a070);
  --_accent-fg: var(--hearth-color-on-accent, #1d1a17);
  --_accent-soft: var(--hearth-color-accent-soft, #4a3226);
  --_danger: var(--hearth-color-danger, #ffb4a8);
  --_focus: var(--hearth-color-focus, #8ab4f8);
  color-scheme: dark;
`;

/** Tokens, host reset and colour schemes: the first style of every element. */
export const tokens = css`
  :host {
    --_bg: var(--hearth-color-surface, #fffdf9);
    --_bg-2: var(--hearth-color-surface-raised, #f5efe7);
    --_fg: var(--hearth-color-text, #2b2520);
    --_muted: var(--hearth-color-text-muted, #6b6158);
    --_border: var(--hearth-color-border, #e2d8cc);
    --_accent: var(--hearth-color-accent, #a94b22);
    --_accent-fg: var(--hearth-color-on-accent, #ffffff);
    --_accent-soft: var(--hearth-color-accent-soft, #f6e2d5);
    --_danger: var(--hearth-color-danger, #b3261e);
    --_focus: var(--hearth-color-focus, #1a62d6);
    --_radius: var(--hearth-radius, 0.5em);
    --_space: var(--hearth-space, 0.5em);
    color-scheme: light;
    /* Fit in: the host page's font, size and line height unless a token says otherwise. */
    font-family: var(--hearth-font-family, inherit);
    font-size: var(--hearth-font-size, inherit);
    color: var(--_fg);
    box-sizing: border-box;
    display: block;
    text-align: start;
  }
  :host([hidden]) {
    display: none;
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${darkTokens}
    }
  }
  :host([theme='dark']) {
    ${darkTokens}
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
`;

/** Buttons, fields, focus and helpers shared by the elements that have controls. */
export const controls = css`
  button,
  input,
  textarea,
  select {
    font: inherit;
    color: inherit;
  }
  button {
    cursor: pointer;
    border: 1px solid var(--_border);
    background: var(--_bg);
    border-radius: var(--_radius);
    padding: 0.3em 0.75em;
    min-block-size: 2.25em;
    line-height: 1.2;
  }
  button:hover {
    background: var(--_bg-2);
  }
  button.primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_accent-fg);
    font-weight: 600;
  }
  button.primary:hover {
    filter: brightness(1.08);
  }
  button.quiet {
    border-color: transparent;
    background: transparent;
    color: var(--_muted);
  }
  button.quiet:hover {
    color: var(--_fg);
    background: var(--_bg-2);
  }
  button.danger {
    color: var(--_danger);
  }
  button.link {
    border: 0;
    background: none;
    padding: 0;
    min-block-size: 0;
    color: var(--_accent);
    text-decoration: underline;
  }
  button[disabled] {
    opacity: 0.55;
    cursor: default;
  }
  input:not([type='checkbox']),
  textarea,
  select {
    inline-size: 100%;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    padding: 0.45em 0.6em;
  }
  textarea {
    resize: vertical;
    line-height: 1.4;
  }
  input[type='checkbox'] {
    accent-color: var(--_accent);
    inline-size: 1.1em;
    block-size: 1.1em;
    margin: 0;
  }
  :focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  label {
    font-weight: 600;
  }
  .help,
  .muted {
    color: var(--_muted);
    font-size: 0.875em;
  }
  .error {
    color: var(--_danger);
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space);
    align-items: center;
  }
  .sr-only {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .avatar {
    display: inline-grid;
    place-items: center;
    flex: none;
    inline-size: 2.2em;
    block-size: 2.2em;
    border-radius: 50%;
    font-size: 0.85em;
    font-weight: 700;
    color: #fff;
    background: #7a6a5d;
  }
  .hue-0 { background: #9b4a2f; }
  .hue-1 { background: #3f6e4a; }
  .hue-2 { background: #3d5f8a; }
  .hue-3 { background: #7b4f8e; }
  .hue-4 { background: #8a6d1f; }
  .hue-5 { background: #2f7a7a; }
  .hue-6 { background: #8e3f5e; }
  .hue-7 { background: #5b5f6b; }
  @media (prefers-reduced-motion: reduce) {
    *,
    *::before,
    *::after {
      transition: none !important;
      animation: none !important;
      scroll-behavior: auto !important;
    }
  }
`;
