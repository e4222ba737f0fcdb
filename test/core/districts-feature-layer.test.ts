/**
 * District and beat polygons from an ArcGIS feature layer URL (`CCR_DISTRICTS=https://…/
 * FeatureServer/0#DIST_NAME`), read as the server reads them at start-up: `loadAreaLayer`
 * with the client layer's `arcgisRequest` (GET) over real HTTP.
 *
 * The local feature service has no polygon layers, so a small Fastify server here stands in
 * for a remote one: it answers `query` as ArcGIS does with `f=geojson` (a FeatureCollection
 * of the asked-for field, `properties.exceededTransferLimit` while more pages remain, at
 * most `maxRecordCount` features a page, ArcGIS's error envelope with HTTP 200 for a bad
 * field), and records what it was asked.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arcgisRequest } from '../../src/client/arcgis-request.js';
import {
  areaAt,
  AreaSourceError,
  AreaSourceIssue,
  MAX_AREAS,
} from '../../src/core/districts/area-layer.js';
import { loadAreaLayer, parseAreaSource } from '../../src/core/districts/area-source.js';
import { ErrorCode } from '../../src/core/errors.js';
import { makeRegistration, postRegistration, seededRandom } from '../helpers/registrations.js';
import { startServerProcess } from '../helpers/server-process.js';
import { TEST_PASSWORD } from '../helpers/test-server.js';

const square = (x0: number, y0: number, size: number) => [
  [x0, y0],
  [x0 + size, y0],
  [x0 + size, y0 + size],
  [x0, y0 + size],
  [x0, y0],
];

/** Five districts in a row, 0.01° wide, west to east, from x = -94.5. */
const DISTRICTS = ['North', 'Central', 'South', 'East', 'West'].map((name, i) => ({
  type: 'Feature',
  id: i + 1,
  geometry: { type: 'Polygon', coordinates: [square(-94.5 + i * 0.01, 39, 0.01)] },
  properties: { DIST_NAME: name, OTHER: 'not asked for' },
}));
const MAX_RECORD_COUNT = 2;
/** The city cut in two at x = -94.41, as a district layer for the whole server. */
const CITY = [
  ['Westside', -94.6],
  ['Eastside', -94.41],
].map(([name, x0]) => ({
  type: 'Feature',
  geometry: {
    type: 'Polygon',
    coordinates: [
      [
        [x0, 38.9],
        [(x0 as number) + 0.19, 38.9],
        [(x0 as number) + 0.19, 39.3],
        [x0, 39.3],
        [x0, 38.9],
      ],
    ],
  },
  properties: { PD_DISTRICT: name },
}));

let server: FastifyInstance;
let base = '';
const asked: Record<string, string>[] = [];

/** The reader the server uses at start-up (src/server/main.ts), with no file system. */
const readers = {
  readText: (): string => {
    throw new Error('no file here');
  },
  query: (url: string, params: Readonly<Record<string, string | number>>) =>
    arcgisRequest(url, params, { httpMethod: 'GET' }),
};

function page(features: readonly object[], offset: number, pageSize: number) {
  const slice = features.slice(offset, offset + pageSize);
  return {
    type: 'FeatureCollection',
    features: slice,
    ...(offset + slice.length < features.length
      ? { properties: { exceededTransferLimit: true } }
      : {}),
  };
}

beforeAll(async () => {
  server = Fastify();
  server.get<{ Params: { service: string }; Querystring: Record<string, string> }>(
    '/arcgis/rest/services/:service/FeatureServer/0/query',
    (request, reply) => {
      const q = request.query;
      asked.push({ service: request.params.service, ...q });
      const offset = Number(q.resultOffset ?? 0);
      switch (request.params.service) {
        case 'Districts': {
          if (q.outFields !== 'DIST_NAME')
            // ArcGIS: HTTP 200 with its error envelope.
            return {
              error: {
                code: 400,
                message: 'Cannot perform query. Invalid query parameters.',
                details: ['Unable to perform query. Please check your parameters.'],
              },
            };
          const features = DISTRICTS.map((f) => ({
            ...f,
            properties: { DIST_NAME: f.properties.DIST_NAME },
          }));
          return page(features, offset, MAX_RECORD_COUNT);
        }
        case 'City':
          // Two halves of the city, one a page, for the server started below.
          return page(CITY, offset, 1);
        case 'Private':
          if (q.token !== 'secret-token')
            return { error: { code: 499, message: 'Token Required', details: [] } };
          return page(DISTRICTS, offset, 10);
        case 'Unnamed':
          // The third area has no name: its index counts across pages.
          return page(
            DISTRICTS.map((f, i) => ({ ...f, properties: i === 2 ? {} : f.properties })),
            offset,
            MAX_RECORD_COUNT,
          );
        case 'EsriJson':
          // A server that ignores f=geojson and answers Esri JSON.
          return { features: [{ attributes: { DIST_NAME: 'North' }, geometry: { rings: [] } }] };
        case 'Endless':
          // Always "more to come": a broken service must not be read forever.
          return {
            type: 'FeatureCollection',
            features: Array.from({ length: 1000 }, (_, i) => ({
              ...DISTRICTS[0],
              properties: { DIST_NAME: `A${offset + i}` },
            })),
            properties: { exceededTransferLimit: true },
          };
        default:
          return reply.code(404).type('text/html').send('<html><body>Not found</body></html>');
      }
    },
  );
  await server.listen({ port: 0, host: '127.0.0.1' });
  const address = server.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await server?.close();
});

