import { css } from 'lit';

export const composerStyles = css`
  :host {
    --_composer-bg: var(--hearth-composer-background, var(--_bg));
  }
  form {
    display: grid;
    gap: 0.4em;
    padding: var(--_space);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_composer-bg);
  }
  textarea {
    min-block-size: 2.6em;
    max-block-size: 12em;
    border: 0;
    padding: 0.3em 0.2em;
    background: transparent;
    resize: none;
    field-sizing: content;
  }
  textarea:focus-visible {
    outline: none;
  }
  form:focus-within {
    border-color: var(--_focus);
    box-shadow: 0 0 0 1px var(--_focus);
  }
  .bar {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space);
    align-items: center;
    justify-content: space-between;
  }
  .bar .row {
    margin-inline-start: auto;
  }
  .replying {
    display: flex;
    gap: 0.5em;
    align-items: center;
    justify-content: space-between;
    font-size: 0.88em;
    color: var(--_muted);
    border-inline-start: 3px solid var(--_accent);
    padding-inline-start: 0.5em;
  }
  .cw-toggle {
    display: inline-flex;
    gap: 0.35em;
    align-items: center;
    font-weight: 400;
    font-size: 0.88em;
    color: var(--_muted);
  }
  .status {
    font-size: 0.85em;
    color: var(--_muted);
    min-block-size: 1.2em;
  }
  .status.failed,
  .over {
    color: var(--_danger);
  }
`;
