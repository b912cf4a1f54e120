import { css } from 'lit';

export const joinStyles = css`
  form {
    display: grid;
    gap: 0.9em;
    max-inline-size: 34em;
    margin-inline: auto;
    padding: calc(var(--_space) * 2);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
  }
  h2 {
    margin: 0;
    font-size: 1.25em;
  }
  p {
    margin: 0;
  }
  .field {
    display: grid;
    gap: 0.25em;
  }
  .field .link {
    justify-self: start;
  }
  .norms {
    margin: 0;
    padding: 0.7em 0.9em;
    border-radius: var(--_radius);
    background: var(--_bg-2);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    max-block-size: 14em;
    overflow-y: auto;
  }
  .accept {
    display: flex;
    gap: 0.5em;
    align-items: flex-start;
  }
  .accept input {
    margin-block-start: 0.2em;
  }
  fieldset {
    border: 0;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.35em;
  }
  legend {
    font-weight: 600;
    padding: 0;
    margin-block-end: 0.25em;
  }
`;
