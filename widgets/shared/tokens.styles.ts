import { css } from 'lit';

/**
 * The `--cam-*` theme tokens every widget reads. Hosts set any of them on the widget or on
 * an ancestor (they inherit); each widget reads the private `--_cam-*` copies declared here.
 *
 * Inside ArcGIS apps (Experience Builder and other apps built on Calcite), tokens a host
 * leaves unset follow Calcite's theme tokens (`--calcite-color-brand`, `--calcite-color-text-1`
 * ...), light or dark as the app's `calcite-mode-*` class says. Elsewhere Calcite's tokens
 * are undefined and our own values apply (text and controls meet WCAG 2.2 AA on white).
 * Accent, border, danger, warning and success are Calcite's colours mixed a little towards
 * its text colour, so that they keep WCAG 2.2 AA contrast as text, on tinted panels and as
 * control borders, on light and dark backgrounds alike (Calcite's own brand blue is 4.6:1
 * on white, and less on a tint).
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
      var(--calcite-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif)
    );
    --_cam-font-size: var(--cam-font-size, 1rem);
    --_cam-text: var(--cam-text-color, var(--calcite-color-text-1, #1b1b1b));
    --_cam-muted: var(--cam-muted-color, var(--calcite-color-text-2, #4d4d4d));
    --_cam-background: var(--cam-background, var(--calcite-color-foreground-1, #ffffff));
    --_cam-surface: var(--cam-surface, var(--calcite-color-foreground-2, #f1f3f6));
    --_cam-border: var(
      --cam-border-color,
      color-mix(
        in srgb,
        var(--calcite-color-border-input, #6f6f6f) 70%,
        var(--calcite-color-text-1, #6f6f6f)
      )
    );
    --_cam-accent: var(
      --cam-accent,
      color-mix(
        in srgb,
        var(--calcite-color-brand, #005ea2) 85%,
        var(--calcite-color-text-1, #005ea2)
      )
    );
    --_cam-accent-hover: var(--cam-accent-hover, var(--calcite-color-brand-hover, #1a4480));
    --_cam-accent-contrast: var(--cam-accent-contrast, var(--calcite-color-text-inverse, #ffffff));
    --_cam-danger: var(
      --cam-danger,
      color-mix(
        in srgb,
        var(--calcite-color-status-danger, #b50909) 80%,
        var(--calcite-color-text-1, #b50909)
      )
    );
    --_cam-warning-background: var(
      --cam-warning-background,
      color-mix(
        in srgb,
        var(--calcite-color-status-warning, #fff5d6) 16%,
        var(--calcite-color-foreground-1, #fff5d6)
      )
    );
    --_cam-warning-border: var(
      --cam-warning-border,
      color-mix(
        in srgb,
        var(--calcite-color-status-warning, #8a5a00) 60%,
        var(--calcite-color-text-1, #8a5a00)
      )
    );
    --_cam-success: var(
      --cam-success,
      color-mix(
        in srgb,
        var(--calcite-color-status-success, #00703c) 70%,
        var(--calcite-color-text-1, #00703c)
      )
    );
    --_cam-focus: var(--cam-focus-color, var(--calcite-color-focus, #c05600));
    --_cam-radius: var(--cam-radius, var(--calcite-corner-radius-round, 0.375rem));
    --_cam-space: var(--cam-space, 1rem);
  }
`;
