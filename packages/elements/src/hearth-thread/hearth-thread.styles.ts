import { css } from 'lit';

export const threadStyles = css`
  :host {
    --_thread-height: var(--hearth-thread-height, min(70vh, 36em));
  }
  .thread {
    display: grid;
    gap: var(--_space);
    position: relative;
  }
  h2 {
    margin: 0;
    font-size: 1.1em;
    overflow-wrap: anywhere;
  }
  .list {
    max-block-size: var(--_thread-height);
    overflow-y: auto;
    overscroll-behavior: contain;
    /* Hearth keeps the reading position itself when older messages arrive. */
    overflow-anchor: none;
    border-radius: var(--_radius);
    padding-block: 0.25em;
  }
  .list:focus-visible {
    outline-offset: -2px;
  }
  .edge {
    text-align: center;
    padding: 0.4em;
    font-size: 0.85em;
    color: var(--_muted);
  }
  .empty {
    color: var(--_muted);
    text-align: center;
    padding: 1.5em 0.5em;
  }
  .new {
    position: absolute;
    inset-inline-end: 1em;
    inset-block-end: 5.5em;
    z-index: 1;
    border-radius: 1.2em;
    box-shadow: 0 2px 8px rgb(0 0 0 / 0.2);
  }
`;
