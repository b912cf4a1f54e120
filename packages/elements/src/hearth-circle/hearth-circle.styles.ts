import { css } from 'lit';

export const circleStyles = css`
  :host {
    container-type: inline-size;
    --_circle-bg: var(--hearth-circle-background, var(--_bg));
    --_circle-border: var(--hearth-circle-border, 1px solid var(--_border));
  }
  .circle {
    display: grid;
    gap: var(--_space);
    padding: calc(var(--_space) * 1.5);
    background: var(--_circle-bg);
    border: var(--_circle-border);
    border-radius: calc(var(--_radius) * 1.5);
    min-inline-size: 0;
  }
  .header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: var(--_space);
  }
  h2 {
    margin: 0;
    font-size: 1.15em;
    overflow-wrap: anywhere;
  }
  nav {
    display: flex;
    flex-wrap: wrap;
    gap: 0.2em;
  }
  nav button {
    border-color: transparent;
    background: transparent;
  }
  nav button[aria-current='page'] {
    background: var(--_accent-soft);
    font-weight: 700;
  }
  .panes {
    display: grid;
    gap: calc(var(--_space) * 2);
    min-inline-size: 0;
  }
  .panes > * {
    min-inline-size: 0;
  }
  .back {
    justify-self: start;
  }
  @container (min-width: 46em) {
    .panes.split {
      grid-template-columns: minmax(12em, 18em) 1fr;
    }
    .back {
      display: none;
    }
    .panes.split > [data-pane][hidden] {
      display: block;
    }
  }
  .foot {
    display: flex;
    justify-content: flex-end;
  }
`;
