import { expect, it } from 'vitest';

it('probes the sdk', async () => {
  const esriConfig = (await import('@arcgis/core/config.js')).default;
  esriConfig.assetsPath = '/assets';
  const MapView = (await import('@arcgis/core/views/MapView.js')).default;
  const Map = (await import('@arcgis/core/Map.js')).default;
  const GeoJSONLayer = (await import('@arcgis/core/layers/GeoJSONLayer.js')).default;
  const div = document.createElement('div');
  div.style.width = '600px'; div.style.height = '400px';
  document.body.append(div);
  const t0 = performance.now();
  const map = new Map({ layers: [new GeoJSONLayer({ url: '/demo-data/streets.geojson' })] });
  const view = new MapView({ container: div, map, center: [-94.4155, 39.0868], zoom: 15, spatialReference: { wkid: 3857 } });
  try {
    await Promise.race([view.when(), new Promise((_, r) => setTimeout(() => r(new Error('timeout')), 20000))]);
    console.log('view ready', view.ready, performance.now() - t0);
    const shot = await view.takeScreenshot({ width: 200, height: 100 });
    console.log('shot', shot.dataUrl.length);
  } catch (e) { console.log('view failed', String(e), (e as {details?: unknown}).details); }
  expect(1).toBe(1);
});
