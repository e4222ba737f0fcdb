import '../helpers/arcgis-core-node.js';
import FeatureLayer from '@arcgis/core/layers/FeatureLayer.js';
import Point from '@arcgis/core/geometry/Point.js';
import * as geodesicBufferOperator from '@arcgis/core/geometry/operators/geodesicBufferOperator.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ sites: 300 });
});
afterAll(() => server?.close());

it('probe', async () => {
  const token = await server.token('officer1');
  const layer = new FeatureLayer({ url: `${server.service('CommunityCameras_officer')}/1`, apiKey: token });
  await layer.load();
  await geodesicBufferOperator.load();
  const p = new Point({ x: -94.41, y: 39.08, spatialReference: { wkid: 4326 } });
  const poly = geodesicBufferOperator.execute(p, 500, { unit: 'feet' });
  const r = await layer.queryFeatures({ geometry: poly, spatialRelationship: 'intersects', outFields: ['*'], returnGeometry: true });
  const r2 = await layer.queryFeatures({ geometry: p, distance: 500, units: 'feet', outFields: ['*'], returnGeometry: true });
  console.log(layer.capabilities?.query, r.features.length, r2.features.length, (poly as any).rings[0].length);
  expect(layer.loaded).toBe(true);
});