const layerUrl = (service: string) => `${base}/arcgis/rest/services/${service}/FeatureServer/0`;

describe('parseAreaSource', () => {
  it('reads files as before: the property after #, `name` when absent', () => {
    expect(parseAreaSource('config/districts.geojson')).toEqual({
      kind: 'file',
      path: 'config/districts.geojson',
      nameProperty: 'name',
    });
    expect(parseAreaSource('d.geojson#DIST')).toEqual({
      kind: 'file',
      path: 'd.geojson',
      nameProperty: 'DIST',
    });
  });

  it('reads a feature layer URL, its name field and any query parameters', () => {
    expect(
      parseAreaSource(
        'https://services.arcgis.com/abc/arcgis/rest/services/PD/FeatureServer/3#BEAT',
      ),
    ).toEqual({
      kind: 'feature-layer',
      layerUrl: 'https://services.arcgis.com/abc/arcgis/rest/services/PD/FeatureServer/3',
      extraParams: {},
      nameProperty: 'BEAT',
    });
    expect(
      parseAreaSource(
        'http://gis.city.example/arcgis/rest/services/PD/MapServer/12/?token=a%2Bb#D',
      ),
    ).toEqual({
      kind: 'feature-layer',
      layerUrl: 'http://gis.city.example/arcgis/rest/services/PD/MapServer/12',
      extraParams: { token: 'a+b' },
      nameProperty: 'D',
    });
    expect(parseAreaSource('https://x.example/rest/services/PD/FeatureServer/0')).toMatchObject({
      nameProperty: 'name',
    });
  });

  it('refuses a URL that names no layer', () => {
    for (const spec of [
      'https://x.example/rest/services/PD/FeatureServer',
      'https://x.example/rest/services/PD/FeatureServer/layers',
      'https://x.example/districts.geojson',
      'https://x.example/rest/services/PD/FeatureServer/0/query',
      'https:///FeatureServer/0',
    ])
      expect(() => parseAreaSource(spec), spec).toThrow(
        expect.objectContaining({ issue: AreaSourceIssue.NotFeatureLayer }),
      );
  });
});

