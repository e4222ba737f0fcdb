import { css } from 'lit';
import { tokens } from '../shared/tokens.styles.js';

/** Styles of `<cam-incident-search>`; theme through the shared `--cam-*` tokens. */
export const incidentSearchStyles = [
  tokens,
  css`
    :host {
      display: block;
      --_accent: var(--_cam-accent);
      --_accent-ink: var(--_cam-accent-contrast);
      --_ink: var(--_cam-text);
      --_muted: var(--_cam-muted);
      --_surface: var(--_cam-background);
      --_panel: var(--_cam-surface);
      --_line: var(--_cam-border);
      --_danger: var(--_cam-danger);
      --_ok: var(--_cam-success);
      --_warn: var(--_cam-warning-border);
      --_warn-bg: var(--_cam-warning-background);
      --_focus: var(--_cam-focus);
      --_radius: var(--_cam-radius);
      color: var(--_ink);
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
      font-size: 1.1rem;
    }
    h4 {
      font-size: 1rem;
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
      gap: 0.75rem;
      align-items: center;
      color: var(--_muted);
    }
    .panel {
      background: var(--_panel);
      border: 1px solid var(--_line);
      border-radius: var(--_radius);
      padding: 1rem;
    }
    .layout {
      display: grid;
      gap: 1rem;
      grid-template-columns: minmax(0, 1fr);
    }
    .results-layout {
      display: grid;
      gap: 1rem;
      grid-template-columns: minmax(0, 1fr);
      align-items: start;
      margin-block-start: 1rem;
    }
    .stale-note.shown {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1rem;
      align-items: center;
      justify-content: space-between;
      border-inline-start: 6px solid var(--_warn);
      background: var(--_warn-bg);
      padding: 0.5rem 0.75rem;
      margin-block-end: 0.75rem;
    }
    .stale-note p {
      margin: 0;
      font-weight: 600;
    }
    /* An out-of-date list stays readable (full contrast) but does not look current. */
    .results-layout.stale .table-wrap {
      outline: 3px dashed var(--_warn);
      outline-offset: 2px;
      background: var(--_warn-bg);
    }
    .main-column {
      min-inline-size: 0;
    }
    /* After the one-column defaults, so it wins on wide screens. */
    @media (min-width: 60rem) {
      .layout {
        grid-template-columns: minmax(20rem, 24rem) minmax(0, 1fr);
        align-items: start;
      }
      .results-layout {
        grid-template-columns: minmax(0, 1fr) minmax(18rem, 22rem);
      }
    }
    form {
      display: grid;
      gap: 0.85rem;
    }
    fieldset {
      border: 1px solid var(--_line);
      border-radius: var(--_radius);
      margin: 0;
      padding: 0.5rem 0.75rem 0.75rem;
      min-inline-size: 0;
    }
    legend {
      font-weight: 600;
      padding-inline: 0.25rem;
    }
    label,
    .label {
      display: block;
      font-weight: 600;
      margin-block-end: 0.2rem;
    }
    .field {
      display: grid;
      gap: 0.15rem;
    }
    .hint {
      color: var(--_muted);
      font-size: 0.875rem;
      margin: 0;
    }
    .issue {
      color: var(--_danger);
      font-size: 0.9rem;
      font-weight: 600;
      margin: 0;
    }
    input,
    select,
    textarea,
    button {
      font: inherit;
    }
    input[type='text'],
    input[type='password'],
    input[type='number'],
    input[type='datetime-local'],
    input[type='search'],
    select,
    textarea {
      inline-size: 100%;
      min-block-size: 2.5rem;
      padding: 0.4rem 0.55rem;
      border: 1px solid var(--_line);
      border-radius: 4px;
      background: var(--_surface);
      color: var(--_ink);
    }
    [aria-invalid='true'] {
      border-color: var(--_danger);
      box-shadow: 0 0 0 1px var(--_danger);
    }
    :focus-visible {
      outline: 3px solid var(--_focus);
      outline-offset: 2px;
    }
    .inline {
      display: flex;
      gap: 0.5rem;
      align-items: stretch;
    }
    .inline > :first-child {
      flex: 1;
      min-inline-size: 0;
    }
    button {
      min-block-size: 2.5rem;
      min-inline-size: 2.75rem;
      padding: 0.4rem 0.9rem;
      border-radius: 4px;
      border: 1px solid var(--_accent);
      background: var(--_surface);
      color: var(--_accent);
      font-weight: 600;
      cursor: pointer;
    }
    button.primary {
      background: var(--_accent);
      color: var(--_accent-ink);
    }
    button[disabled] {
      opacity: 0.6;
      cursor: not-allowed;
    }
    button.link {
      border: none;
      background: none;
      padding-inline: 0.25rem;
      text-decoration: underline;
      min-inline-size: 0;
    }
    .radios {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem 1rem;
    }
    .radios label {
      display: inline-flex;
      gap: 0.35rem;
      align-items: center;
      font-weight: 400;
      min-block-size: 2.25rem;
    }
    .radios input {
      inline-size: 1.15rem;
      block-size: 1.15rem;
      accent-color: var(--_accent);
    }
    .combo {
      position: relative;
    }
    .combo [role='listbox'] {
      position: absolute;
      inset-inline: 0;
      inset-block-start: 100%;
      z-index: 3;
      margin: 0.15rem 0 0;
      padding: 0.25rem 0;
      list-style: none;
      background: var(--_surface);
      border: 1px solid var(--_line);
      border-radius: 4px;
      box-shadow: 0 4px 14px rgb(0 0 0 / 18%);
      max-block-size: 16rem;
      overflow: auto;
    }
    .combo [role='option'] {
      padding: 0.45rem 0.65rem;
      cursor: pointer;
    }
    .combo [role='option'][aria-selected='true'] {
      background: var(--_accent);
      color: var(--_accent-ink);
    }
    .location-status {
      margin: 0.5rem 0 0;
      padding: 0.4rem 0.6rem;
      border-inline-start: 4px solid var(--_accent);
      background: var(--_surface);
    }
    .alert {
      border: 1px solid var(--_danger);
      border-inline-start-width: 6px;
      background: color-mix(in srgb, var(--_danger) 6%, var(--_surface));
      color: var(--_ink);
      padding: 0.6rem 0.8rem;
      border-radius: 4px;
      margin: 0;
    }
    .note {
      border-inline-start: 6px solid var(--_warn);
      background: var(--_warn-bg);
      padding: 0.5rem 0.75rem;
      margin: 0;
    }
    .map-wrap {
      position: relative;
      border: 1px solid var(--_line);
      border-radius: var(--_radius);
      overflow: hidden;
      background: var(--_panel);
      min-block-size: clamp(20rem, 62vh, 40rem);
    }
    .map-view {
      position: absolute;
      inset: 0;
    }
    .map-status {
      position: absolute;
      inset-block-start: 0.5rem;
      inset-inline: 0.5rem;
      margin: 0;
      background: rgb(255 255 255 / 92%);
      padding: 0.4rem 0.6rem;
      border-radius: 4px;
    }
    .map-wrap.failed {
      min-block-size: 0;
    }
    .map-wrap.failed .map-status {
      position: static;
    }
    .legend {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem 1rem;
      font-size: 0.875rem;
      color: var(--_muted);
      margin-block-start: 0.4rem;
    }
    .toolbar {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1rem;
      align-items: end;
      justify-content: space-between;
      margin-block-end: 0.5rem;
    }
    .toolbar .actions {
      display: flex;
      gap: 0.5rem;
      flex-wrap: wrap;
    }
    .sort {
      display: flex;
      gap: 0.5rem;
      align-items: center;
    }
    .sort label {
      margin: 0;
    }
    .sort select {
      inline-size: auto;
    }
    .table-wrap {
      overflow-x: auto;
      border: 1px solid var(--_line);
      border-radius: var(--_radius);
      background: var(--_surface);
    }
    table {
      border-collapse: collapse;
      inline-size: 100%;
      /* Narrow screens scroll the table sideways rather than crush its columns. */
      min-inline-size: 42rem;
      font-size: 0.95rem;
    }
    caption {
      text-align: start;
      font-weight: 600;
      padding: 0.5rem 0.75rem;
    }
    th,
    td {
      text-align: start;
      vertical-align: top;
      padding: 0.45rem 0.6rem;
      border-block-start: 1px solid var(--_line);
    }
    thead th {
      background: var(--_panel);
      font-size: 0.85rem;
      white-space: nowrap;
    }
    tbody th {
      font-weight: 400;
    }
    tr[aria-current='true'] {
      background: color-mix(in srgb, var(--_accent) 10%, var(--_surface));
      box-shadow: inset 4px 0 0 var(--_accent);
    }
    .row-button {
      border: none;
      background: none;
      padding: 0;
      min-block-size: 0;
      min-inline-size: 0;
      text-align: start;
      color: var(--_accent);
      text-decoration: underline;
      font-weight: 600;
    }
    .more {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1rem;
      align-items: center;
      margin: 0.5rem 0 0;
    }
    .sub {
      display: block;
      color: var(--_muted);
      font-size: 0.85rem;
    }
    .badge {
      display: inline-block;
      padding: 0.05rem 0.45rem;
      border-radius: 0.6rem;
      font-size: 0.8rem;
      font-weight: 600;
      border: 1px solid currentColor;
    }
    .vis-sees {
      color: var(--_ok);
    }
    .vis-faces {
      color: var(--_accent);
    }
    .vis-maybe {
      color: var(--_warn);
    }
    .vis-away {
      color: var(--_muted);
    }
    .urgent {
      color: var(--_danger);
    }
    .gone {
      color: var(--_muted);
      text-decoration: line-through;
    }
    .detail {
      background: var(--_surface);
      border: 1px solid var(--_line);
      border-radius: var(--_radius);
      padding: 1rem;
    }
    .detail dl {
      display: grid;
      grid-template-columns: max-content minmax(0, 1fr);
      gap: 0.2rem 0.75rem;
      margin: 0 0 0.75rem;
    }
    .detail dt {
      color: var(--_muted);
    }
    .detail dd {
      margin: 0;
      overflow-wrap: anywhere;
    }
    @media (max-width: 36rem) {
      .detail dl {
        grid-template-columns: minmax(0, 1fr);
      }
      .detail dd {
        margin-block-end: 0.35rem;
      }
    }
    .detail-head {
      display: flex;
      justify-content: space-between;
      align-items: start;
      gap: 0.5rem;
    }
    .history {
      margin: 0.25rem 0 0.75rem;
      padding-inline-start: 1.1rem;
    }
    .sr-only {
      position: absolute;
      inline-size: 1px;
      block-size: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
    @media print {
      :host {
        font-size: 10pt;
      }
      .no-print,
      .map-wrap,
      .detail,
      .toolbar,
      .legend,
      form,
      .row-button-hint {
        display: none !important;
      }
      .layout,
      .results-layout {
        display: block;
      }
      .table-wrap {
        overflow: visible;
        border: none;
      }
      table {
        min-inline-size: 0;
      }
      th,
      td {
        border: 1px solid #999;
      }
      tr {
        break-inside: avoid;
      }
      .row-button {
        color: inherit;
        text-decoration: none;
      }
    }
  `,
];

