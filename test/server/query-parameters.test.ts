/**
 * Every query parameter the local feature service supports, each checked against SQL run
 * directly on the server's database (the oracle), through real HTTP requests.
 * https://developers.arcgis.com/rest/services-reference/enterprise/query-feature-service-layer/
 */
import proj4 from 'proj4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { geodesicDistanceMeters } from '../../src/core/geometry/geodesy.js';
import { SITES } from '../../src/core/schema/registry-schema.js';
import { fieldsInView } from '../../src/core/schema/views.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

type Json = Record<string, unknown>;
type ParamValue = string | number | boolean;
interface Feature {
  attributes: Record<string, unknown>;
  geometry?: { x: number; y: number };
}
interface FeatureSet {
  features: Feature[];
  fields: { name: string }[];
  exceededTransferLimit?: boolean;
  spatialReference?: { wkid: number; latestWkid?: number };
}
interface Row {
  id: number;
  x: number;
  y: number;
}

const WEB_MERCATOR_RADIUS = 6_378_137;
const DEG = Math.PI / 180;

let server: TestServer;
let analyst: string;
let officer: string;
let source: string;
let officerService: string;

beforeAll(async () => {
  server = await startTestServer({ sites: 1500 });
  [analyst, officer] = await Promise.all([server.token('analyst1'), server.token('officer1')]);
  source = server.service('CommunityCameras');
  officerService = server.service('CommunityCameras_officer');
});
afterAll(() => server?.close());

function form(params: Readonly<Record<string, ParamValue>>): URLSearchParams {
  return new URLSearchParams(
    Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]),
  );
}

async function raw(
  url: string,
  params: Readonly<Record<string, ParamValue>>,
  method: 'GET' | 'POST' = 'GET',
): Promise<Response> {
  if (method === 'GET') return fetch(`${url}?${form(params).toString()}`);
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form(params),
  });
}

/** Queries a layer of the source service as the analyst (all fields, no view filter). */
async function query<T = FeatureSet>(
  layerId: number,
  params: Readonly<Record<string, ParamValue>>,
  options: { method?: 'GET' | 'POST'; service?: string; token?: string } = {},
): Promise<T> {
  const url = `${options.service ?? source}/${layerId}/query`;
  const response = await raw(
    url,
    { f: 'json', token: options.token ?? analyst, ...params },
    options.method,
  );
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

async function queryError(
  layerId: number,
  params: Readonly<Record<string, ParamValue>>,
  options: { service?: string; token?: string } = {},
): Promise<{ code: number; message: string; details: string[] }> {
  const body = await query<{ error?: { code: number; message: string; details: string[] } }>(
    layerId,
    params,
    options,
  );
  expect(body.error).toBeDefined();
  return body.error as { code: number; message: string; details: string[] };
}

async function ids(layerId: number, params: Readonly<Record<string, ParamValue>>) {
  const body = await query<{ objectIds: number[]; error?: unknown }>(layerId, {
    ...params,
    returnIdsOnly: true,
  });
  expect(body.error).toBeUndefined();
  return [...body.objectIds].sort((a, b) => a - b);
}

function sql<T = Json>(text: string, ...params: (string | number | null)[]): T[] {
  return server.db.prepare(text).all(...params) as T[];
}

function sqlIds(text: string, ...params: (string | number | null)[]): number[] {
  return sql<{ id: number }>(text, ...params)
    .map((row) => row.id)
    .sort((a, b) => a - b);
}

function allRows(table: 'sites' | 'cameras'): Row[] {
  return sql<Row>(`SELECT "OBJECTID" AS id, _x AS x, _y AS y FROM ${table}`);
}

/** The officer view's definition expression for Sites, as SQL with `now` bound. */
function officerSitesWhere(now: number): string {
  return `status = 'verified' AND (confirm_due_at IS NULL OR confirm_due_at > ${now})`;
}

function mercator([lon, lat]: readonly [number, number]): [number, number] {
  return [
    WEB_MERCATOR_RADIUS * lon * DEG,
    WEB_MERCATOR_RADIUS * Math.log(Math.tan(Math.PI / 4 + (lat * DEG) / 2)),
  ];
}

/** Even-odd point in polygon, the oracle for polygon queries. */
function insideRing(ring: readonly (readonly [number, number])[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < xi + ((y - yi) * (xj - xi)) / (yj - yi)) inside = !inside;
  }
  return inside;
}

/** A busy part of town: the middle of the seeded sites' extent. */
function cityMiddle(): { lon: number; lat: number } {
  const [row] = sql<{ x: number; y: number }>('SELECT avg(_x) AS x, avg(_y) AS y FROM sites');
  return { lon: row!.x, lat: row!.y };
}

function siteAt(offset: number): Row {
  const [row] = sql<Row>(
    'SELECT "OBJECTID" AS id, _x AS x, _y AS y FROM sites ORDER BY "OBJECTID" LIMIT 1 OFFSET ?',
    offset,
  );
  return row!;
}

/**
 * Officers must search somewhere (the server refuses a query of Sites or Cameras without a
 * small enough area): a box of about 2.6 km by 2.2 km in the middle of town.
 */
function officerArea(): { params: { geometry: string; geometryType: string }; sql: string } {
  const { lon, lat } = cityMiddle();
  const box = { xmin: lon - 0.015, ymin: lat - 0.01, xmax: lon + 0.015, ymax: lat + 0.01 };
  return {
    params: { geometry: JSON.stringify(box), geometryType: 'esriGeometryEnvelope' },
    sql: `_x BETWEEN ${box.xmin} AND ${box.xmax} AND _y BETWEEN ${box.ymin} AND ${box.ymax}`,
  };
}

