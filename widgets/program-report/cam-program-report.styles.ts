import { css } from 'lit';

/** Styles of `<cam-program-report>`: plain tables, logical properties only. */
export const styles = css`
  :host {
    display: block;
    container-type: inline-size;
    font-family: var(--_cam-font-family);
    font-size: var(--_cam-font-size);
    line-height: 1.5;
    color: var(--_cam-text);
    background: var(--_cam-background);
  }
  :host([hidden]) {
    display: none;
  }
  section {
    margin-block-end: 1.5rem;
  }
  table {
    border-collapse: collapse;
    inline-size: 100%;
    max-inline-size: 40rem;
  }
  caption {
    text-align: start;
    font-weight: 600;
    padding-block: 0.5rem;
  }
  th,
  td {
    padding-block: 0.25rem;
    padding-inline: 0.5rem;
    border-block-end: 1px solid var(--_cam-border);
    text-align: start;
  }
  th.count,
  td.count {
    text-align: end;
  }
  td.count {
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  .figure {
    display: inline-block;
    min-inline-size: 4ch;
  }
  /* A bar of up to 5rem beside each published count, the largest in its table the longest. */
  .track {
    display: inline-block;
    inline-size: 5rem;
    margin-inline-start: 0.5rem;
    text-align: start;
    vertical-align: middle;
  }
  .bar {
    display: block;
    block-size: 0.75em;
    background: var(--_cam-accent);
  }
  .visually-hidden {
    position: absolute !important;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  /* On a phone the bars shrink and cells pad less, so the tables never scroll sideways. */
  @container (max-width: 30rem) {
    th,
    td {
      padding-inline: 0.25rem;
    }
    .track {
      inline-size: 2rem;
      margin-inline-start: 0.25rem;
    }
    .figure {
      min-inline-size: 3ch;
    }
  }
  @media (forced-colors: active) {
    .bar {
      background: CanvasText;
    }
  }
`;
