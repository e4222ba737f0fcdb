/**
 * Helpers for the registration widget's browser tests: mounting against the real local
 * server (through Vite's `/arcgis` proxy), reaching into the shadow root, keyboard-only
 * navigation, and reading back what was stored through the source view as an analyst.
 */
import axe from 'axe-core';
import { userEvent } from 'vitest/browser';
import { expect, vi } from 'vitest';
import '../../widgets/registration/index.js';
import { draftStorageKey } from '../../widgets/registration/draft-store.js';
import type { CamRegistration } from '../../widgets/registration/index.js';

export const PUBLIC_VIEW = '/arcgis/rest/services/CommunityCameras_public/FeatureServer';
export const SOURCE_VIEW = '/arcgis/rest/services/CommunityCameras/FeatureServer';
export const GEOCODER = '/arcgis/rest/services/Geocode/GeocodeServer';
export const TEST_PASSWORD = 'test-password-1';
export const CITY_EXTENT = { xmin: -94.48, ymin: 39.03, xmax: -94.33, ymax: 39.13 };

/** Mounts a widget wired to the local server; `min-fill-seconds` is 0 unless given. */
export async function mount(
  options: {
    mode?: 'register' | 'manage';
    attributes?: Record<string, string>;
    properties?: Partial<CamRegistration>;
    /** The agreement version attribute; null leaves it to the config file. */
    consentVersion?: string | null;
    /** Keep the drafts earlier widgets left in this tab (a reload); otherwise a fresh tab. */
    keepDraft?: boolean;
  } = {},
): Promise<CamRegistration> {
  if (!options.keepDraft) forgetDrafts();
  const element = document.createElement('cam-registration');
  element.setAttribute('service-url', PUBLIC_VIEW);
  element.setAttribute('geocoder-url', GEOCODER);
  element.setAttribute('context-layer-url', '/demo-data/streets.geojson');
  element.setAttribute('min-fill-seconds', '0');
  if (options.consentVersion !== null) {
    element.setAttribute('consent-version', options.consentVersion ?? '2026-01');
  }
  if (options.mode) element.setAttribute('mode', options.mode);
  for (const [name, value] of Object.entries(options.attributes ?? {})) {
    element.setAttribute(name, value);
  }
  element.cityExtent = CITY_EXTENT;
  Object.assign(element, options.properties ?? {});
  document.body.append(element);
  await element.updateComplete;
  await vi.waitFor(() => {
    if (!element.shadowRoot?.querySelector('form, .frame h2')) throw new Error('not rendered');
  });
  return element;
}

/** Removes every registration draft kept in this tab's session storage. */
export function forgetDrafts(): void {
  const prefix = draftStorageKey('');
  for (let i = sessionStorage.length - 1; i >= 0; i -= 1) {
    const key = sessionStorage.key(i);
    if (key?.startsWith(prefix)) sessionStorage.removeItem(key);
  }
}

export function shadow(element: CamRegistration): ShadowRoot {
  const root = element.shadowRoot;
  if (!root) throw new Error('no shadow root');
  return root;
}

export function $<T extends Element = HTMLElement>(element: CamRegistration, selector: string): T {
  const found = shadow(element).querySelector<T>(selector);
  if (!found) throw new Error(`nothing matches ${selector}`);
  return found;
}

export function $$<T extends Element = HTMLElement>(
  element: CamRegistration,
  selector: string,
): T[] {
  return [...shadow(element).querySelectorAll<T>(selector)];
}

/** The focused element, through shadow roots. */
export function deepActive(): Element | null {
  let active: Element | null = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/** Presses Tab (Shift+Tab when `back`) until the focused element matches. */
export async function tabTo(
  matches: (element: Element) => boolean,
  options: { max?: number; back?: boolean } = {},
): Promise<Element> {
  for (let i = 0; i < (options.max ?? 120); i += 1) {
    const active = deepActive();
    if (active && matches(active)) return active;
    await userEvent.keyboard(options.back ? '{Shift>}{Tab}{/Shift}' : '{Tab}');
  }
  throw new Error(`Tab never reached the element (stopped at ${describe(deepActive())})`);
}

export function describe(element: Element | null): string {
  if (!element) return 'nothing';
  return `${element.tagName.toLowerCase()}#${element.id} "${element.textContent?.trim().slice(0, 40) ?? ''}"`;
}

/** Matches the element with this id. */
export const byId = (id: string) => (element: Element) => element.id === id;

/** Matches a button by its visible text. */
export const button = (text: string | RegExp) => (element: Element) =>
  element instanceof HTMLButtonElement &&
  (typeof text === 'string'
    ? element.textContent?.trim() === text
    : text.test(element.textContent?.trim() ?? ''));

/** The step heading's text. */
export function heading(element: CamRegistration): string {
  return $(element, 'h2').textContent?.trim() ?? '';
}

/** Runs axe on the widget (shadow DOM included) and returns the violations, compactly. */
export async function axeViolations(element: CamRegistration): Promise<string[]> {
  const results = await axe.run(element, { resultTypes: ['violations'] });
  return results.violations.map(
    (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

export async function analystToken(): Promise<string> {
  const response = await fetch('/arcgis/sharing/rest/generateToken', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: 'analyst1', password: TEST_PASSWORD, f: 'json' }),
  });
  const body = (await response.json()) as { token?: string };
  if (!body.token) throw new Error('no analyst token');
  return body.token;
}

export interface StoredFeature {
  attributes: Record<string, string | number | null>;
  geometry?: { x: number; y: number };
}

/** Queries the source view as analyst1. */
export async function querySource(layer: number, where: string): Promise<StoredFeature[]> {
  const token = await analystToken();
  const params = new URLSearchParams({
    where,
    outFields: '*',
    returnGeometry: 'true',
    outSR: '4326',
    f: 'json',
  });
  const response = await fetch(`${SOURCE_VIEW}/${layer}/query`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-esri-authorization': `Bearer ${token}`,
    },
    body: params,
  });
  const body = (await response.json()) as { features?: StoredFeature[]; error?: unknown };
  if (!body.features) throw new Error(`query failed: ${JSON.stringify(body.error)}`);
  return body.features;
}

