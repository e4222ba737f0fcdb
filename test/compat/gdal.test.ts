/**
 * GDAL (Debian's gdal-bin) reading the local feature service the way it reads ArcGIS
 * Online: `ogrinfo` and `ogr2ogr` on an `ESRIJSON:` query URL, run as child processes
 * against the real server on loopback.
 *
 * What GDAL does with such a URL (seen in its `CPL_DEBUG` output, asserted below):
 * - opening: the URL as given; when the answer says `exceededTransferLimit: true` it pages
 *   with `&resultRecordCount=<first page size>&resultOffset=<n>` (drv_esrijson);
 * - `ogrinfo -so`: the first page, then `&returnCountOnly=true` for the feature count and
 *   `&returnExtentOnly=true` with `f=geojson` for the extent;
 * - an `{ "error": … }` body: not recognised as such (GDAL 3.6 says "Missing 'fields'
 *   member"), but the open fails and the tool exits non-zero.
 *
 * Each GDAL run is a process, so the tests keep them few (eleven in all).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAMERAS, SITES } from '../../src/core/schema/registry-schema.js';
import {
  esriJsonSource,
  gdalVersion,
  maskToken,
  ogr2ogrGeoJson,
  parseLayerSummary,
  runGdal,
  type GeoJsonFeature,
} from '../helpers/compat-gdal.js';
import {
  ids,
  inBox,
  officerRows,
  SMALL_AREA,
  sourceRows,
  storedRow,
  type PointRow,
} from '../helpers/compat-registry.js';
import { startProvisionedTestServer, type TestServer } from '../helpers/test-server.js';

/** More sites than maxRecordCount (2000), so both layers of the source view need pages. */
const SEEDED_SITES = 2100;
const MAX_RECORD_COUNT = 2000;

interface LayerField {
  name: string;
  type: string;
  length?: number;
}

let server: TestServer;
let analystToken: string;
let officerToken: string;
let version: readonly number[];

beforeAll(async () => {
  server = await startProvisionedTestServer({ sites: SEEDED_SITES });
  [analystToken, officerToken, version] = await Promise.all([
    server.token('analyst1'),
    server.token('officer1'),
    gdalVersion(),
  ]);
});
afterAll(() => server?.close());

const sourceLayer = (id: number) => `${server.service('CommunityCameras')}/${id}`;
const officerLayer = (id: number) => `${server.service('CommunityCameras_officer')}/${id}`;

/** The source an analyst or officer types: every field, every feature, token in the URL. */
function everything(layerUrl: string, token: string, extra: Record<string, string> = {}) {
  return esriJsonSource(layerUrl, { where: '1=1', outFields: '*', ...extra, f: 'json', token });
}

async function layerFields(layerUrl: string, token: string): Promise<LayerField[]> {
  const response = await fetch(`${layerUrl}?f=json&token=${token}`);
  return ((await response.json()) as { fields: LayerField[] }).fields;
}

/**
 * The OGR type GDAL gives an ArcGIS field type. GDAL 3.6 reads dates as text (epoch
 * milliseconds) and small integers as plain integers; newer GDAL (its current
 * ogresrijsonreader.cpp) reads them as DateTime and Integer(Int16). On 3.6 only the 3.6
 * mapping is accepted.
 */
function ogrTypes(esriType: string): readonly string[] {
  const byType: Record<string, readonly string[]> = {
    esriFieldTypeOID: ['Integer'],
    esriFieldTypeInteger: ['Integer'],
    esriFieldTypeSmallInteger: ['Integer', 'Integer(Int16)'],
    esriFieldTypeDouble: ['Real'],
    esriFieldTypeSingle: ['Real', 'Real(Float32)'],
    esriFieldTypeDate: ['String', 'DateTime'],
  };
  const accepted = byType[esriType] ?? ['String'];
  return version[0] === 3 && version[1] === 6 ? accepted.slice(0, 1) : accepted;
}

function expectFieldsAsLayerJson(
  summary: ReturnType<typeof parseLayerSummary>,
  fields: readonly LayerField[],
) {
  expect([...summary.fields.keys()]).toEqual(fields.map((f) => f.name));
  for (const field of fields) {
    const ogr = summary.fields.get(field.name)!;
    expect(ogrTypes(field.type), `${field.name} (${field.type}) read as ${ogr.type}`).toContain(
      ogr.type,
    );
    if (field.type === 'esriFieldTypeString') expect(ogr.width).toBe(field.length);
  }
}

