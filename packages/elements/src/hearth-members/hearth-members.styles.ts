import { css } from 'lit';

export const membersStyles = css`
  h3 {
    margin: 0.8em 0 0.3em;
    font-size: 0.85em;
    text-transform: uppercase;
    letter-spacing: 0.05em;
    color: var(--_muted);
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.2em;
  }
  /* Avatar, name and actions on one line while they fit; on a narrow screen the actions wrap below the name
     (a grid's three columns squeezed the name to nothing or pushed the buttons past the page's edge). */
  li {
    display: flex;
    flex-wrap: wrap;
    gap: 0.3em 0.6em;
    align-items: center;
    padding: 0.35em 0.4em;
    border-radius: var(--_radius);
  }
  li > span:not(.avatar) {
    flex: 1 1 10em;
    min-inline-size: 0;
    overflow-wrap: anywhere;
  }
  li:hover {
    background: var(--_bg-2);
  }
  .name {
    font-weight: 600;
  }
  .flair {
    font-size: 0.78em;
    padding: 0.05em 0.5em;
    border-radius: 1em;
    background: var(--_accent-soft);
    margin-inline-start: 0.4em;
  }
  .state {
    display: block;
    font-size: 0.8em;
    color: var(--_danger);
  }
  form {
    flex-basis: 100%;
    display: grid;
    gap: 0.4em;
    padding: 0.5em;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
`;
