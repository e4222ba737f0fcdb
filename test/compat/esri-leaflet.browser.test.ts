/**
 * esri-leaflet 3.1 on Leaflet 1.9 in Chromium, against the real local feature service that
 * the browser global setup starts (2,000 seeded sites), reached through Vite's `/arcgis`
 * proxy. Tokens come from a plain `generateToken` POST, as a page would get them.
 *
 * What the tests expect comes from the source view read as an analyst with plain `fetch`
 * (never through esri-leaflet), as the widget tests do. The requests esri-leaflet actually
 * sent are read back from the browser's resource timing entries.
 */
import * as esri from 'esri-leaflet';
import type {
  EditResult,
  EsriError,
  FeatureCollection,
  FeatureLayer,
  GeoJsonPoint,
} from 'esri-leaflet';
import * as L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  formatManageCode,
  formatReference,
  manageCodeHashInput,
} from '../../src/core/registration/registration-codes.js';

/** The demo accounts' password in tests (test/helpers/test-server.ts). */
const PASSWORD = 'test-password-1';
const OFFICER = '/arcgis/rest/services/CommunityCameras_officer/FeatureServer';
const SOURCE = '/arcgis/rest/services/CommunityCameras/FeatureServer';

interface StoredFeature {
  attributes: Record<string, string | number | null>;
  geometry?: { x: number; y: number };
}
interface Camera {
  id: number;
  lng: number;
  lat: number;
  mount: string | null;
}

async function tokenFor(username: string): Promise<string> {
  const response = await fetch('/arcgis/sharing/rest/generateToken', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password: PASSWORD, f: 'json' }),
  });
  const body = (await response.json()) as { token?: string };
  if (!body.token) throw new Error(`no token for ${username}`);
  return body.token;
}