describe('where', () => {
  it('filters on a coded value like SQL does', async () => {
    expect(await ids(0, { where: "site_type = 'business'" })).toEqual(
      sqlIds(`SELECT "OBJECTID" AS id FROM sites WHERE site_type = 'business'`),
    );
  });

  it('combines IN, <>, AND and OR with AND binding tighter', async () => {
    const where =
      "status IN ('pending', 'expired') AND share_willingness <> 'no' OR site_type = 'religious'";
    const expected = sqlIds(`SELECT "OBJECTID" AS id FROM sites WHERE ${where}`);
    expect(expected.length).toBeGreaterThan(10);
    expect(await ids(0, { where })).toEqual(expected);
  });

  it('handles LIKE with UPPER, BETWEEN, IS NULL and NOT', async () => {
    const where =
      "UPPER(address) LIKE '%AVE%' AND (geocode_score BETWEEN 80 AND 95 OR phone IS NULL) AND NOT site_type = 'business'";
    const expected = sqlIds(`SELECT "OBJECTID" AS id FROM sites WHERE ${where}`);
    expect(expected.length).toBeGreaterThan(0);
    expect(await ids(0, { where })).toEqual(expected);
  });

  it('compares dates with timestamp literals and CURRENT_TIMESTAMP', async () => {
    const cut = Date.UTC(2025, 0, 1);
    const expected = sqlIds(
      `SELECT "OBJECTID" AS id FROM sites WHERE last_confirmed_at >= ? AND confirm_due_at < ?`,
      cut,
      Date.now(),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(
      await ids(0, {
        where:
          "last_confirmed_at >= timestamp '2025-01-01 00:00:00' AND confirm_due_at < CURRENT_TIMESTAMP",
      }),
    ).toEqual(expected);
  });

  it('filters numbers on a related layer', async () => {
    const where = "retention_days > 14 AND mount = 'exterior'";
    expect(await ids(1, { where })).toEqual(
      sqlIds(`SELECT "OBJECTID" AS id FROM cameras WHERE ${where}`),
    );
  });

  it('refuses a field the view does not carry', async () => {
    const error = await queryError(
      0,
      { where: "manage_code_hash = 'x'", ...officerArea().params },
      { service: officerService, token: officer },
    );
    expect(error.code).toBe(400);
    expect(error.message).toMatch(/Unknown field 'manage_code_hash'/);
  });

  it('applies the view definition on top of the where clause', async () => {
    const now = Date.now();
    const area = officerArea();
    const body = await query<{ objectIds: number[] }>(
      0,
      { where: "site_type = 'residence'", returnIdsOnly: true, ...area.params },
      { service: officerService, token: officer },
    );
    const expected = sqlIds(
      `SELECT "OBJECTID" AS id FROM sites WHERE site_type = 'residence' AND ${officerSitesWhere(now)} AND ${area.sql}`,
    );
    expect(expected.length).toBeGreaterThan(10);
    expect(
      sqlIds(`SELECT "OBJECTID" AS id FROM sites WHERE site_type = 'residence' AND ${area.sql}`)
        .length,
    ).toBeGreaterThan(expected.length);
    expect([...body.objectIds].sort((a, b) => a - b)).toEqual(expected);
  });
});

describe('objectIds', () => {
  it('accepts a comma list and a JSON array, skipping ids that do not exist', async () => {
    const wanted = [3, 17, 250, 999_999];
    const expected = sqlIds(
      `SELECT "OBJECTID" AS id FROM sites WHERE "OBJECTID" IN (3, 17, 250, 999999)`,
    );
    expect(expected).toEqual([3, 17, 250]);
    expect(await ids(0, { objectIds: wanted.join(',') })).toEqual(expected);
    expect(await ids(0, { objectIds: JSON.stringify(wanted) })).toEqual(expected);
  });

  it('intersects with where and with the view definition', async () => {
    const now = Date.now();
    const candidates = sqlIds(`SELECT "OBJECTID" AS id FROM sites WHERE "OBJECTID" <= 60`);
    const body = await query<{ objectIds: number[] }>(
      0,
      { objectIds: candidates.join(','), where: "share_willingness = 'yes'", returnIdsOnly: true },
      { service: officerService, token: officer },
    );
    expect([...body.objectIds].sort((a, b) => a - b)).toEqual(
      sqlIds(
        `SELECT "OBJECTID" AS id FROM sites WHERE "OBJECTID" <= 60 AND share_willingness = 'yes' AND ${officerSitesWhere(now)}`,
      ),
    );
  });

  it('refuses ids that are not whole numbers', async () => {
    expect((await queryError(0, { objectIds: '1,abc' })).code).toBe(400);
  });
});

describe('geometry, geometryType and inSR', () => {
  it('finds the site at a point given as JSON and as x,y', async () => {
    const site = siteAt(10);
    const expected = sqlIds(
      `SELECT "OBJECTID" AS id FROM sites WHERE _x = ? AND _y = ?`,
      site.x,
      site.y,
    );
    expect(expected).toContain(site.id);
    expect(
      await ids(0, {
        geometry: JSON.stringify({ x: site.x, y: site.y, spatialReference: { wkid: 4326 } }),
        geometryType: 'esriGeometryPoint',
      }),
    ).toEqual(expected);
    expect(await ids(0, { geometry: `${site.x},${site.y}` })).toEqual(expected);
  });

  it('filters by an envelope given as JSON and as xmin,ymin,xmax,ymax', async () => {
    const { lon, lat } = cityMiddle();
    const box = { xmin: lon - 0.01, ymin: lat - 0.008, xmax: lon + 0.012, ymax: lat + 0.006 };
    const expected = sqlIds(
      `SELECT "OBJECTID" AS id FROM sites WHERE _x BETWEEN ? AND ? AND _y BETWEEN ? AND ?`,
      box.xmin,
      box.xmax,
      box.ymin,
      box.ymax,
    );
    expect(expected.length).toBeGreaterThan(5);
    expect(
      await ids(0, { geometry: JSON.stringify(box), geometryType: 'esriGeometryEnvelope' }),
    ).toEqual(expected);
    expect(
      await ids(0, {
        geometry: `${box.xmin},${box.ymin},${box.xmax},${box.ymax}`,
        geometryType: 'esriGeometryEnvelope',
      }),
    ).toEqual(expected);
  });

  it('filters by a polygon with a hole (even-odd)', async () => {
    const { lon, lat } = cityMiddle();
    const outer: [number, number][] = [
      [lon - 0.02, lat - 0.015],
      [lon + 0.025, lat - 0.01],
      [lon + 0.005, lat + 0.02],
      [lon - 0.02, lat - 0.015],
    ];
    const hole: [number, number][] = [
      [lon - 0.002, lat - 0.002],
      [lon + 0.002, lat - 0.002],
      [lon + 0.002, lat + 0.002],
      [lon - 0.002, lat + 0.002],
      [lon - 0.002, lat - 0.002],
    ];
    const expected = allRows('cameras')
      .filter((r) => insideRing(outer, r.x, r.y) && !insideRing(hole, r.x, r.y))
      .map((r) => r.id)
      .sort((a, b) => a - b);
    expect(expected.length).toBeGreaterThan(20);
    expect(
      await ids(1, {
        geometry: JSON.stringify({ rings: [outer, hole], spatialReference: { wkid: 4326 } }),
        geometryType: 'esriGeometryPolygon',
      }),
    ).toEqual(expected);
  });

  it('finds the points a polyline passes through', async () => {
    const a = siteAt(20);
    const b = siteAt(21);
    const expected = sqlIds(
      `SELECT "OBJECTID" AS id FROM sites WHERE (_x = ? AND _y = ?) OR (_x = ? AND _y = ?)`,
      a.x,
      a.y,
      b.x,
      b.y,
    );
    const line = JSON.stringify({
      paths: [
        [
          [a.x, a.y],
          [b.x, b.y],
        ],
      ],
    });
    expect(await ids(0, { geometry: line, geometryType: 'esriGeometryPolyline' })).toEqual(
      expected,
    );
  });

  it('finds every point of a multipoint', async () => {
    const picked = [siteAt(30), siteAt(31), siteAt(32)];
    const expected = sqlIds(
      `SELECT "OBJECTID" AS id FROM sites WHERE ${picked.map(() => '(_x = ? AND _y = ?)').join(' OR ')}`,
      ...picked.flatMap((p) => [p.x, p.y]),
    );
    expect(expected.length).toBeGreaterThanOrEqual(3);
    expect(
      await ids(0, {
        geometry: JSON.stringify({ points: picked.map((p) => [p.x, p.y]) }),
        geometryType: 'esriGeometryMultipoint',
      }),
    ).toEqual(expected);
  });

  it('reads geometry in Web Mercator with inSR=3857 (and from its own spatialReference)', async () => {
    const { lon, lat } = cityMiddle();
    const [xmin, ymin] = mercator([lon - 0.015, lat - 0.01]);
    const [xmax, ymax] = mercator([lon + 0.01, lat + 0.012]);
    const expected = sqlIds(
      `SELECT "OBJECTID" AS id FROM cameras WHERE _x BETWEEN ? AND ? AND _y BETWEEN ? AND ?`,
      lon - 0.015,
      lon + 0.01,
      lat - 0.01,
      lat + 0.012,
    );
    expect(expected.length).toBeGreaterThan(10);
    const envelope = { xmin, ymin, xmax, ymax };
    expect(
      await ids(1, {
        geometry: JSON.stringify(envelope),
        geometryType: 'esriGeometryEnvelope',
        inSR: 3857,
      }),
    ).toEqual(expected);
    expect(
      await ids(1, {
        geometry: JSON.stringify({ ...envelope, spatialReference: { wkid: 102100 } }),
        geometryType: 'esriGeometryEnvelope',
      }),
    ).toEqual(expected);
  });

  it('refuses a geometry that does not match geometryType, bad JSON and unknown inSR', async () => {
    expect(
      (await queryError(0, { geometry: '-94.4,39.1', geometryType: 'esriGeometryPolygon' })).code,
    ).toBe(400);
    expect((await queryError(0, { geometry: '{"rings": [[[0,0],[1' })).code).toBe(400);
    expect((await queryError(0, { geometry: '-94.4,39.1', inSR: 999_999 })).code).toBe(400);
  });

  it('refuses a geometry filter on a table', async () => {
    expect((await queryError(2, { geometry: '-94.4,39.1' })).code).toBe(400);
  });
});

describe('spatialRel', () => {
  it('intersects (the default) includes a polygon boundary, contains excludes it', async () => {
    const a = siteAt(40);
    const { lon, lat } = { lon: a.x, lat: a.y };
    // A triangle with the site exactly on a vertex.
    const ring: [number, number][] = [
      [lon, lat],
      [lon + 0.01, lat - 0.004],
      [lon + 0.006, lat + 0.009],
      [lon, lat],
    ];
    const geometry = JSON.stringify({ rings: [ring] });
    const inside = allRows('sites')
      .filter((r) => insideRing(ring, r.x, r.y))
      .map((r) => r.id);
    const onVertex = sqlIds(`SELECT "OBJECTID" AS id FROM sites WHERE _x = ? AND _y = ?`, lon, lat);
    const intersects = await ids(0, { geometry, geometryType: 'esriGeometryPolygon' });
    const explicit = await ids(0, {
      geometry,
      geometryType: 'esriGeometryPolygon',
      spatialRel: 'esriSpatialRelIntersects',
    });
    const contains = await ids(0, {
      geometry,
      geometryType: 'esriGeometryPolygon',
      spatialRel: 'esriSpatialRelContains',
    });
    expect(explicit).toEqual(intersects);
    expect(intersects).toEqual([...new Set([...inside, ...onVertex])].sort((x, y) => x - y));
    expect(contains).toEqual(inside.filter((id) => !onVertex.includes(id)).sort((x, y) => x - y));
    expect(intersects).toContain(a.id);
    expect(contains).not.toContain(a.id);
    // The site on the vertex touches the triangle.
    expect(
      await ids(0, {
        geometry,
        geometryType: 'esriGeometryPolygon',
        spatialRel: 'esriSpatialRelTouches',
      }),
    ).toContain(a.id);
  });

  it('envelopeIntersects tests against the geometry envelope', async () => {
    const { lon, lat } = cityMiddle();
    const ring: [number, number][] = [
      [lon - 0.01, lat - 0.01],
      [lon + 0.01, lat - 0.01],
      [lon - 0.01, lat + 0.01],
      [lon - 0.01, lat - 0.01],
    ];
    const expected = sqlIds(
      `SELECT "OBJECTID" AS id FROM sites WHERE _x BETWEEN ? AND ? AND _y BETWEEN ? AND ?`,
      lon - 0.01,
      lon + 0.01,
      lat - 0.01,
      lat + 0.01,
    );
    const result = await ids(0, {
      geometry: JSON.stringify({ rings: [ring] }),
      geometryType: 'esriGeometryPolygon',
      spatialRel: 'esriSpatialRelEnvelopeIntersects',
    });
    expect(result).toEqual(expected);
    // Half the box lies outside the triangle, so plain intersects finds fewer.
    const plain = await ids(0, {
      geometry: JSON.stringify({ rings: [ring] }),
      geometryType: 'esriGeometryPolygon',
    });
    expect(plain.length).toBeLessThan(result.length);
  });

  it('reads the query geometry first: an envelope contains its sites and lies within none', async () => {
    const site = siteAt(50);
    const equal = sqlIds(
      `SELECT "OBJECTID" AS id FROM sites WHERE _x = ? AND _y = ?`,
      site.x,
      site.y,
    );
    // A point query lies within, and contains, exactly the sites equal to it.
    for (const spatialRel of ['esriSpatialRelWithin', 'esriSpatialRelContains']) {
      expect(
        await ids(0, {
          geometry: `${site.x},${site.y}`,
          geometryType: 'esriGeometryPoint',
          spatialRel,
        }),
      ).toEqual(equal);
    }
    const { lon, lat } = cityMiddle();
    const [xmin, ymin, xmax, ymax] = [lon - 0.02, lat - 0.02, lon + 0.02, lat + 0.02];
    const inside = sqlIds(
      `SELECT "OBJECTID" AS id FROM sites WHERE _x > ? AND _x < ? AND _y > ? AND _y < ?`,
      xmin,
      xmax,
      ymin,
      ymax,
    );
    expect(inside.length).toBeGreaterThan(0);
    const envelope = {
      geometry: `${xmin},${ymin},${xmax},${ymax}`,
      geometryType: 'esriGeometryEnvelope',
    };
    expect(await ids(0, { ...envelope, spatialRel: 'esriSpatialRelContains' })).toEqual(inside);
    expect(await ids(0, { ...envelope, spatialRel: 'esriSpatialRelWithin' })).toEqual([]);
  });

  it('refuses a relation ArcGIS Online does not answer', async () => {
    const error = await queryError(0, {
      geometry: '-94.4,39.1',
      spatialRel: 'esriSpatialRelDisjoint',
    });
    expect(error.code).toBe(400);
  });
});

describe('distance and units', () => {
  const cases = [
    { units: 'esriSRUnit_Foot', distance: 500, meters: 500 * 0.3048 },
    { units: 'esriSRUnit_Meter', distance: 200, meters: 200 },
    { units: 'esriSRUnit_StatuteMile', distance: 0.25, meters: 0.25 * 1609.344 },
    { units: 'esriSRUnit_Kilometer', distance: 0.3, meters: 300 },
  ] as const;

  for (const { units, distance, meters } of cases) {
    it(`buffers a point geodesically by ${distance} ${units}`, async () => {
      const { lon, lat } = cityMiddle();
      const center: [number, number] = [lon + 0.0013, lat - 0.0007];
      const rows = allRows('cameras').map((r) => ({
        ...r,
        d: geodesicDistanceMeters(center, [r.x, r.y]),
      }));
      const expected = rows
        .filter((r) => r.d <= meters)
        .map((r) => r.id)
        .sort((a, b) => a - b);
      expect(expected.length).toBeGreaterThan(3);
      // No seeded point lies within a millimetre of the circle, so the two must agree exactly.
      expect(rows.filter((r) => Math.abs(r.d - meters) < 1e-3)).toEqual([]);
      const result = await ids(1, {
        geometry: JSON.stringify({ x: center[0], y: center[1] }),
        geometryType: 'esriGeometryPoint',
        distance,
        units,
      });
      expect(result).toEqual(expected);
    });
  }

  it('buffers a polyline (distance to the nearest point of the line)', async () => {
    const { lon, lat } = cityMiddle();
    const a: [number, number] = [lon - 0.006, lat - 0.002];
    const b: [number, number] = [lon + 0.007, lat + 0.003];
    const meters = 60;
    // Oracle: geodesic distance to a dense sampling (every ~0.1 m) of the lon/lat-straight line.
    const steps = 12_000;
    const near = allRows('sites').filter(
      (r) =>
        r.x > Math.min(a[0], b[0]) - 0.002 &&
        r.x < Math.max(a[0], b[0]) + 0.002 &&
        r.y > Math.min(a[1], b[1]) - 0.002 &&
        r.y < Math.max(a[1], b[1]) + 0.002,
    );
    const distances = near.map((r) => {
      let best = Infinity;
      for (let i = 0; i <= steps; i += 1) {
        const t = i / steps;
        const d = geodesicDistanceMeters(
          [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t],
          [r.x, r.y],
        );
        if (d < best) best = d;
      }
      return { id: r.id, d: best };
    });
    const expected = distances
      .filter((r) => r.d <= meters)
      .map((r) => r.id)
      .sort((x, y) => x - y);
    expect(expected.length).toBeGreaterThan(0);
    expect(distances.filter((r) => Math.abs(r.d - meters) < 0.05)).toEqual([]);
    expect(
      await ids(0, {
        geometry: JSON.stringify({ paths: [[a, b]] }),
        geometryType: 'esriGeometryPolyline',
        distance: meters,
        units: 'esriSRUnit_Meter',
      }),
    ).toEqual(expected);
  });

  it('refuses an unknown unit and a negative distance', async () => {
    expect(
      (await queryError(1, { geometry: '-94.4,39.1', distance: 5, units: 'esriSRUnit_Cubit' }))
        .code,
    ).toBe(400);
    expect((await queryError(1, { geometry: '-94.4,39.1', distance: -5 })).code).toBe(400);
  });
});

describe('outFields and returnGeometry', () => {
  it('returns exactly the fields asked for, in the fields list and the attributes', async () => {
    const body = await query(0, {
      where: '1=1',
      outFields: 'address, site_type,OBJECTID',
      resultRecordCount: 5,
    });
    expect(body.fields.map((f) => f.name)).toEqual(['address', 'site_type', 'OBJECTID']);
    for (const feature of body.features) {
      expect(Object.keys(feature.attributes)).toEqual(['address', 'site_type', 'OBJECTID']);
    }
    const [first] = body.features;
    const [row] = sql<Json>(
      `SELECT address, site_type FROM sites WHERE "OBJECTID" = ?`,
      first!.attributes.OBJECTID as number,
    );
    expect(first!.attributes).toMatchObject(row!);
  });

  it('gives every field of the view for *, and refuses a field outside the view', async () => {
    const officerFields = fieldsInView(SITES, 'officer').map((f) => f.name);
    const body = await query(
      0,
      { outFields: '*', resultRecordCount: 3, ...officerArea().params },
      { service: officerService, token: officer },
    );
    expect(body.fields.map((f) => f.name)).toEqual(officerFields);
    expect(Object.keys(body.features[0]!.attributes)).toEqual(officerFields);
    const error = await queryError(
      0,
      { outFields: 'address,manage_code_hash', ...officerArea().params },
      { service: officerService, token: officer },
    );
    expect(error.code).toBe(400);
    expect(error.message).toMatch(/manage_code_hash/);
    expect(JSON.stringify(error)).not.toMatch(/[0-9a-f]{64}/);
  });

  it('leaves geometry out when returnGeometry=false and tables never have any', async () => {
    const withGeometry = await query(1, { outFields: 'OBJECTID', resultRecordCount: 3 });
    expect(withGeometry.features.every((f) => f.geometry !== undefined)).toBe(true);
    const without = await query(1, {
      outFields: 'OBJECTID',
      resultRecordCount: 3,
      returnGeometry: false,
    });
    expect(without.features.every((f) => !('geometry' in f))).toBe(true);
  });
});

describe('outSR', () => {
  async function firstCameras(outSR?: string | number) {
    const body = await query(1, {
      outFields: 'OBJECTID',
      orderByFields: 'OBJECTID',
      resultRecordCount: 25,
      ...(outSR === undefined ? {} : { outSR }),
    });
    const stored = new Map(
      sql<Row>(`SELECT "OBJECTID" AS id, _x AS x, _y AS y FROM cameras WHERE "OBJECTID" <= 25`).map(
        (r) => [r.id, r],
      ),
    );
    return { body, stored };
  }

  it('returns stored WGS84 coordinates unchanged by default and for 4326', async () => {
    for (const outSR of [undefined, 4326, '{"wkid":4326}']) {
      const { body, stored } = await firstCameras(outSR);
      expect(body.spatialReference).toEqual({ wkid: 4326, latestWkid: 4326 });
      for (const f of body.features) {
        const row = stored.get(f.attributes.OBJECTID as number)!;
        expect(f.geometry).toEqual({ x: row.x, y: row.y });
      }
    }
  });

  it('projects to Web Mercator for 3857 and 102100', async () => {
    for (const outSR of [3857, 102100, '{"wkid":102100,"latestWkid":3857}']) {
      const { body, stored } = await firstCameras(outSR);
      expect(body.spatialReference).toEqual({ wkid: 102100, latestWkid: 3857 });
      for (const f of body.features) {
        const row = stored.get(f.attributes.OBJECTID as number)!;
        const [x, y] = mercator([row.x, row.y]);
        expect(f.geometry!.x).toBeCloseTo(x, 4);
        expect(f.geometry!.y).toBeCloseTo(y, 4);
      }
    }
  });

  it('projects to Missouri West state plane in US feet (102698)', async () => {
    const { body, stored } = await firstCameras(102698);
    expect(body.spatialReference?.wkid).toBe(102698);
    const statePlane =
      '+proj=tmerc +lat_0=36.16666666666666 +lon_0=-94.5 +k=0.999941177 +x_0=850000.0001016 +y_0=0 +ellps=GRS80 +units=us-ft +no_defs';
    const toStatePlane = proj4('+proj=longlat +ellps=GRS80 +no_defs', statePlane);
    for (const f of body.features) {
      const row = stored.get(f.attributes.OBJECTID as number)!;
      const [x, y] = toStatePlane.forward([row.x, row.y]);
      // Independence lies about 80 km north of the zone origin, near its central meridian.
      expect(f.geometry!.x).toBeGreaterThan(2_700_000);
      expect(f.geometry!.x).toBeLessThan(2_850_000);
      expect(f.geometry!.y).toBeGreaterThan(900_000);
      expect(Math.abs(f.geometry!.x - x!)).toBeLessThan(0.01);
      expect(Math.abs(f.geometry!.y - y!)).toBeLessThan(0.01);
    }
  });

  it('refuses an unknown output spatial reference', async () => {
    expect((await queryError(1, { outSR: 123_456 })).code).toBe(400);
  });
});

describe('orderByFields', () => {
  it('sorts ascending and descending, ties broken by OBJECTID', async () => {
    for (const direction of ['ASC', 'DESC'] as const) {
      const body = await query(0, {
        where: "site_type = 'residence'",
        outFields: 'OBJECTID,address',
        orderByFields: `address ${direction}`,
        resultRecordCount: 80,
        returnGeometry: false,
      });
      const expected = sql<{ OBJECTID: number; address: string }>(
        `SELECT "OBJECTID", address FROM sites WHERE site_type = 'residence' ORDER BY address ${direction}, "OBJECTID" ASC LIMIT 80`,
      );
      expect(body.features.map((f) => f.attributes)).toEqual(expected.map((r) => ({ ...r })));
    }
  });

  it('sorts by several fields', async () => {
    const body = await query(1, {
      outFields: 'OBJECTID,mount,retention_days',
      orderByFields: 'mount DESC, retention_days ASC, OBJECTID DESC',
      resultRecordCount: 100,
      returnGeometry: false,
    });
    const expected = sql<Json>(
      `SELECT "OBJECTID", mount, retention_days FROM cameras ORDER BY mount DESC, retention_days ASC, "OBJECTID" DESC LIMIT 100`,
    );
    expect(body.features.map((f) => f.attributes)).toEqual(expected.map((r) => ({ ...r })));
  });

  it('refuses SQL in orderByFields', async () => {
    expect((await queryError(0, { orderByFields: 'address; DROP TABLE sites' })).code).toBe(400);
    expect(
      (
        await queryError(
          0,
          { orderByFields: 'manage_code_hash', ...officerArea().params },
          { service: officerService, token: officer },
        )
      ).code,
    ).toBe(400);
  });
});

describe('resultOffset, resultRecordCount and exceededTransferLimit', () => {
  it('caps an unpaged query at maxRecordCount and says so', async () => {
    const total = sql<{ n: number }>('SELECT count(*) AS n FROM cameras')[0]!.n;
    expect(total).toBeGreaterThan(2000);
    const body = await query(1, { outFields: 'OBJECTID', returnGeometry: false });
    expect(body.features).toHaveLength(2000);
    expect(body.exceededTransferLimit).toBe(true);
  });

  it('pages through everything: each id exactly once, in a stable order', async () => {
    const expected = sqlIds(`SELECT "OBJECTID" AS id FROM cameras WHERE mount = 'exterior'`);
    const seen: number[] = [];
    let offset = 0;
    for (;;) {
      const page = await query(1, {
        where: "mount = 'exterior'",
        outFields: 'OBJECTID',
        orderByFields: 'retention_days DESC',
        resultOffset: offset,
        resultRecordCount: 700,
        returnGeometry: false,
      });
      seen.push(...page.features.map((f) => f.attributes.OBJECTID as number));
      offset += page.features.length;
      if (!page.exceededTransferLimit) break;
      expect(page.features).toHaveLength(700);
    }
    expect(seen).toHaveLength(expected.length);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort((a, b) => a - b)).toEqual(expected);
  });

  it('says nothing is exceeded when the page holds the last row exactly', async () => {
    const total = sql<{ n: number }>(
      `SELECT count(*) AS n FROM sites WHERE site_type = 'other'`,
    )[0]!.n;
    const exact = await query(0, {
      where: "site_type = 'other'",
      resultRecordCount: total,
      returnGeometry: false,
    });
    expect(exact.features).toHaveLength(total);
    expect(exact.exceededTransferLimit).toBeUndefined();
    const short = await query(0, {
      where: "site_type = 'other'",
      resultRecordCount: total - 1,
      returnGeometry: false,
    });
    expect(short.exceededTransferLimit).toBe(true);
  });

  it('refuses a negative offset', async () => {
    expect((await queryError(0, { resultOffset: -1 })).code).toBe(400);
  });
});

