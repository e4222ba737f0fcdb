/**
 * Helpers of the embed browser tests: a plain city page (its own styles, elements and
 * attributes) opened in a frame of the test page, whose origin is not the widget server's;
 * what such a page owns, captured to compare; axe inside it; the registry read back.
 */
import type axe from 'axe-core';
import axeSource from 'axe-core/axe.min.js?raw';
import { expect } from 'vitest';
import type { HostPageKind } from './host-pages.js';

export const TEST_PASSWORD = 'test-password-1';

/**
 * Opens a city page (`/embed-host/<kind>.html`, served by the test page's own server, so on
 * an origin other than the widget server's) in a frame of the test page, and waits until it
 * has loaded, module scripts included. The control copy carries no bundle. `host` marks the
 * frame for the `inHost` command.
 */
export async function openCityPage(
  kind: HostPageKind,
  options: { width: number; height: number; control?: boolean },
): Promise<HTMLIFrameElement> {
  const frame = document.createElement('iframe');
  frame.title = options.control ? 'City page without the widget bundle' : 'City page';
  frame.style.cssText = `display:block;border:0;inline-size:${options.width}px;block-size:${options.height}px`;
  if (!options.control) frame.dataset.embedHost = '';
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  frame.src = `/embed-host/${kind}${options.control ? '-control' : ''}.html`;
  document.body.append(frame);
  await loaded;
  return frame;
}

export function documentOf(frame: HTMLIFrameElement): Document {
  const doc = frame.contentDocument;
  if (!doc) throw new Error('the frame has no document');
  return doc;
}

/** The widget's shadow root in the page, once it has rendered a heading. */
export async function widgetRoot(frame: HTMLIFrameElement, tag: string): Promise<ShadowRoot> {
  await expect
    .poll(() => documentOf(frame).querySelector(tag)?.shadowRoot?.querySelector('h2'), {
      timeout: 30_000,
    })
    .toBeTruthy();
  const root = documentOf(frame).querySelector(tag)?.shadowRoot;
  if (!root) throw new Error(`${tag} has no shadow root`);
  return root;
}

const WIDGET_TAGS = 'cam-registration, cam-incident-search';
const STYLE_PROPERTIES = [
  'color',
  'background-color',
  'font-family',
  'font-size',
  'font-weight',
  'text-transform',
  'line-height',
  'display',
  'visibility',
  'border-top-style',
  'border-top-color',
  'border-top-width',
  'margin-top',
  'padding-top',
  'box-sizing',
] as const;

/** Everything a page owns outside its widgets' elements, as comparable text. */
export interface PageState {
  /** The markup, each widget element reduced to its bare tag and the bundle's script left out. */
  readonly markup: string;
  /** Computed styles of every element outside the widgets, in document order. */
  readonly styles: readonly string[];
  /** The page's style sheets, rule by rule, and how many sheets are adopted. */
  readonly sheets: readonly string[];
  readonly adoptedSheets: number;
  readonly title: string;
  readonly storage: readonly string[];
}

export function pageState(frame: HTMLIFrameElement): PageState {
  const doc = documentOf(frame);
  const view = frame.contentWindow;
  if (!view) throw new Error('the frame has no window');
  const clone = doc.documentElement.cloneNode(true) as HTMLElement;
  for (const widget of clone.querySelectorAll(WIDGET_TAGS)) widget.replaceWith(widget.localName);
  for (const script of clone.querySelectorAll('script[src*="/embed/"]')) script.remove();
  const outside = [...doc.querySelectorAll('*')].filter(
    (element) => !element.matches(WIDGET_TAGS) && !element.closest(WIDGET_TAGS),
  );
  const styles = outside
    .filter((element) => !element.matches('script[src*="/embed/"]'))
    .map((element) => {
      const style = view.getComputedStyle(element);
      return `${element.localName}#${element.id}: ${STYLE_PROPERTIES.map((p) => style.getPropertyValue(p)).join('; ')}`;
    });
  const sheets = [...doc.styleSheets].map((sheet) =>
    [...sheet.cssRules].map((rule) => rule.cssText).join('\n'),
  );
  return {
    markup: clone.outerHTML.replace(/\s+/g, ' '),
    styles,
    sheets,
    adoptedSheets: doc.adoptedStyleSheets.length,
    title: doc.title,
    storage: [
      ...Object.keys(view.localStorage).map((key) => `local ${key}`),
      ...Object.keys(view.sessionStorage).map((key) => `session ${key}`),
    ],
  };
}

/** The attributes the page itself gave an element (by name), as they are now. */
export function attributesOf(element: Element | null, names: readonly string[]): string[] {
  return names.map((name) => `${name}=${element?.getAttribute(name) ?? '(none)'}`);
}

/** Names the bundle added to the page's window. */
export function addedGlobals(control: HTMLIFrameElement, host: HTMLIFrameElement): string[] {
  const before = new Set(Object.getOwnPropertyNames(control.contentWindow ?? {}));
  return Object.getOwnPropertyNames(host.contentWindow ?? {}).filter((name) => !before.has(name));
}

/** axe-core's violations on the whole page in the frame (widgets' shadow roots included). */
export async function pageAxeViolations(frame: HTMLIFrameElement): Promise<string[]> {
  const view = frame.contentWindow as (Window & { axe?: typeof axe }) | null;
  if (!view) throw new Error('the frame has no window');
  if (!view.axe) (view as unknown as { eval(code: string): void }).eval(axeSource);
  const results = await view.axe!.run(documentOf(frame), { resultTypes: ['violations'] });
  return results.violations.map(
    (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

/** A token of a demo account on the widget server. */
export async function tokenAt(origin: string, username: string): Promise<string> {
  const response = await fetch(`${origin}/arcgis/sharing/rest/generateToken`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password: TEST_PASSWORD, f: 'json' }),
  });
  const body = (await response.json()) as { token?: string };
  if (!body.token) throw new Error(`no token for ${username}`);
  return body.token;
}

export interface Feature {
  readonly attributes: Record<string, string | number | null>;
  readonly geometry?: { readonly x: number; readonly y: number };
}

/** Features of a layer of a service on the widget server, read with `token`. */
export async function queryAt(
  origin: string,
  service: string,
  layer: number,
  token: string,
  params: Record<string, string>,
): Promise<Feature[]> {
  const response = await fetch(
    `${origin}/arcgis/rest/services/${service}/FeatureServer/${layer}/query`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ f: 'json', outFields: '*', token, ...params }),
    },
  );
  const body = (await response.json()) as { features?: Feature[]; error?: unknown };
  if (!body.features) throw new Error(`query failed: ${JSON.stringify(body.error)}`);
  return body.features;
}
