/**
 * The client failures reported against the officer view, each replayed with the requests the
 * client itself sends (taken from the clients' source, cited per test), against the real
 * server on loopback:
 *
 * (a) esri-leaflet asks for layer metadata at `…/FeatureServer/<id>/?f=json` (its `cleanUrl`
 *     appends a slash to every service URL);
 * (b) QGIS's ArcGIS Feature Service provider: layer JSON, then every id with
 *     `where=1=1&returnIdsOnly=true`, then features by `objectIds` in batches with
 *     `outFields=*`;
 * (c) a whole-layer `returnCountOnly` (@arcgis/core decides between loading a whole layer and
 *     loading it tile by tile with one; GDAL counts with one);
 * (d) an @arcgis/core map at 1:60,000 drawing the officer Cameras layer: Web Mercator
 *     envelopes about the size of the city.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cityBox,
  ids,
  inBox,
  officerRows,
  SMALL_AREA,
  storedRow,
  type Box,
  type PointRow,
} from '../helpers/compat-registry.js';
import { startProvisionedTestServer, type TestServer } from '../helpers/test-server.js';

type Json = Record<string, unknown>;
interface Feature {
  attributes: Record<string, unknown>;
  geometry?: { x: number; y: number };
}

let server: TestServer;
let officerToken: string;

beforeAll(async () => {
  // More officer-visible cameras than maxRecordCount (2000), so whole-layer reads need pages.
  server = await startProvisionedTestServer({ sites: 2100 });
  officerToken = await server.token('officer1');
});
afterAll(() => server?.close());

const officerService = () => server.service('CommunityCameras_officer');
const officerLayer = (id: number) => `${officerService()}/${id}`;

async function getJson(url: string, params: Record<string, string> = {}): Promise<Json> {
  const query = new URLSearchParams({ ...params, token: officerToken });
  const response = await fetch(`${url}${url.includes('?') ? '&' : '?'}${query.toString()}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Json;
}

describe('(a) a trailing slash, as esri-leaflet sends it', () => {
  // esri-leaflet 3.1 `Util.cleanUrl` adds "/" to the layer URL; `Service.metadata` then GETs
  // `<url>/` + `?f=json&token=…` (Request.js `xmlHttpGet`).
  it('…/FeatureServer/0/?f=json is the layer resource', async () => {
    for (const id of [0, 1]) {
      const withSlash = await getJson(`${officerLayer(id)}/`, { f: 'json' });
      expect(withSlash).toEqual(await getJson(officerLayer(id), { f: 'json' }));
      expect(withSlash).toMatchObject({ id, type: 'Feature Layer', objectIdField: 'OBJECTID' });
    }
  });

  it('…/FeatureServer/?f=json and …/0/query/?… too', async () => {
    expect(await getJson(`${officerService()}/`, { f: 'json' })).toEqual(
      await getJson(officerService(), { f: 'json' }),
    );
    const count = { where: '1=1', returnCountOnly: 'true', f: 'json' };
    expect(await getJson(`${officerLayer(1)}/query/`, count)).toEqual(
      await getJson(`${officerLayer(1)}/query`, count),
    );
  });
});

/**
 * One GET as QGIS sends it (QgsArcGisRestQueryUtils::queryService): the token in the
 * ESRI-token auth method's header, `Bearer <token> ` with its trailing space
 * (qgsauthesritokenmethod.cpp), which `fetch` would trim, hence `node:http`.
 */
function qgisGet(url: string): Promise<Json> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      { headers: { 'X-Esri-Authorization': `Bearer ${officerToken} ` } },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve(JSON.parse(body) as Json));
      },
    );
    request.on('error', reject);
    request.end();
  });
}

interface QgisBatch {
  readonly size: number;
  readonly error?: { code: number; message: string };
}

/**
 * QGIS's provider (qgsafsprovider.cpp, qgsafsshareddata.cpp, qgsarcgisrestquery.cpp):
 * `getLayerInfo` (`<layer>?f=json`), `getObjectIds` (`<layer>/query?f=json&where=1=1
 * &returnIdsOnly=true`, plus an envelope when "only request features overlapping the view
 * extent" is set), then `getFeature` fetches by `objectIds`, 100 at a time, with
 * `inSR`/`outSR` from the layer CRS, `returnGeometry=true&outFields=*&returnM=false
 * &returnZ=false`; on an error it retries the batch with a fifth as many ids, down to one,
 * and keeps the smaller size.
 */