describe('returnCountOnly, returnIdsOnly and returnExtentOnly', () => {
  it('counts like SQL, inside the view definition', async () => {
    const now = Date.now();
    const area = officerArea();
    const body = await query<{ count: number }>(
      1,
      { where: "recording_mode = 'motion'", returnCountOnly: true, ...area.params },
      { service: officerService, token: officer },
    );
    const expected = sql<{ n: number }>(
      `SELECT count(*) AS n FROM cameras WHERE recording_mode = 'motion' AND ((status IS NULL OR status <> 'removed') AND site_guid IN (SELECT "GlobalID" FROM sites WHERE status = 'verified' AND (confirm_due_at IS NULL OR confirm_due_at > unixepoch('subsec') * 1000))) AND ${area.sql}`,
    )[0]!.n;
    expect(expected).toBeGreaterThan(10);
    expect(body).toEqual({ count: expected });
    const sites = await query<{ count: number }>(
      0,
      { returnCountOnly: true, ...area.params },
      { service: officerService, token: officer },
    );
    expect(sites.count).toBe(
      sql<{ n: number }>(
        `SELECT count(*) AS n FROM sites WHERE ${officerSitesWhere(now)} AND ${area.sql}`,
      )[0]!.n,
    );
  });

  it('returns every id, beyond maxRecordCount', async () => {
    const body = await query<{ objectIdFieldName: string; objectIds: number[] }>(1, {
      returnIdsOnly: true,
    });
    expect(body.objectIdFieldName).toBe('OBJECTID');
    expect(body.objectIds.length).toBeGreaterThan(2000);
    expect(body.objectIds).toEqual(sqlIds('SELECT "OBJECTID" AS id FROM cameras'));
  });

  it('returns the extent as JSON and as a GeoJSON bbox', async () => {
    const where = "site_type = 'business'";
    const [box] = sql<{ xmin: number; ymin: number; xmax: number; ymax: number }>(
      `SELECT min(_x) AS xmin, min(_y) AS ymin, max(_x) AS xmax, max(_y) AS ymax FROM sites WHERE ${where}`,
    );
    const json = await query<{ extent: Json }>(0, { where, returnExtentOnly: true });
    expect(json.extent).toEqual({ ...box, spatialReference: { wkid: 4326, latestWkid: 4326 } });
    const geojson = await query<{ type: string; bbox: number[] }>(0, {
      where,
      returnExtentOnly: true,
      f: 'geojson',
    });
    expect(geojson.type).toBe('FeatureCollection');
    expect(geojson.bbox).toEqual([box!.xmin, box!.ymin, box!.xmax, box!.ymax]);
    const withCount = await query<{ extent: Json; count: number }>(0, {
      where,
      returnExtentOnly: true,
      returnCountOnly: true,
    });
    expect(withCount.count).toBe(
      sql<{ n: number }>(`SELECT count(*) AS n FROM sites WHERE ${where}`)[0]!.n,
    );
  });

  it('projects the extent to outSR', async () => {
    const [box] = sql<{ xmin: number; ymin: number; xmax: number; ymax: number }>(
      'SELECT min(_x) AS xmin, min(_y) AS ymin, max(_x) AS xmax, max(_y) AS ymax FROM cameras',
    );
    const body = await query<{
      extent: { xmin: number; ymin: number; xmax: number; ymax: number };
    }>(1, { returnExtentOnly: true, outSR: 3857 });
    const [xmin, ymin] = mercator([box!.xmin, box!.ymin]);
    const [xmax, ymax] = mercator([box!.xmax, box!.ymax]);
    expect(body.extent.xmin).toBeCloseTo(xmin, 4);
    expect(body.extent.ymin).toBeCloseTo(ymin, 4);
    expect(body.extent.xmax).toBeCloseTo(xmax, 4);
    expect(body.extent.ymax).toBeCloseTo(ymax, 4);
  });
});

