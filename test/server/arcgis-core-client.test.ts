/**
 * The local feature service driven by the real `@arcgis/core` 5 FeatureLayer in Node, the
 * way the officer's search widget uses it: a geodesic buffer built client side, or the
 * server's own `distance` buffer; plus edits with Graphic objects.
 */
import '../helpers/arcgis-core-node.js';
import Graphic from '@arcgis/core/Graphic.js';
import Extent from '@arcgis/core/geometry/Extent.js';
import Point from '@arcgis/core/geometry/Point.js';
import type Polygon from '@arcgis/core/geometry/Polygon.js';
import * as geodesicBufferOperator from '@arcgis/core/geometry/operators/geodesicBufferOperator.js';
import FeatureLayer from '@arcgis/core/layers/FeatureLayer.js';
import FeatureService from '@arcgis/core/rest/featureService/FeatureService.js';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { geodesicDistanceMeters } from '../../src/core/geometry/geodesy.js';
import {
  formatManageCode,
  formatReference,
  manageCodeHashInput,
} from '../../src/core/registration/registration-codes.js';
import { CAMERAS, SITES } from '../../src/core/schema/registry-schema.js';
import { fieldsInView } from '../../src/core/schema/views.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const RADIUS_FEET = 500;
const RADIUS_METERS = RADIUS_FEET * 0.3048;

let server: TestServer;
let officerToken: string;
let analystToken: string;

beforeAll(async () => {
  server = await startTestServer({ sites: 1500 });
  [officerToken, analystToken] = await Promise.all([
    server.token('officer1'),
    server.token('analyst1'),
    geodesicBufferOperator.load(),
  ]);
});
afterAll(() => server?.close());

interface Row {
  id: number;
  x: number;
  y: number;
}

function sql<T>(text: string, ...params: (string | number | null)[]): T[] {
  return server.db.prepare(text).all(...params) as T[];
}

/** Rows the officer view shows, read straight from the database (the oracle). */
function officerRows(layer: 'Sites' | 'Cameras'): Row[] {
  return layer === 'Sites'
    ? sql<Row>(
        `SELECT "OBJECTID" AS id, _x AS x, _y AS y FROM sites
         WHERE status = 'verified' AND (confirm_due_at IS NULL OR confirm_due_at > ?)
         ORDER BY "OBJECTID"`,
        Date.now(),
      )
    : sql<Row>(
        `SELECT "OBJECTID" AS id, _x AS x, _y AS y FROM cameras
         WHERE (status IS NULL OR status <> 'removed') AND site_guid IN (SELECT "GlobalID" FROM sites WHERE status = 'verified' AND (confirm_due_at IS NULL OR confirm_due_at > unixepoch('subsec') * 1000)) ORDER BY "OBJECTID"`,
      );
}

function officerLayer(layerId: number): FeatureLayer {
  return new FeatureLayer({
    url: `${server.service('CommunityCameras_officer')}/${layerId}`,
    // The SDK drops a `token` put in customParameters; apiKey is how it sends one.
    apiKey: officerToken,
  });
}

function sorted(values: Iterable<number>): number[] {
  return [...values].sort((a, b) => a - b);
}

function idsOf(features: readonly Graphic[]): number[] {
  return sorted(features.map((f) => f.attributes.OBJECTID as number));
}

function wgs84(x: number, y: number): Point {
  return new Point({ x, y, spatialReference: { wkid: 4326 } });
}

/**
 * How far inside the circle the buffer polygon's edges dip: the largest gap between the
 * radius and the geodesic distance from the centre to any edge's midpoint. Points closer
 * than this to the circle may fall on either side of the polygon.
 */
function chordSag(polygon: Polygon, center: readonly [number, number]): number {
  let worst = 0;
  for (const ring of polygon.rings) {
    for (let i = 0; i + 1 < ring.length; i += 1) {
      const [ax, ay] = ring[i] as [number, number];
      const [bx, by] = ring[i + 1] as [number, number];
      const mid = geodesicDistanceMeters(center, [(ax + bx) / 2, (ay + by) / 2]);
      worst = Math.max(worst, RADIUS_METERS - mid);
    }
  }
  return worst;
}