describe('loadAreaLayer from a feature layer', () => {
  it('asks for the name field in GeoJSON and WGS84, page by page, and places points', async () => {
    asked.length = 0;
    const layer = await loadAreaLayer(`${layerUrl('Districts')}#DIST_NAME`, readers);
    expect(layer.areas.map((a) => a.name)).toEqual(['North', 'Central', 'South', 'East', 'West']);
    // Three pages of at most two, each from where the last ended; the last says no more.
    expect(asked.map((q) => q.resultOffset)).toEqual(['0', '2', '4']);
    for (const q of asked)
      expect(q).toMatchObject({
        where: '1=1',
        outFields: 'DIST_NAME',
        f: 'geojson',
        outSR: '4326',
        returnGeometry: 'true',
      });
    expect(areaAt(layer, [-94.455, 39.005])).toBe('West');
    expect(areaAt(layer, [-94.495, 39.005])).toBe('North');
    expect(areaAt(layer, [-94.4, 39.005])).toBeNull();
  });

  it('sends the query parameters given with the URL (a token) with every page', async () => {
    asked.length = 0;
    const layer = await loadAreaLayer(
      `${layerUrl('Private')}?token=secret-token#DIST_NAME`,
      readers,
    );
    expect(layer.areas).toHaveLength(5);
    expect(asked.map((q) => q.token)).toEqual(['secret-token']);
    await expect(loadAreaLayer(`${layerUrl('Private')}#DIST_NAME`, readers)).rejects.toMatchObject({
      code: ErrorCode.AuthRequired,
    });
  });

  it("turns the service's refusals and failures into errors with their code", async () => {
    // A field the layer does not have: ArcGIS's envelope, code 400.
    await expect(loadAreaLayer(`${layerUrl('Districts')}#NAME`, readers)).rejects.toMatchObject({
      code: ErrorCode.InvalidInput,
    });
    // Not a layer at all: an HTML 404 page.
    await expect(loadAreaLayer(`${layerUrl('Missing')}#NAME`, readers)).rejects.toMatchObject({
      code: ErrorCode.Service,
    });
    // Nothing listening.
    await expect(
      loadAreaLayer('http://127.0.0.1:9/arcgis/rest/services/X/FeatureServer/0#N', readers),
    ).rejects.toMatchObject({ code: ErrorCode.Network });
  });

  it('refuses answers that are not named polygons in GeoJSON', async () => {
    await expect(loadAreaLayer(`${layerUrl('EsriJson')}#DIST_NAME`, readers)).rejects.toMatchObject(
      { issue: AreaSourceIssue.NotFeatureCollection },
    );
    const unnamed = loadAreaLayer(`${layerUrl('Unnamed')}#DIST_NAME`, readers);
    await expect(unnamed).rejects.toBeInstanceOf(AreaSourceError);
    await expect(unnamed).rejects.toMatchObject({ issue: AreaSourceIssue.NoName, feature: 2 });
  });

  it(`stops a layer that never stops offering pages past ${MAX_AREAS} areas`, async () => {
    asked.length = 0;
    await expect(loadAreaLayer(`${layerUrl('Endless')}#DIST_NAME`, readers)).rejects.toMatchObject({
      issue: AreaSourceIssue.TooManyAreas,
    });
    // 10 pages of 1,000 are allowed (exactly MAX_AREAS); the 11th goes over.
    expect(asked).toHaveLength(11);
  });

  it('still reads a file through the reader given', async () => {
    const layer = await loadAreaLayer('areas.geojson#DIST_NAME', {
      ...readers,
      readText: (path) => {
        expect(path).toBe('areas.geojson');
        return JSON.stringify({ type: 'FeatureCollection', features: DISTRICTS });
      },
    });
    expect(layer.areas.map((a) => a.name)).toHaveLength(5);
  });
});

// Each test starts the server as a process, which hashes the demo passwords first.
describe('the server with CCR_DISTRICTS set to a feature layer URL', { timeout: 120_000 }, () => {
  it('reads the layer at start-up and derives each new site’s district from it', async () => {
    asked.length = 0;
    const dir = mkdtempSync(join(tmpdir(), 'ccr-districts-'));
    const server = await startServerProcess({
      dbFile: join(dir, 'registry.sqlite'),
      demoPassword: TEST_PASSWORD,
      env: { CCR_DISTRICTS: `${layerUrl('City')}#PD_DISTRICT`, CCR_RATE_LIMITS: 'off' },
    });
    try {
      expect(asked.map((q) => [q.service, q.resultOffset, q.outFields])).toEqual([
        ['City', '0', 'PD_DISTRICT'],
        ['City', '1', 'PD_DISTRICT'],
      ]);
      const random = seededRandom(12);
      const registrations = Array.from({ length: 6 }, () => makeRegistration(random));
      const source = server.service('CommunityCameras');
      for (const registration of registrations)
        expect(
          await postRegistration(server.service('CommunityCameras_public'), registration),
        ).toEqual({ kind: 'acknowledged' });
      const token = await server.token('analyst1', TEST_PASSWORD);
      const answer = (await (
        await fetch(`${source}/0/query`, {
          method: 'POST',
          body: new URLSearchParams({
            f: 'json',
            token,
            where: '1=1',
            outFields: 'GlobalID,district',
            returnGeometry: 'true',
          }),
        })
      ).json()) as {
        features: { attributes: { GlobalID: string; district: string }; geometry: { x: number } }[];
      };
      expect(answer.features).toHaveLength(6);
      for (const f of answer.features)
        expect(f.attributes.district).toBe(f.geometry.x < -94.41 ? 'Westside' : 'Eastside');
      expect(new Set(answer.features.map((f) => f.attributes.district)).size).toBe(2);
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start when the layer cannot be read, naming why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccr-districts-'));
    try {
      const failure: unknown = await startServerProcess({
        dbFile: join(dir, 'registry.sqlite'),
        demoPassword: TEST_PASSWORD,
        env: { CCR_DISTRICTS: `${layerUrl('Districts')}?token=not-in-logs#NAME` },
      }).then(
        (server) => server.stop().then(() => 'started'),
        (error: unknown) => String(error),
      );
      expect(failure).toMatch(/FeatureServer\/0 as district or beat polygons: INVALID_INPUT: /);
      expect(failure).not.toContain('not-in-logs');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
