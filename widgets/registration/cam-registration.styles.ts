import { css } from 'lit';

/**
 * Styles of `<cam-registration>` and its step elements (which render into its shadow root).
 * Layout follows the widget's own width (container queries), so it works in a narrow
 * sidebar as well as on a phone. Logical properties only.
 */
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
  * {
    box-sizing: border-box;
  }
  .frame {
    padding: var(--_cam-space);
    max-inline-size: 48rem;
    margin-inline: auto;
  }
  h2 {
    font-size: 1.5rem;
    line-height: 1.25;
    margin-block: 0.25rem var(--_cam-space);
  }
  h3 {
    font-size: 1.15rem;
    margin-block: 1.25rem 0.5rem;
  }
  h2:focus {
    outline: none;
  }
  h2:focus-visible {
    outline: 3px solid var(--_cam-focus);
    outline-offset: 2px;
  }
  p {
    margin-block: 0 0.75rem;
  }
  a {
    color: var(--_cam-accent);
  }
  .visually-hidden {
    position: absolute !important;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }

  /* Progress */
  .progress-text {
    margin: 0;
    color: var(--_cam-muted);
    font-weight: 600;
  }
  .progress-bar {
    display: flex;
    gap: 0.25rem;
    margin-block: 0.5rem;
  }
  .progress-bar span {
    flex: 1;
    block-size: 0.375rem;
    border-radius: 1rem;
    background: var(--_cam-surface);
    border: 1px solid var(--_cam-border);
  }
  .progress-bar span.reached {
    background: var(--_cam-accent);
    border-color: var(--_cam-accent);
  }

  /* Fields */
  .field {
    margin-block: 0 1.25rem;
    min-inline-size: 0;
  }
  fieldset {
    border: 0;
    padding: 0;
    margin-inline: 0;
  }
  fieldset.group {
    border-block-start: 1px solid var(--_cam-border);
    padding-block-start: 0.75rem;
    margin-block: 0 1rem;
  }
  fieldset.group > legend {
    font-size: 1.15rem;
    font-weight: 700;
    padding: 0;
    margin-block-end: 0.5rem;
  }
  label,
  legend {
    display: block;
    font-weight: 600;
    margin-block-end: 0.25rem;
  }
  .optional {
    font-weight: 400;
    color: var(--_cam-muted);
  }
  .hint {
    color: var(--_cam-muted);
    margin-block: 0 0.375rem;
    font-size: 0.95em;
  }
  input[type='text'],
  input[type='tel'],
  input[type='email'],
  input[type='number'],
  select {
    display: block;
    inline-size: 100%;
    min-block-size: 2.75rem;
    padding: 0.5rem 0.625rem;
    font: inherit;
    color: inherit;
    background: var(--_cam-background);
    border: 2px solid var(--_cam-border);
    border-radius: var(--_cam-radius);
  }
  input[type='number'] {
    max-inline-size: 10rem;
  }
  input:focus-visible,
  select:focus-visible,
  button:focus-visible,
  summary:focus-visible,
  a:focus-visible,
  .alert:focus-visible,
  .map-frame:focus-within {
    outline: 3px solid var(--_cam-focus);
    outline-offset: 2px;
  }
  .invalid > input,
  .invalid > select,
  .invalid .combo input {
    border-color: var(--_cam-danger);
    border-inline-start-width: 6px;
  }
  .field.invalid {
    border-inline-start: 4px solid var(--_cam-danger);
    padding-inline-start: 0.75rem;
  }
  .field-error {
    color: var(--_cam-danger);
    font-weight: 700;
    margin-block: 0 0.375rem;
  }
  .icon {
    display: inline-grid;
    place-items: center;
    flex: none;
    inline-size: 1.3em;
    block-size: 1.3em;
    margin-inline-end: 0.375rem;
    border-radius: 50%;
    font-size: 0.85em;
    font-weight: 700;
    line-height: 1;
    vertical-align: 0.1em;
    color: var(--_cam-accent-contrast);
    background: var(--_cam-danger);
  }
  .note .icon,
  .warning-strong .icon {
    background: var(--_cam-warning-border);
    margin-block-start: 0.2em;
  }

  /* Radios and checkboxes as large targets */
  .choices .options {
    display: grid;
    gap: 0.5rem;
  }
  .option {
    display: flex;
    align-items: center;
    gap: 0.625rem;
    min-block-size: 2.75rem;
    padding: 0.375rem 0.75rem;
    border: 1px solid var(--_cam-border);
    border-radius: var(--_cam-radius);
    font-weight: 400;
    margin: 0;
    cursor: pointer;
    background: var(--_cam-background);
  }
  .option input {
    inline-size: 1.375rem;
    block-size: 1.375rem;
    margin: 0;
    flex: none;
    accent-color: var(--_cam-accent);
  }
  .option:has(input:checked) {
    border-color: var(--_cam-accent);
    border-width: 2px;
    background: var(--_cam-surface);
  }
  .option:has(input:focus-visible) {
    outline: 3px solid var(--_cam-focus);
    outline-offset: 2px;
  }
  @container (min-inline-size: 34rem) {
    .choices.columns .options {
      grid-template-columns: repeat(2, minmax(0, 1fr));
    }
    .pair {
      display: grid;
      grid-template-columns: repeat(2, minmax(0, 1fr));
      gap: 0 1rem;
    }
  }

  /* Buttons */
  button {
    font: inherit;
    min-block-size: 2.75rem;
    min-inline-size: 2.75rem;
    padding: 0.5rem 1rem;
    border-radius: var(--_cam-radius);
    cursor: pointer;
    border: 2px solid var(--_cam-accent);
  }
  button.primary {
    background: var(--_cam-accent);
    color: var(--_cam-accent-contrast);
    font-weight: 700;
  }
  button.primary:hover {
    background: var(--_cam-accent-hover);
    border-color: var(--_cam-accent-hover);
  }
  button.secondary {
    background: var(--_cam-background);
    color: var(--_cam-accent);
    font-weight: 600;
  }
  button.secondary:hover {
    background: var(--_cam-surface);
  }
  button.danger {
    background: var(--_cam-danger);
    border-color: var(--_cam-danger);
    color: var(--_cam-accent-contrast);
    font-weight: 700;
  }
  button.link {
    border: 0;
    background: none;
    color: var(--_cam-accent);
    text-decoration: underline;
    padding-inline: 0.25rem;
  }
  button[disabled] {
    cursor: not-allowed;
    opacity: 0.7;
  }
  .nav {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    gap: 0.75rem;
    margin-block-start: 1.5rem;
    padding-block-start: 1rem;
    border-block-start: 1px solid var(--_cam-border);
  }
  .nav .primary {
    margin-inline-start: auto;
  }

  /* Alert summary */
  .alert:not(.shown) {
    display: none;
  }
  .alert.shown {
    border: 3px solid var(--_cam-danger);
    border-radius: var(--_cam-radius);
    padding: 0.75rem 1rem;
    margin-block-end: 1.25rem;
  }
  .alert .summary-title,
  .alert .failure p:first-child {
    font-weight: 700;
  }
  .alert ul {
    margin: 0;
    padding-inline-start: 1.25rem;
  }
  .alert a {
    color: var(--_cam-danger);
    font-weight: 600;
  }
  .failure {
    margin-block-end: 0.5rem;
  }

  /* Notes and panels */
  .note {
    display: flex;
    gap: 0.25rem;
    border-inline-start: 6px solid var(--_cam-warning-border);
    background: var(--_cam-warning-background);
    padding: 0.5rem 0.75rem;
    margin-block: 0 0.75rem;
  }
  .panel {
    background: var(--_cam-surface);
    border-radius: var(--_cam-radius);
    padding: 0.75rem 1rem;
    margin-block: 0 1rem;
  }
  .program {
    padding-inline-start: 1.25rem;
  }
  .program li {
    margin-block-end: 0.5rem;
  }
  .consent-text {
    white-space: pre-line;
  }

  /* Address search */
  .combo {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: flex-start;
  }
  .combo-input {
    position: relative;
    flex: 1 1 14rem;
  }
  .suggestions {
    position: absolute;
    inset-inline: 0;
    inset-block-start: 100%;
    z-index: 2;
    margin: 0.25rem 0 0;
    padding: 0;
    list-style: none;
    background: var(--_cam-background);
    border: 2px solid var(--_cam-border);
    border-radius: var(--_cam-radius);
    box-shadow: 0 4px 12px rgb(0 0 0 / 0.2);
  }
  .suggestions li {
    padding: 0.625rem 0.75rem;
    min-block-size: 2.75rem;
    cursor: pointer;
  }
  .suggestions li[aria-selected='true'] {
    background: var(--_cam-accent);
    color: var(--_cam-accent-contrast);
    outline: 2px solid var(--_cam-focus);
    outline-offset: -2px;
  }
  .suggestions li:hover {
    text-decoration: underline;
  }

  /* Location and map */
  .location {
    margin-block: 0 1.25rem;
  }
  .found {
    font-weight: 600;
    margin-block-end: 0.25rem;
  }
  .coords {
    color: var(--_cam-muted);
    font-variant-numeric: tabular-nums;
  }
  .map-frame {
    position: relative;
    block-size: 15rem;
    border: 1px solid var(--_cam-border);
    border-radius: var(--_cam-radius);
    overflow: hidden;
    background: #f6f4ef;
  }
  @container (min-inline-size: 34rem) {
    .map-frame {
      block-size: 20rem;
    }
  }
  .map-status {
    margin-block: 0.375rem;
    color: var(--_cam-muted);
  }
  .nudge {
    display: grid;
    grid-template-columns: repeat(3, 2.75rem);
    grid-template-rows: repeat(3, 2.75rem);
    gap: 0.25rem;
    margin-block: 0.5rem;
  }
  .nudge button {
    padding: 0;
    font-size: 1.25rem;
    line-height: 1;
  }
  .nudge .n {
    grid-area: 1 / 2;
  }
  .nudge .w {
    grid-area: 2 / 1;
  }
  .nudge .e {
    grid-area: 2 / 3;
  }
  .nudge .s {
    grid-area: 3 / 2;
  }
  .nudge-row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem 1rem;
  }

  /* Cameras */
  fieldset.camera {
    border: 2px solid var(--_cam-border);
    border-radius: var(--_cam-radius);
    padding: 0.75rem 1rem 0.25rem;
    margin-block: 0 1rem;
  }
  fieldset.camera > legend {
    font-size: 1.15rem;
    font-weight: 700;
    padding-inline: 0.25rem;
  }
  .camera-head {
    display: flex;
    justify-content: flex-end;
    margin-block: -0.25rem 0.5rem;
  }
  .compass .options {
    display: grid;
    grid-template-columns: repeat(3, minmax(0, 7rem));
    gap: 0.375rem;
  }
  .compass .option {
    position: relative;
    flex-direction: column;
    justify-content: center;
    gap: 0;
    padding: 0.25rem;
    min-block-size: 3.5rem;
    text-align: center;
    font-size: 0.95em;
    line-height: 1.2;
  }
  /* The radio stays focusable and operable; the whole cell shows its state. */
  .compass .option input {
    position: absolute;
    opacity: 0;
    inline-size: 1px;
    block-size: 1px;
  }
  .compass .arrow {
    font-size: 1.25rem;
    line-height: 1.1;
  }
  .compass .option:has(input:checked) {
    border-width: 3px;
    font-weight: 700;
  }
  .compass .option:has(input:checked) .name::before {
    content: '✓ ' / '';
  }
  details {
    margin-block: 0 1rem;
  }
  summary {
    cursor: pointer;
    color: var(--_cam-accent);
    text-decoration: underline;
    min-block-size: 2.75rem;
    display: flex;
    align-items: center;
  }

  /* Review */
  .review-section {
    border-block-start: 1px solid var(--_cam-border);
    padding-block: 0.5rem;
  }
  .review-head {
    display: flex;
    justify-content: space-between;
    align-items: center;
    gap: 0.5rem;
  }
  .review-head h3 {
    margin: 0.5rem 0;
  }
  dl {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: 0 1rem;
    margin: 0 0 0.5rem;
  }
  dt {
    font-weight: 600;
    color: var(--_cam-muted);
  }
  dd {
    margin: 0 0 0.5rem;
    overflow-wrap: anywhere;
  }
  @container (min-inline-size: 34rem) {
    dl {
      grid-template-columns: 14rem minmax(0, 1fr);
    }
    dd {
      margin: 0 0 0.375rem;
    }
  }
  .consent-box {
    border: 2px solid var(--_cam-border);
    border-radius: var(--_cam-radius);
    padding: 0.75rem 1rem;
    margin-block: 1rem;
  }

  /* Confirmation */
  .success-banner {
    border-inline-start: 6px solid var(--_cam-success);
    background: var(--_cam-surface);
    padding: 0.75rem 1rem;
    margin-block-end: 1rem;
  }
  .codes {
    display: grid;
    gap: 1rem;
    margin-block: 1rem;
  }
  .code-box {
    border: 2px solid var(--_cam-border);
    border-radius: var(--_cam-radius);
    padding: 0.75rem 1rem;
  }
  .code-box .code-label {
    font-weight: 600;
    margin: 0;
  }
  .code-value {
    font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
    font-size: 1.5rem;
    font-weight: 700;
    letter-spacing: 0.05em;
    margin-block: 0.25rem 0.5rem;
    overflow-wrap: anywhere;
    user-select: all;
  }
  .warning-strong {
    display: flex;
    gap: 0.25rem;
    border: 3px solid var(--_cam-warning-border);
    background: var(--_cam-warning-background);
    padding: 0.75rem 1rem;
    font-weight: 700;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    margin-block: 1rem;
  }

  /* The honeypot: out of sight, out of the tab order, hidden from assistive technology. */
  .hp {
    position: absolute;
    inset-inline-start: -10000px;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
  }

  @media (prefers-reduced-motion: no-preference) {
    .progress-bar span {
      transition: background-color 0.2s;
    }
  }
  @media (forced-colors: active) {
    .progress-bar span.reached {
      background: Highlight;
    }
    .icon {
      forced-color-adjust: none;
    }
  }
  @media print {
    .no-print,
    .nav,
    .actions,
    .progress-bar {
      display: none !important;
    }
    .code-box {
      break-inside: avoid;
    }
  }
`;