/** The box GDAL reports must be the box around the stored points. */
function expectExtentOf(extent: readonly number[], rows: readonly PointRow[]) {
  const xs = rows.map((r) => r.x);
  const ys = rows.map((r) => r.y);
  const want = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
  extent.forEach((value, i) => expect(value).toBeCloseTo(want[i]!, 6));
}

/** GDAL's features carry the stored OBJECTIDs, points and attribute values. */
function expectFeaturesAsStored(
  features: readonly GeoJsonFeature[],
  table: 'sites' | 'cameras',
  expected: readonly PointRow[],
  fields: readonly LayerField[],
) {
  expect(features).toHaveLength(expected.length);
  expect(ids(features.map((f) => f.properties.OBJECTID as number))).toEqual(ids(expected));
  const byId = new Map(expected.map((r) => [r.id, r]));
  for (const feature of features) {
    const row = byId.get(feature.properties.OBJECTID as number)!;
    expect(feature.geometry?.type).toBe('Point');
    expect(feature.geometry?.coordinates[0]).toBeCloseTo(row.x, 9);
    expect(feature.geometry?.coordinates[1]).toBeCloseTo(row.y, 9);
  }
  // Attribute values, field by field, on a sample spread over every page.
  for (const feature of features.filter((_, i) => i % 97 === 0)) {
    const stored = storedRow(server, table, feature.properties.OBJECTID as number);
    for (const field of fields) {
      const value = feature.properties[field.name] ?? null;
      const want = stored[field.name] ?? null;
      if (want === null) expect(value, field.name).toBeNull();
      else if (field.type === 'esriFieldTypeDate' && typeof value === 'string' && /\D/.test(value))
        expect(Date.parse(value.endsWith('Z') ? value : `${value}Z`), field.name).toBe(want);
      else if (typeof want === 'number' && typeof value === 'string')
        expect(value, field.name).toBe(String(want)); // GDAL 3.6: dates as epoch text
      else expect(value, field.name).toEqual(want);
    }
  }
}

describe('GDAL reads the source view as an analyst', () => {
  it('reports a GDAL 3 version', () => {
    expect(version[0]).toBe(3);
  });

  for (const [id, layer, table] of [
    [0, SITES, 'sites'],
    [1, CAMERAS, 'cameras'],
  ] as const) {
    it(`ogrinfo: ${layer.name} is a WGS 84 point layer with the layer JSON's fields and the stored count and extent`, async () => {
      const [run, fields] = await Promise.all([
        runGdal('ogrinfo', ['-ro', '-al', '-so', everything(sourceLayer(id), analystToken)]),
        layerFields(sourceLayer(id), analystToken),
      ]);
      expect(run.errors).toEqual([]);
      expect(run.code).toBe(0);
      const summary = parseLayerSummary(run.stdout);
      const stored = sourceRows(server, table);
      expect(stored.length).toBeGreaterThan(MAX_RECORD_COUNT);
      expect(summary.geometry).toBe('Point');
      expect(run.stdout).toMatch(/ID\["EPSG",4326\]\]/);
      expect(summary.featureCount).toBe(stored.length);
      expectExtentOf(summary.extent, stored);
      expectFieldsAsLayerJson(summary, fields);
      // The count and extent come from the server, not from reading every page.
      const base = maskToken(`${sourceLayer(id)}/query?where=1%3D1&outFields=*&f=json&token=x`);
      expect(run.fetched).toEqual([
        base,
        `${base}&returnCountOnly=true`,
        `${base.replace('f=json', 'f=geojson')}&returnExtentOnly=true`,
      ]);
    });

    it(`ogr2ogr: every ${layer.name} feature to GeoJSON, paging past maxRecordCount`, async () => {
      const [run, fields] = await Promise.all([
        ogr2ogrGeoJson(everything(sourceLayer(id), analystToken)),
        layerFields(sourceLayer(id), analystToken),
      ]);
      expect(run.errors).toEqual([]);
      expect(run.code).toBe(0);
      const stored = sourceRows(server, table);
      expectFeaturesAsStored(run.features!, table, stored, fields);
      const pages = Math.ceil(stored.length / MAX_RECORD_COUNT);
      expect(run.fetched).toHaveLength(pages);
      run.fetched.slice(1).forEach((url, page) => {
        expect(url).toMatch(
          new RegExp(`&resultRecordCount=2000&resultOffset=${(page + 1) * MAX_RECORD_COUNT}$`),
        );
      });
    });
  }
});

