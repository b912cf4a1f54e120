import { css } from 'lit';

export const moderationStyles = css`
  [role='tablist'] {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25em;
    border-block-end: 1px solid var(--_border);
    margin-block-end: var(--_space);
  }
  [role='tab'] {
    border: 0;
    border-radius: var(--_radius) var(--_radius) 0 0;
    background: transparent;
    border-block-end: 3px solid transparent;
  }
  [role='tab'][aria-selected='true'] {
    border-block-end-color: var(--_accent);
    font-weight: 700;
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.5em;
  }
  /* Everything in an entry was written by someone (an anonymous asker's name and note, a report's reason, an
     audit reason): a word of any length wraps inside it, and no entry widens the list or the host page. */
  li {
    padding: 0.55em 0.7em;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    display: grid;
    gap: 0.35em;
    min-inline-size: 0;
    overflow-wrap: anywhere;
  }
  blockquote {
    margin: 0;
    padding-inline-start: 0.6em;
    border-inline-start: 3px solid var(--_border);
  }
  code {
    font-size: 0.85em;
  }
  form {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space);
    align-items: end;
    margin-block-end: var(--_space);
  }
  form label {
    display: grid;
    gap: 0.2em;
    font-size: 0.9em;
  }
  .head {
    display: flex;
    justify-content: space-between;
    align-items: center;
    gap: var(--_space);
  }
  h3 {
    margin: 0;
    font-size: 1em;
  }
`;