/** Every feature of a source-view layer matching `params`, page by page. */
async function querySource(
  token: string,
  layer: number,
  params: Record<string, string>,
): Promise<StoredFeature[]> {
  const features: StoredFeature[] = [];
  for (;;) {
    const response = await fetch(`${SOURCE}/${layer}/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        f: 'json',
        token,
        outSR: '4326',
        orderByFields: 'OBJECTID',
        resultOffset: String(features.length),
        ...params,
      }),
    });
    const body = (await response.json()) as {
      features?: StoredFeature[];
      exceededTransferLimit?: boolean;
      error?: unknown;
    };
    if (!body.features) throw new Error(`query failed: ${JSON.stringify(body.error)}`);
    features.push(...body.features);
    if (!body.exceededTransferLimit) return features;
  }
}

/** The cameras the officer view shows, worked out from the source view. */
async function officerCameras(analystToken: string): Promise<Camera[]> {
  const now = Date.now();
  const [sites, cameras] = await Promise.all([
    querySource(analystToken, 0, {
      where: '1=1',
      outFields: 'GlobalID,status,confirm_due_at',
      returnGeometry: 'false',
    }),
    querySource(analystToken, 1, { where: '1=1', outFields: 'OBJECTID,site_guid,status,mount' }),
  ]);
  const visibleSites = new Set(
    sites
      .filter(
        (s) =>
          s.attributes.status === 'verified' &&
          (s.attributes.confirm_due_at === null || Number(s.attributes.confirm_due_at) > now),
      )
      .map((s) => s.attributes.GlobalID),
  );
  return cameras
    .filter((c) => c.attributes.status !== 'removed' && visibleSites.has(c.attributes.site_guid))
    .map((c) => ({
      id: c.attributes.OBJECTID as number,
      lng: c.geometry!.x,
      lat: c.geometry!.y,
      mount: c.attributes.mount as string | null,
    }));
}

const sorted = (values: Iterable<number>) => [...values].sort((a, b) => a - b);

interface SentRequest {
  path: string;
  params: Record<string, string>;
}

/** What the page requested from the feature service since the last call (token masked). */
function takeRequests(): SentRequest[] {
  const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
  performance.clearResourceTimings();
  return entries
    .filter((e) => e.initiatorType === 'xmlhttprequest' && e.name.includes('/arcgis/rest/'))
    .map((e) => {
      const url = new URL(e.name);
      const params = Object.fromEntries(url.searchParams);
      if (params.token) params.token = '…';
      return { path: url.pathname, params };
    });
}

/** A node-style esri-leaflet call as a promise of what its callback received. */
function settle<T>(
  call: (callback: (error: EsriError | undefined, result: T) => void) => void,
): Promise<{ error: EsriError | undefined; result: T }> {
  return new Promise((resolve) => call((error, result) => resolve({ error, result })));
}

const maps: L.Map[] = [];
/** A 1024 × 768 px Leaflet map without a basemap (no tiles offline). */
function newMap(): L.Map {
  const element = document.createElement('div');
  element.style.cssText = 'width: 1024px; height: 768px;';
  document.body.append(element);
  const map = L.map(element, {
    attributionControl: false,
    zoomControl: false,
    fadeAnimation: false,
    zoomAnimation: false,
    markerZoomAnimation: false,
  });
  maps.push(map);
  return map;
}
afterEach(() => {
  for (const map of maps.splice(0)) {
    const element = (map as unknown as { getContainer(): HTMLElement }).getContainer();
    map.remove();
    element.remove();
  }
});

/** Adds the layer and waits for esri-leaflet's `load`: every cell's query answered and drawn. */
function addAndLoad(layer: FeatureLayer, map: L.Map): Promise<void> {
  return new Promise((resolve) => {
    layer.on('load', () => resolve());
    layer.addTo(map);
  });
}

let officerToken: string;
let analystToken: string;
beforeAll(async () => {
  performance.setResourceTimingBufferSize(2000);
  [officerToken, analystToken] = await Promise.all([tokenFor('officer1'), tokenFor('analyst1')]);
});

describe('esri-leaflet featureLayer on the officer Cameras layer', () => {
  it('runs esri-leaflet 3.1.0 on Leaflet 1.9.4', () => {
    expect(esri.VERSION).toBe('3.1.0');
    expect(L.version).toBe('1.9.4');
  });

  it('loads at city scale and draws every camera the officer may see, where it is; setWhere filters them', async () => {
    const expected = await officerCameras(analystToken);
    expect(expected.length).toBeGreaterThan(2000);
    const map = newMap();
    const lats = expected.map((c) => c.lat);
    const lngs = expected.map((c) => c.lng);
    map.fitBounds(
      L.latLngBounds(
        [Math.min(...lats), Math.min(...lngs)],
        [Math.max(...lats), Math.max(...lngs)],
      ),
      { animate: false },
    );
    expect(map.getZoom()).toBeLessThanOrEqual(13); // the whole city in one view

    takeRequests();
    const renderer = L.canvas();
    const layer = esri.featureLayer({
      url: `${OFFICER}/1`,
      token: officerToken,
      pointToLayer: (_feature, latlng) => L.circleMarker(latlng, { renderer, radius: 2 }),
    });
    let limitExceeded = false;
    layer.on('drawlimitexceeded', () => (limitExceeded = true));
    await addAndLoad(layer, map);

    const drawn = new Map<number, L.LatLng>();
    layer.eachFeature((marker) => {
      if (map.hasLayer(marker)) drawn.set(marker.feature.id!, marker.getLatLng());
    });
    expect(limitExceeded).toBe(false);
    expect(sorted(drawn.keys())).toEqual(sorted(expected.map((c) => c.id)));
    for (const camera of expected) {
      // esri-leaflet asks for geometryPrecision=6.
      expect(drawn.get(camera.id)!.lat).toBeCloseTo(camera.lat, 6);
      expect(drawn.get(camera.id)!.lng).toBeCloseTo(camera.lng, 6);
    }

    const requests = takeRequests();
    // (a) The layer metadata, with the trailing slash esri-leaflet's cleanUrl adds.
    expect(requests).toContainEqual({ path: `${OFFICER}/1/`, params: { token: '…', f: 'json' } });
    // One query per 512 px cell of the view: a WGS 84 envelope, every field, the token.
    const queries = requests.filter((r) => r.path === `${OFFICER}/1/query`);
    expect(queries.length).toBeGreaterThan(1);
    for (const { params } of queries) {
      expect(params).toMatchObject({
        where: '1=1',
        outFields: '*',
        outSR: '4326',
        inSR: '4326',
        geometryType: 'esriGeometryEnvelope',
        spatialRel: 'esriSpatialRelIntersects',
        resultType: 'tile',
        geometryPrecision: '6',
      });
      expect(JSON.parse(params.geometry!)).toMatchObject({
        spatialReference: { wkid: 4326 },
      });
    }

    // The layer JSON lists geoJSON, so once esri-leaflet has read it (the first cells were
    // asked for before it arrived) it queries with f=geojson. setWhere re-queries every cell.
    const failure = await new Promise<EsriError | null>((resolve) =>
      layer.setWhere("mount = 'exterior'", resolve),
    );
    expect(failure).toBeNull();
    const drawnNow: number[] = [];
    layer.eachFeature((marker) => {
      if (map.hasLayer(marker)) drawnNow.push(marker.feature.id!);
    });
    expect(sorted(drawnNow)).toEqual(
      sorted(expected.filter((c) => c.mount === 'exterior').map((c) => c.id)),
    );
    const requeried = takeRequests();
    expect(requeried.length).toBe(queries.length);
    for (const { path, params } of requeried) {
      expect(path).toBe(`${OFFICER}/1/query`);
      expect(params).toMatchObject({ f: 'geojson', where: "mount = 'exterior'" });
    }
  });

  it('query() with a bounds and a where returns those cameras; count() and ids() agree', async () => {
    const expected = await officerCameras(analystToken);
    const bounds = L.latLngBounds([39.07, -94.43], [39.09, -94.4]);
    const want = sorted(
      expected
        .filter((c) => c.mount === 'exterior')
        .filter((c) => c.lat >= 39.07 && c.lat <= 39.09 && c.lng >= -94.43 && c.lng <= -94.4)
        .map((c) => c.id),
    );
    expect(want.length).toBeGreaterThan(10);
    const layer = esri.featureLayer({ url: `${OFFICER}/1`, token: officerToken });
    const query = () => layer.query().intersects(bounds).where("mount = 'exterior'");

    const features = await settle<FeatureCollection>((done) =>
      query().run((error, collection) => done(error, collection)),
    );
    expect(features.error).toBeUndefined();
    expect(sorted(features.result.features.map((f) => f.id!))).toEqual(want);
    expect(features.result.features.every((f) => f.properties.mount === 'exterior')).toBe(true);

    const count = await settle<number>((done) => query().count(done));
    expect(count).toEqual({ error: undefined, result: want.length });
    const ids = await settle<number[]>((done) => query().ids(done));
    expect(ids.error).toBeUndefined();
    expect(sorted(ids.result)).toEqual(want);
  });
});

describe('esri-leaflet editing the source view as an analyst', () => {
  async function newRegistration(): Promise<Record<string, string>> {
    const reference = formatReference(crypto.getRandomValues(new Uint8Array(8)));
    const manageCode = formatManageCode(crypto.getRandomValues(new Uint8Array(10)));
    const digest = await crypto.subtle.digest(
      'SHA-256',
      new TextEncoder().encode(manageCodeHashInput(reference, manageCode)),
    );
    return {
      registration_ref: reference,
      manage_code_hash: [...new Uint8Array(digest)]
        .map((b) => b.toString(16).padStart(2, '0'))
        .join(''),
      site_type: 'residence',
      contact_name: 'Pat Leaflet',
      contact_role: 'owner',
      phone: '+18165550188',
      preferred_contact: 'phone',
      address: '221 W Lexington Ave',
      share_willingness: 'case_by_case',
      consent_version: '2026-01',
    };
  }

  async function stored(objectId: number): Promise<StoredFeature | undefined> {
    const [feature] = await querySource(analystToken, 0, {
      objectIds: String(objectId),
      outFields: '*',
    });
    return feature;
  }

  it('addFeature, updateFeature and deleteFeature write through; a refused update is reported, not written', async () => {
    const attributes = await newRegistration();
    const map = newMap();
    map.fitBounds(L.latLngBounds([39.085, -94.42], [39.095, -94.41]), { animate: false });
    // Drawing only this test's site: the layer's where names its reference.
    const sites = esri.featureLayer({
      url: `${SOURCE}/0`,
      token: analystToken,
      where: `registration_ref = '${attributes.registration_ref}'`,
      pointToLayer: (_feature, latlng) => L.circleMarker(latlng),
    });
    await addAndLoad(sites, map);
    takeRequests();

    const point = (lng: number, lat: number, properties: Record<string, unknown>) =>
      ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [lng, lat] },
        properties,
      }) satisfies GeoJsonPoint;

    const added = await settle<EditResult | undefined>((done) =>
      sites.addFeature(point(-94.4151, 39.0902, { ...attributes }), done),
    );
    expect(added.error).toBeUndefined();
    expect(added.result).toMatchObject({ success: true, objectId: expect.any(Number) as number });
    const objectId = added.result!.objectId;
    expect(await stored(objectId)).toMatchObject({
      attributes: { registration_ref: attributes.registration_ref, status: 'pending' },
      geometry: { x: -94.4151, y: 39.0902 },
    });
    expect(map.hasLayer(sites.getFeature(objectId)!)).toBe(true);

    const updated = await settle<EditResult | undefined>((done) =>
      sites.updateFeature(
        { ...point(-94.4152, 39.0903, { unit: 'Suite 200' }), id: objectId },
        done,
      ),
    );
    expect(updated.error).toBeUndefined();
    expect(updated.result).toMatchObject({ success: true, objectId });
    expect(await stored(objectId)).toMatchObject({
      attributes: { unit: 'Suite 200', contact_name: 'Pat Leaflet', Editor: 'analyst1' },
      geometry: { x: -94.4152, y: 39.0903 },
    });

    // Refused: the server answers per edit (edits roll back by default); esri-leaflet hands
    // the callback the edit's own error beside its result, and changes nothing on the map.
    const refused = await settle<EditResult | undefined>((done) =>
      sites.updateFeature(
        { ...point(-94.4152, 39.0903, { phone: 'not a phone' }), id: objectId },
        done,
      ),
    );
    expect(refused.result).toMatchObject({ success: false, objectId });
    expect(refused.error).toMatchObject({ code: 1019, field: 'phone' });
    expect((await stored(objectId))!.attributes.phone).toBe(attributes.phone);

    const deleted = await settle<EditResult | undefined>((done) =>
      sites.deleteFeature(objectId, done),
    );
    expect(deleted.error).toBeUndefined();
    expect(deleted.result).toMatchObject({ success: true, objectId });
    expect(await stored(objectId)).toBeUndefined();
    expect(sites.getFeature(objectId)).toBeUndefined();

    // Each edit first reads the layer metadata (once, at …/0/ with a trailing slash), then
    // posts to the layer's own edit operation.
    expect(takeRequests()).toEqual([
      { path: `${SOURCE}/0/`, params: { token: '…', f: 'json' } },
      { path: `${SOURCE}/0/addFeatures`, params: {} },
      { path: `${SOURCE}/0/updateFeatures`, params: {} },
      { path: `${SOURCE}/0/updateFeatures`, params: {} },
      { path: `${SOURCE}/0/deleteFeatures`, params: {} },
    ]);
  });

  it('an officer may not edit the source view: esri-leaflet reports the 403 and sends no edit', async () => {
    const sites = esri.featureLayer({ url: `${SOURCE}/0`, token: officerToken });
    takeRequests();
    const attributes = await newRegistration();
    const refused = await settle((done) =>
      sites.addFeature(
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [-94.4151, 39.0902] },
          properties: attributes,
        },
        done,
      ),
    );
    expect(refused.error).toMatchObject({ code: 403 });
    expect(refused.result).toBeNull();
    expect(takeRequests()).toEqual([{ path: `${SOURCE}/0/`, params: { token: '…', f: 'json' } }]);
    const left = await querySource(analystToken, 0, {
      where: `registration_ref = '${attributes.registration_ref}'`,
      outFields: 'OBJECTID',
    });
    expect(left).toEqual([]);
  });
});