describe('returnDistinctValues', () => {
  it('returns each distinct value once, without geometry', async () => {
    const body = await query(1, {
      outFields: 'mount,recording_mode',
      returnDistinctValues: true,
    });
    const expected = sql<Json>(
      'SELECT DISTINCT mount, recording_mode FROM cameras ORDER BY mount, recording_mode',
    );
    expect(body.features.map((f) => f.attributes)).toEqual(expected.map((r) => ({ ...r })));
    expect(body.features.every((f) => !('geometry' in f))).toBe(true);
  });

  it('counts distinct values when asked for a count', async () => {
    const body = await query<{ count: number }>(0, {
      outFields: 'site_type',
      returnDistinctValues: true,
      returnCountOnly: true,
    });
    expect(body.count).toBe(
      sql<{ n: number }>('SELECT count(DISTINCT site_type) AS n FROM sites')[0]!.n,
    );
  });
});

describe('outStatistics and groupByFieldsForStatistics', () => {
  const statistics = [
    { statisticType: 'count', onStatisticField: 'retention_days', outStatisticFieldName: 'n' },
    { statisticType: 'sum', onStatisticField: 'retention_days', outStatisticFieldName: 'total' },
    { statisticType: 'min', onStatisticField: 'retention_days', outStatisticFieldName: 'lo' },
    { statisticType: 'max', onStatisticField: 'retention_days', outStatisticFieldName: 'hi' },
    { statisticType: 'avg', onStatisticField: 'retention_days', outStatisticFieldName: 'mean' },
    { statisticType: 'stddev', onStatisticField: 'retention_days', outStatisticFieldName: 'sd' },
    { statisticType: 'var', onStatisticField: 'retention_days', outStatisticFieldName: 'v' },
  ];

  function describeValues(values: readonly number[]) {
    const n = values.length;
    const total = values.reduce((s, v) => s + v, 0);
    const mean = total / n;
    const v = values.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
    return {
      n,
      total,
      lo: Math.min(...values),
      hi: Math.max(...values),
      mean,
      sd: Math.sqrt(v),
      v,
    };
  }

  it('computes every statistic per group (sample variance and deviation)', async () => {
    const body = await query<{ fields: { name: string }[]; features: Feature[] }>(1, {
      where: 'retention_days IS NOT NULL',
      outStatistics: JSON.stringify(statistics),
      groupByFieldsForStatistics: 'mount',
    });
    expect(body.fields.map((f) => f.name)).toEqual([
      'mount',
      'n',
      'total',
      'lo',
      'hi',
      'mean',
      'sd',
      'v',
    ]);
    const rows = sql<{ mount: string; retention_days: number }>(
      'SELECT mount, retention_days FROM cameras WHERE retention_days IS NOT NULL',
    );
    const groups = Map.groupBy(rows, (r) => r.mount);
    expect(body.features).toHaveLength(groups.size);
    for (const feature of body.features) {
      const values = groups.get(feature.attributes.mount as string)!.map((r) => r.retention_days);
      const expected = describeValues(values);
      for (const [name, value] of Object.entries(expected)) {
        expect(feature.attributes[name] as number).toBeCloseTo(value, 6);
      }
    }
  });

  it('computes statistics over the whole layer without groups', async () => {
    const body = await query<{ features: Feature[] }>(1, {
      outStatistics: JSON.stringify([
        { statisticType: 'count', onStatisticField: 'OBJECTID', outStatisticFieldName: 'cams' },
      ]),
    });
    expect(body.features).toEqual([
      {
        attributes: { cams: sql<{ n: number }>('SELECT count(*) AS n FROM cameras')[0]!.n },
      },
    ]);
  });

  it('refuses an unknown statistic and a field outside the view', async () => {
    expect(
      (
        await queryError(1, {
          outStatistics: JSON.stringify([
            { statisticType: 'median', onStatisticField: 'retention_days' },
          ]),
        })
      ).code,
    ).toBe(400);
    expect(
      (
        await queryError(
          0,
          {
            outStatistics: JSON.stringify([
              { statisticType: 'count', onStatisticField: 'manage_code_hash' },
            ]),
            ...officerArea().params,
          },
          { service: officerService, token: officer },
        )
      ).code,
    ).toBe(400);
  });
});

