import { css } from 'lit';

export const threadListStyles = css`
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.25em;
  }
  .thread {
    display: grid;
    grid-template-columns: 1fr auto;
    gap: 0.1em 0.75em;
    inline-size: 100%;
    text-align: start;
    padding: 0.6em 0.75em;
    border-color: transparent;
    background: transparent;
  }
  .thread:hover,
  .thread[aria-current='true'] {
    background: var(--_bg-2);
  }
  .thread[aria-current='true'] {
    border-inline-start: 3px solid var(--_accent);
  }
  .title {
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  .meta {
    grid-column: 1;
    color: var(--_muted);
    font-size: 0.85em;
  }
  .unread {
    grid-row: 1 / span 2;
    grid-column: 2;
    align-self: center;
    background: var(--_accent);
    color: var(--_accent-fg);
    border-radius: 1em;
    padding: 0.05em 0.6em;
    font-size: 0.8em;
    font-weight: 700;
  }
  form {
    display: flex;
    gap: var(--_space);
    margin-block-start: var(--_space);
  }
  form input {
    flex: 1;
    min-inline-size: 0;
  }
  .empty {
    color: var(--_muted);
  }
`;