/** The registration reference and manage code shown on the confirmation step. */
export function shownCodes(element: CamRegistration): { reference: string; code: string } {
  return {
    reference: $(element, '#cam-done-ref').textContent?.trim() ?? '',
    code: $(element, '#cam-done-code').textContent?.trim() ?? '',
  };
}

/** Waits for the step heading; on timeout the message carries what the alert region says. */
export async function waitForHeading(element: CamRegistration, text: string): Promise<void> {
  try {
    await expect.poll(() => heading(element), { timeout: 15_000 }).toBe(text);
  } catch (error) {
    const alert = element.shadowRoot?.querySelector('.alert')?.textContent?.replace(/\s+/g, ' ');
    throw new Error(`Heading "${heading(element)}", not "${text}"; alert: ${alert ?? 'none'}`, {
      cause: error,
    });
  }
}

/** Types an address and picks the first suggestion with the pointer. */
export async function pickAddress(element: CamRegistration, typed: string): Promise<void> {
  await userEvent.fill($(element, '#cam-f-address'), typed);
  await expect
    .poll(() => $$(element, '.suggestions li').length, { timeout: 10_000 })
    .toBeGreaterThan(0);
  await userEvent.click($$(element, '.suggestions li')[0] as HTMLElement);
  await expect.poll(() => element.shadowRoot?.querySelector('.found') !== null).toBe(true);
  // The map loads (or gives up) below; wait for the layout to settle before clicking on.
  await expect
    .poll(
      () =>
        /Loading|Cargando/.test(
          element.shadowRoot?.querySelector('.map-status')?.textContent ?? '',
        ),
      {
        timeout: 20_000,
      },
    )
    .toBe(false);
}

export async function pressSubmit(element: CamRegistration): Promise<void> {
  await userEvent.click($(element, 'button[type=submit]'));
}

export interface SiteOptions {
  readonly name?: string;
  readonly email?: string;
  /** Runs on the site step before it is filled (e.g. to fill the honeypot as a bot would). */
  readonly onSiteStep?: () => void;
}

/**
 * Fills a registration with the pointer (the keyboard path has its own test): a residence
 * with one camera facing north, consent ticked. Leaves the widget on the review step.
 */
export async function fillRegistration(
  element: CamRegistration,
  options: SiteOptions = {},
): Promise<void> {
  await pressSubmit(element);
  await waitForHeading(element, 'Your address and contact');
  options.onSiteStep?.();
  await userEvent.click($(element, '#cam-f-site_type-0'));
  await userEvent.fill($(element, '#cam-f-contact_name'), options.name ?? 'Dana Smith');
  await userEvent.selectOptions($(element, '#cam-f-contact_role'), 'owner');
  await userEvent.fill($(element, '#cam-f-phone'), '816-555-0101');
  if (options.email) await userEvent.fill($(element, '#cam-f-email'), options.email);
  await userEvent.click($(element, '#cam-f-share_willingness-0'));
  await pickAddress(element, '1200 E White');
  await pressSubmit(element);
  await waitForHeading(element, 'Your cameras');
  await userEvent.fill($(element, '#cam-f-cameras-0-label'), 'Porch');
  await userEvent.click($(element, '#cam-f-cameras-0-mount-0'));
  await userEvent.click($(element, '#cam-f-cameras-0-view_bearing-1')); // North
  await userEvent.selectOptions($(element, '#cam-f-cameras-0-recording_mode'), 'motion');
  await userEvent.fill($(element, '#cam-f-cameras-0-retention_days'), '10');
  await pressSubmit(element);
  await waitForHeading(element, 'Check and agree');
  await userEvent.click($(element, '#cam-f-consent'));
}

/** {@link fillRegistration}, then send it; leaves the widget on the confirmation step. */
export async function registerSite(
  element: CamRegistration,
  options: SiteOptions = {},
): Promise<{ reference: string; code: string }> {
  await fillRegistration(element, options);
  await pressSubmit(element);
  await waitForHeading(element, 'Thank you, you are registered');
  return shownCodes(element);
}