describe('f, methods and parameters we do not know', () => {
  const params = {
    where: "mount = 'interior_facing_out'",
    outFields: 'OBJECTID,label,mount',
    orderByFields: 'OBJECTID',
    resultRecordCount: 40,
  };

  it('pjson is the same document, indented', async () => {
    const json = await raw(`${source}/1/query`, { ...params, f: 'json', token: analyst });
    const pjson = await raw(`${source}/1/query`, { ...params, f: 'pjson', token: analyst });
    const jsonText = await json.text();
    const pjsonText = await pjson.text();
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(pjsonText).toContain('\n  ');
    expect(jsonText).not.toContain('\n');
    expect(JSON.parse(pjsonText)).toEqual(JSON.parse(jsonText));
  });

  it('geojson carries the same features as GeoJSON', async () => {
    const esri = await query(1, params);
    const response = await raw(`${source}/1/query`, { ...params, f: 'geojson', token: analyst });
    expect(response.headers.get('content-type')).toMatch(/^application\/geo\+json/);
    const geojson = (await response.json()) as {
      type: string;
      features: {
        type: string;
        id: number;
        geometry: { type: string; coordinates: number[] };
        properties: Json;
      }[];
    };
    expect(geojson.type).toBe('FeatureCollection');
    expect(geojson.features).toEqual(
      esri.features.map((f) => ({
        type: 'Feature',
        id: f.attributes.OBJECTID,
        geometry: { type: 'Point', coordinates: [f.geometry!.x, f.geometry!.y] },
        properties: f.attributes,
      })),
    );
  });

  it('geojson flags a truncated page in properties', async () => {
    const body = await query<{ properties?: { exceededTransferLimit?: boolean } }>(1, {
      resultRecordCount: 10,
      f: 'geojson',
    });
    expect(body.properties?.exceededTransferLimit).toBe(true);
  });

  it('refuses formats it cannot write', async () => {
    expect((await queryError(1, { f: 'pbf' })).code).toBe(400);
  });

  it('answers a GET and a form POST identically', async () => {
    const { lon, lat } = cityMiddle();
    const all = {
      ...params,
      where: '1=1',
      geometry: JSON.stringify({ x: lon, y: lat }),
      geometryType: 'esriGeometryPoint',
      distance: 400,
      units: 'esriSRUnit_Meter',
      outSR: 3857,
    };
    const viaGet = await query(1, all, { method: 'GET' });
    const viaPost = await query(1, all, { method: 'POST' });
    expect(viaGet.features.length).toBeGreaterThan(0);
    expect(viaPost).toEqual(viaGet);
  });

  it('ignores parameters it does not know', async () => {
    const plain = await query(1, params);
    const noisy = await query(1, {
      ...params,
      cacheHint: true,
      quantizationParameters: JSON.stringify({ mode: 'view', tolerance: 1 }),
      resultType: 'standard',
      sqlFormat: 'standard',
      returnZ: false,
      somethingElse: 'x',
    });
    expect(noisy).toEqual(plain);
  });
});

