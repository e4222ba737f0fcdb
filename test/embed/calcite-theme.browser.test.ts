/**
 * Inside ArcGIS apps the widgets take Calcite's theme tokens (the CSS custom properties
 * Experience Builder's pages carry), light and dark, and stay accessible in both; outside
 * them, and wherever a host sets a `--cam-*` token, our own values apply.
 */
import calciteCss from '@esri/calcite-components/main.css?inline';
import axe from 'axe-core';
import { afterEach, describe, expect, it } from 'vitest';
import '../../widgets/incident-search/index.js';
import '../../widgets/registration/index.js';

afterEach(() => {
  document.head.querySelector('#calcite-tokens')?.remove();
  document.body.replaceChildren();
});

/** Calcite's own style sheet on the page, as in an ArcGIS app. */
function useCalcite(): void {
  const style = document.createElement('style');
  style.id = 'calcite-tokens';
  style.textContent = calciteCss;
  document.head.append(style);
}

/** Both widgets in a box of the given Calcite mode (none: a plain page). */
async function mountWidgets(mode: 'light' | 'dark' | null, hostTheme = '') {
  const box = document.createElement('div');
  if (mode) box.className = `calcite-mode-${mode}`;
  box.style.cssText = `padding:1rem;${hostTheme}`;
  const registration = document.createElement('cam-registration');
  registration.setAttribute('min-fill-seconds', '0');
  const search = document.createElement('cam-incident-search');
  search.noMap = true;
  box.append(registration, search);
  document.body.append(box);
  await registration.updateComplete;
  await search.updateComplete;
  await expect
    .poll(() => registration.shadowRoot?.querySelector('button.primary, .nav .primary'))
    .toBeTruthy();
  const button = registration.shadowRoot?.querySelector<HTMLElement>(
    'button.primary, .nav .primary',
  );
  const signIn = search.shadowRoot?.querySelector<HTMLElement>('button.primary');
  if (!button || !signIn) throw new Error('no primary buttons');
  return { box, registration, search, button, signIn };
}

/** A computed colour as `[r, g, b]`, 0–255, from `rgb(…)` or `color(srgb …)`. */
function rgb(value: string): number[] {
  const srgb = /^color\(srgb ([\d.]+) ([\d.]+) ([\d.]+)/.exec(value);
  if (srgb) return srgb.slice(1, 4).map((c) => Math.round(Number(c) * 255));
  const plain = /^rgba?\((\d+), (\d+), (\d+)/.exec(value);
  if (plain) return plain.slice(1, 4).map(Number);
  throw new Error(`not a colour: ${value}`);
}

/** `share` of colour `a` mixed with `b` in sRGB, as CSS `color-mix()` does. */
function mix(a: readonly number[], b: readonly number[], share: number): number[] {
  return a.map((c, i) => c * share + (b[i] ?? 0) * (1 - share));
}

function expectColour(element: Element, expected: readonly number[]): void {
  const actual = rgb(getComputedStyle(element).backgroundColor);
  const off = actual.map((c, i) => Math.abs(c - (expected[i] ?? 0)));
  expect(
    Math.max(...off),
    `${actual.join(',')} vs ${expected.map(Math.round).join(',')}`,
  ).toBeLessThanOrEqual(1);
}

/** Calcite 5's brand and first text colour, light and dark (its `main.css`). */
const CALCITE = {
  light: { brand: [0, 122, 194], text: [20, 20, 20] },
  dark: { brand: [0, 154, 242], text: [255, 255, 255] },
} as const;

async function violations(element: Element): Promise<string[]> {
  const results = await axe.run(element, { resultTypes: ['violations'] });
  return results.violations.map(
    (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

describe('the widgets’ theme', () => {
  it('is our own on a page without Calcite', async () => {
    const { button, signIn, registration } = await mountWidgets(null);
    expectColour(button, [0, 94, 162]);
    expectColour(signIn, [0, 94, 162]);
    expect(getComputedStyle(registration).getPropertyValue('--_cam-text').trim()).not.toBe('');
  });

  it('follows Calcite’s light tokens in an ArcGIS app, and stays accessible', async () => {
    useCalcite();
    const { box, button, signIn } = await mountWidgets('light');
    // Calcite's brand, a little towards its text colour (AA on tints too).
    const accent = mix(CALCITE.light.brand, CALCITE.light.text, 0.85);
    expectColour(button, accent);
    expectColour(signIn, accent);
    expect(await violations(box)).toEqual([]);
  });

  it('follows Calcite’s dark tokens, and stays accessible', async () => {
    useCalcite();
    const { box, button, signIn, registration, search } = await mountWidgets('dark');
    const accent = mix(CALCITE.dark.brand, CALCITE.dark.text, 0.85);
    expectColour(button, accent);
    expectColour(signIn, accent);
    const frame = registration.shadowRoot?.querySelector<HTMLElement>('section');
    expect(getComputedStyle(search).color).toBe('rgb(255, 255, 255)');
    expect(frame).toBeTruthy();
    expect(await violations(box)).toEqual([]);
  });

  it('keeps a host’s --cam-* tokens over Calcite’s', async () => {
    useCalcite();
    const { button, signIn } = await mountWidgets('dark', '--cam-accent:#6a1b9a');
    expectColour(button, [106, 27, 154]);
    expectColour(signIn, [106, 27, 154]);
  });
});
