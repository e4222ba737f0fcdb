import { css } from 'lit';

/** Styles of `<cam-program-report>`: plain tables, logical properties only. */
export const styles = css`
  :host {
    display: block;
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
    min-inline-size: 50%;
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
    border-block-end: 1px solid currentColor;
    text-align: start;
  }
  td.count {
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
  .visually-hidden {
    position: absolute !important;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .bar {
    display: inline-block;
    block-size: 0.75em;
    background: var(--cam-accent, currentColor);
    margin-inline-start: 0.5rem;
    vertical-align: middle;
  }
`;