/** Incident points: the middle of town and the positions of a few visible cameras. */
function incidents(): [number, number][] {
  const cameras = officerRows('Cameras');
  const [middle] = sql<{ x: number; y: number }>('SELECT avg(_x) AS x, avg(_y) AS y FROM sites');
  return [
    [middle!.x, middle!.y],
    ...[17, 401, 1234, 2500].map((i) => {
      const row = cameras[i % cameras.length]!;
      // Slightly off the camera, so the incident is not exactly on a feature.
      return [row.x + 0.00031, row.y - 0.00017] as [number, number];
    }),
  ];
}

describe('FeatureLayer.load on the officer view', () => {
  for (const [layerId, layer] of [
    [0, SITES],
    [1, CAMERAS],
  ] as const) {
    it(`loads ${layer.name} with the officer fields and query-only capabilities`, async () => {
      const featureLayer = officerLayer(layerId);
      await featureLayer.load();
      expect(featureLayer.loaded).toBe(true);
      expect(featureLayer.geometryType).toBe('point');
      expect(featureLayer.objectIdField).toBe('OBJECTID');
      expect(featureLayer.fields.map((f) => f.name)).toEqual(
        fieldsInView(layer, 'officer').map((f) => f.name),
      );
      expect(featureLayer.capabilities?.operations.supportsQuery).toBe(true);
      expect(featureLayer.capabilities?.operations.supportsAdd).toBe(false);
      expect(featureLayer.capabilities?.query.supportsDistance).toBe(true);
      expect(featureLayer.editingEnabled).toBe(false);
      featureLayer.destroy();
    });
  }

  it('refuses to load without the token', async () => {
    const layer = new FeatureLayer({ url: `${server.service('CommunityCameras_officer')}/1` });
    await expect(layer.load()).rejects.toMatchObject({ details: { httpStatus: 499 } });
    layer.destroy();
  });
});

describe('a 500 ft search around an incident', () => {
  for (const [layerId, name] of [
    [1, 'Cameras'],
    [0, 'Sites'],
  ] as const) {
    it(`${name}: geodesic buffer + intersects and distance + units both match a brute-force check`, async () => {
      const layer = officerLayer(layerId);
      await layer.load();
      const rows = officerRows(name);
      let found = 0;
      for (const center of incidents()) {
        const point = wgs84(center[0], center[1]);
        const buffer = geodesicBufferOperator.execute(point, RADIUS_FEET, {
          unit: 'feet',
        }) as Polygon;
        const sag = chordSag(buffer, center);
        // A fine polygon: its edges dip well under a metre inside the circle.
        expect(sag).toBeGreaterThan(0);
        expect(sag).toBeLessThan(1);

        const [byPolygon, byDistance] = await Promise.all([
          layer.queryFeatures({
            geometry: buffer,
            spatialRelationship: 'intersects',
            outFields: ['OBJECTID'],
            returnGeometry: true,
          }),
          layer.queryFeatures({
            geometry: point,
            distance: RADIUS_FEET,
            units: 'feet',
            spatialRelationship: 'intersects',
            outFields: ['OBJECTID'],
          }),
        ]);
        const distances = rows.map((r) => ({
          id: r.id,
          d: geodesicDistanceMeters(center, [r.x, r.y]),
        }));
        const expected = sorted(distances.filter((r) => r.d <= RADIUS_METERS).map((r) => r.id));
        found += expected.length;

        // The server's own buffer is exactly geodesic: no seeded point is within a
        // millimetre of the circle, so it must agree with the oracle row for row.
        expect(distances.filter((r) => Math.abs(r.d - RADIUS_METERS) < 1e-3)).toEqual([]);
        expect(idsOf(byDistance.features)).toEqual(expected);

        // The client's polygon is the circle drawn with straight chords, so it can only
        // disagree about points in the sliver between a chord and the arc (within `sag`
        // of the circle, less than 1 m); everywhere else it must agree.
        const got = new Set(idsOf(byPolygon.features));
        const want = new Set(expected);
        const differing = distances.filter((r) => got.has(r.id) !== want.has(r.id));
        for (const r of differing) {
          expect(r.d).toBeLessThanOrEqual(RADIUS_METERS + 1e-6);
          expect(r.d).toBeGreaterThan(RADIUS_METERS - sag - 1e-6);
        }
        for (const feature of byPolygon.features) {
          const row = rows.find((r) => r.id === feature.attributes.OBJECTID)!;
          const geometry = feature.geometry as Point;
          expect([geometry.x, geometry.y]).toEqual([row.x, row.y]);
        }
      }
      expect(found).toBeGreaterThan(5);
      layer.destroy();
    });
  }
});

