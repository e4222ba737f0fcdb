/**
 * Helpers for the analyst workspace's browser tests: residents registering through the
 * public view, reads through the source and officer views as the test's own independent
 * check, and driving `<cam-registry-review>` through its nested shadow roots.
 */
import { hashManageCode } from '../../src/core/change-requests/manage-code-hash.js';
import {
  formatManageCode,
  formatReference,
} from '../../src/core/registration/registration-codes.js';
import type { CamRegistryReview } from '../../widgets/registry-review/index.js';
import '../../widgets/registry-review/index.js';

export const PASSWORD = 'test-password-1';
export const SOURCE = '/arcgis/rest/services/CommunityCameras/FeatureServer';
export const PUBLIC = '/arcgis/rest/services/CommunityCameras_public/FeatureServer';
export const OFFICER = '/arcgis/rest/services/CommunityCameras_officer/FeatureServer';
export const GEOCODER = '/arcgis/rest/services/Geocode/GeocodeServer';

export async function tokenFor(username: string): Promise<string> {
  const response = await fetch('/arcgis/sharing/rest/generateToken', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password: PASSWORD, f: 'json' }),
  });
  const body = (await response.json()) as { token?: string };
  if (!body.token) throw new Error(`no token for ${username}`);
  return body.token;
}

async function post<T>(url: string, form: Record<string, string>): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ f: 'json', ...form }),
  });
  return (await response.json()) as T;
}

export interface Feature {
  attributes: Record<string, unknown>;
  geometry?: { x: number; y: number };
}

/** Features of a layer of `service` matching `where` (one page is plenty here). */
export async function query(
  service: string,
  token: string,
  layer: number,
  where: string,
  extra: Record<string, string> = {},
): Promise<Feature[]> {
  const body = await post<{ features?: Feature[]; error?: unknown }>(`${service}/${layer}/query`, {
    token,
    where,
    outFields: '*',
    returnGeometry: 'true',
    outSR: '4326',
    ...extra,
  });
  if (!body.features) throw new Error(`query failed: ${JSON.stringify(body.error)}`);
  return body.features;
}

/** A service-level applyEdits as `token`'s user (edits by OBJECTID); the answer as it came. */
export function applyEdits(service: string, token: string, edits: unknown): Promise<unknown> {
  return post(`${service}/applyEdits`, {
    token,
    edits: JSON.stringify(edits),
    rollbackOnFailure: 'true',
  });
}

function randomBytes(count: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(count));
}

function guid(): string {
  return `{${crypto.randomUUID().toUpperCase()}}`;
}

export interface Resident {
  readonly reference: string;
  readonly manageCode: string;
  readonly siteGuid: string;
  readonly cameraGuids: readonly [string, string];
  readonly point: readonly [number, number];
  readonly phone: string;
  readonly contactName: string;
}

/**
 * A resident registers a site with two cameras through the PUBLIC view, as the form does
 * (one applyEdits, client GlobalIDs). The point is near `near`, a little apart for each call.
 */
export async function registerResident(
  near: readonly [number, number],
  address: string,
): Promise<Resident> {
  const reference = formatReference(randomBytes(8));
  const manageCode = formatManageCode(randomBytes(10));
  const siteGuid = guid();
  const cameraGuids = [guid(), guid()] as const;
  const point = [near[0] + Math.random() * 0.002, near[1] + Math.random() * 0.002] as const;
  const phone = `+1816555${String(Math.floor(1000 + Math.random() * 8999))}`;
  const contactName = `Resident ${reference}`;
  const camera = (globalId: string, label: string, dx: number, bearing: number) => ({
    attributes: {
      GlobalID: globalId,
      site_guid: siteGuid,
      label,
      mount: 'exterior',
      recording_mode: 'motion',
      retention_days: 14,
      view_bearing: bearing,
      fov_deg: 90,
      range_m: 30,
    },
    geometry: { x: point[0] + dx, y: point[1] + 0.00003, spatialReference: { wkid: 4326 } },
  });
  const edits = [
    {
      id: 0,
      adds: [
        {
          attributes: {
            GlobalID: siteGuid,
            registration_ref: reference,
            manage_code_hash: hashManageCode(reference, manageCode),
            site_type: 'residence',
            contact_name: contactName,
            contact_role: 'owner',
            phone,
            address,
            share_willingness: 'yes',
            consent_version: '2026-01',
          },
          geometry: { x: point[0], y: point[1], spatialReference: { wkid: 4326 } },
        },
      ],
    },
    {
      id: 1,
      adds: [
        camera(cameraGuids[0], 'Front door', 0.00005, 90),
        camera(cameraGuids[1], 'Driveway', -0.00004, 200),
      ],
    },
  ];
  const answer = await post<{ addResults?: { success?: boolean }[] }[]>(`${PUBLIC}/applyEdits`, {
    edits: JSON.stringify(edits),
    useGlobalIds: 'true',
    rollbackOnFailure: 'true',
  });
  const ok =
    Array.isArray(answer) && answer.every((l) => l.addResults?.every((r) => r.success === true));
  if (!ok) throw new Error(`registration refused: ${JSON.stringify(answer)}`);
  return { reference, manageCode, siteGuid, cameraGuids, point, phone, contactName };
}