async function qgisLoad(layerUrl: string, options: { extent?: Box; maxFeatures?: number } = {}) {
  const layer = await qgisGet(`${layerUrl}?f=json`);
  const idQuery = new URLSearchParams({ f: 'json', where: '1=1', returnIdsOnly: 'true' });
  if (options.extent) {
    const { xmin, ymin, xmax, ymax } = options.extent;
    idQuery.set('geometry', `${xmin},${ymin},${xmax},${ymax}`);
    idQuery.set('geometryType', 'esriGeometryEnvelope');
    idQuery.set('spatialRel', 'esriSpatialRelEnvelopeIntersects');
  }
  const idAnswer = await qgisGet(`${layerUrl}/query?${idQuery.toString()}`);
  const objectIds = (idAnswer.objectIds as number[] | undefined) ?? [];
  const wanted = objectIds.slice(0, options.maxFeatures ?? objectIds.length);
  const features: Feature[] = [];
  const batches: QgisBatch[] = [];
  let batchSize = 100;
  for (let next = 0; next < wanted.length;) {
    const batch = wanted.slice(next, next + batchSize);
    const query = [
      'f=json',
      `objectIds=${batch.join(',')}`,
      'inSR=4326',
      'outSR=4326',
      'returnGeometry=true',
      'outFields=*',
      'returnM=false',
      'returnZ=false',
    ].join('&');
    const answer = await qgisGet(`${layerUrl}/query?${query}`);
    if (answer.error) {
      batches.push({ size: batch.length, error: answer.error as QgisBatch['error'] });
      if (batchSize === 1) throw new Error(`QGIS gives up: ${JSON.stringify(answer.error)}`);
      batchSize = Math.max(1, Math.floor(batchSize / 5));
      continue;
    }
    batches.push({ size: batch.length });
    features.push(...(answer.features as Feature[]));
    next += batch.length;
  }
  return { layer, idAnswer, features, batches };
}

function expectPointsAsStored(features: readonly Feature[], rows: readonly PointRow[]) {
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const feature of features) {
    const row = byId.get(feature.attributes.OBJECTID as number);
    expect(row).toBeDefined();
    expect(feature.geometry).toEqual({ x: row!.x, y: row!.y });
  }
}