describe('hostile where clauses', () => {
  const hostile = [
    '1=1; DROP TABLE sites',
    "site_type = 'x' OR 1=1 --",
    "site_type = 'x' /* comment */",
    '"OBJECTID" IN (SELECT "OBJECTID" FROM users)',
    'site_type = (SELECT password_hash FROM users LIMIT 1)',
    'EXISTS (SELECT 1 FROM sqlite_master)',
    "load_extension('x')",
    "site_type = 'a' UNION SELECT * FROM users",
    "site_type = 'a''",
    '1=1 ORDER BY 1',
    'site_type = char(39)',
    'randomblob(1000000000) IS NOT NULL',
    'x'.repeat(5000),
    '('.repeat(200) + '1=1' + ')'.repeat(200),
  ];

  for (const where of hostile) {
    it(`answers HTTP 200 with a 400 envelope for ${JSON.stringify(where.slice(0, 50))}`, async () => {
      const response = await raw(`${source}/0/query`, { f: 'json', token: analyst, where });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { error?: { code: number; message: string } };
      expect(body.error?.code).toBe(400);
      expect(body.error?.message).not.toMatch(/sqlite|stack|at \w+ \(/i);
    });
  }

  it('still has every table afterwards', () => {
    const tables = sql<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('sites', 'cameras', 'users')",
    );
    expect(tables).toHaveLength(3);
    expect(sql<{ n: number }>('SELECT count(*) AS n FROM sites')[0]!.n).toBeGreaterThan(0);
  });
});

describe('a feature at the state plane origin', () => {
  it('sits at the false easting in 102698', async () => {
    const added = await fetch(`${source}/1/applyEdits`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({
        f: 'json',
        token: analyst,
        adds: JSON.stringify([
          {
            geometry: { x: -94.5, y: 36.16666666666666 },
            attributes: {
              site_guid: sql<{ g: string }>('SELECT "GlobalID" AS g FROM sites LIMIT 1')[0]!.g,
              label: 'Origin',
              mount: 'exterior',
              recording_mode: 'motion',
              retention_days: 7,
            },
          },
        ]),
      }),
    });
    const result = (await added.json()) as { addResults: { objectId: number; success: boolean }[] };
    expect(result.addResults[0]?.success).toBe(true);
    const body = await query(1, {
      objectIds: result.addResults[0]!.objectId,
      outSR: 102698,
    });
    // 850 000 m, written in US survey feet: 2 788 708.333 ftUS.
    expect(body.features[0]!.geometry!.x).toBeCloseTo(2_788_708.333, 2);
    expect(body.features[0]!.geometry!.y).toBeCloseTo(0, 2);
  });
});
