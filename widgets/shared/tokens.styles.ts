import { css } from 'lit';

/**
 * The `--cam-*` theme tokens every widget reads. Hosts set any of them on the widget or on
 * an ancestor (they inherit); each widget reads the private `--_cam-*` copies declared here,
 * which fall back to accessible defaults (text and controls meet WCAG 2.2 AA on white).
 *
 * @cssprop --cam-font-family - Text font.
 * @cssprop --cam-font-size - Base text size.
 * @cssprop --cam-text-color - Body text.
 * @cssprop --cam-muted-color - Hints and secondary text (at least 4.5:1 on the background).
 * @cssprop --cam-background - Widget background.
 * @cssprop --cam-surface - Panels and cards.
 * @cssprop --cam-border-color - Control borders (at least 3:1 on the background).
 * @cssprop --cam-accent - Primary buttons, links, the progress bar.
 * @cssprop --cam-accent-hover - Primary buttons when hovered.
 * @cssprop --cam-accent-contrast - Text on the accent colour.
 * @cssprop --cam-danger - Errors.
 * @cssprop --cam-warning-background - Warning panels.
 * @cssprop --cam-warning-border - Warning panel border and icon.
 * @cssprop --cam-success - Success panels and icons.
 * @cssprop --cam-focus-color - The focus ring.
 * @cssprop --cam-radius - Corner radius.
 * @cssprop --cam-space - Base spacing unit.
 */
export const tokens = css`
  :host {
    --_cam-font-family: var(
      --cam-font-family,
      system-ui,
      -apple-system,
      'Segoe UI',
      Roboto,
      sans-serif
    );
    --_cam-font-size: var(--cam-font-size, 1rem);
    --_cam-text: var(--cam-text-color, #1b1b1b);
    --_cam-muted: var(--cam-muted-color, #4d4d4d);
    --_cam-background: var(--cam-background, #ffffff);
    --_cam-surface: var(--cam-surface, #f1f3f6);
    --_cam-border: var(--cam-border-color, #6f6f6f);
    --_cam-accent: var(--cam-accent, #005ea2);
    --_cam-accent-hover: var(--cam-accent-hover, #1a4480);
    --_cam-accent-contrast: var(--cam-accent-contrast, #ffffff);
    --_cam-danger: var(--cam-danger, #b50909);
    --_cam-warning-background: var(--cam-warning-background, #fff5d6);
    --_cam-warning-border: var(--cam-warning-border, #8a5a00);
    --_cam-success: var(--cam-success, #00703c);
    --_cam-focus: var(--cam-focus-color, #c05600);
    --_cam-radius: var(--cam-radius, 0.375rem);
    --_cam-space: var(--cam-space, 1rem);
  }
`;