describe('counts and ids', () => {
  it('queryFeatureCount and queryObjectIds agree with the database', async () => {
    const layer = officerLayer(1);
    await layer.load();
    // An area of about 2.6 km by 2.2 km.
    const [middle] = sql<{ x: number; y: number }>('SELECT avg(_x) AS x, avg(_y) AS y FROM sites');
    const area = new Extent({
      xmin: middle!.x - 0.015,
      ymin: middle!.y - 0.01,
      xmax: middle!.x + 0.015,
      ymax: middle!.y + 0.01,
      spatialReference: { wkid: 4326 },
    });
    const inArea = (r: Row) =>
      r.x >= area.xmin && r.x <= area.xmax && r.y >= area.ymin && r.y <= area.ymax;
    const where = "recording_mode = 'continuous' AND retention_days >= 7";
    const expected = sorted(
      sql<Row>(
        `SELECT "OBJECTID" AS id, _x AS x, _y AS y FROM cameras
         WHERE ${where} AND ((status IS NULL OR status <> 'removed') AND site_guid IN (SELECT "GlobalID" FROM sites WHERE status = 'verified' AND (confirm_due_at IS NULL OR confirm_due_at > unixepoch('subsec') * 1000)))`,
      )
        .filter(inArea)
        .map((r) => r.id),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(await layer.queryFeatureCount({ where, geometry: area })).toBe(expected.length);
    expect(sorted((await layer.queryObjectIds({ where, geometry: area })) as number[])).toEqual(
      expected,
    );
    expect(await layer.queryFeatureCount({ geometry: area })).toBe(
      officerRows('Cameras').filter(inArea).length,
    );
    // Cameras carry no contact details: a whole-layer count works, as a map needs it.
    expect(await layer.queryFeatureCount()).toBe(officerRows('Cameras').length);
    layer.destroy();
  });
});

describe('applyEdits with Graphic objects', () => {
  function registration(): Record<string, string> {
    const reference = formatReference(randomBytes(8));
    const manageCode = formatManageCode(randomBytes(10));
    return {
      registration_ref: reference,
      manage_code_hash: createHash('sha256')
        .update(manageCodeHashInput(reference, manageCode))
        .digest('hex'),
      site_type: 'business',
      business_name: 'Corner Market',
      contact_name: 'Sam Example',
      contact_role: 'manager_operator',
      email: 'sam@example.com',
      preferred_contact: 'email',
      address: '400 W Maple Ave',
      share_willingness: 'case_by_case',
      consent_version: '2026-01',
    };
  }

  it('adds a site and its camera anonymously through the public view, in one call', async () => {
    const sites = new FeatureLayer({ url: `${server.service('CommunityCameras_public')}/0` });
    await sites.load();
    expect(sites.capabilities?.operations.supportsAdd).toBe(true);
    expect(sites.capabilities?.operations.supportsQuery).toBe(false);
    sites.destroy();

    // The public view takes a site only with its cameras: one service-level applyEdits,
    // the cameras naming the site by the GlobalID the client gave it.
    const service = new FeatureService({ url: server.service('CommunityCameras_public') });
    await service.load();
    const attributes = registration();
    const siteGuid = `{${randomUUID().toUpperCase()}}`;
    const [siteResult, cameraResult] = await service.applyEdits(
      [
        {
          id: 0,
          addFeatures: [
            new Graphic({
              geometry: wgs84(-94.4201, 39.0913),
              attributes: { ...attributes, GlobalID: siteGuid },
            }),
          ],
        },
        {
          id: 1,
          addFeatures: [
            new Graphic({
              geometry: wgs84(-94.42012, 39.09128),
              attributes: {
                GlobalID: `{${randomUUID().toUpperCase()}}`,
                site_guid: siteGuid,
                label: 'Register',
                mount: 'interior_facing_out',
                recording_mode: 'continuous',
                retention_days: 30,
                view_bearing: 270,
                fov_deg: 110,
              },
            }),
          ],
        },
      ],
      { globalIdUsed: true },
    );
    const [added] = siteResult!.addFeatureResults;
    expect(added?.error).toBeNull();
    const [stored] = sql<{ g: string; status: string; x: number; y: number; ref: string }>(
      `SELECT "GlobalID" AS g, status, _x AS x, _y AS y, registration_ref AS ref FROM sites WHERE "OBJECTID" = ?`,
      added!.objectId!,
    );
    expect(stored).toEqual({
      g: siteGuid,
      status: 'pending',
      x: -94.4201,
      y: 39.0913,
      ref: attributes.registration_ref,
    });
    expect(cameraResult!.addFeatureResults[0]?.error).toBeNull();
    expect(
      sql<{ label: string }>('SELECT label FROM cameras WHERE site_guid = ?', siteGuid),
    ).toEqual([{ label: 'Register' }]);
    service.destroy();
  });

  it('updates and deletes through the source view as the analyst', async () => {
    const sites = new FeatureLayer({
      url: `${server.service('CommunityCameras')}/0`,
      apiKey: analystToken,
    });
    await sites.load();
    expect(sites.capabilities?.operations.supportsUpdate).toBe(true);
    expect(sites.capabilities?.operations.supportsDelete).toBe(true);

    const [target] = sql<{ id: number; g: string }>(
      `SELECT s."OBJECTID" AS id, s."GlobalID" AS g FROM sites s
       WHERE status = 'pending' AND EXISTS (SELECT 1 FROM cameras c WHERE c.site_guid = s."GlobalID")
       ORDER BY s."OBJECTID" LIMIT 1`,
    );
    const updated = await sites.applyEdits({
      updateFeatures: [
        new Graphic({
          geometry: wgs84(-94.4, 39.1),
          attributes: { OBJECTID: target!.id, status: 'verified', verified_by: 'analyst1' },
        }),
      ],
    });
    expect(updated.updateFeatureResults[0]).toMatchObject({ objectId: target!.id, error: null });
    expect(
      sql(
        'SELECT status, verified_by, "Editor", _x AS x, _y AS y FROM sites WHERE "OBJECTID" = ?',
        target!.id,
      ),
    ).toEqual([
      { status: 'verified', verified_by: 'analyst1', Editor: 'analyst1', x: -94.4, y: 39.1 },
    ]);

    const deleted = await sites.applyEdits({ deleteFeatures: [{ objectId: target!.id }] });
    expect(deleted.deleteFeatureResults[0]).toMatchObject({ objectId: target!.id, error: null });
    expect(sql('SELECT 1 FROM sites WHERE "OBJECTID" = ?', target!.id)).toEqual([]);
    // Cameras belong to their site (composite relationship) and go with it.
    expect(sql('SELECT 1 FROM cameras WHERE site_guid = ?', target!.g)).toEqual([]);
    sites.destroy();
  });

  it('reports a refused edit per feature without writing it', async () => {
    // Per-feature results are the source service's: the public view is all or nothing.
    const sites = new FeatureLayer({
      url: `${server.service('CommunityCameras')}/0`,
      apiKey: analystToken,
    });
    const cameras = new FeatureLayer({
      url: `${server.service('CommunityCameras')}/1`,
      apiKey: analystToken,
    });
    await Promise.all([sites.load(), cameras.load()]);
    const siteResult = await sites.applyEdits({
      addFeatures: [new Graphic({ geometry: wgs84(-94.41, 39.09), attributes: registration() })],
    });
    const siteGuid = siteResult.addFeatureResults[0]!.globalId!;
    const camera = (attributes: Record<string, unknown>) =>
      new Graphic({
        geometry: wgs84(-94.41001, 39.09001),
        attributes: {
          site_guid: siteGuid,
          label: 'Back yard',
          mount: 'exterior',
          recording_mode: 'motion',
          retention_days: 3,
          ...attributes,
        },
      });
    // Without rollback each edit stands or falls alone, so the SDK resolves with a
    // per-feature error (with rollback the whole call fails: see rest-js-client.test.ts).
    const result = await cameras.applyEdits(
      { addFeatures: [camera({}), camera({ fov_deg: 5, coverage: 'street,roof' })] },
      { rollbackOnFailureEnabled: false },
    );
    const [ok, refused] = result.addFeatureResults;
    expect(ok?.error).toBeNull();
    expect(refused?.objectId).toBe(-1);
    // The SDK keeps ArcGIS's code and shows the description, which is plain English.
    expect(refused?.error).toMatchObject({
      name: 'feature-layer-source:edit-failure',
      message:
        'fov_deg is outside the allowed range (10 to 360). coverage is not one of the allowed values.',
      details: { code: 1000 },
    });
    expect(sql('SELECT label, fov_deg FROM cameras WHERE site_guid = ?', siteGuid)).toEqual([
      { label: 'Back yard', fov_deg: null },
    ]);
    sites.destroy();
    cameras.destroy();
  });
});
