/**
 * Helpers for the incident search browser tests: talk to the real local server (through
 * Vite's `/arcgis` proxy) as an analyst to build an independent expectation, and drive the
 * widget through its shadow DOM.
 */
import geographiclib from 'geographiclib-geodesic';
import type { CamIncidentSearch } from '../../widgets/incident-search/index.js';
import '../../widgets/incident-search/index.js';

const WGS84 = geographiclib.Geodesic.WGS84;
export const PASSWORD = 'test-password-1';
const SOURCE = '/arcgis/rest/services/CommunityCameras/FeatureServer';

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

interface Feature {
  attributes: Record<string, unknown>;
  geometry?: { x: number; y: number };
}

/** Every feature of a source-view layer matching `params`, page by page. */
export async function querySource(
  token: string,
  layer: number,
  params: Record<string, string>,
  maxPages = Number.POSITIVE_INFINITY,
): Promise<Feature[]> {
  const features: Feature[] = [];
  for (;;) {
    const response = await fetch(`${SOURCE}/${layer}/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        f: 'json',
        token,
        outFields: '*',
        resultOffset: String(features.length),
        ...params,
      }),
    });
    const body = (await response.json()) as {
      features?: Feature[];
      exceededTransferLimit?: boolean;
      error?: unknown;
    };
    if (!body.features) throw new Error(`query failed: ${JSON.stringify(body.error)}`);
    features.push(...body.features);
    if (!body.exceededTransferLimit || --maxPages <= 0) return features;
  }
}

export interface ExpectedCamera {
  objectId: number;
  visibility: 'sees' | 'maybe' | 'away';
  distance: number;
  siteGuid: string;
}

const DAY = 86_400_000;

/**
 * What the list must hold, worked out from the source view without the widget's code:
 * cameras not removed, at verified and unexpired sites, within `radius` metres (GeographicLib),
 * classified and ordered by view wedge, then distance, then OBJECTID.
 */
export async function expectedCameras(
  analystToken: string,
  incident: readonly [number, number],
  radius: number,
  now: number,
): Promise<ExpectedCamera[]> {
  const pad = 0.01;
  const box = {
    xmin: incident[0] - pad,
    ymin: incident[1] - pad,
    xmax: incident[0] + pad,
    ymax: incident[1] + pad,
    spatialReference: { wkid: 4326 },
  };
  const cameras = await querySource(analystToken, 1, {
    geometry: JSON.stringify(box),
    geometryType: 'esriGeometryEnvelope',
    spatialRel: 'esriSpatialRelIntersects',
    inSR: '4326',
    outSR: '4326',
    returnGeometry: 'true',
  });
  const sites = await querySource(analystToken, 0, {
    geometry: JSON.stringify({
      ...box,
      xmin: box.xmin - pad,
      xmax: box.xmax + pad,
      ymin: box.ymin - pad,
      ymax: box.ymax + pad,
    }),
    geometryType: 'esriGeometryEnvelope',
    spatialRel: 'esriSpatialRelIntersects',
    inSR: '4326',
    returnGeometry: 'false',
  });
  const listed = new Set(
    sites
      .filter((s) => s.attributes.status === 'verified')
      .filter((s) => {
        const due = s.attributes.confirm_due_at;
        return due === null || (typeof due === 'number' && due > now);
      })
      .map((s) => String(s.attributes.GlobalID).toUpperCase()),
  );
  const rows: ExpectedCamera[] = [];
  for (const camera of cameras) {
    const a = camera.attributes;
    if (a.status === 'removed' || !camera.geometry) continue;
    const siteGuid = String(a.site_guid).toUpperCase();
    if (!listed.has(siteGuid)) continue;
    const { x, y } = camera.geometry;
    const inverse = WGS84.Inverse(y, x, incident[1], incident[0]);
    const distance = inverse.s12 ?? Number.NaN;
    if (!(distance <= radius)) continue;
    const bearing = a.view_bearing as number | null;
    const fov = a.fov_deg as number | null;
    const range = a.range_m as number | null;
    let visibility: ExpectedCamera['visibility'] = 'maybe';
    if (bearing !== null && fov !== null && range !== null) {
      let diff = Math.abs(((((inverse.azi1 ?? 0) % 360) + 360) % 360) - bearing) % 360;
      if (diff > 180) diff = 360 - diff;
      visibility =
        distance <= range && (distance === 0 || fov >= 360 || diff <= fov / 2) ? 'sees' : 'away';
    }
    rows.push({ objectId: a.OBJECTID as number, visibility, distance, siteGuid });
  }
  const order = { sees: 0, maybe: 1, away: 2 };
  return rows.sort(
    (p, q) =>
      order[p.visibility] - order[q.visibility] ||
      p.distance - q.distance ||
      p.objectId - q.objectId,
  );
}

/** A busy spot: the verified site with the most live cameras within `radius` metres. */
export async function busyIncidentPoint(
  analystToken: string,
  radius: number,
): Promise<[number, number]> {
  const cameras = await querySource(analystToken, 1, {
    where: "status IS NULL OR status <> 'removed'",
    outFields: 'OBJECTID',
    returnGeometry: 'true',
    outSR: '4326',
  });
  const points = cameras.flatMap((c) =>
    c.geometry ? [[c.geometry.x, c.geometry.y] as const] : [],
  );
  let best: readonly [number, number] = points[0] ?? [-94.4155, 39.0911];
  let bestCount = -1;
  // A coarse scan is enough: the degree box pre-filter keeps it fast.
  const dLat = radius / 111_000;
  for (let i = 0; i < points.length; i += 7) {
    const p = points[i] as readonly [number, number];
    let count = 0;
    for (const q of points) {
      if (Math.abs(q[1] - p[1]) > dLat || Math.abs(q[0] - p[0]) > dLat * 1.3) continue;
      if ((WGS84.Inverse(p[1], p[0], q[1], q[0]).s12 ?? Infinity) <= radius) count++;
    }
    if (count > bestCount) {
      bestCount = count;
      best = p;
    }
  }
  // Just off the camera itself, so distances are not all zero.
  const moved = WGS84.Direct(best[1], best[0], 45, 12);
  return [moved.lon2 ?? best[0], moved.lat2 ?? best[1]];
}

export const DAY_MS = DAY;

export function shadow(element: CamIncidentSearch): ShadowRoot {
  const root = element.shadowRoot;
  if (!root) throw new Error('no shadow root');
  return root;
}

export function $<E extends Element = HTMLElement>(
  element: CamIncidentSearch,
  selector: string,
): E {
  const found = shadow(element).querySelector<E>(selector);
  if (!found) throw new Error(`${selector} not found`);
  return found;
}

/** Sets an input's value the way typing does (input event), then waits for a render. */
export async function type(
  element: CamIncidentSearch,
  selector: string,
  value: string,
): Promise<void> {
  const input = $<HTMLInputElement | HTMLTextAreaElement>(element, selector);
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  await element.updateComplete;
}

export async function choose(
  element: CamIncidentSearch,
  selector: string,
  value: string,
): Promise<void> {
  const select = $<HTMLSelectElement>(element, selector);
  select.value = value;
  select.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
  await element.updateComplete;
}

/** Polls until `check` returns something truthy, or fails after `timeoutMs`. */
export async function until<T>(
  check: () => T | undefined | false | null,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const started = performance.now();
  for (;;) {
    const value = check();
    if (value) return value;
    if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function mount(options: Partial<CamIncidentSearch> = {}, width = 1280): CamIncidentSearch {
  const element = document.createElement('cam-incident-search');
  element.config = {
    serviceUrl: '/arcgis/rest/services/CommunityCameras_officer/FeatureServer',
    geocodeUrl: '/arcgis/rest/services/Geocode/GeocodeServer',
    tokenUrl: '/arcgis/sharing/rest/generateToken',
    assetsPath: '/assets',
    contextLayerUrl: '/demo-data/streets.geojson',
    radiusUnit: 'ft',
    radiusPresets: [250, 500, 1000],
    defaultRadius: 500,
  };
  Object.assign(element, options);
  element.style.inlineSize = `${width}px`;
  document.body.append(element);
  return element;
}

/** Signs in through the widget's own form. */
export async function signIn(element: CamIncidentSearch, username = 'officer1'): Promise<void> {
  await element.updateComplete;
  await type(element, '#username', username);
  await type(element, '#password', PASSWORD);
  $<HTMLFormElement>(element, '#username').form?.requestSubmit();
  await until(() => !shadow(element).querySelector('#username'), 'sign-in');
  await element.updateComplete;
}

/** Fills the search form: case, purpose, coordinates, radius preset index. */
export async function fillSearch(
  element: CamIncidentSearch,
  caseNumber: string,
  point: readonly [number, number],
  radiusIndex = 2,
): Promise<void> {
  await type(element, '#case-number', caseNumber);
  await choose(element, '#purpose', 'criminal_investigation');
  await type(element, '#coordinates', `${point[1].toFixed(7)}, ${point[0].toFixed(7)}`);
  $<HTMLButtonElement>(element, '#coordinates + button').click();
  await element.updateComplete;
  const radio = $<HTMLInputElement>(element, `#radius-${radiusIndex}`);
  radio.click();
  await element.updateComplete;
}

/** Submits the search and waits for `cam-search-complete`. */
export async function submitSearch(element: CamIncidentSearch): Promise<number> {
  const done = new Promise<number>((resolve) =>
    element.addEventListener('cam-search-complete', (e) => resolve(e.detail.resultCount), {
      once: true,
    }),
  );
  $<HTMLFormElement>(element, '#case-number').form?.requestSubmit();
  return done;
}

/** Camera ids in the order the table shows them. */
export function tableIds(element: CamIncidentSearch): number[] {
  return [...shadow(element).querySelectorAll<HTMLTableRowElement>('tbody tr')].map((row) =>
    Number(row.dataset.cameraId),
  );
}