describe('GDAL reads the officer view as an officer', () => {
  it('Cameras: the whole city, every camera the officer may see, in pages', async () => {
    const [info, copy, fields] = await Promise.all([
      runGdal('ogrinfo', ['-ro', '-al', '-so', everything(officerLayer(1), officerToken)]),
      ogr2ogrGeoJson(everything(officerLayer(1), officerToken)),
      layerFields(officerLayer(1), officerToken),
    ]);
    const visible = officerRows(server, 'cameras');
    expect(visible.length).toBeGreaterThan(MAX_RECORD_COUNT);
    expect(info.errors).toEqual([]);
    const summary = parseLayerSummary(info.stdout);
    expect(summary.geometry).toBe('Point');
    // GDAL's count is a whole-layer returnCountOnly on the officer view.
    expect(info.fetched[1]).toMatch(/&returnCountOnly=true$/);
    expect(summary.featureCount).toBe(visible.length);
    expectExtentOf(summary.extent, visible);
    expectFieldsAsLayerJson(summary, fields);
    expect(fields.map((f) => f.name)).not.toContain('Creator');

    expect(copy.errors).toEqual([]);
    expectFeaturesAsStored(copy.features!, 'cameras', visible, fields);
    expect(copy.fetched.length).toBe(Math.ceil(visible.length / MAX_RECORD_COUNT));
  });

  it('Sites city-wide with contact fields: the server refuses and GDAL fails, never returning an empty layer', async () => {
    const source = everything(officerLayer(0), officerToken);
    const [info, copy] = await Promise.all([
      runGdal('ogrinfo', ['-ro', '-al', '-so', source]),
      ogr2ogrGeoJson(source),
    ]);
    for (const run of [info, copy]) {
      expect(run.code).not.toBe(0);
      expect(run.errors.length).toBeGreaterThan(0);
      expect(run.fetched).toEqual([maskToken(source.slice('ESRIJSON:'.length))]);
    }
    expect(info.stdout).not.toMatch(/Feature Count/);
    expect(copy.features).toBeNull();
    // What GDAL was told, which GDAL 3.6 does not print ("Missing 'fields' member").
    expect(info.errors.join('\n')).toMatch(/Missing 'fields' member|Failed to read ESRIJSON/);
    const body = (await (await fetch(source.slice('ESRIJSON:'.length))).json()) as unknown;
    expect(body).toMatchObject({
      error: { code: 400, message: expect.stringMatching(/Search a smaller area/) as unknown },
    });
  });

  it('Sites with contact fields in a small area: every site there, contact details included', async () => {
    const area = [SMALL_AREA.xmin, SMALL_AREA.ymin, SMALL_AREA.xmax, SMALL_AREA.ymax].join(',');
    const run = await ogr2ogrGeoJson(
      everything(officerLayer(0), officerToken, {
        geometry: area,
        geometryType: 'esriGeometryEnvelope',
        inSR: '4326',
        spatialRel: 'esriSpatialRelIntersects',
      }),
    );
    expect(run.errors).toEqual([]);
    const expected = officerRows(server, 'sites').filter(inBox(SMALL_AREA));
    expect(expected.length).toBeGreaterThan(20);
    expect(ids(run.features!.map((f) => f.properties.OBJECTID as number))).toEqual(ids(expected));
    for (const feature of run.features!) {
      const stored = storedRow(server, 'sites', feature.properties.OBJECTID as number);
      expect(feature.properties.contact_name).toBe(stored.contact_name);
      expect(feature.properties.address).toBe(stored.address);
    }
  });

  it('Sites city-wide without contact fields: every site the officer may see', async () => {
    const run = await ogr2ogrGeoJson(
      esriJsonSource(officerLayer(0), {
        where: '1=1',
        outFields: 'OBJECTID,site_type,share_willingness,district,beat',
        f: 'json',
        token: officerToken,
      }),
    );
    expect(run.errors).toEqual([]);
    const visible = officerRows(server, 'sites');
    expect(visible.some((r) => !inBox(SMALL_AREA)(r))).toBe(true);
    expect(ids(run.features!.map((f) => f.properties.OBJECTID as number))).toEqual(ids(visible));
    expect(Object.keys(run.features![0]!.properties).sort()).toEqual(
      ['OBJECTID', 'beat', 'district', 'share_willingness', 'site_type'].sort(),
    );
  });
});
