import { css } from 'lit';

/**
 * Styles shared by `<cam-review-duplicates>` and `<cam-review-reconfirm>`: plain tables that
 * scroll sideways inside their own box on a narrow screen (375 px), logical properties only.
 */
export const panelStyles = css`
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
  h2 {
    font-size: 1.25rem;
    margin-block: 0 0.5rem;
  }
  h3 {
    font-size: 1.05rem;
    margin-block: 1rem 0.25rem;
  }
  p {
    margin-block: 0.25rem 0.5rem;
  }
  .muted {
    color: var(--_cam-muted);
  }
  .error {
    color: var(--_cam-danger);
    font-weight: 600;
  }
  .table-box {
    overflow-x: auto;
    max-inline-size: 100%;
  }
  table {
    border-collapse: collapse;
    inline-size: 100%;
  }
  caption {
    text-align: start;
    font-weight: 600;
    padding-block: 0.25rem;
  }
  th,
  td {
    padding-block: 0.35rem;
    padding-inline: 0.5rem;
    border-block-end: 1px solid var(--_cam-border);
    text-align: start;
    vertical-align: top;
  }
  td.number {
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  input,
  button {
    font: inherit;
  }
  input[type='number'] {
    inline-size: 6rem;
    min-block-size: 2.5rem;
    padding: 0.3rem 0.5rem;
    border: 1px solid var(--_cam-border);
    border-radius: var(--_cam-radius);
    background: var(--_cam-background);
    color: var(--_cam-text);
  }
  button {
    min-block-size: 2.5rem;
    padding: 0.35rem 0.8rem;
    border-radius: var(--_cam-radius);
    border: 1px solid var(--_cam-accent);
    background: var(--_cam-background);
    color: var(--_cam-accent);
    font-weight: 600;
    cursor: pointer;
  }
  button.primary {
    background: var(--_cam-accent);
    color: var(--_cam-accent-contrast);
  }
  button.primary:hover {
    background: var(--_cam-accent-hover);
  }
  button[disabled] {
    opacity: 0.6;
    cursor: not-allowed;
  }
  :focus-visible {
    outline: 3px solid var(--_cam-focus);
    outline-offset: 2px;
  }
  [tabindex='-1']:focus {
    outline: none;
  }
  progress {
    inline-size: 100%;
    accent-color: var(--_cam-accent);
  }
  fieldset {
    border: 1px solid var(--_cam-border);
    border-radius: var(--_cam-radius);
    margin-block: 0.75rem;
    padding: 0.5rem 0.75rem;
  }
  legend {
    font-weight: 600;
  }
  fieldset label {
    display: flex;
    gap: 0.5rem;
    align-items: center;
    min-block-size: 2.25rem;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    margin-block: 0.5rem;
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: end;
    margin-block: 0.5rem;
  }
  .toolbar label {
    display: flex;
    flex-direction: column;
  }
  .queued {
    color: var(--_cam-success);
    font-weight: 600;
  }
  .visually-hidden {
    position: absolute !important;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