/** A resident asks to change a registration (the manage form's ChangeRequests row). */
export async function requestChange(resident: Resident, payload: unknown): Promise<void> {
  const answer = await post<{ addResults?: { success?: boolean }[] }>(`${PUBLIC}/4/applyEdits`, {
    adds: JSON.stringify([
      {
        attributes: {
          registration_ref: resident.reference,
          manage_code: resident.manageCode,
          request_type: 'update',
          payload: JSON.stringify(payload),
        },
      },
    ]),
  });
  if (answer.addResults?.[0]?.success !== true)
    throw new Error(`change request refused: ${JSON.stringify(answer)}`);
}

/** Polls until `check` returns something truthy, or fails after `timeoutMs`. */
export async function until<T>(
  check: () => T | undefined | false | null | Promise<T | undefined | false | null>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const started = performance.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
}

export function mountReview(
  options: Partial<CamRegistryReview> = {},
  width = 1280,
): CamRegistryReview {
  const element = document.createElement('cam-registry-review');
  element.config = {
    serviceUrl: SOURCE,
    tokenUrl: '/arcgis/sharing/rest/generateToken',
    geocodeUrl: GEOCODER,
    assetsPath: '/assets',
  };
  element.noMap = true;
  Object.assign(element, options);
  element.style.inlineSize = `${width}px`;
  document.body.append(element);
  return element;
}

/** The first match of `selector` in any open shadow root under `root`. */
export function deepQuery<E extends Element = HTMLElement>(
  root: Element | ShadowRoot,
  selector: string,
): E | null {
  const scope = root instanceof Element && root.shadowRoot ? root.shadowRoot : root;
  const found = scope.querySelector<E>(selector);
  if (found) return found;
  for (const element of scope.querySelectorAll('*')) {
    if (!element.shadowRoot) continue;
    const inner = deepQuery<E>(element, selector);
    if (inner) return inner;
  }
  return null;
}

export function deep<E extends Element = HTMLElement>(root: Element, selector: string): E {
  const found = deepQuery<E>(root, selector);
  if (!found) throw new Error(`${selector} not found`);
  return found;
}

/** All text of `root` and its open shadow roots. */
export function deepText(root: Element | ShadowRoot): string {
  const scope = root instanceof Element && root.shadowRoot ? root.shadowRoot : root;
  let text = '';
  const walk = (node: Node) => {
    if (node.nodeType === Node.TEXT_NODE) text += node.textContent ?? '';
    if (node instanceof Element && node.shadowRoot) walk(node.shadowRoot);
    for (const child of node.childNodes) walk(child);
  };
  walk(scope);
  return text.replace(/\s+/g, ' ');
}

/** The focused element, through shadow roots. */
export function deepActive(): Element | null {
  let active: Element | null = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/** Sets a control's value the way typing does, then fires `input`. */
export function type(control: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  control.value = value;
  control.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
}

/** Signs in through the widget's own form. */
export async function signIn(element: CamRegistryReview, username: string): Promise<void> {
  await element.updateComplete;
  type(deep<HTMLInputElement>(element, '#username'), username);
  type(deep<HTMLInputElement>(element, '#password'), PASSWORD);
  deep<HTMLInputElement>(element, '#username').form?.requestSubmit();
}

/** Signs in as analyst1 and waits for the queue's first page. */
export async function signInAnalyst(element: CamRegistryReview): Promise<void> {
  await signIn(element, 'analyst1');
  await until(() => deepQuery(element, 'ul.queue li'), 'the queue');
}

/**
 * Pages through the queue (oldest first) until the entry titled `title` shows, opens it, and
 * waits until its values and cameras have loaded.
 */
export async function openEntry(element: CamRegistryReview, title: string): Promise<void> {
  const queue = () => {
    const root = deepQuery(element, 'cam-review-queue')?.shadowRoot;
    if (!root) throw new Error('no queue');
    return root;
  };
  const settled = () =>
    until(() => queue().querySelector('#queue-count[aria-busy="false"]'), 'the queue to load');
  await settled();
  queue().querySelector<HTMLButtonElement>('#queue-refresh')?.click();
  await until(
    () => queue().querySelector('#queue-count[aria-busy="true"]'),
    'a refresh',
    2000,
  ).catch(() => undefined);
  await settled();
  for (let pages = 0; pages < 200; pages += 1) {
    const button = [...queue().querySelectorAll<HTMLButtonElement>('ul.queue button')].find(
      (b) => b.querySelector('strong')?.textContent?.trim() === title,
    );
    if (button) {
      button.click();
      await until(() => {
        const item = deepQuery(element, 'cam-review-item');
        return (
          item?.shadowRoot?.querySelector('article[aria-busy="false"]') &&
          item.shadowRoot.querySelector('#item-heading')?.textContent?.includes(title)
        );
      }, `item ${title}`);
      return;
    }
    const next = [...queue().querySelectorAll<HTMLButtonElement>('.pages button')].at(-1);
    if (!next || next.disabled) throw new Error(`${title} is not in the queue`);
    const showing = () => queue().querySelector('.pages span')?.textContent;
    const before = showing();
    next.click();
    await until(() => showing() !== before, 'the next page');
    await settled();
  }
}

/** The queue's live region text. */
export function announcement(element: CamRegistryReview): string {
  return (
    deepQuery(element, 'cam-review-queue')
      ?.shadowRoot?.querySelector('[role="status"]')
      ?.textContent?.trim() ?? ''
  );
}