describe("(b) QGIS's request sequence on the officer view", () => {
  it('Cameras: the ids of every camera the officer may see, then every camera in batches of 100', async () => {
    const { layer, idAnswer, features, batches } = await qgisLoad(officerLayer(1));
    expect(layer).toMatchObject({ name: 'Cameras', objectIdField: 'OBJECTID' });
    const visible = officerRows(server, 'cameras');
    expect(idAnswer.objectIdFieldName).toBe('OBJECTID');
    expect(ids(idAnswer.objectIds as number[])).toEqual(ids(visible));
    expect(batches.every((b) => !b.error)).toBe(true);
    expect(batches).toHaveLength(Math.ceil(visible.length / 100));
    expect(ids(features.map((f) => f.attributes.OBJECTID as number))).toEqual(ids(visible));
    expectPointsAsStored(features, visible);
  });

  it('Sites: the first request (every id, where=1=1&returnIdsOnly=true) is answered', async () => {
    const answer = await qgisGet(`${officerLayer(0)}/query?f=json&where=1%3D1&returnIdsOnly=true`);
    expect(answer.error).toBeUndefined();
    expect(ids(answer.objectIds as number[])).toEqual(ids(officerRows(server, 'sites')));
  });

  it('Sites with "only features in the view extent" on a small view: every site there, with contact details', async () => {
    const { features, batches } = await qgisLoad(officerLayer(0), { extent: SMALL_AREA });
    const expected = officerRows(server, 'sites').filter(inBox(SMALL_AREA));
    expect(expected.length).toBeGreaterThan(100); // more than one batch
    expect(batches.every((b) => !b.error)).toBe(true);
    expect(ids(features.map((f) => f.attributes.OBJECTID as number))).toEqual(ids(expected));
    expectPointsAsStored(features, expected);
    for (const feature of features) {
      const stored = storedRow(server, 'sites', feature.attributes.OBJECTID as number);
      expect(feature.attributes.contact_name).toBe(stored.contact_name);
    }
  });

  it('Sites city-wide: a batch spread over town is refused with a 400 naming the limit; QGIS then shrinks its batches until they are admitted', async () => {
    const audited = () =>
      (server.db.prepare('SELECT count(*) AS n FROM officer_read_audit').get() as { n: number }).n;
    const auditBefore = audited();
    // The first 100 features, as QGIS fetches them to draw or list the layer.
    const { features, batches } = await qgisLoad(officerLayer(0), { maxFeatures: 100 });
    expect(batches[0]).toEqual({
      size: 100,
      error: {
        code: 400,
        message: expect.stringMatching(/within 4 km by 4 km/) as unknown,
        details: ['geometry'],
        field: 'geometry',
      },
    });
    // Then a fifth as many ids each time. With the seeded town (at the time of writing) 100, 20
    // and 4 consecutive sites are spread wider than 4 km and one site per request is admitted,
    // so QGIS reads every site's contact details one request each: only the per-officer daily
    // cap and the read audit bound that.
    const refused = batches.filter((b) => b.error);
    for (const batch of refused) {
      expect([100, 20, 4]).toContain(batch.size); // one site never spans anything
      expect(batch.error).toMatchObject({ code: 400 });
    }
    const admitted = batches.filter((b) => !b.error);
    expect(features).toHaveLength(100);
    expect(features.every((f) => typeof f.attributes.contact_name === 'string')).toBe(true);
    // Every admitted contact read is in the officer-read audit, one entry per request.
    expect(audited() - auditBefore).toBe(admitted.length);
  });
});

describe('(c) a whole-layer returnCountOnly on the officer view', () => {
  // @arcgis/core 5.1 ExceedsLimitCache: the layer's query with returnGeometry=false,
  // cacheHint=true, no orderByFields, returnCountOnly=true; a failure makes the map fall
  // back to tiles. GDAL's `ogrinfo` sends `<its URL>&returnCountOnly=true`.
  for (const [id, table] of [
    [1, 'cameras'],
    [0, 'sites'],
  ] as const) {
    it(`${table}: the number of features the officer may see`, async () => {
      const asArcgisCore = await getJson(`${officerLayer(id)}/query`, {
        f: 'json',
        where: '1=1',
        returnGeometry: 'false',
        spatialRel: 'esriSpatialRelIntersects',
        outFields: 'OBJECTID',
        outSR: '102100',
        cacheHint: 'true',
        returnCountOnly: 'true',
      });
      const asGdal = await getJson(`${officerLayer(id)}/query`, {
        where: '1=1',
        outFields: '*',
        f: 'json',
        returnCountOnly: 'true',
      });
      const visible = officerRows(server, table).length;
      expect(asArcgisCore).toEqual({ count: visible });
      expect(asGdal).toEqual({ count: visible });
    });
  }
});

/** Web Mercator (EPSG:3857) of a longitude and latitude, as @arcgis/core projects them. */
function webMercator(lon: number, lat: number): [number, number] {
  const R = 6378137;
  return [(R * lon * Math.PI) / 180, R * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))];
}

