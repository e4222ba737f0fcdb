import { css } from 'lit';
import { tokens } from '../shared/tokens.styles.js';

/** Styles shared by `<cam-registry-review>` and its parts; theme through the `--cam-*` tokens. */
export const registryReviewStyles = [
  tokens,
  css`
    :host {
      display: block;
      color: var(--_cam-text);
      background: var(--_cam-background);
      font-family: var(--_cam-font-family);
      font-size: var(--_cam-font-size);
      line-height: 1.45;
    }
    *,
    *::before,
    *::after {
      box-sizing: border-box;
    }
    [hidden] {
      display: none !important;
    }
    h2,
    h3,
    h4 {
      margin-block: 0 0.5rem;
      line-height: 1.25;
    }
    h2 {
      font-size: 1.35rem;
    }
    h3 {
      font-size: 1.15rem;
    }
    h4 {
      font-size: 1rem;
      margin-block-start: 1rem;
    }
    p {
      margin-block: 0 0.5rem;
    }
    .bar {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1rem;
      align-items: center;
      justify-content: space-between;
      margin-block-end: 0.75rem;
    }
    .who {
      display: flex;
      flex-wrap: wrap;
      gap: 0.75rem;
      align-items: center;
      color: var(--_cam-muted);
    }
    .panel {
      background: var(--_cam-surface);
      border: 1px solid var(--_cam-border);
      border-radius: var(--_cam-radius);
      padding: 1rem;
    }
    .sr-only {
      position: absolute;
      inline-size: 1px;
      block-size: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
    label {
      display: block;
      font-weight: 600;
      margin-block-end: 0.25rem;
    }
    .field {
      margin-block-end: 0.75rem;
    }
    input,
    select,
    textarea {
      font: inherit;
      color: inherit;
      background: var(--_cam-background);
      border: 1px solid var(--_cam-border);
      border-radius: var(--_cam-radius);
      padding: 0.4rem 0.5rem;
      inline-size: 100%;
      max-inline-size: 32rem;
      min-block-size: 2.5rem;
    }
    [aria-invalid='true'] {
      border-color: var(--_cam-danger);
      border-width: 2px;
    }
    button {
      font: inherit;
      cursor: pointer;
      border-radius: var(--_cam-radius);
      border: 1px solid var(--_cam-accent);
      background: var(--_cam-background);
      color: var(--_cam-accent);
      padding: 0.45rem 0.9rem;
      min-block-size: 2.75rem;
    }
    button.primary {
      background: var(--_cam-accent);
      color: var(--_cam-accent-contrast);
    }
    button.primary:hover:not(:disabled) {
      background: var(--_cam-accent-hover);
    }
    button.danger {
      border-color: var(--_cam-danger);
      color: var(--_cam-danger);
    }
    button.link {
      border: none;
      background: none;
      text-decoration: underline;
      padding-inline: 0.25rem;
    }
    button:disabled {
      cursor: not-allowed;
      opacity: 0.6;
    }
    :focus-visible {
      outline: 3px solid var(--_cam-focus);
      outline-offset: 2px;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      align-items: center;
    }
    .hint {
      color: var(--_cam-muted);
      font-size: 0.925em;
    }
    .alert {
      color: var(--_cam-danger);
      font-weight: 600;
    }
    .issue {
      color: var(--_cam-danger);
      margin-block: 0.25rem 0;
    }
    .notice {
      color: var(--_cam-success);
      font-weight: 600;
    }
    .warn {
      background: var(--_cam-warning-background);
      border: 1px solid var(--_cam-warning-border);
      border-radius: var(--_cam-radius);
      padding: 0.5rem 0.75rem;
    }
    [role='tablist'] {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem;
      border-block-end: 2px solid var(--_cam-border);
      margin-block-end: 1rem;
    }
    [role='tab'] {
      border: none;
      border-block-end: 3px solid transparent;
      border-radius: var(--_cam-radius) var(--_cam-radius) 0 0;
      color: var(--_cam-text);
      margin-block-end: -2px;
    }
    [role='tab'][aria-selected='true'] {
      border-block-end-color: var(--_cam-accent);
      color: var(--_cam-accent);
      font-weight: 700;
    }
    .queue-layout {
      display: grid;
      gap: 1rem;
      grid-template-columns: minmax(0, 1fr);
      align-items: start;
    }
    @media (min-width: 60rem) {
      .queue-layout {
        grid-template-columns: minmax(16rem, 22rem) minmax(0, 1fr);
      }
    }
    .filters {
      display: flex;
      flex-wrap: wrap;
      gap: 0 1rem;
    }
    .filters .field {
      flex: 1 1 12rem;
    }
    ul.queue {
      list-style: none;
      padding: 0;
      margin: 0 0 0.5rem;
      display: grid;
      gap: 0.25rem;
    }
    ul.queue button {
      inline-size: 100%;
      text-align: start;
      color: var(--_cam-text);
      border-color: var(--_cam-border);
      display: grid;
      gap: 0.1rem;
    }
    ul.queue button[aria-current='true'] {
      border: 2px solid var(--_cam-accent);
      background: var(--_cam-surface);
    }
    .sub {
      color: var(--_cam-muted);
      font-size: 0.9em;
    }
    .table-wrap {
      overflow-x: auto;
    }
    table {
      border-collapse: collapse;
      inline-size: 100%;
      margin-block-end: 0.5rem;
    }
    caption {
      text-align: start;
      font-weight: 600;
      padding-block-end: 0.25rem;
    }
    th,
    td {
      text-align: start;
      padding: 0.35rem 0.5rem;
      border-block-end: 1px solid var(--_cam-border);
      vertical-align: top;
      overflow-wrap: anywhere;
    }
    dl {
      display: grid;
      grid-template-columns: minmax(8rem, max-content) minmax(0, 1fr);
      gap: 0.25rem 1rem;
      margin: 0 0 0.5rem;
    }
    dt {
      font-weight: 600;
    }
    dd {
      margin: 0;
      overflow-wrap: anywhere;
    }
    @media (max-width: 30rem) {
      dl {
        grid-template-columns: minmax(0, 1fr);
      }
      dd {
        margin-block-end: 0.4rem;
      }
    }
    .map-view {
      block-size: 18rem;
      border: 1px solid var(--_cam-border);
      border-radius: var(--_cam-radius);
      margin-block-end: 0.5rem;
    }
    .flags {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem;
      padding: 0;
      margin: 0;
      list-style: none;
    }
    .flags li {
      background: var(--_cam-warning-background);
      border: 1px solid var(--_cam-warning-border);
      border-radius: 999px;
      padding: 0.1rem 0.6rem;
    }
    section.block {
      margin-block-end: 1rem;
    }
    fieldset {
      border: 1px solid var(--_cam-border);
      border-radius: var(--_cam-radius);
      padding: 0.75rem;
      margin: 0 0 0.75rem;
    }
    legend {
      font-weight: 600;
      padding-inline: 0.25rem;
    }
    .radio {
      display: flex;
      gap: 0.5rem;
      align-items: center;
      font-weight: normal;
    }
    .radio input {
      inline-size: auto;
      min-block-size: auto;
    }
  `,
];