/**
 * Styles of the printed canvass sheet, a document of its own (see `handlePrint`): landscape,
 * a row per site that never splits across pages, and room to write in Outcome and Notes.
 */
export const canvassSheetCss = `
  @page { size: landscape; margin: 1cm; }
  body { font: 10pt/1.35 system-ui, sans-serif; color: #000; background: #fff; margin: 1rem; }
  h1 { font-size: 14pt; margin: 0 0 0.5rem; }
  dl { display: flex; flex-wrap: wrap; gap: 0.25rem 1.25rem; margin: 0 0 0.5rem; }
  dl div { display: flex; gap: 0.35rem; }
  dt { font-weight: 600; }
  dt::after { content: ':'; }
  dd { margin: 0; }
  img { max-inline-size: 100%; max-block-size: 9cm; border: 1px solid #666; }
  table { border-collapse: collapse; inline-size: 100%; }
  th, td { border: 1px solid #666; padding: 0.3rem 0.4rem; text-align: start; vertical-align: top; }
  thead th { background: #eee; }
  tbody th { font-weight: 600; }
  tr { break-inside: avoid; }
  .site, .cameras { white-space: pre-line; }
  .phone { white-space: nowrap; }
  a { color: inherit; text-decoration: none; }
  .outcome { min-inline-size: 9rem; }
  .notes { min-inline-size: 14rem; block-size: 3.5rem; }
`;