describe('(d) an @arcgis/core map at 1:60,000 drawing officer Cameras', () => {
  // A 1280 × 800 px map at 96 dpi, 1:60,000, centred on the city: 20.3 km by 12.7 km on the
  // ground, so its Web Mercator extent is about 26 km by 16 km at this latitude.
  const SCALE = 60_000;
  const VIEW_PX = [1280, 800] as const;
  function viewExtent(): Box {
    const city = cityBox(server);
    const lat = (city.ymin + city.ymax) / 2;
    const [cx, cy] = webMercator((city.xmin + city.xmax) / 2, lat);
    const mercatorPerPixel = (SCALE * 0.0254) / 96 / Math.cos((lat * Math.PI) / 180);
    const [halfW, halfH] = VIEW_PX.map((px) => (px * mercatorPerPixel) / 2) as [number, number];
    return { xmin: cx - halfW, ymin: cy - halfH, xmax: cx + halfW, ymax: cy + halfH };
  }
  function camerasIn(extent: Box): PointRow[] {
    return officerRows(server, 'cameras').filter((r) => {
      const [x, y] = webMercator(r.x, r.y);
      return x >= extent.xmin && x <= extent.xmax && y >= extent.ymin && y <= extent.ymax;
    });
  }

  /**
   * A tile query as the 2D view builds it (FeatureSourceQueryInfo.createPagedTileQuery):
   * the tile's envelope in the view's spatial reference, resultType=tile, quantization,
   * OBJECTID order, and pages of maxRecordCount with returnExceededLimitFeatures.
   */
  async function tileQuery(extent: Box, page: number, pageSize = 2000) {
    const geometry = { ...extent, spatialReference: { wkid: 102100, latestWkid: 3857 } };
    const resolution = (SCALE * 0.0254) / 96;
    return getJson(`${officerLayer(1)}/query`, {
      f: 'json',
      geometry: JSON.stringify(geometry),
      geometryType: 'esriGeometryEnvelope',
      inSR: '102100',
      outSR: '102100',
      spatialRel: 'esriSpatialRelIntersects',
      where: '1=1',
      outFields: 'OBJECTID',
      orderByFields: 'OBJECTID ASC',
      returnGeometry: 'true',
      resultType: 'tile',
      quantizationParameters: JSON.stringify({
        mode: 'view',
        originPosition: 'upperLeft',
        tolerance: resolution,
        extent: geometry,
      }),
      resultOffset: String(page * pageSize),
      resultRecordCount: String(pageSize),
      returnExceededLimitFeatures: 'true',
    });
  }

  it('the view extent, city-sized, returns every camera in it, paged', async () => {
    const extent = viewExtent();
    const expected = camerasIn(extent);
    expect(expected.length).toBeGreaterThan(2000);
    const features: Feature[] = [];
    for (let page = 0; ; page += 1) {
      const answer = await tileQuery(extent, page);
      expect(answer.error).toBeUndefined();
      expect(answer.spatialReference).toMatchObject({ wkid: 102100 });
      features.push(...(answer.features as Feature[]));
      if (answer.exceededTransferLimit !== true) break;
    }
    expect(ids(features.map((f) => f.attributes.OBJECTID as number))).toEqual(ids(expected));
    const byId = new Map(expected.map((r) => [r.id, r]));
    for (const feature of features.slice(0, 50)) {
      const row = byId.get(feature.attributes.OBJECTID as number)!;
      const [x, y] = webMercator(row.x, row.y);
      expect(feature.geometry!.x).toBeCloseTo(x, 3);
      expect(feature.geometry!.y).toBeCloseTo(y, 3);
    }
  });

  it('a whole-layer snapshot, as the view loads point layers under 80,000 features, gets every camera', async () => {
    // FeatureSnapshotLoadStrategy: no geometry, pages of maxRecordCount, OBJECTID order.
    const features: Feature[] = [];
    for (let page = 0; ; page += 1) {
      const answer = await getJson(`${officerLayer(1)}/query`, {
        f: 'json',
        where: '1=1',
        outFields: 'OBJECTID',
        orderByFields: 'OBJECTID ASC',
        outSR: '102100',
        returnGeometry: 'true',
        spatialRel: 'esriSpatialRelIntersects',
        resultOffset: String(page * 2000),
        resultRecordCount: '2000',
        returnExceededLimitFeatures: 'true',
        maxRecordCountFactor: '4',
        cacheHint: 'true',
      });
      expect(answer.error).toBeUndefined();
      features.push(...(answer.features as Feature[]));
      if (answer.exceededTransferLimit !== true) break;
    }
    expect(ids(features.map((f) => f.attributes.OBJECTID as number))).toEqual(
      ids(officerRows(server, 'cameras')),
    );
  });
});
