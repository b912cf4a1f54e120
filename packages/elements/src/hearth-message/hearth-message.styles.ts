import { css } from 'lit';

export const messageStyles = css`
  :host {
    --_message-bg: var(--hearth-message-background, transparent);
    --_mine-bg: var(--hearth-message-mine-background, transparent);
  }
  article {
    display: flex;
    gap: 0.7em;
    padding: 0.55em var(--_space);
    border-radius: var(--_radius);
    background: var(--_message-bg);
  }
  article.mine {
    background: var(--_mine-bg);
  }
  article:hover,
  article:focus-within {
    background: var(--_bg-2);
  }
  .main {
    flex: 1;
    min-inline-size: 0;
  }
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0.15em 0.5em;
  }
  .author {
    font-weight: 700;
    overflow-wrap: anywhere;
  }
  .flair {
    font-size: 0.78em;
    padding: 0.05em 0.5em;
    border-radius: 1em;
    background: var(--_accent-soft);
    color: var(--_fg);
  }
  .role {
    font-size: 0.75em;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    color: var(--_accent);
    font-weight: 700;
  }
  time,
  .edited,
  .state {
    color: var(--_muted);
    font-size: 0.8em;
  }
  .quote {
    margin: 0.25em 0;
    padding-inline-start: 0.6em;
    border-inline-start: 3px solid var(--_border);
    color: var(--_muted);
    font-size: 0.88em;
    overflow-wrap: anywhere;
  }
  .cw {
    margin: 0.3em 0;
    padding: 0.35em 0.6em;
    border-radius: var(--_radius);
    background: var(--_accent-soft);
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5em;
  }
  .body {
    overflow-wrap: anywhere;
  }
  .body p,
  .body ul,
  .body ol,
  .body blockquote,
  .body pre {
    margin: 0.2em 0;
  }
  .body ul,
  .body ol {
    padding-inline-start: 1.4em;
  }
  .body blockquote {
    padding-inline-start: 0.7em;
    border-inline-start: 3px solid var(--_border);
    margin-inline: 0;
    color: var(--_muted);
  }
  .body code {
    font-family: var(--hearth-font-family-code, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace);
    font-size: 0.9em;
    background: var(--_bg-2);
    border-radius: 0.3em;
    padding: 0.05em 0.3em;
  }
  .body pre {
    overflow-x: auto;
    background: var(--_bg-2);
    border-radius: var(--_radius);
    padding: 0.5em 0.7em;
  }
  .body pre code {
    background: none;
    padding: 0;
  }
  .body a {
    color: var(--_accent);
  }
  .spoiler {
    border-radius: 0.3em;
    background: var(--_fg);
    color: transparent;
    cursor: pointer;
  }
  .spoiler:not(.shown) * {
    color: transparent;
    pointer-events: none;
  }
  .spoiler.shown {
    background: var(--_bg-2);
    color: inherit;
    cursor: auto;
  }
  .tombstone {
    color: var(--_muted);
    font-style: italic;
  }
  /* Dimmed states use the muted text colour, not opacity: opacity would take text below 4.5:1 contrast. */
  .hidden-body {
    color: var(--_muted);
  }
  .reactions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.3em;
    margin-block-start: 0.35em;
  }
  .reactions button {
    min-block-size: 1.9em;
    padding: 0.1em 0.55em;
    border-radius: 1em;
  }
  .reactions button[aria-pressed='true'] {
    border-color: var(--_accent);
    background: var(--_accent-soft);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.15em;
    margin-block-start: 0.2em;
  }
  .actions button {
    font-size: 0.85em;
    min-block-size: 2em;
    padding: 0.15em 0.55em;
  }
  /* Actions stay out of the way until the message is pointed at or focused; touch screens always show them. */
  @media (hover: hover) {
    article:not(:hover):not(:focus-within) .actions button {
      opacity: 0;
    }
  }
  form {
    margin-block-start: 0.4em;
    display: grid;
    gap: 0.4em;
  }
  .pending .state {
    color: var(--_muted);
    font-style: italic;
  }
  .failed .state {
    color: var(--_danger);
  }
  .notice {
    font-size: 0.85em;
    color: var(--_muted);
  }
`;
